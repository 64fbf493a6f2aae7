"""The workbench's granting and reporting screens in a real headless Chromium against a real
Lode with its demo data (the ``lode`` fixture of this folder's conftest):

* competitive granting (矿业权出让), by clicks: a licensing officer draws up a listing of an
  iron mining right in a fresh mining block (a reserve price below the starting price refused
  at its field first), announces it (a trade 19 working days after the announcement across
  the 2025 Spring Festival refused at ``trade_from``, 20 accepted), records two offers (one
  not above the best refused at its amount), draws the result (concluded, with the result's
  publicity) and records the contract (instalments short of the price refused on
  ``instalments``, then summing to it); the grant is then read through the API. A draft is
  cancelled (no reason refused at its field, then with one). A viewer sees the grant plan
  with the reserve price of a failed grant kept confidential and no action offered;
* the implementation reports: the year's report previewed in the page (a sandboxed frame,
  under the page's Content-Security-Policy), downloaded as PDF and Excel, and the final
  evaluation previewed and downloaded;
* indicators and compliance: the year's indicators with their status, conflicts, the mines
  with open findings and the supervision summary, as the API answers them.

axe-core finds nothing serious on any screen, and a screenshot of each is kept (under
``$LODE_ARTEFACTS/workbench`` when that is set, else the module's temporary folder). Every
page comes from the ``browser`` fixture: a console error, a CSP violation or a request to
another host fails the test; the 401 of the sign-in page asking whether a session is alive
and the 422s the test provokes on purpose are the console lines expected.
"""

from __future__ import annotations

import asyncio
import json
import time
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from openpyxl import load_workbook

from lode_common.credit_code import with_check_character
from lode_common.testing.examples import mining_block, square
from services.reporting.tests.browser.pages import (
    REFUSED,
    accessible,
    choose,
    free_site,
    go,
    shot,
    signed_in,
    submit,
)

if TYPE_CHECKING:
    from services.reporting.tests.browser.conftest import Browser, Lode


pytestmark = pytest.mark.timeout(420)

SCREENSHOTS = "workbench"
"""The sub-folder of ``$LODE_ARTEFACTS`` the screenshots go to."""

# Monday 20 January 2025; the Spring Festival holiday runs 28 January to 4 February, with
# Sunday 26 January and Saturday 8 February worked (调休): 20 working days after the
# announcement end on Friday 21 February, so the trade may open on Monday 24 February (as
# tests/system/grant_flow.py counts them)
ANNOUNCED = "2025-01-20"
TOO_EARLY = "2025-02-21"
TRADE_FROM, TRADE_TO = "2025-02-24", "2025-03-07"  # a listing's 10 working days
CONCLUDED = "2025-03-10"
WINNER = with_check_character("91130881MA0GWB001")
LOSER = with_check_character("91130881MA0GWB002")
START = (118.43, 40.77)
"""Where the search for a free site in Pingquan starts."""


async def _saved(download: Any) -> bytes:
    """What the browser saved for ``download``."""
    return await asyncio.to_thread(Path(await download.path()).read_bytes)


def _demo_grants(api: httpx.Client, timeout_s: float = 120) -> dict[str, Any]:
    """The year's grant plan once the demo's grants are loaded (they are loaded through the
    real procedure after the services start): one concluded, one failed at least."""
    deadline = time.monotonic() + timeout_s
    while True:
        plan: dict[str, Any] = api.get("/licensing/v1/grants").json()
        if {"concluded", "failed"} <= set(plan["summary"]["by_status"]):
            return plan
        assert time.monotonic() < deadline, f"the demo's grants were not loaded: {plan}"
        time.sleep(0.5)


# --- what the tests do in the page --------------------------------------------------------------
async def _date(page: Any, selector: str, day: str) -> None:
    """A day typed into an Element Plus date field, as an officer does."""
    await page.fill(selector, day)
    await page.press(selector, "Enter")


async def _field_error(page: Any, form: str, field: str) -> str:
    """The API's message shown under ``field`` of ``form``."""
    error = page.locator(
        f"{form} [data-field='{field}'] > .el-form-item__content > .el-form-item__error"
    )
    await error.wait_for()
    text: str = await error.inner_text()
    return text


