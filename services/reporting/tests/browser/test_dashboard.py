"""The dashboard (看板) in a real headless Chromium against a real Lode with its demo data:
it loads with no console error and no request leaving 127.0.0.1, signs in with a token, shows
exactly the API's figures, map and compliance list, the plan's standing, the year's
conflicts with it and its grants, traces a figure to its events, speaks Chinese and English,
and changes a card when a mine reports, without a reload."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from lode_common.testing import eventually
from lode_reporting.api import home

if TYPE_CHECKING:
    from services.reporting.tests.browser.conftest import Browser, Lode, Watch


pytestmark = pytest.mark.timeout(300)

PLAN_ID = "pingquan-2021-2025"
IRON = "iron_concentrate_output"
DEMO_DEADLINE_S = 180
UNAUTHORIZED = r"status of 401"
"""Chromium's console line for the refused token's answer, which that test provokes."""


def _grants_line(grants: dict[str, Any], lang: str) -> str:
    """The dashboard's line for the year's grants, as the page writes the API's counts (the
    price total grouped by thousands, as Intl.NumberFormat does in both languages)."""
    year, summary = grants["year"], grants["summary"]
    total = f"{summary['price_total_cny_10k']:,}"
    if lang == "en":
        if not summary["announced"]:
            return f"No rights were granted in {year}."
        return (
            f"Grants in {year}: {summary['announced']}; {summary['concluded']} concluded "
            f"(price total {total} 10k CNY), {summary['failed']} failed."
        )
    if not summary["announced"]:
        return f"{year}年无矿业权出让。"
    return (
        f"{year}年出让 {summary['announced']} 宗：成交 {summary['concluded']} 宗"
        f"（价款合计 {total} 万元），流拍 {summary['failed']} 宗。"
    )


def _supervision_line(body: dict[str, Any]) -> str:
    """The dashboard's line for the year's supervision (监督检查), as the page writes the
    API's counts (in Chinese)."""
    year, draws, inspections = body["year"], body["draws"], body["inspections"]
    orders, lists = body["orders"], body["lists"]
    if not (draws["count"] or inspections["count"] or orders["issued"] or lists["items"]):
        return f"{year}年无监督检查记录。"
    abnormal = next(c["on_list"] for c in lists["by_list"] if c["list"] == "abnormal")
    return (
        f"{year}年双随机抽取 {draws['drawn']} 个矿业权，检查 {inspections['enterprises']} 户，"
        f"发现问题 {inspections['enterprises_non_compliant']} 户；责令整改 {orders['issued']} 件，"
        f"已整改 {orders['done']} 件，逾期 {orders['overdue']} 件；异常名录在列 {abnormal} 户。"
    )


def _api(lode: Lode) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=lode.url, headers={"Authorization": f"Bearer {lode.admin_token}"}, timeout=30
    )


async def _indicators(api: httpx.AsyncClient, year: int) -> dict[str, Any]:
    r = await api.get("/reporting/v1/indicators", params={"plan_id": PLAN_ID, "year": year})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def _demo_reports_arrived(api: httpx.AsyncClient) -> None:
    """Until reporting holds the demo mines' reports of 2024 (the demo loads after start)."""

    async def arrived() -> bool:
        items = {i["id"]: i for i in (await _indicators(api, 2024))["items"]}
        return items[IRON]["actual"] is not None

    await eventually(
        arrived,
        timeout_s=DEMO_DEADLINE_S,
        interval_s=0.25,
        what="the demo reports of 2024 to reach reporting",
    )


class Watched:
    """A signed-in page and its watch (see ``conftest.Browser``)."""

    def __init__(self, page: Any, watch: Watch) -> None:
        self.page = page
        self.watch = watch


async def _signed_in(browser: Browser, lode: Lode) -> Watched:
    page, watch = await browser.page(lode, viewport={"width": 1600, "height": 1000})
    await page.goto(lode.url + "/")
    dialog = page.locator("#signin")
    await dialog.wait_for(state="visible")
    await page.fill("#token", lode.viewer_token)
    await page.click("#signin-form button[type=submit]")
    await page.wait_for_selector("body[data-ready=true]")
    return Watched(page, watch)


