"""The public disclosure page (信息公示, ``/public/``) in a real headless Chromium against a real
Lode: with the demo data it shows the licences in force exactly as ``/public/v1/licences``
lists them and draws their map, without any token, under the Content-Security-Policy and
with nothing fetched from another host; it speaks English on request and keeps the choice;
a random draw is checked again in the browser from its published seed; a refused request
(429) says how long to wait; a bureau's real start (``LODE_DEMO=0``) shows what each empty
list means; and axe-core finds no serious or critical accessibility violation, at a desk's
width and a phone's.

Screenshots are kept in ``$LODE_ARTEFACTS`` when it is set (else in a temporary folder):
``public-page-zh.png``, ``public-page-en.png``, ``public-page-phone.png``,
``public-page-empty.png``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
import pytest

from lode_common.testing import eventually
from services.reporting.tests.browser.pages import shot, violations

if TYPE_CHECKING:
    from services.reporting.tests.browser.conftest import Browser, Lode


pytestmark = pytest.mark.timeout(300)

SCREENSHOTS = ""
"""The screenshots go to ``$LODE_ARTEFACTS`` itself."""
DESK = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
DEMO_DEADLINE_S = 180
PAGE_SIZE = 20
"""The page's rows per page (src/public/paged.js)."""
PAGE_PATHS = ("/public/", "/public/v1/", "/reporting/app/assets/")
"""Everything the public page may ask its server for: itself, the public API, its files."""
TOO_MANY = r"status of 429"
"""Chromium's console line for the 429 that test provokes."""


async def _public(lode: Lode, path: str, **params: Any) -> dict[str, Any]:
    """An answer of the public API, as anyone gets it: no token."""
    async with httpx.AsyncClient(base_url=lode.url, timeout=30) as client:
        answer = await client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


async def _demo_in_reporting(lode: Lode) -> None:
    """Until reporting holds the demo's licences and their 2024 reports (the demo loads after
    the system starts; the reports come after the licences). Asked of the staff API, so that
    the public API's cache keeps nothing from before."""

    async def arrived() -> bool:
        async with httpx.AsyncClient(
            base_url=lode.url, headers={"Authorization": f"Bearer {lode.viewer_token}"}
        ) as client:
            answer = await client.get("/reporting/v1/indicators", params={"year": 2024})
        assert answer.status_code == 200, answer.text
        return any(item["actual"] is not None for item in answer.json()["items"])

    await eventually(
        arrived, timeout_s=DEMO_DEADLINE_S, interval_s=0.5, what="the demo to reach reporting"
    )


async def _open(browser: Browser, lode: Lode, tab: str = "", **options: Any) -> tuple[Any, Any]:
    """The public page (optionally at a tab: ``#grants``) once its summary has answered."""
    page, watch = await browser.page(lode, **{"viewport": DESK, **options})
    response = await page.goto(f"{lode.url}/public/{tab}")
    assert response is not None
    assert response.status == 200
    await page.wait_for_selector("main[data-ready=true]")
    return page, watch


async def _panel(page: Any, name: str) -> Any:
    """The tab's panel once it has answered (ready, empty or failed: not loading)."""
    panel = page.locator(f"[data-panel={name}]")
    await page.wait_for_selector(f"[data-panel={name}]:not([data-state=loading])")
    return panel


def _own_requests(urls: list[str], origin: str) -> list[str]:
    """The page's requests that are none of its own (the page, the public API, its files)."""
    odd = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob"):
            continue
        if f"{parts.scheme}://{parts.netloc}" != origin or not parts.path.startswith(PAGE_PATHS):
            odd.append(url)
    return odd