# --- the tests -----------------------------------------------------------------------------------
async def test_a_grant_is_drawn_up_announced_bid_concluded_and_contracted_by_clicks(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    with lode.api() as api:
        plan = _demo_grants(api)
        lon, lat = free_site(api, START)
        block = mining_block("WB-G1", "工作台出让测试区块（示意）", square(lon, lat, 0.02))
        assert api.post("/zoning/v1/zones", json=block).status_code == 201
    area = square(lon + 0.002, lat + 0.002, 0.005)
    page = await signed_in(browser, lode, lode.token("licensing_officer", user="李出让"), REFUSED)

    # the year's grant plan: the demo's grants and their figures
    await page.click("[data-screen=grants]")
    await page.wait_for_selector("[data-loaded=true]")
    await page.wait_for_selector("[data-figure=total]:not(:has-text('—'))")
    assert await page.inner_text("[data-figure=total]") == str(plan["total"])
    price = f"{plan['summary']['price_total_cny_10k']:,}"
    assert price in await page.inner_text("[data-figure=price]")  # the demo's prices
    await accessible(page, "grants")
    await shot(page, artefacts, "grants-01-plan")

    # drawn up: a reserve price below the starting price is refused at its field
    await page.click("[data-action=create-grant]")
    form = "[data-form=create]"
    await page.wait_for_selector(form)
    await choose(page, f"{form} [data-field='year']", "2025")
    await page.click(f"{form} [data-field=method] [data-value=listing]")
    await page.fill(f"{form} input[name=mineral]", "铁矿")
    await page.fill(f"{form} textarea[name='area.geometry']", json.dumps(area))
    await page.fill(f"{form} input[name='capacity.value']", "12")
    await page.fill(f"{form} input[name=reserves_10kt]", "1200")
    await page.fill(f"{form} input[name=term_years]", "10")
    await page.fill(f"{form} input[name=starting_price_cny_10k]", "1000")
    await page.fill(f"{form} input[name=reserve_price_cny_10k]", "900")
    await accessible(page, "the grant plan's form", dialog=True)
    await submit(page, form)
    assert "底价" in await _field_error(page, form, "reserve_price_cny_10k")
    await shot(page, artefacts, "grants-02-create-refused", whole=False)
    await page.fill(f"{form} input[name=reserve_price_cny_10k]", "1500")
    await submit(page, form)
    await page.wait_for_selector("[data-grant-status=draft]")
    grant_id = page.url.rsplit("/", 1)[-1]
    assert "1,500" in await page.inner_text("[data-reserve]")  # the officer reads it
    assert "scale_matches_reserves" in await page.inner_text("[data-checks]")

    # announced: 19 working days across the Spring Festival are too few
    await page.click("[data-action=announce]")
    form = "[data-form=announce]"
    await page.wait_for_selector(form)
    await _date(page, "#action-announce-announced_on", ANNOUNCED)
    await _date(page, "#action-announce-trade_from", TOO_EARLY)
    await _date(page, "#action-announce-trade_to", TRADE_TO)
    await page.fill(f"{form} textarea[name=review_note]", "规模由竞得人开发利用方案确定（示意）")
    await submit(page, form)
    assert "19" in await _field_error(page, form, "trade_from")
    await accessible(page, "the announcement with a field error", dialog=True)
    await _date(page, "#action-announce-trade_from", TRADE_FROM)
    await submit(page, form)
    await page.wait_for_selector("[data-grant-status=announced]")
    assert await page.inner_text("[data-counted=announcement_workdays]") == "20"
    assert await page.inner_text("[data-counted=listing_workdays]") == "10"

    # the offers; one not above the best is refused at its amount, then raised
    for code, amount, day, raised in (
        (LOSER, "1200", "2025-02-25", None),
        (LOSER, "1150", "2025-02-26", "1300"),
        (WINNER, "1600", "2025-02-27", None),
    ):
        await page.click("[data-action=bid]")
        form = "[data-form=bid]"
        await page.wait_for_selector(form)
        await page.fill(f"{form} input[name='bidder.name']", f"示意竞买人{code[-4:]}矿业有限公司")
        await page.fill(f"{form} input[name='bidder.credit_code']", code)
        await page.fill(f"{form} input[name=amount_cny_10k]", amount)
        await _date(page, "#action-bid-at", day)
        await submit(page, form)
        if raised:
            assert "1200" in await _field_error(page, form, "amount_cny_10k")
            amount = raised
            await page.fill(f"{form} input[name=amount_cny_10k]", amount)
            await submit(page, form)
        await page.wait_for_selector(f"[data-bid-amount='{amount}']")
    await shot(page, artefacts, "grants-03-offers")

    # the result: the best offer reaches the reserve price
    await page.click("[data-action=conclude]")
    form = "[data-form=conclude]"
    await page.wait_for_selector(form)
    await _date(page, "#action-conclude-concluded_on", CONCLUDED)
    await submit(page, form)
    await page.wait_for_selector("[data-grant-status=concluded]")
    assert "1,600" in await page.inner_text("[data-price]")
    publicity_until = await page.inner_text("[data-publicity-until]")
    assert publicity_until > CONCLUDED
    await accessible(page, "a concluded grant")

    # the contract: instalments short of the price are refused, then they sum to it
    await page.click("[data-action=contract]")
    form = "[data-form=contract]"
    await page.wait_for_selector(form)
    assert await page.input_value("#action-contract-signed_on") == publicity_until
    await page.fill(f"{form} input[name=contract_ref]", "平自然资采出〔2025〕9号（示意）")
    await _date(page, "#action-contract-instalments-0-due", "2025-06-30")
    await page.fill(f"{form} input[name='instalments[0].amount_cny_10k']", "1000")
    await page.click(f"{form} [data-add-row=instalments]")
    await _date(page, "#action-contract-instalments-1-due", "2026-06-30")
    await page.fill(f"{form} input[name='instalments[1].amount_cny_10k']", "500")
    await submit(page, form)
    assert "1600" in await _field_error(page, form, "instalments")
    await accessible(page, "the contract with a field error", dialog=True)
    await shot(page, artefacts, "grants-04-contract-refused", whole=False)
    await page.fill(f"{form} input[name='instalments[1].amount_cny_10k']", "600")
    await submit(page, form)
    await page.wait_for_selector("[data-grant-status=contracted]")
    assert await page.locator("[data-instalments] tbody tr").count() == 2
    await accessible(page, "a contracted grant")
    await shot(page, artefacts, "grants-05-contracted")

    # as the API has it
    with lode.api() as api:
        grant = api.get(f"/licensing/v1/grants/{grant_id}").json()
    assert grant["status"] == "contracted", grant
    assert (grant["year"], grant["method"], grant["mineral"]) == (2025, "listing", "铁矿")
    assert grant["winner"]["credit_code"] == WINNER
    assert grant["price_cny_10k"] == 1600
    assert grant["signed_on"] == publicity_until
    assert [i["amount_cny_10k"] for i in grant["instalments"]] == [1000, 600]
    assert sorted(b["amount_cny_10k"] for b in grant["bids"]["items"]) == [1200, 1300, 1600]
    assert [s["action"] for s in grant["steps"]] == [
        "create",
        "announce",
        "conclude",
        "contract",
    ]
    assert all(s["actor"] == "李出让" for s in grant["steps"])


async def test_a_draft_grant_is_cancelled_with_its_reason_by_clicks(
    browser: Browser, lode: Lode
) -> None:
    with lode.api() as api:
        lon, lat = free_site(api, START)
        block = mining_block("WB-G2", "工作台撤销测试区块（示意）", square(lon, lat, 0.02))
        assert api.post("/zoning/v1/zones", json=block).status_code == 201
        draft = api.post(
            "/licensing/v1/grants",
            json={
                "year": 2026,
                "right_type": "mining",
                "mineral": "铁矿",
                "method": "auction",
                "area": {"geometry": square(lon + 0.002, lat + 0.002, 0.005)},
                "capacity": {"value": 12, "unit": "万吨/年"},
                "term_years": 10,
                "starting_price_cny_10k": 800,
                "reserve_price_cny_10k": 900,
            },
        )
        assert draft.status_code == 201, draft.text
    grant_id = draft.json()["id"]
    page = await signed_in(browser, lode, lode.token("licensing_officer", user="李出让"), REFUSED)
    await go(page, lode, f"/grants/{grant_id}")
    await page.wait_for_selector("[data-grant-status=draft]")
    assert await page.locator("[data-action=conclude]").count() == 0  # not allowed yet
    await page.click("[data-action=cancel]")
    form = "[data-form=cancel]"
    await page.wait_for_selector(form)
    await submit(page, form)  # no reason: refused at its field
    assert await _field_error(page, form, "reason")
    await accessible(page, "the cancellation with a field error", dialog=True)
    await page.fill(f"{form} textarea[name=reason]", "区块调整，本年度不再出让（示意）")
    await submit(page, form)
    await page.wait_for_selector("[data-grant-status=cancelled]")
    assert "区块调整" in await page.inner_text("[data-steps]")
    with lode.api() as api:
        grant = api.get(f"/licensing/v1/grants/{grant_id}").json()
    assert grant["status"] == "cancelled"
    assert grant["steps"][-1]["note"] == "区块调整，本年度不再出让（示意）"


async def test_a_viewer_reads_the_grants_with_the_reserve_price_kept_confidential(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    with lode.api() as api:
        _demo_grants(api)
        failed = api.get("/licensing/v1/grants", params={"status": "failed"}).json()["items"]
    page = await signed_in(browser, lode, lode.token("viewer", user="赵查阅"))
    await go(page, lode, "/grants?status=failed")
    await page.wait_for_selector(f"[data-grant='{failed[0]['id']}']")
    assert "保密" in await page.inner_text("main")
    assert await page.locator("[data-reserve]").count() == 0
    assert await page.locator("[data-action=create-grant]").count() == 0
    await page.wait_for_selector("[data-officers-only]")

    await page.click(f"[data-grant='{failed[0]['id']}']")
    await page.wait_for_selector("[data-grant-status=failed]")
    await page.wait_for_selector("[data-reserve-secret]")
    await page.wait_for_selector("[data-bids-hidden]")
    assert await page.locator("[data-action=announce]").count() == 0
    assert "最高报价未达底价" in await page.inner_text("[data-result]")
    await accessible(page, "a failed grant, read by a viewer")
    await shot(page, artefacts, "grants-06-viewer")


async def test_the_annual_report_is_previewed_and_downloaded_and_the_final_evaluation_too(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    page = await signed_in(browser, lode, lode.viewer_token)
    await page.click("[data-screen=annual-report]")
    await page.wait_for_selector("[data-plan]")
    assert "2021" in await page.inner_text("[data-plan]")
    await go(page, lode, "/annual-report?year=2024")
    preview = page.frame_locator("[data-report=annual] iframe[data-preview]")
    await preview.locator("body").wait_for()
    assert "2024" in await preview.locator("body").inner_text()
    assert await page.get_attribute("[data-report=annual] iframe[data-preview]", "sandbox") == ""
    await accessible(page, "the annual report")
    await shot(page, artefacts, "reports-01-annual")

    async with page.expect_download() as pdf_download:
        await page.click("[data-report=annual] [data-download=pdf]")
    pdf = await pdf_download.value
    assert pdf.suggested_filename.endswith(".pdf"), pdf.suggested_filename
    assert "2024" in pdf.suggested_filename
    assert (await _saved(pdf)).startswith(b"%PDF-")
    await page.wait_for_selector("[data-report=annual] [data-saved=pdf]")

    async with page.expect_download() as xlsx_download:
        await page.click("[data-report=annual] [data-download=xlsx]")
    xlsx = await xlsx_download.value
    assert xlsx.suggested_filename.endswith(".xlsx"), xlsx.suggested_filename
    workbook = load_workbook(BytesIO(await _saved(xlsx)))
    assert workbook.sheetnames

    # the final evaluation of the plan in force
    await page.click("#tab-final")
    final = page.frame_locator("[data-report=final] iframe[data-preview]")
    await final.locator("body").wait_for()
    assert "终期评估" in await final.locator("body").inner_text()
    async with page.expect_download() as final_download:
        await page.click("[data-report=final] [data-download=xlsx]")
    sheets = load_workbook(BytesIO(await _saved(await final_download.value)))
    assert sheets.sheetnames[:2] == ["说明", "指标评估"]
    await accessible(page, "the final evaluation")
    await shot(page, artefacts, "reports-02-final")


async def test_indicators_compliance_and_supervision_are_read_as_the_api_answers_them(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    with lode.api(lode.viewer_token) as api:
        indicators = api.get("/reporting/v1/indicators", params={"year": 2024}).json()
        compliance = api.get("/reporting/v1/compliance").json()
    page = await signed_in(browser, lode, lode.viewer_token)
    await page.click("[data-screen=indicators]")
    await go(page, lode, "/indicators?year=2024")
    await page.wait_for_selector("[data-indicators] [data-indicator]")
    shown = await page.locator("[data-indicators] [data-indicator]").count()
    assert shown == len(indicators["items"])
    first = indicators["items"][0]
    row = page.locator(
        "[data-indicators] tr", has=page.locator(f"[data-indicator='{first['id']}']")
    )
    assert await row.locator(f"[data-status='{first['status']}']").count() == 1
    assert await page.get_attribute("[data-dashboard]", "href") == "/"
    await page.wait_for_selector("[data-conflicts] .el-table")
    await page.wait_for_selector("[data-compliance] .el-table")
    await page.wait_for_selector("[data-supervision] [data-draws]")
    await accessible(page, "indicators and compliance")
    await shot(page, artefacts, "indicators-01")

    # every year's open findings, not only 2024's
    await page.click("[data-only-year]")
    await page.wait_for_function(
        "n => document.querySelectorAll('[data-compliance] [data-mine]').length === n",
        arg=len(compliance["mines"]),
    )