async def _page_at_api(watched: Watched, api: httpx.AsyncClient, year: int) -> dict[str, Any]:
    """The API's indicators once the page shows the same snapshot (same journal position);
    events may still be arriving, so ask again until both agree."""
    deadline = time.monotonic() + 60
    while True:
        body = await _indicators(api, year)
        try:
            await watched.page.wait_for_function(
                "([year, position]) => document.getElementById('cards').dataset.year === year"
                " && document.getElementById('as-of').dataset.position === position",
                arg=[str(year), str(body["as_of_position"])],
                timeout=5000,
            )
        except Exception:
            if time.monotonic() > deadline:
                raise
            continue
        return body


async def _cards(watched: Watched) -> dict[str, dict[str, str]]:
    return await watched.page.eval_on_selector_all(  # type: ignore[no-any-return]
        "#cards li.card",
        """cards => Object.fromEntries(cards.map(c => [c.dataset.indicator, {
             actual: c.querySelector('.actual').textContent,
             raw: c.querySelector('.actual').dataset.value,
             status: c.querySelector('.badge').dataset.status,
             target: c.querySelector('.target').textContent,
             unit: c.querySelector('.unit').textContent,
           }]))""",
    )


def _assert_cards_match(cards: dict[str, dict[str, str]], body: dict[str, Any]) -> None:
    assert list(cards) == [item["id"] for item in body["items"]]
    for item in body["items"]:
        card = cards[item["id"]]
        if item["actual"] is None:
            assert card["actual"] == "—", item["id"]
        else:
            shown = float(card["actual"].replace(",", ""))
            assert shown == float(item["actual"]), (item["id"], card, item["actual"])
        assert card["status"] == item["status"], item["id"]
        assert card["unit"] == item["unit_zh"]
        assert item["target_text"] in card["target"]


