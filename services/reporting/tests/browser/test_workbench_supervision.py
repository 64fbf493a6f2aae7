"""Supervision in the officers' workbench (业务工作台), in a real headless Chromium against a real
Lode with its demo data: an administrator adds inspectors to the roster and records a
relation (回避); an inspector makes a random draw and records the drawn licence's inspection by
clicks — first with the related inspector, which the API refuses at the ``inspectors`` field,
then as drawn, non-compliant with a false filing; orders rectification of the finding it
opened, is refused (403, said as such) when verifying the order itself, and another inspector
verifies it; the false filing's listing is released and a serious violation listed. An API key
is issued from a mine's page, shown once with a copy button, and revoked; a report is
corrected, a reserves report filed (a 422 on ``closing_10kt`` first, with the balance), a
project's progress and an exploration result recorded. Every outcome is checked through the
API; axe-core finds nothing serious on any of these screens, and a screenshot of each main
screen is kept (``$LODE_ARTEFACTS/workbench`` when set, else a temporary folder).

Every page comes from the ``browser`` fixture: any console error, CSP violation or request to
another host fails the test, except the refusals a test provokes on purpose (the console
lines listed with each page)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from services.reporting.tests.browser.pages import (
    FORBIDDEN,
    REFUSED,
    accessible,
    choose,
    go,
    shot,
    signed_in,
    submit,
    table_loaded,
    until,
)

if TYPE_CHECKING:
    from services.reporting.tests.browser.conftest import Browser, Lode


pytestmark = pytest.mark.timeout(420)

SCREENSHOTS = "workbench"
"""The sub-folder of ``$LODE_ARTEFACTS`` the screenshots go to."""
SEED = "workbench-supervision-2026"


@pytest.fixture(scope="module", autouse=True)
def settled(lode: Lode) -> None:
    """Until the demo has loaded its last part (the reserves reports, after the output
    reports): the tests start on the data a bureau's demo shows, not while it is written."""
    with lode.api() as api:
        until(
            "the demo's reserves reports",
            lambda: api.get("/monitoring/v1/reserves-reports", params={"limit": 1}).json()["total"],
        )


async def _pick_day(page: Any, selector: str, day: date) -> None:
    """Types the day into an Element Plus date picker and waits for its calendar to close."""
    await page.fill(selector, day.isoformat())
    await page.press(selector, "Enter")
    await page.press(selector, "Escape")
    await page.wait_for_function(
        "() => ![...document.querySelectorAll('.el-picker__popper')]"
        ".some((e) => e.offsetParent !== null)"
    )


