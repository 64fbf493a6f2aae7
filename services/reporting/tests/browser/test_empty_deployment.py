"""The dashboard of a bureau's real start (``LODE_DEMO=0``): no zones, no licences, no
reports. The page draws without an error, the live feed connects, and every empty panel
says what is missing and what to do, in Chinese first and in English; then the first zone
imported is drawn live, without a reload."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from services.reporting.tests.browser.conftest import Browser, Lode


pytestmark = pytest.mark.timeout(300)

ZONE: dict[str, Any] = {
    "type": "Feature",
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [[118.60, 40.90], [118.70, 40.90], [118.70, 41.00], [118.60, 41.00], [118.60, 40.90]]
        ],
    },
    "properties": {"type": "key_mining_area", "code": "ZD-TEST-01", "name_zh": "测试重点开采区"},
}


async def _note(page: Any, selector: str) -> dict[str, str]:
    """The empty-panel note at ``selector``: what is missing and both languages' text."""
    note = page.locator(selector)
    await note.wait_for(state="visible")
    return {
        "missing": await note.get_attribute("data-missing"),
        "zh": await note.locator('[lang="zh-CN"]').text_content(),
        "en": await note.locator('[lang="en"]').text_content(),
        "order": await note.evaluate("n => [...n.children].map(c => c.lang).join(',')"),
    }


async def test_an_empty_deployment_draws_says_what_is_missing_and_goes_live(
    browser: Browser, lode_empty: Lode
) -> None:
    lode = lode_empty
    page, watch = await browser.page(lode, viewport={"width": 1600, "height": 1000})
    await page.goto(lode.url + "/#token=" + lode.viewer_token)
    await page.wait_for_selector("body[data-ready=true]")

    # the live feed starts, although nothing has happened yet
    await page.wait_for_selector('#connection[data-state="open"]', timeout=30000)

    # the map: no zones and no licences, each said with where to act
    note = await _note(page, "#map-empty")
    assert note["order"] == "zh-CN,en", "Chinese first, then English"
    assert note["missing"] == "zones licences"
    assert "分区" in note["zh"]
    assert "POST /zoning/v1/zones/import" in note["zh"]
    assert "import the zones" in note["en"]
    assert "POST /zoning/v1/zones/import" in note["en"]
    assert "矿业权" in note["zh"]
    assert "no licences yet" in note["en"].lower()
    assert await page.locator("#map").get_attribute("data-features") == "0"

    # the indicators: no report for the year, and who sends them
    year = await page.input_value("#year")
    note = await _note(page, "#cards-empty")
    assert note["missing"] == "reports"
    assert f"{year}年" in note["zh"]
    assert "POST /monitoring/v1/reports" in note["zh"]
    assert f"no reports yet for {year}" in note["en"].lower()
    assert await page.locator("#cards li.card").count() > 0, "the targets are still shown"

    # another year: the same note for that year, still no error
    await page.select_option("#year", "2022")
    await page.wait_for_function(
        "() => document.querySelector('#cards-empty [lang=en]').textContent.includes('2022')"
    )

    # the compliance list says there is nothing open, in both languages
    compliance = page.locator("#compliance-summary")
    assert "2022" in (await compliance.text_content() or "")

    # the feed says it waits
    assert await page.locator("#feed-empty").is_visible()

    # the first zone arrives: drawn live, the zones' half of the note gone
    async with httpx.AsyncClient(
        base_url=lode.url, headers={"Authorization": f"Bearer {lode.admin_token}"}, timeout=30
    ) as api:
        plans = (await api.get("/zoning/v1/plans")).json()["items"]
        created = await api.post(
            "/zoning/v1/zones",
            content=json.dumps(
                {**ZONE, "properties": {**ZONE["properties"], "plan_id": plans[0]["plan_id"]}}
            ),
            headers={"Content-Type": "application/geo+json"},
        )
        assert created.status_code == 201, created.text
    await page.wait_for_function(
        "() => document.getElementById('map').dataset.features === '1'", timeout=30000
    )
    note = await _note(page, "#map-empty")
    assert note["missing"] == "licences"
    assert "POST /zoning/v1/zones/import" not in note["zh"]
    assert await page.locator("#map canvas").count() >= 1
    watch.assert_clean()


async def test_before_the_plan_reaches_reporting_the_page_says_so_and_then_draws(
    browser: Browser, lode_empty: Lode
) -> None:
    """The first seconds of a first start: zoning has loaded the plan, reporting has not
    received it yet (its indicators answer 404). The page says so and draws once it has."""
    lode = lode_empty
    page, watch = await browser.page(lode, expect_console=(r"status of 404",))
    refused: list[str] = []

    async def not_yet(route: Any) -> None:
        refused.append(route.request.url)
        await route.fulfill(
            status=404,
            content_type="application/problem+json",
            body=json.dumps(
                {
                    "type": "https://lode.example/problems/not-found",
                    "title": "Not found",
                    "status": 404,
                    "detail": "plan_id: no plan 'pingquan-2021-2025' has reached reporting",
                }
            ),
        )

    await page.route("**/reporting/v1/indicators?*", not_yet)
    await page.goto(lode.url + "/#token=" + lode.viewer_token)
    note = await _note(page, "#cards-empty")
    assert note["missing"] == "plan"
    assert "pingquan-2021-2025" in note["zh"]
    assert "/zoning/v1/plans" in note["en"]
    assert refused
    await page.unroute("**/reporting/v1/indicators?*", not_yet)
    await page.wait_for_selector("body[data-ready=true]", timeout=30000)
    assert await page.get_attribute("#cards-empty", "data-missing") != "plan"
    assert not watch.errors