def _centre_pixel(features: list[dict[str, Any]], box: dict[str, float]) -> tuple[float, float]:
    """Where the largest licence's centre is drawn: the map fits the features' bounding box,
    longitude shortened by ``aspectScale`` 0.76, into 92% of the canvas's shorter side around
    its centre (LicenceMap.vue's ``geo`` layout), latitude upwards."""

    def points(geometry: dict[str, Any]) -> list[list[float]]:
        rings = geometry["coordinates"]
        if geometry["type"] == "MultiPolygon":
            rings = [ring for polygon in rings for ring in polygon]
        return [point for ring in rings for point in ring]

    every = [p for f in features for p in points(f["geometry"])]
    west, east = min(p[0] for p in every), max(p[0] for p in every)
    south, north = min(p[1] for p in every), max(p[1] for p in every)
    largest = max(features, key=lambda f: float(f["properties"]["area_ha"] or 0))
    own = points(largest["geometry"])
    lon = (min(p[0] for p in own) + max(p[0] for p in own)) / 2
    lat = (min(p[1] for p in own) + max(p[1] for p in own)) / 2
    aspect = (east - west) / (north - south) * 0.76
    size = 0.92 * min(box["width"], box["height"])
    width, height = (size, size / aspect) if aspect > 1 else (size * aspect, size)
    left = box["x"] + box["width"] / 2 - width / 2
    top = box["y"] + box["height"] / 2 - height / 2
    return left + (lon - west) / (east - west) * width, top + (north - lat) / (
        north - south
    ) * height


async def _hover_licence(page: Any, features: list[dict[str, Any]]) -> str:
    """The map's tooltip over the largest licence (searched around its predicted centre)."""
    from playwright.async_api import TimeoutError as NoTooltip

    canvas = page.locator(".map-canvas")
    box = await canvas.bounding_box()
    x, y = _centre_pixel(features, box)
    for dx, dy in [(0, 0)] + [(i, j) for i in range(-9, 10, 3) for j in range(-9, 10, 3)]:
        await page.mouse.move(x + dx, y + dy)
        try:
            await page.wait_for_function(
                "() => /C\\d{22}/.test(document.querySelector('.map-canvas').innerText)",
                timeout=400,
            )
        except NoTooltip:
            continue
        return await canvas.inner_text()  # type: ignore[no-any-return]
    raise AssertionError(f"no tooltip around ({x:.0f}, {y:.0f}) on the map")