# --- the tests -----------------------------------------------------------------------------------
async def test_an_inspection_from_a_draw_leads_to_an_order_verified_by_another_inspector(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    admin = await signed_in(browser, lode, lode.admin_token)

    # the roster: three inspectors added by clicks
    await go(admin, lode, "/inspectors")
    await table_loaded(admin)
    roster = [("wb-li", "李检查", "li.jiancha"), ("wb-wang", "王检查", "wang.jiancha")]
    roster.append(("wb-zhao", "赵检查", "zhao.jiancha"))
    for inspector_id, name, subject in roster:
        await admin.click("[data-action=add-inspector]")
        await admin.fill("[data-form=add-inspector] input[name=id]", inspector_id)
        await admin.fill("[data-form=add-inspector] input[name=name]", name)
        await admin.fill("[data-form=add-inspector] input[name=subject]", subject)
        await submit(admin, "add-inspector")
        await admin.wait_for_selector(f"[data-inspector='{inspector_id}']")
    with lode.api() as api:
        listed = api.get("/monitoring/v1/inspectors").json()["items"]
    assert {(i["id"], i["name"], i["subject"], i["active"]) for i in listed} >= {
        (i, n, s, True) for i, n, s in roster
    }

    # a draw of this year, by an inspector
    li = await signed_in(
        browser, lode, lode.token("inspector", user="li.jiancha"), REFUSED, FORBIDDEN
    )
    await go(li, lode, "/draws")
    await table_loaded(li)
    await accessible(li, "draws")
    await li.click("[data-action=draw]")
    await li.fill("[data-form=draw] input[name=seed]", SEED)
    await accessible(li, "the draw form", dialog=True)
    await submit(li, "draw")
    await li.wait_for_selector("[data-assignments] [data-drawn]")
    draw_id = li.url.rsplit("/", 1)[-1]
    with lode.api() as api:
        draw = api.get(f"/monitoring/v1/inspection-draws/{draw_id}").json()
    assert draw["seed"] == SEED
    assert draw["year"] == date.today().year
    assert draw["drawn_by"] == "li.jiancha"
    assignment = draw["assignments"][0]
    licence_no, drawn = assignment["licence_no"], assignment["inspectors"]
    (other,) = {i for i, _, _ in roster} - set(drawn)
    assert await li.get_attribute(
        f"[data-assignments] tr:has([data-drawn='{licence_no}']) [data-assigned]", "data-assigned"
    ) == ",".join(drawn)
    await li.click("[data-action=redraw]")
    await li.wait_for_selector("[data-redraw=same]")
    await accessible(li, "a draw")
    await shot(li, artefacts, "20-draw")

    # the undrawn inspector is related to the drawn licence's holder (回避), by the admin
    with lode.api() as api:
        holder = api.get(f"/monitoring/v1/mines/{licence_no}").json()["holder"]
    await admin.reload()
    await table_loaded(admin)
    await admin.click(f"[data-relate='{other}']")
    await admin.fill("[data-form=add-relation] input[name=credit_code]", holder["credit_code"])
    await admin.fill("[data-form=add-relation] input[name=relation]", "亲属（示意）")
    await submit(admin, "add-relation")
    await admin.wait_for_selector(f"[data-relation='{holder['credit_code']}']")
    await accessible(admin, "the roster")
    await shot(admin, artefacts, "21-inspectors")

    # the inspection, opened from the draw with its inspectors filled in; first taken out of
    # the draw with the related inspector added: refused at `inspectors`
    await li.click(f"[data-record='{licence_no}']")
    await li.wait_for_selector("[data-form=inspection]")
    await li.wait_for_function(
        "no => document.querySelector('#inspection-licence_no').value === no", arg=licence_no
    )
    await li.wait_for_function(
        "() => document.querySelectorAll('[data-field=inspectors] .el-tag').length === 2"
    )
    await choose(li, "[data-field=draw_id]", item="li[data-draw-option='']")
    await li.click("[data-field=inspectors] .el-select__wrapper")
    await li.locator(f"li[data-inspector='{other}']:visible").click()
    await li.keyboard.press("Escape")
    await li.fill("[name=items-0-found]", "41.5")
    await li.click("[data-ok='0']")
    await li.click("[data-false-filing='0']")
    await li.click("[data-form=inspection] [data-value=non_compliant]")
    await li.fill("#inspection-note", "台账产量与年报不符（示意）")
    await submit(li, "inspection")
    error = li.locator("[data-field=inspectors] .el-form-item__error")
    await error.wait_for()
    assert "回避" in await error.inner_text()
    assert await li.locator(".problem-alert[data-status='422']").count() == 1
    await accessible(li, "the inspection form with a field error")
    await shot(li, artefacts, "22-inspection-refused")

    # then of the draw: its inspectors are filled in, and it is recorded
    await choose(li, "[data-field=draw_id]", item=f"li[data-draw-option='{draw_id}']")
    await li.wait_for_function(
        "() => document.querySelectorAll('[data-field=inspectors] .el-tag').length === 2"
    )
    await submit(li, "inspection")
    await li.wait_for_selector("[data-inspection-result=non_compliant]")
    inspection_id = li.url.rsplit("/", 1)[-1]
    finding_id = await li.inner_text("[data-finding]")
    await accessible(li, "an inspection")
    await shot(li, artefacts, "23-inspection")
    with lode.api() as api:
        inspection = api.get(f"/monitoring/v1/inspections/{inspection_id}").json()
        abnormal = api.get("/monitoring/v1/abnormal-list", params={"q": holder["credit_code"]})
    assert inspection["draw_id"] == draw_id
    assert inspection["result"] == "non_compliant"
    assert sorted(inspection["inspectors"]) == sorted(drawn)
    assert inspection["finding_id"] == finding_id
    assert inspection["items"][0] == {
        "item": "output",
        "filed": inspection["items"][0]["filed"],
        "found": 41.5,
        "ok": False,
        "false_filing": True,
    }
    assert [(x["reason_code"], x["status"]) for x in abnormal.json()["items"]] == [
        ("false_filing", "listed")
    ]

    # an order of the finding it opened
    await li.click("[data-action=issue-order]")
    await li.wait_for_selector(f"[data-form=rectification] [data-finding='{finding_id}']")
    assert await li.locator(f"[data-finding='{finding_id}'].is-checked").count() == 1
    due = date.today() + timedelta(days=30)
    await _pick_day(li, "#order-due", due)
    await li.fill("#order-requirement", "限期核实并如实更正年报产量（示意）")
    await accessible(li, "the order form")
    await submit(li, "rectification")
    await li.wait_for_selector("[data-order-status=ordered]")
    order_id = li.url.rsplit("/", 1)[-1]

    # the issuer may not verify it: the 403 says another inspector does
    await li.click("[data-action=verify]")
    await li.fill("[data-form=verify] textarea[name=note]", "已整改（示意）")
    await submit(li, "verify")
    refusal = li.locator("[data-form=verify] .problem-alert[data-status='403']")
    await refusal.wait_for()
    assert "另一名检查人员" in await refusal.inner_text()
    await accessible(li, "the refused verification", dialog=True)
    await shot(li, artefacts, "24-verification-refused", whole=False)

    # another inspector verifies it done
    wang = await signed_in(browser, lode, lode.token("inspector", user="wang.jiancha"))
    await go(wang, lode, "/rectifications?status=ordered")
    await table_loaded(wang)
    await wang.wait_for_selector(f"[data-order='{order_id}']")
    await accessible(wang, "rectification orders")
    await shot(wang, artefacts, "25-rectifications")
    await wang.click(f"[data-order='{order_id}']")
    await wang.wait_for_selector("[data-order-status=ordered]")
    await wang.click("[data-action=verify]")
    await wang.fill("[data-form=verify] textarea[name=note]", "复查：年报已更正（示意）")
    await submit(wang, "verify")
    await wang.wait_for_selector("[data-order-status=done]")
    assert "复查：年报已更正（示意）" in await wang.inner_text("[data-history]")
    await accessible(wang, "a verified order")
    await shot(wang, artefacts, "26-rectification")
    with lode.api() as api:
        order = api.get(f"/monitoring/v1/rectifications/{order_id}").json()
        finding = api.get("/monitoring/v1/findings", params={"licence_no": licence_no}).json()
    assert order["status"] == "done"
    assert order["ordered_by"] == "li.jiancha"
    assert [(v["outcome"], v["verified_by"]) for v in order["verifications"]] == [
        ("done", "wang.jiancha")
    ]
    assert {f["id"]: f["status"] for f in finding["items"]}[finding_id] == "closed"

    # the lists: the false filing's listing released, a serious violation listed
    await go(wang, lode, f"/lists?q={holder['credit_code']}")
    await table_loaded(wang)
    await wang.click(f"[data-release='{holder['credit_code']}'][data-list=abnormal]")
    await wang.fill("[data-form=release] textarea[name=reason]", "已如实更正年报（示意）")
    await submit(wang, "release")
    await wang.wait_for_function(
        "() => !document.querySelector('[data-release][data-list=abnormal]')"
    )
    await wang.click("[data-action=serious-violation]")
    await wang.fill("[data-form=serious-violation] input[name=credit_code]", holder["credit_code"])
    await wang.fill("[data-form=serious-violation] textarea[name=reason]", "严重违法（示意）")
    await wang.click("[data-form=serious-violation] [data-value=years]")
    await wang.fill("[data-form=serious-violation] input[name=term_years]", "3")
    await submit(wang, "serious-violation")
    await wang.wait_for_selector("[data-release][data-list=serious_violation]")
    await accessible(wang, "the lists")
    await shot(wang, artefacts, "27-lists")
    with lode.api() as api:
        listings = api.get(
            "/monitoring/v1/abnormal-list", params={"q": holder["credit_code"]}
        ).json()["items"]
    by_list = {x["list"]: x for x in listings}
    assert by_list["abnormal"]["status"] == "released"
    assert by_list["abnormal"]["release_reason"] == "已如实更正年报（示意）"
    serious = by_list["serious_violation"]
    assert serious["status"] == "listed"
    assert serious["reason"] == "严重违法（示意）"
    assert serious["until"] is not None
    assert serious["until"] > date.today().isoformat()

    # the inspections list shows it
    await go(wang, lode, "/inspections?result=non_compliant")
    await table_loaded(wang)
    await wang.wait_for_selector(f"[data-inspection='{inspection_id}']")
    await accessible(wang, "inspections")
    await shot(wang, artefacts, "28-inspections")


async def test_an_api_key_is_issued_from_a_mine_shown_once_and_revoked(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    with lode.api() as api:

        def active_mine() -> dict[str, Any] | None:
            listed = api.get("/monitoring/v1/mines", params={"status": "active"}).json()
            return listed["items"][0] if listed["items"] else None

        mine = until("an active demo mine", active_mine)
    credit_code = mine["holder"]["credit_code"]
    page = await signed_in(browser, lode, lode.admin_token)
    await go(page, lode, "/mines?status=active")
    await table_loaded(page)
    await accessible(page, "mines")
    await shot(page, artefacts, "30-mines")
    # in English, every word of the screen
    await page.click("[data-lang=en]")
    await page.wait_for_selector("html[lang=en]")
    main = await page.inner_text("main")
    for words in ("Mines", "Licence no.", "Holder", "Licence status", "Active"):
        assert words in main
    await accessible(page, "mines (English)")
    await shot(page, artefacts, "30-mines-english")
    await page.click("[data-lang=zh]")
    await page.wait_for_selector("html[lang=zh-CN]")
    await page.click(f"[data-mine='{mine['licence_no']}']")
    await page.wait_for_selector("[data-mine-status=active]")
    assert await page.inner_text("[data-credit-code]") == credit_code

    await page.click("[data-keys] [data-action=issue-key]")
    await page.fill("[data-form=issue-key] input[name=label]", "年报系统（示意）")
    await submit(page, "issue-key")
    shown = page.locator("[data-issued-key]")
    await shown.wait_for()
    key = await shown.input_value()
    assert "只显示这一次" in await page.inner_text("[data-dialog=issued-key]")
    await page.click("[data-action=copy-key]")
    await page.mouse.move(0, 0)  # the button as it rests (hovered, it is lighter)
    await accessible(page, "the key shown once", dialog=True)
    await shot(page, artefacts, "31-key-shown-once", whole=False)
    await page.click("[data-action=close-key]")
    await shown.wait_for(state="detached")
    assert key not in await page.content()  # gone from the page once closed

    with lode.api() as api:
        keys = api.get(f"/monitoring/v1/enterprises/{credit_code}/api-keys").json()["items"]
    (issued,) = [k for k in keys if k["label"] == "年报系统（示意）"]
    assert key.startswith(f"lode_{issued['prefix']}_")
    assert issued["active"]
    await page.wait_for_selector(f"[data-key-prefix='{issued['prefix']}']")
    await accessible(page, "a mine")
    await shot(page, artefacts, "32-mine")
    with lode.api(key) as as_mine:
        own = as_mine.get("/monitoring/v1/mines")
    assert own.status_code == 200, own.text
    assert {m["holder"]["credit_code"] for m in own.json()["items"]} == {credit_code}

    # revoked from the enterprise's keys screen: the key is refused at once
    await go(page, lode, f"/api-keys?credit_code={credit_code}")
    await page.wait_for_selector(f"[data-revoke='{issued['prefix']}']")
    await accessible(page, "an enterprise's keys")
    await page.click(f"[data-revoke='{issued['prefix']}']")
    await submit(page, "revoke-key")
    await page.wait_for_selector(f"[data-revoke='{issued['prefix']}']", state="detached")
    with lode.api() as api:
        keys = api.get(f"/monitoring/v1/enterprises/{credit_code}/api-keys").json()["items"]
    assert [k["active"] for k in keys if k["id"] == issued["id"]] == [False]
    with lode.api(key) as as_mine:
        assert as_mine.get("/monitoring/v1/mines").status_code == 401


async def test_reports_are_corrected_and_reserves_progress_and_exploration_recorded(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    with lode.api() as api:

        def a_report() -> dict[str, Any] | None:
            listed = api.get("/monitoring/v1/reports", params={"year": 2024}).json()
            annual = [r for r in listed["items"] if r["period"] == "annual"]
            return annual[0] if annual else None

        report = until("the demo's reports", a_report)
        mine = api.get(f"/monitoring/v1/mines/{report['licence_no']}").json()
        filed_years = {
            r["year"]
            for r in api.get(
                "/monitoring/v1/reserves-reports", params={"licence_no": report["licence_no"]}
            ).json()["items"]
        }
    # a year the licence was in force and has no reserves report yet
    year = next(
        y
        for y in range(date.today().year - 1, 2020, -1)
        if y not in filed_years and mine["valid_from"] <= f"{y}-12-31" <= mine["valid_to"]
    )
    page = await signed_in(browser, lode, lode.token("inspector", user="sun.jiancha"), REFUSED)

    # an output report corrected: a second version, the reason kept
    await go(page, lode, f"/reports?year=2024&licence_no={report['licence_no']}")
    await table_loaded(page)
    await accessible(page, "output reports")
    await shot(page, artefacts, "40-reports")
    await page.click(f"[data-report='{report['id']}']")
    await page.wait_for_selector("[data-versions]")
    await accessible(page, "an output report")
    await page.click("[data-action=correct]")
    await page.wait_for_function(
        "() => document.querySelector('#report-licence_no')?.value.length === 23"
    )
    await page.fill("#report-mining_recovery_pct", "91.5")
    await page.fill("#report-reason", "录入错误更正（示意）")
    await accessible(page, "the correction form")
    await submit(page, "correct-report")
    await page.wait_for_selector("[data-version]")
    await page.wait_for_function(
        "() => document.querySelector('[data-figure=mining_recovery_pct]')"
        ".textContent.includes('91.5')"
    )
    with lode.api() as api:
        versions = api.get(f"/monitoring/v1/reports/{report['id']}").json()["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[-1]["reason"] == "录入错误更正（示意）"
    assert versions[-1]["body"]["mining_recovery_pct"] == 91.5
    assert versions[-1]["submitted_by"] == "sun.jiancha"

    # a reserves report filed for the mine: unbalanced first (422 at closing, with the sums)
    await go(page, lode, "/reserves")
    await table_loaded(page)
    await page.click("[data-action=file-reserves]")
    await page.wait_for_selector("[data-form=file-reserves]")
    figures = {"opening_10kt": "1900", "extracted_10kt": "76.5", "lost_10kt": "21.5"}
    figures |= {"new_proven_10kt": "0", "recalculated_10kt": "0", "closing_10kt": "1802.0001"}
    await page.fill("#reserves-licence_no", report["licence_no"])
    await page.fill("#reserves-year", str(year))
    await page.fill("#reserves-mineral", mine["mineral"])
    for name, value in figures.items():
        await page.fill(f"#reserves-{name}", value)
    await submit(page, "file-reserves")
    await page.wait_for_selector("[data-field=closing_10kt] .el-form-item__error")
    assert "1,802" in await page.inner_text("[data-balance]")
    await accessible(page, "the reserves form with a field error")
    await shot(page, artefacts, "41-reserves-refused")
    await page.fill("#reserves-closing_10kt", "1802")
    await submit(page, "file-reserves")
    await page.wait_for_selector("[data-figure=closing_10kt]")
    reserves_id = page.url.rsplit("/", 1)[-1]
    await accessible(page, "a reserves report")
    with lode.api() as api:
        filed = api.get(f"/monitoring/v1/reserves-reports/{reserves_id}").json()["versions"]
    assert [(v["licence_no"], v["year"], v["closing_10kt"]) for v in filed] == [
        (report["licence_no"], year, 1802)
    ]
    await go(page, lode, "/reserves")
    await table_loaded(page)
    await page.wait_for_selector(f"[data-reserves='{reserves_id}']")
    await accessible(page, "reserves reports")
    await shot(page, artefacts, "42-reserves")

    # a project's progress and an exploration result
    with lode.api() as api:
        earlier = api.get("/monitoring/v1/projects/geochem_survey/progress").json()["items"]
    before = [(p["year"], p["completed_sheets"]) for p in earlier].count((2025, 3))
    await go(page, lode, "/projects")
    await page.wait_for_selector("[data-project=geochem_survey]")
    await page.click("[data-record=geochem_survey]")
    await page.fill("[data-form=progress-geochem_survey] input[name=year]", "2025")
    await page.fill("[data-form=progress-geochem_survey] input[name=completed_sheets]", "3")
    await submit(page, "progress-geochem_survey")
    await page.wait_for_function(
        "n => document.querySelectorAll('[data-project=geochem_survey] tbody tr').length > n",
        arg=len(earlier),
    )
    await page.click("[data-action=exploration]")
    await page.fill("[data-form=exploration] input[name=mineral]", "铁矿")
    await page.fill("[data-form=exploration] input[name=year]", "2024")
    await page.fill("[data-form=exploration] input[name=new_resources_ore_10kt]", "120")
    await submit(page, "exploration")
    await page.wait_for_selector("[data-explorations] tbody tr")
    await accessible(page, "exploration and projects")
    await shot(page, artefacts, "43-projects")
    with lode.api() as api:
        progress = api.get("/monitoring/v1/projects/geochem_survey/progress").json()["items"]
    assert [(p["year"], p["completed_sheets"]) for p in progress].count((2025, 3)) == before + 1
    assert "120" in await page.inner_text("[data-explorations]")
