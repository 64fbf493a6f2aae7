"""The dashboard and the annual report's HTML work with the network to the outside cut, under
the security headers every HTML page carries (issue 12, item 6).

Every request a page makes to a host other than the server under test is aborted and
recorded by the ``browser`` fixture (Playwright route interception), and any attempt fails
the test; so does any CSP violation (a console error: "Refused to ...", "Executing inline
script violates the following Content Security Policy directive ..."). The headers come from
``lode_common``'s HTTP layer, on every ``text/html`` answer, embedded and behind the proxy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest

from lode_reporting.api import home

if TYPE_CHECKING:
    from services.reporting.tests.browser.conftest import Browser, Lode


pytestmark = pytest.mark.timeout(300)

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def _assert_security_headers(headers: Any, what: str) -> None:
    assert headers["content-type"].startswith("text/html"), what
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, f"{what}: {name} is {headers.get(name)!r}"


@pytest.fixture(params=["demo", "empty"])
def served(request: pytest.FixtureRequest) -> Lode:
    """The dashboard with its demo data, and a bureau's real start with none."""
    name = "lode" if request.param == "demo" else "lode_empty"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


async def test_the_dashboard_works_offline_under_the_security_headers(
    browser: Browser, served: Lode
) -> None:
    page, watch = await browser.page(served, viewport={"width": 1400, "height": 900})
    response = await page.goto(served.url + "/")
    assert response is not None
    assert response.status == 200
    _assert_security_headers(await response.all_headers(), "GET /")
    await page.evaluate(
        "t => sessionStorage.setItem('lode.dashboard.token', t)", served.viewer_token
    )
    await page.reload()
    await page.wait_for_selector("body[data-ready=true]")
    await page.wait_for_selector('#connection[data-state="open"]', timeout=30000)
    await page.wait_for_function(
        "() => document.getElementById('map').dataset.features !== undefined"
    )
    # every language, every panel drawn again: still nothing refused, nothing outside
    await page.click('button[data-lang="en"]')
    await page.click('button[data-lang="zh"]')
    await page.select_option("#year", "2021")
    await page.wait_for_function("() => document.getElementById('cards').dataset.year === '2021'")
    assert watch.requests, "the watch saw the page's requests"
    watch.assert_clean()


async def test_the_annual_reports_html_works_offline_under_the_security_headers(
    browser: Browser, served: Lode
) -> None:
    page, watch = await browser.page(
        served, extra_http_headers={"Authorization": f"Bearer {served.viewer_token}"}
    )
    response = await page.goto(served.url + "/reporting/v1/annual-report/2024?format=html")
    assert response is not None
    assert response.status == 200, await response.text()
    _assert_security_headers(await response.all_headers(), "the annual report")
    assert "2024" in (await page.title())
    watch.assert_clean()


async def test_every_html_answer_of_reporting_carries_the_security_headers(
    lode: Lode, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with httpx.AsyncClient(base_url=lode.url, timeout=30) as client:
        _assert_security_headers((await client.get("/")).headers, "the dashboard")
        report = await client.get(
            "/reporting/v1/annual-report/2022",
            params={"format": "html"},
            headers={"Authorization": f"Bearer {lode.viewer_token}"},
        )
        assert report.status_code == 200
        _assert_security_headers(report.headers, "the annual report")
        monkeypatch.setattr(home, "VENDOR_FILES", ("vendor/not-built.js",))
        missing = await client.get("/")
        assert missing.status_code == 503
        _assert_security_headers(missing.headers, "the page asking for `make assets`")


async def test_the_watch_fails_a_page_on_a_csp_violation_or_a_request_outside(
    browser: Browser, lode: Lode
) -> None:
    """The guard itself: an inline script the policy refuses, and a request to another host
    (with the policy bypassed, so that the request reaches the network layer) are caught."""
    page, watch = await browser.page(lode)
    await page.goto(lode.url + "/")
    await page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__inline = true'; document.head.append(s); }"""
    )
    await page.wait_for_timeout(200)
    assert await page.evaluate("() => window.__inline === undefined"), "the policy holds"
    # Chromium words it "Refused to ..." or "Executing inline script violates ..."
    assert any("Content Security Policy" in e for e in watch.errors), watch.errors
    watch.errors.clear()

    page, watch = await browser.page(lode, bypass_csp=True)
    await page.goto(lode.url + "/")
    outcome = await page.evaluate(
        """() => fetch('http://lode-outside.invalid/x.js').then(() => 'reached', e => 'blocked')"""
    )
    assert outcome == "blocked"
    assert set(watch.outside) == {"http://lode-outside.invalid/x.js"}
    watch.outside.clear()
    watch.errors.clear()  # the blocked fetch's own console line


async def test_reportings_api_docs_work_offline_under_the_security_headers(
    browser: Browser, lode: Lode
) -> None:
    """Swagger UI comes from the package's own assets, not a CDN (lode_common serves it)."""
    page, watch = await browser.page(lode)
    response = await page.goto(lode.url + "/reporting/docs")
    assert response is not None
    assert response.status == 200
    _assert_security_headers(await response.all_headers(), "/reporting/docs")
    await page.wait_for_selector(".swagger-ui .information-container", timeout=30000)
    await page.wait_for_selector(".swagger-ui .opblock", timeout=30000)
    watch.assert_clean()