async def test_the_page_without_assets_says_to_run_make_assets(
    lode: Lode, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(home, "VENDOR_FILES", ("vendor/not-built.js",))
    async with httpx.AsyncClient(base_url=lode.url, timeout=30) as client:
        r = await client.get("/")
    assert r.status_code == 503
    assert "make assets" in r.text
    assert "vendor/not-built.js" in r.text


async def test_static_files_are_served_and_nothing_outside_them(lode: Lode) -> None:
    async with httpx.AsyncClient(base_url=lode.url, timeout=30) as client:
        script = await client.get("/reporting/static/js/main.js")
        assert script.status_code == 200
        assert script.headers["content-type"].startswith("text/javascript")
        echarts = await client.get("/reporting/static/vendor/echarts.min.js")
        assert echarts.status_code == 200
        style = await client.get("/reporting/static/dashboard.css")
        assert style.headers["content-type"].startswith("text/css")
        for path in [
            "/reporting/static/js/%2e%2e%2f%2e%2e%2fapi%2fhome.py",
            "/reporting/static/%2e%2e/%2e%2e/api/home.py",
            "/reporting/static/vendor/.gitignore",
            "/reporting/static/js",
            "/reporting/static/no-such.js",
        ]:
            r = await client.get(path)
            assert r.status_code == 404, path
            assert r.headers["content-type"] == "application/problem+json"
        other = await client.get("/reporting/static/templates/dashboard.html")
        assert other.status_code == 422
        assert other.json()["errors"][0]["field"].endswith("folder")
        page = await client.get("/")
    assert page.status_code == 200
    assert "平泉市矿产资源总体规划（2021-2025年）" in page.text
    assert "http://" not in page.text.replace(lode.url, "")
    assert "https://" not in page.text


async def test_a_bad_token_is_asked_again_with_the_reason(browser: Browser, lode: Lode) -> None:
    page, _ = await browser.page(lode, expect_console=(UNAUTHORIZED,))
    await page.goto(lode.url + "/#token=forged")
    assert "token" not in page.url, "the fragment leaves the address bar"
    message = page.locator("#signin-message")
    await message.wait_for(state="visible")
    assert "401" in await message.text_content()


async def test_the_dashboard_shows_the_apis_figures_and_updates_live(
    browser: Browser, lode: Lode
) -> None:
    async with _api(lode) as api:
        await _demo_reports_arrived(api)
        watched = await _signed_in(browser, lode)
        page = watched.page

        # the default year is the latest with the most figures: 2024 in the demo
        assert await page.input_value("#year") == "2024"
        body = await _page_at_api(watched, api, 2024)
        _assert_cards_match(await _cards(watched), body)
        assert await page.locator("#plan-title").text_content() == (
            "平泉市矿产资源总体规划（2021-2025年）"
        )

        # the demo plan's period (2021–2025) has ended and no successor is approved: the page
        # says the plan stays in force until one is (the API's words), and the year's conflicts
        standing = body["standing"]
        assert standing["standing"] == "ended_in_force"
        note = page.locator("#plan-standing")
        assert await note.is_visible()
        assert await note.get_attribute("data-standing") == "ended_in_force"
        assert await note.text_content() == standing["message_zh"]
        assert "规划期（2021—2025年）已结束" in standing["message_zh"]
        conflicts = (
            await api.get("/reporting/v1/conflicts", params={"plan_id": PLAN_ID, "year": 2024})
        ).json()
        line = page.locator("#plan-conflicts")
        await page.wait_for_selector('#plan-conflicts[data-year="2024"]')
        assert await line.is_visible()
        assert await line.text_content() == (
            f"2024年发现与规划冲突的矿业权 {conflicts['detected']} 起，已消除 "
            f"{conflicts['resolved']} 起，年末尚存 {conflicts['open_at_year_end']} 起。"
        )
        # and the year's competitive grants (矿业权出让), as the API counts them
        grants = (
            await api.get("/reporting/v1/grants", params={"plan_id": PLAN_ID, "year": 2024})
        ).json()
        granted = page.locator("#plan-grants")
        await page.wait_for_selector('#plan-grants[data-year="2024"]')
        assert await granted.is_visible()
        assert await granted.get_attribute("data-count") == str(grants["summary"]["announced"])
        assert await granted.text_content() == _grants_line(grants, "zh")
        assert "reserve_price" not in str(grants)
        # and the year's supervision (监督检查), as the API counts it
        supervision = (
            await api.get("/reporting/v1/supervision", params={"plan_id": PLAN_ID, "year": 2024})
        ).json()
        supervised = page.locator("#plan-supervision")
        await page.wait_for_selector('#plan-supervision[data-year="2024"]')
        assert await supervised.is_visible()
        assert await supervised.get_attribute("data-orders") == str(supervision["orders"]["issued"])
        assert await supervised.text_content() == _supervision_line(supervision)

        # the demo has reports for 2024, zones and licences: no panel says something is missing
        assert await page.locator("#cards-empty").is_hidden()
        assert await page.locator("#map-empty").is_hidden()

        # the map: every zone and licence area of the API is drawn
        features = (await api.get("/reporting/v1/map")).json()["features"]
        drawn = [f for f in features if f["geometry"]]
        assert drawn
        await page.wait_for_function(
            "n => document.getElementById('map').dataset.features === n", arg=str(len(drawn))
        )
        assert await page.locator("#map canvas").count() >= 1

        # the compliance list: the API's kinds, counts and mines, in its order
        compliance = (await api.get("/reporting/v1/compliance", params={"year": 2024})).json()
        shown = await page.eval_on_selector_all(
            "#compliance section.kind",
            """kinds => kinds.map(k => [
                 k.dataset.code,
                 Number(k.querySelector('.count').dataset.count),
                 [...new Set([...k.querySelectorAll('li')].map(li => li.dataset.licence))],
               ])""",
        )
        assert shown == [
            [k["code"], k["open_findings"], k["licence_nos"]] for k in compliance["kinds"]
        ]

        # the trend charts: one per indicator of 专栏2
        charted = [i["id"] for i in body["items"] if i["section"] == "专栏2"]
        await page.wait_for_function(
            "n => document.querySelectorAll('#trend-charts figure.trend canvas').length >= n",
            arg=len(charted),
        )

        # a figure traced to its events
        await page.click(f'li[data-indicator="{IRON}"] button.figure')
        sources = (
            await api.get(
                f"/reporting/v1/indicators/{IRON}/sources",
                params={"plan_id": PLAN_ID, "year": 2024},
            )
        ).json()
        assert sources["items"], "the demo's iron figure has reports behind it"
        await page.wait_for_function(
            "n => document.querySelectorAll('#sources-list tbody tr').length === n",
            arg=len(sources["items"]),
        )
        ids = await page.eval_on_selector_all(
            "#sources-list tbody tr code", "codes => codes.map(c => c.textContent)"
        )
        assert ids == [s["event_id"] for s in sources["items"]]
        await page.click("#sources button.primary")

        # English, then Chinese again
        await page.click('button[data-lang="en"]')
        assert await page.locator("#indicators-title").text_content() == "Main plan indicators"
        badge = page.locator(f'li[data-indicator="{IRON}"] .badge')
        assert await badge.text_content() in {"Met", "On track", "At risk", "Not met", "No data"}
        assert await note.text_content() == standing["message_en"]
        assert "has ended" in standing["message_en"]
        assert await line.text_content() == (
            f"Licences in conflict with the plan in 2024: {conflicts['detected']} detected, "
            f"{conflicts['resolved']} resolved, {conflicts['open_at_year_end']} open at the "
            "year's end."
        )
        assert await granted.text_content() == _grants_line(grants, "en")
        await page.click('button[data-lang="zh"]')
        assert await page.locator("#indicators-title").text_content() == "主要规划指标"
        assert await note.text_content() == standing["message_zh"]

        # 2025: no iron report yet; the stream is live
        await page.select_option("#year", "2025")
        body = await _page_at_api(watched, api, 2025)
        _assert_cards_match(await _cards(watched), body)
        iron = {i["id"]: i for i in body["items"]}[IRON]
        assert iron["actual"] is None
        await page.wait_for_selector('#connection[data-state="open"]')
        await page.evaluate("window.__sameDocument = true")

        # a mine reports 2025 through monitoring with its enterprise's key
        mines = (await api.get("/monitoring/v1/mines", params={"status": "active"})).json()
        mine = next(
            m
            for m in mines["items"]
            if m["mineral"] == "铁矿" and m["right_type"] == "mining" and m["valid_to"] > "2026"
        )
        key = await api.post(
            f"/monitoring/v1/enterprises/{mine['holder']['credit_code']}/api-keys",
            json={"label": "看板测试"},
        )
        assert key.status_code == 201, key.text
        report = await api.post(
            "/monitoring/v1/reports",
            headers={"Authorization": f"Bearer {key.json()['key']}"},
            json={
                "licence_no": mine["licence_no"],
                "year": 2025,
                "period": "annual",
                "ore_mined_10kt": 60.5,
                "products": [{"name": "铁精粉", "grade_pct": 65.0, "output_10kt": 21.7}],
                "mining_recovery_pct": 90.0,
                "processing_recovery_pct": 91.0,
                "comprehensive_utilization_pct": 60.0,
            },
        )
        assert report.status_code == 201, report.text

        card = f'li[data-indicator="{IRON}"]'
        await page.wait_for_function(
            "sel => document.querySelector(sel).dataset.actual !== ''", arg=card, timeout=30000
        )
        assert await page.evaluate("window.__sameDocument === true"), "no reload"
        body = await _page_at_api(watched, api, 2025)
        _assert_cards_match(await _cards(watched), body)
        assert {i["id"]: i for i in body["items"]}[IRON]["actual"] is not None
        # the year has a report now: the indicators' panel no longer says it has none
        await page.wait_for_selector("#cards-empty", state="hidden")
        assert await page.get_attribute("#cards-empty", "data-missing") == ""
        feed = page.locator(
            '#feed li[data-type="lode.monitoring.output.reported.v1"]', has_text=mine["licence_no"]
        )
        await feed.first.wait_for()
        assert "开发利用年报" in await feed.first.text_content()

        watched.watch.assert_clean()


async def _resources_at_api(
    watched: Watched, api: httpx.AsyncClient, year: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The API's output and reserves of ``year`` once the page's panel shows the same
    snapshots (the same journal positions); events may still be arriving, so ask again."""
    deadline = time.monotonic() + 60
    while True:
        params = {"plan_id": PLAN_ID, "year": year}
        output = (await api.get("/reporting/v1/output", params=params)).json()
        reserves = (await api.get("/reporting/v1/reserves", params=params)).json()
        try:
            await watched.page.wait_for_function(
                "([year, position]) => {"
                " const panel = document.getElementById('resources-panel');"
                " return panel.dataset.year === year && panel.dataset.position === position; }",
                arg=[str(year), f"{output['as_of_position']}/{reserves['as_of_position']}"],
                timeout=5000,
            )
        except Exception:
            if time.monotonic() > deadline:
                raise
            continue
        return output, reserves


async def _table(watched: Watched, selector: str) -> list[dict[str, str]]:
    """The rows of a figures table: the mineral, each cell's raw value and its text, by key."""
    return await watched.page.eval_on_selector_all(  # type: ignore[no-any-return]
        f"{selector} tbody tr",
        """rows => rows.map(r => Object.fromEntries([
             ['mineral', r.dataset.mineral ?? ''],
             ['class', r.className],
             ...[...r.querySelectorAll('td[data-key]')].flatMap(td => [
               [td.dataset.key, td.dataset.value], [td.dataset.key + ':text', td.textContent]]),
           ]))""",
    )


def _same(shown: str, value: Any) -> bool:
    return shown == "" if value is None else float(shown) == float(value)


async def test_the_dashboard_shows_output_value_and_reserves_by_mineral(
    browser: Browser, lode: Lode
) -> None:
    async with _api(lode) as api:
        await _demo_reports_arrived(api)
        watched = await _signed_in(browser, lode)
        page = watched.page
        assert await page.input_value("#year") == "2024"
        output, reserves = await _resources_at_api(watched, api, 2024)

        # output value by mineral: the API's figures, "未报" where a mineral has none, a total
        assert output["minerals"], "the demo's mines report their 2024 output"
        rows = await _table(watched, "#output-value")
        *by_mineral, total = rows
        assert [r["mineral"] for r in by_mineral] == [m["mineral"] for m in output["minerals"]]
        for row, mineral in zip(by_mineral, output["minerals"], strict=True):
            assert _same(row["value"], mineral["output_value_cny_10k"]), (row, mineral)
            assert _same(row["ore"], mineral["ore_mined_10kt"]), (row, mineral)
            if mineral["output_value_cny_10k"] is None:
                assert row["value:text"] == "未报"
        assert total["class"] == "total"
        assert _same(total["value"], output["total_output_value_cny_10k"])
        summary = await page.locator("#output-value-summary").text_content()
        assert "2024年" in summary
        assert "2020年基期 18.9 亿元" in summary

        # reserves by mineral: 保有, 动用, 新增 of the API, "未报" for a mineral none reported
        rows = await _table(watched, "#reserves")
        if not reserves["minerals"]:
            assert await page.locator("#reserves tbody td.missing").text_content() == "无"
        else:
            assert [r["mineral"] for r in rows] == [m["mineral"] for m in reserves["minerals"]]
            for row, mineral in zip(rows, reserves["minerals"], strict=True):
                assert _same(row["held"], mineral["closing_10kt"]), (row, mineral)
                assert _same(row["used"], mineral["used_10kt"]), (row, mineral)
                assert _same(row["new"], mineral["new_proven_10kt"]), (row, mineral)
                assert _same(row["notReporting"], mineral["mines_not_reporting"])
                if mineral["closing_10kt"] is None:
                    assert row["held:text"] == "未报"

        # in English
        await page.click('button[data-lang="en"]')
        assert await page.locator("#resources-title").text_content() == (
            "Output value and reserves"
        )
        assert "Held (10 kt)" in await page.locator("#reserves thead").text_content()
        await page.click('button[data-lang="zh"]')
        assert await page.locator("#resources-title").text_content() == "产值与储量"
        watched.watch.assert_clean()