async def test_the_demo_licences_in_force_and_their_map_without_a_token(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    await _demo_in_reporting(lode)
    page, watch = await _open(browser, lode)
    sent_tokens: list[str] = []
    page.on(
        "request",
        lambda request: (
            sent_tokens.append(request.url) if "authorization" in request.headers else None
        ),
    )
    panel = await _panel(page, "licences")

    summary = await _public(lode, "/public/v1/summary")
    year = summary["year"]
    listed = await _public(lode, "/public/v1/licences", year=year, limit=PAGE_SIZE, offset=0)
    assert listed["total"] > 0, "the demo has licences in force this year"
    assert await panel.get_attribute("data-state") == "ready"
    assert await panel.get_attribute("data-total") == str(listed["total"])
    caption = await panel.locator("table caption").inner_text()
    assert caption == f"{year}年度有效的矿业权，共 {listed['total']} 个"
    rows = panel.locator("table tbody tr")
    shown = [
        (await rows.nth(i).locator("td").first.inner_text()).split()[0]
        for i in range(await rows.count())
    ]
    assert shown == [item["licence_no"] for item in listed["items"]], "the API's first page"
    # demo records are flagged, every one of them
    assert all(item["illustrative"] for item in listed["items"])
    assert await panel.locator("table tbody .illustrative").count() == len(listed["items"])
    assert "示例数据" in await panel.locator(".illustrative-note").inner_text()
    # the summary says the same count, and the plan names the page
    licences_card = page.locator("[data-summary=licences] .figure")
    assert await licences_card.inner_text() == str(summary["licences"]["total"])
    assert await page.locator("h1").inner_text() == f"{summary['plan']['title_zh']}实施信息公示"

    # the map: every licence with an area, coloured by right type, with a legend
    mapped = await _public(lode, "/public/v1/licences/map", year=year)
    drawn = panel.locator(".licence-map")
    await page.wait_for_selector(".licence-map[data-state=ready]")
    assert await drawn.get_attribute("data-features") == str(len(mapped["features"]))
    legend = {
        await item.get_attribute("data-right-type"): await item.inner_text()
        for item in await drawn.locator(".legend li").all()
    }
    by_type: dict[str, int] = {}
    for feature in mapped["features"]:
        kind = feature["properties"]["right_type"]
        by_type[kind] = by_type.get(kind, 0) + 1
    assert {
        kind: f"{'采矿权' if kind == 'mining' else '探矿权'}（{n} 个）"
        for kind, n in by_type.items()
    } == {kind: text.strip() for kind, text in legend.items()}
    tooltip = await _hover_licence(page, mapped["features"])
    number = re.search(r"C\d{22}", tooltip)
    assert number is not None
    hovered = next(f for f in mapped["features"] if f["properties"]["licence_no"] == number[0])
    assert hovered["properties"]["holder_name"] in tooltip
    assert hovered["properties"]["mineral"] in tooltip
    assert "示例数据" in tooltip

    # the next page comes from the server
    await panel.locator(".pager .btn-next").click()
    await page.wait_for_function(
        "first => document.querySelector('[data-panel=licences] tbody td')"
        ".innerText.split(/\\s/)[0] !== first",
        arg=shown[0],
    )
    second = await _public(lode, "/public/v1/licences", year=year, limit=PAGE_SIZE, offset=20)
    first_of_second = await panel.locator("table tbody tr td").first.inner_text()
    assert first_of_second.split()[0] == second["items"][0]["licence_no"]

    await shot(page, artefacts, "public-page-zh")
    assert not sent_tokens, f"the page sent a token: {sent_tokens}"
    assert not _own_requests(watch.requests, lode.url), "the page asks only for public data"
    assert not await page.evaluate("() => Object.keys(sessionStorage).length")


async def test_a_search_narrows_the_table_and_the_map(browser: Browser, lode: Lode) -> None:
    await _demo_in_reporting(lode)
    page, _ = await _open(browser, lode)
    panel = await _panel(page, "licences")
    year = (await _public(lode, "/public/v1/summary"))["year"]
    await panel.get_by_label("矿种", exact=True).fill("铁矿")
    await panel.locator("button[type=submit]").click()
    iron = await _public(
        lode, "/public/v1/licences", year=year, mineral="铁矿", limit=PAGE_SIZE, offset=0
    )
    await page.wait_for_function(
        "total => document.querySelector('[data-panel=licences]').dataset.total === total",
        arg=str(iron["total"]),
    )
    minerals = await panel.locator("table tbody tr td:nth-child(5)").all_inner_texts()
    assert minerals
    assert set(minerals) == {"铁矿"}
    iron_map = await _public(lode, "/public/v1/licences/map", year=year, mineral="铁矿")
    await page.wait_for_function(
        "n => document.querySelector('.licence-map').dataset.features === n",
        arg=str(len(iron_map["features"])),
    )
    # nothing matches: the table says so in both languages
    await panel.get_by_label("许可证号或矿业权人", exact=True).fill("不存在的矿业权人")
    await page.keyboard.press("Enter")
    empty = page.locator("[data-empty=licences]")
    await empty.wait_for()
    assert "没有符合筛选条件的矿业权" in await empty.locator('[lang="zh-CN"]').inner_text()
    assert "matches the filters" in await empty.locator('[lang="en"]').inner_text()


async def test_the_english_toggle_is_kept_and_keyboard_reachable(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    await _demo_in_reporting(lode)
    page, _ = await _open(browser, lode)
    await _panel(page, "licences")
    assert await page.evaluate("document.documentElement.lang") == "zh-CN"

    # from the top of the page: the skip link, then 中文, then English, by keyboard alone
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.className") == "skip-link"
    await page.keyboard.press("Tab")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.dataset.lang") == "en"
    await page.keyboard.press("Enter")

    await page.wait_for_function("document.documentElement.lang === 'en'")
    summary = await _public(lode, "/public/v1/summary")
    title_en = f"{summary['plan']['title_en']} — public disclosure"
    assert await page.locator("h1").inner_text() == title_en
    assert await page.locator('[data-lang="en"]').get_attribute("aria-pressed") == "true"
    assert await page.locator("#tab-licences").inner_text() == "Licences in force"
    caption = await page.locator("[data-panel=licences] table caption").inner_text()
    assert caption == f"Licences in force in {summary['year']}: {summary['licences']['total']}"
    assert await page.title() == f"{title_en} · {summary['plan']['title_zh']}实施信息公示"
    await shot(page, artefacts, "public-page-en")

    # kept across a reload (localStorage), and back
    await page.reload()
    await page.wait_for_selector("main[data-ready=true]")
    assert await page.evaluate("document.documentElement.lang") == "en"
    await page.click('[data-lang="zh"]')
    await page.wait_for_function("document.documentElement.lang === 'zh-CN'")
    assert await page.locator("#tab-licences").inner_text() == "有效矿业权"

    # the tabs: arrow keys move between them, the address keeps the tab
    await page.focus("#tab-licences")
    await page.keyboard.press("ArrowRight")
    await page.wait_for_function("document.activeElement.id === 'tab-decisions'")
    await page.keyboard.press("Enter")
    await _panel(page, "decisions")
    assert page.url.endswith("#decisions")


async def test_a_draw_is_checked_again_in_the_browser(browser: Browser, lode: Lode) -> None:
    """双随机一公开: a draw made through the monitoring API is published with its seed and
    population, and the page draws it again (SHA-256 in the browser) and finds it the same."""
    await _demo_in_reporting(lode)
    admin = {"Authorization": f"Bearer {lode.admin_token}"}
    year = (await _public(lode, "/public/v1/summary"))["year"]
    async with httpx.AsyncClient(base_url=lode.url, headers=admin, timeout=30) as client:
        for n in (1, 2):
            roster = await client.post(
                "/monitoring/v1/inspectors",
                json={"id": f"page-{n}", "name": f"检查员{n}", "subject": f"page-{n}@bureau"},
            )
            assert roster.status_code in (200, 201), roster.text
        made = await client.post(
            "/monitoring/v1/inspection-draws", json={"year": year, "seed": "信息公示页面测试"}
        )
        assert made.status_code == 201, made.text
    draw = made.json()

    async def published() -> None:
        async with httpx.AsyncClient(base_url=lode.url, headers=admin) as client:
            answer = await client.get(
                "/reporting/v1/supervision", params={"year": year}
            )  # staff's view: the draw has reached reporting (the public cache stays cold)
        assert answer.status_code == 200, answer.text
        assert answer.json()["draws"]["count"] >= 1

    await eventually(published, timeout_s=60, interval_s=0.25, what="the draw to reach reporting")

    page, _ = await _open(browser, lode, "#inspections")
    await _panel(page, "inspections")
    card = page.locator(f"[data-draw='{draw['id']}']")
    await card.wait_for()
    assert await card.locator("[data-field=seed]").inner_text() == "信息公示页面测试"
    drawn = await card.locator(".drawn-list li").all_inner_texts()
    assert drawn == draw["drawn"]
    assert "sha256-rank-v1" in await card.inner_text()
    assert "SHA-256" in await page.locator(".how-to").inner_text(), "how to redraw is said"
    await card.locator("[data-action=verify]").click()
    result = card.locator(".verify-result")
    await page.wait_for_selector(f"[data-draw='{draw['id']}'] .verify-result[data-result=verified]")
    assert f"得到相同的 {len(draw['drawn'])} 个矿业权" in await result.inner_text()


async def test_too_many_requests_says_how_long_to_wait(browser: Browser, lode: Lode) -> None:
    page, _ = await browser.page(lode, viewport=DESK, expect_console=(TOO_MANY,))
    problem = {
        "type": "https://lode.example/problems/too-many-requests",
        "title": "Too many requests",
        "status": 429,
        "detail": "访问过于频繁，请 2 秒后再试 / Too many requests: retry after 2 s",
    }

    async def refuse(route: Any) -> None:
        await route.fulfill(
            status=429,
            headers={"Retry-After": "2", "Content-Type": "application/problem+json"},
            body=json.dumps(problem),
        )

    grants = re.compile(r"/public/v1/grants\?")
    await page.route(grants, refuse)
    await page.goto(f"{lode.url}/public/#grants")
    notice = page.locator("[data-panel=grants] .api-notice[data-status='429']")
    await notice.wait_for()
    text = await notice.inner_text()
    assert re.search(r"访问过于频繁，请 [12] 秒后再试", text), text
    assert re.search(r"Too many requests, try again in [12] s", text), text
    retry = notice.locator("[data-action=retry]")
    assert await retry.is_disabled(), "no retry before Retry-After has passed"
    await page.unroute(grants, refuse)
    await page.wait_for_selector("[data-panel=grants] [data-action=retry]:not([disabled])")
    await retry.click()
    await page.wait_for_selector(
        "[data-panel=grants]:not([data-state=error]):not([data-state=loading])"
    )


async def test_an_empty_deployment_says_what_each_empty_list_means(
    browser: Browser, lode_empty: Lode, artefacts: Path
) -> None:
    lode = lode_empty
    page, _ = await _open(browser, lode)
    year = (await _public(lode, "/public/v1/summary"))["year"]
    await _panel(page, "licences")
    licences = page.locator("[data-empty=licences]")
    await licences.wait_for()
    assert (
        await licences.locator('[lang="zh-CN"]').inner_text()
        == f"{year}年度暂无有效的探矿权、采矿权。"
    )
    assert await licences.locator('[lang="en"]').inner_text() == (
        f"No exploration or mining licence is in force in {year}."
    )
    map_note = page.locator("[data-empty=map]")
    await map_note.wait_for()
    assert f"{year}年度暂无可在图上显示范围的矿业权" in await map_note.inner_text()
    assert await page.locator("[data-summary=licences] .figure").inner_text() == "0"
    await shot(page, artefacts, "public-page-empty")

    expected = {
        "decisions": ("decisions", "所选期间暂无审批决定。"),
        "grants": ("grants", f"{year}年度暂无矿业权出让。"),
        "lists": ("list-abnormal", "目前没有企业列入经营异常名录。"),
        "inspections": ("draws", f"{year}年度暂无双随机抽取。"),
    }
    for tab, (kind, zh) in expected.items():
        await page.click(f"#tab-{tab}")
        await _panel(page, tab)
        empty = page.locator(f"[data-empty={kind}]")
        await empty.wait_for()
        assert await empty.locator('[lang="zh-CN"]').inner_text() == zh
        assert await empty.locator('[lang="en"]').inner_text()
    results = page.locator("[data-empty=results]")
    assert await results.locator('[lang="zh-CN"]').inner_text() == f"{year}年度暂无检查结果。"
    await page.click("#tab-lists")
    await page.click("[data-list=serious_violation]")
    serious = page.locator("[data-empty=list-serious_violation]")
    await serious.wait_for()
    assert (
        await serious.locator('[lang="zh-CN"]').inner_text() == "目前没有企业列入严重违法失信名单。"
    )


async def test_no_serious_accessibility_violation_at_a_desk_or_on_a_phone(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    """axe-core on every tab (put in from the test's side, under the page's own CSP), and a
    phone's width with no sideways scrolling of the page itself (wide tables scroll in their
    own box)."""
    await _demo_in_reporting(lode)
    found: dict[str, list[str]] = {}
    for name, viewport in (("desk", DESK), ("phone", PHONE)):
        page, _ = await _open(browser, lode, viewport=viewport)
        for tab in ("licences", "decisions", "grants", "lists", "inspections"):
            await page.click(f"#tab-{tab}")
            await _panel(page, tab)
            if tab == "licences":
                await page.wait_for_selector(".licence-map:not([data-state=loading])")
            found[f"{name} {tab}"] = await violations(page)
            overflow = await page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} {tab}: the page scrolls sideways by {overflow}px"
        if name == "phone":
            await page.click("#tab-licences")
            await _panel(page, "licences")
            await shot(page, artefacts, "public-page-phone")
    assert not any(found.values()), json.dumps(found, ensure_ascii=False, indent=1)
