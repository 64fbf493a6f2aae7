"""Each service's API docs page (/<service>/docs) and the security headers of the embedded
system, as a browser sees them: Swagger UI comes from the service itself (npm's
``swagger-ui-dist``, copied by ``make assets``), renders the operations with the network to
every other host cut, and runs under the Content-Security-Policy without a violation.

The browser is Debian's Chromium driven by Playwright (``make browser`` installs it as root);
without it the browser test is skipped loudly (a failure under LODE_REQUIRE_SERVICES=1)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from lode.embedded import SERVICES, EmbeddedSystem
from lode.testing import served
from lode_common import api_docs
from lode_common.http import CONTENT_SECURITY_POLICY
from lode_common.testing.plugin import missing
from lode_common.testing.services import free_port

pytestmark = pytest.mark.timeout(300)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})
HTML_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


@dataclass(frozen=True)
class Served:
    url: str


@pytest.fixture(scope="module")
def lode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The embedded system (no demo data) on a free loopback port until the module ends."""
    port = free_port()
    system = EmbeddedSystem(
        data_dir=tmp_path_factory.mktemp("docs"), port=port, demo=False, log_json=True
    )
    with served(system, name="lode-docs") as url:
        yield Served(url)


# ------------------------------------------------------------------ over HTTP, no browser
@pytest.mark.parametrize("service", SERVICES)
def test_every_docs_page_is_served_from_the_service_with_the_security_headers(
    lode: Served, service: str
) -> None:
    response = httpx.get(f"{lode.url}/{service}/docs", timeout=30)
    assert response.status_code == 200, response.text
    for name, value in HTML_HEADERS.items():
        assert response.headers.get_list(name) == [value], name
    assert "https://" not in response.text
    assert "http://" not in response.text


def test_the_dashboard_and_every_answer_of_the_runner_carry_the_headers(lode: Served) -> None:
    page = httpx.get(f"{lode.url}/", timeout=30)
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    nowhere = httpx.get(f"{lode.url}/nowhere/at/all", timeout=30)  # the runner's own 404
    assert nowhere.status_code == 404
    assert nowhere.headers["x-content-type-options"] == "nosniff"
    assert nowhere.headers["referrer-policy"] == "no-referrer"
    for service in SERVICES:
        health = httpx.get(f"{lode.url}/{service}/health", timeout=30)
        assert health.headers["x-content-type-options"] == "nosniff"
        assert "content-security-policy" not in health.headers


# ------------------------------------------------------------------ in Chromium
@dataclass
class Watch:
    """What a page did that a working, offline-safe page never does."""

    origin: str
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def local(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in LOCAL_SCHEMES or f"{parts.scheme}://{parts.netloc}" == self.origin

    async def route(self, route: Any) -> None:
        if self.local(route.request.url):
            await route.continue_()
            return
        self.outside.append(route.request.url)
        await route.abort("blockedbyclient")

    def console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console error: {message.text}")

    def page_error(self, error: Any) -> None:
        self.errors.append(f"uncaught page error: {error}")


def _browser_ready() -> None:
    if not CHROMIUM.exists():
        missing("Chromium", f"{CHROMIUM} is not installed; `make browser` installs it (as root)")
    absent = [f for f in api_docs.VENDOR_FILES if not (api_docs.STATIC / f).is_file()]
    if absent:
        pytest.fail(f"the API docs' assets are not built ({', '.join(absent)}): `make assets`")


@pytest.fixture
async def chromium() -> AsyncIterator[Any]:
    _browser_ready()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await asyncio.wait_for(browser.close(), 30)


@pytest.mark.parametrize("service", SERVICES)
async def test_swagger_ui_renders_the_operations_offline_under_the_policy(
    lode: Served, chromium: Any, service: str
) -> None:
    """Every host but the server is blocked (and every attempt recorded): FastAPI's page
    asked cdn.jsdelivr.net for Swagger UI and stayed blank on an intranet."""
    watch = Watch(lode.url)
    context = await chromium.new_context()
    try:
        await context.route("**/*", watch.route)
        await context.add_init_script(RECORD_CSP_VIOLATIONS)
        page = await context.new_page()
        page.on("console", watch.console)
        page.on("pageerror", watch.page_error)
        response = await page.goto(f"{lode.url}/{service}/docs", wait_until="load")
        assert response is not None
        assert response.status == 200
        headers = await response.all_headers()
        for name, value in HTML_HEADERS.items():
            assert headers.get(name) == value, name
        paths = page.locator("#swagger-ui .opblock-summary-path")
        await paths.first.wait_for(state="visible", timeout=60_000)
        shown = {text.replace("\u200b", "") for text in await paths.all_inner_texts()}
        assert f"/{service}/health" in shown, shown
        assert f"/{service}/v1/admin/outbox" in shown, shown
        title = await page.locator("#swagger-ui .info .title").inner_text()
        assert service in title.lower()
        await page.wait_for_load_state("networkidle")
        violations = await page.evaluate("window.__cspViolations")
    finally:
        await asyncio.wait_for(context.close(), 30)
    assert not watch.outside, f"the docs page tried to reach other hosts: {watch.outside}"
    assert not watch.errors, "\n".join(watch.errors)
    assert violations == [], violations
