"""The workbench's zoning screens (规划: zones, import with preview, spatial analysis, plans,
plan adjustment) in a real headless Chromium against a real Lode with its demo data: a
planner previews a zone file (a feature refused for a code already held, said zone by zone),
then imports a good one by clicks; creates a zone (a self-crossing outline refused at its
field first), changes and retires it; an officer analyses an area pasted and one clicked on
the map; a planner proposes an adjustment (a target changed, a zone retired), submits it, is
refused the approval of their own proposal (审批分离, said on the form), reads its impact, and
a second user with the approver role approves it; the new version's diff is read. Every
result is checked through the API; axe-core finds nothing serious on any screen, and a
screenshot of each main screen is kept (``$LODE_ARTEFACTS/workbench-zoning``, else a
temporary folder).

Every page comes from the ``browser`` fixture: any console error, CSP violation or request
to another host fails the test, except the answers a test provokes on purpose (listed per
page)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from lode_common.testing.examples import square
from services.reporting.tests.browser.pages import (
    FORBIDDEN,
    REFUSED,
    accessible,
    choose,
    free_site,
    go,
    shot,
    signed_in,
)

if TYPE_CHECKING:
    from services.reporting.tests.browser.conftest import Browser, Lode


pytestmark = pytest.mark.timeout(420)

SCREENSHOTS = "workbench-zoning"
"""The sub-folder of ``$LODE_ARTEFACTS`` the screenshots go to."""
PLAN = "pingquan-2021-2025"


# --- what the tests set up through the API -------------------------------------------------------
def _feature(code: str, name: str, geometry: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"type": "mining_block", "code": code, "name_zh": name, "minerals": ["铁矿"]},
    }


def _zone(api: httpx.Client, code: str) -> dict[str, Any] | None:
    listed = api.get("/zoning/v1/zones", params={"code": code, "status": "all"}).json()
    features: list[dict[str, Any]] = listed["features"]
    return features[0] if features else None


# --- the tests -----------------------------------------------------------------------------------
async def test_a_zone_file_is_previewed_refused_then_imported_by_clicks(
    browser: Browser, lode: Lode, artefacts: Path, tmp_path: Path
) -> None:
    with lode.api() as api:
        lon, lat = free_site(api, (118.42, 40.78))
        held = _zone(api, "C01")
    assert held is not None
    refused = {
        "type": "FeatureCollection",
        "features": [
            _feature("WBI-01", "工作台导入测试区块一（示意）", square(lon, lat, 0.008)),
            _feature("C01", "示意开采规划区块1", held["geometry"]),
        ],
    }
    good = {
        "type": "FeatureCollection",
        "features": [
            _feature("WBI-01", "工作台导入测试区块一（示意）", square(lon, lat, 0.008)),
            _feature("WBI-02", "工作台导入测试区块二（示意）", square(lon + 0.01, lat, 0.008)),
        ],
    }
    (tmp_path / "refused.geojson").write_text(json.dumps(refused, ensure_ascii=False), "utf-8")
    (tmp_path / "good.geojson").write_text(json.dumps(good, ensure_ascii=False), "utf-8")

    page = await signed_in(browser, lode, lode.token("planner", user="周规划"))

    # the zones: the table paged on the server, the page's zones on a map with its legend
    await page.click("[data-screen=zones]")
    await page.wait_for_selector("[data-loaded=true]")
    assert int(await page.get_attribute("[data-loaded=true]", "data-total") or 0) >= 26
    await page.wait_for_selector("[data-legend]")
    assert "开采规划区块" in await page.inner_text("[data-legend]")
    await accessible(page, "zones")
    await shot(page, artefacts, "zoning-01-zones")

    # the export: fetched with the token and saved as the server names it
    async with page.expect_download() as waiting:
        await page.click("[data-action=export]")
    download = await waiting.value
    assert download.suggested_filename == "zones-all.geojson"
    saved = Path(await download.path())
    exported = json.loads(await asyncio.to_thread(saved.read_text, "utf-8"))
    assert exported["type"] == "FeatureCollection"
    assert exported["total"] >= 26

    # a file with a code already held: refused, said feature by feature; no import offered
    await page.click("[data-action=import]")
    await page.wait_for_selector("[data-form=import]")
    await page.set_input_files("#import-file", str(tmp_path / "refused.geojson"))
    await choose(page, "#import-plan", PLAN)
    await page.click("[data-action=preview]")
    await page.wait_for_selector("[data-preview][data-would-import=false]")
    items = await page.inner_text("[data-items]")
    assert "编号已被现有分区占用" in items
    assert "与其不同的属性" in items
    assert await page.locator("[data-item='0'][data-status=create]").count() == 1
    assert await page.locator("[data-item='1'][data-status=refused]").count() == 1
    assert await page.is_disabled("[data-action=confirm-import]")
    await accessible(page, "an import refused in preview")
    await shot(page, artefacts, "zoning-02-import-refused")

    # the good file: every feature passes, the map shows them, and the import is confirmed
    await page.set_input_files("#import-file", str(tmp_path / "good.geojson"))
    await page.click("[data-action=preview]")
    await page.wait_for_selector("[data-preview][data-would-import=true]")
    assert "将新建 2 个" in await page.inner_text("[data-summary]")
    await accessible(page, "an import previewed")
    await shot(page, artefacts, "zoning-03-import-preview")
    with lode.api() as api:
        assert _zone(api, "WBI-01") is None, "a preview stores nothing"
    await page.click("[data-action=confirm-import]")
    await page.wait_for_selector("[data-import-result]")
    assert await page.locator("[data-created]").count() == 2
    with lode.api() as api:
        for code in ("WBI-01", "WBI-02"):
            zone = _zone(api, code)
            assert zone is not None
            assert zone["properties"]["status"] == "active"
            assert zone["properties"]["plan_id"] == PLAN


async def test_a_zone_is_created_changed_and_retired_by_clicks(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    with lode.api() as api:
        lon, lat = free_site(api, (118.62, 40.83))
    page = await signed_in(browser, lode, lode.token("planner", user="周规划"), REFUSED)
    await go(page, lode, "/zones")
    await page.wait_for_selector("[data-loaded=true]")
    await page.click("[data-action=new-zone]")
    form = "[data-form=zone]"
    await page.wait_for_selector(form)
    await choose(page, "#zone-form-type", "开采规划区块")
    await page.fill("#zone-form-code", "WBC-01")
    await page.fill("#zone-form-name_zh", "工作台新建测试区块（示意）")
    await page.fill("#zone-form-minerals", "铁矿、金矿")
    # an outline crossing itself: the API's message under the area's field
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + 0.01, lat + 0.01], [lon + 0.01, lat], [lon, lat + 0.01], [lon, lat]]
        ],
    }
    await page.fill("#zone-area-geojson", json.dumps(bowtie))
    await page.click(f"{form} [data-action=submit]")
    error = page.locator(f"{form} [data-field=geometry] .el-form-item__error")
    await error.wait_for()
    assert await error.inner_text()
    await accessible(page, "the zone form with a field error", dialog=True)
    await shot(page, artefacts, "zoning-04-zone-refused", whole=False)

    await page.fill("#zone-area-geojson", json.dumps(square(lon, lat, 0.01)))
    await page.click(f"{form} [data-action=submit]")
    await page.wait_for_selector("[data-zone-status=active]")
    assert "WBC-01" in await page.inner_text("h1")
    await accessible(page, "a zone")
    await shot(page, artefacts, "zoning-05-zone")

    await page.click("[data-action=edit]")
    await page.wait_for_selector(form)
    await page.fill("#zone-form-name_zh", "工作台新建测试区块（示意，已更名）")
    await page.fill("#zone-form-reason", "名称按批复更正（示意）")
    await page.click(f"{form} [data-action=submit]")
    await page.wait_for_function(
        "() => document.querySelectorAll('[data-history] tbody tr').length === 2"
    )
    assert "已更名" in await page.inner_text("h1")

    await page.click("[data-action=retire]")
    await page.fill("[data-form=retire] textarea[name=reason]", "区块并入相邻区块（示意）")
    await page.click("[data-form=retire] [data-action=submit]")
    await page.wait_for_selector("[data-zone-status=retired]")
    with lode.api() as api:
        zone = _zone(api, "WBC-01")
        assert zone is not None
        history = api.get(f"/zoning/v1/zones/{zone['id']}/history").json()
    versions = [f["properties"] for f in history["features"]]
    assert [v["status"] for v in versions] == ["active", "active", "retired"]
    assert versions[0]["minerals"] == ["铁矿", "金矿"]
    assert versions[1]["reason"] == "名称按批复更正（示意）"
    assert versions[2]["reason"] == "区块并入相邻区块（示意）"


async def test_an_area_is_analysed_pasted_and_clicked_on_the_map(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    with lode.api() as api:
        restricted = _zone(api, "XC-01")
    assert restricted is not None
    page = await signed_in(browser, lode, lode.viewer_token, REFUSED)
    await page.click("[data-screen=analysis]")
    await page.wait_for_selector("[data-form=analysis]")

    # corner coordinates without their CRS: the API's message next to the CRS
    await page.click("[data-field=analysis-area-mode] [data-value=corners]")
    await page.fill(
        "#analysis-area-corners",
        "J1,4560980.00,40387730.00\nJ2,4560980.00,40388030.00\nJ3,4560680.00,40388030.00",
    )
    await page.click("[data-action=analyse]")
    await page.wait_for_selector("[data-form=analysis] .problem-alert[data-status='422']")

    # the restricted area itself, pasted: the zone, its conditions and the rule citing it
    await page.click("[data-field=analysis-area-mode] [data-value=geojson]")
    await page.fill("#analysis-area-geojson", json.dumps(restricted["geometry"]))
    await page.click("[data-action=analyse]")
    await page.wait_for_selector("[data-analysis-result]")
    await page.wait_for_selector("[data-hit='XC-01']")
    zones = await page.inner_text("[data-zones]")
    assert restricted["properties"]["conditions_zh"][:6] in zones
    rules = await page.inner_text("[data-rules]")
    assert "restricted" in rules or "限采区" in rules
    await accessible(page, "an analysis")
    await shot(page, artefacts, "zoning-06-analysis")

    # an area clicked on the sketch of the zones
    await page.click("[data-field=analysis-area-mode] [data-value=draw]")
    canvas = page.locator("[data-draw-canvas]")
    await canvas.locator("canvas").first.wait_for()
    box = await canvas.bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-30, -20), (30, -20), (30, 25), (-30, 25)):
        await page.mouse.click(cx + dx, cy + dy)
    await page.wait_for_function(
        "() => document.querySelectorAll('[data-draw-corners] li').length === 4"
    )
    pasted = await page.inner_text("[data-area-ha]")
    await page.click("[data-action=analyse]")
    await page.wait_for_function(
        "before => document.querySelector('[data-area-ha]')?.textContent.trim() !== before",
        arg=pasted.strip(),
    )
    area = await page.inner_text("[data-area-ha]")
    assert float(area.split()[0].replace(",", "")) > 0
    await accessible(page, "an area drawn")

    # in English, every word of the screen
    await page.click("[data-lang=en]")
    await page.wait_for_selector("html[lang=en]")
    assert await page.inner_text("h1") == "Spatial analysis"
    assert "Zones touched" in await page.inner_text("main")
    await accessible(page, "an analysis (English)")
    await page.click("[data-lang=zh]")
    await page.wait_for_selector("html[lang=zh-CN]")


async def test_a_proposal_is_made_submitted_refused_to_its_proposer_and_approved_by_another(
    browser: Browser, lode: Lode, artefacts: Path, tmp_path: Path
) -> None:
    # the proposer holds the approver role too: separation of duties still refuses them
    proposer = lode.token("planner", "approver", user="张规划")
    page = await signed_in(browser, lode, proposer, FORBIDDEN, REFUSED)
    await page.click("[data-screen=proposals]")
    await page.wait_for_selector("[data-loaded=true]")
    await accessible(page, "proposals")
    await page.click("[data-action=new-proposal]")
    await page.wait_for_selector("[data-form=proposal]")
    await page.click("[data-field=grounds] [data-value=major_project]")
    await page.fill("#proposal-reason", "省重点建筑石料项目落地，调整开采总量目标（示意）")
    await page.fill("input[name=target-building_stone_output]", "450")
    await choose(page, "[data-pick=retire]", "SSJZ-03")
    await page.click("[data-action=retire-zone]")
    await page.wait_for_function(
        "() => document.querySelectorAll('[data-zone-changes] tbody tr').length === 1"
    )
    await accessible(page, "the proposal form")
    await shot(page, artefacts, "zoning-07-proposal-form")
    await page.click("[data-action=save-proposal]")

    await page.wait_for_selector("[data-proposal-status=draft]")
    changes = await page.inner_text("[data-changes]")
    assert "building_stone_output" in changes
    assert "450" in changes
    proposal_url = page.url
    await page.click("[data-action=submit]")
    await page.click("[data-form=submit] [data-action=submit]")
    await page.wait_for_selector("[data-proposal-status=submitted]")

    # the proposer may not approve it: the API's 403, and the form says why
    await page.click("[data-action=approve]")
    await page.fill(
        "[data-form=approve] input[name=approval_ref]", "承自然资规〔2026〕99号（示意）"
    )
    await page.click("[data-form=approve] [data-action=submit]")
    alert = page.locator("[data-form=approve] .problem-alert[data-status='403']")
    await alert.wait_for()
    assert "审批分离" in await alert.inner_text()
    await accessible(page, "an approval refused to its proposer", dialog=True)
    await shot(page, artefacts, "zoning-08-separation-of-duties", whole=False)
    await page.keyboard.press("Escape")
    await page.wait_for_selector("[data-form=approve]", state="hidden")

    # what the adjustment would change, computed by licensing
    await page.click("[data-action=impact]")
    await page.wait_for_selector("[data-impact-summary]")
    assert "building_stone_output" in await page.inner_text("[data-impact-indicators]")
    await accessible(page, "a proposal with its impact")
    await shot(page, artefacts, "zoning-09-proposal")

    # another approver decides
    approver = await signed_in(browser, lode, lode.token("approver", user="李审批"))
    await approver.goto(proposal_url)
    await approver.wait_for_selector("[data-proposal-status=submitted]")
    assert await approver.locator("[data-action=submit]").count() == 0  # a planner's move
    await approver.click("[data-action=approve]")
    await approver.fill(
        "[data-form=approve] input[name=approval_ref]", "承自然资规〔2026〕99号（示意）"
    )
    await approver.click("[data-form=approve] [data-action=submit]")
    await approver.wait_for_selector("[data-proposal-status=approved]")
    assert "第 2 版" in await approver.inner_text("[data-approved]")

    with lode.api() as api:
        plan = api.get(f"/zoning/v1/plans/{PLAN}").json()
        retired = _zone(api, "SSJZ-03")
    assert plan["version"] == 2
    assert plan["approval_ref"] == "承自然资规〔2026〕99号（示意）"
    targets = {i["id"]: i["target"] for i in plan["indicators"]["items"]}
    assert targets["building_stone_output"] == 450
    assert retired is not None
    assert retired["properties"]["status"] == "retired"
    assert plan["proposal_id"]

    # the new version against the old: the changed target, said in words
    await go(approver, lode, f"/plans/{PLAN}?tab=diff&from=1&to=2")
    await approver.wait_for_selector("[data-diff-summary]")
    assert "400" in await approver.inner_text("[data-changes]")
    await accessible(approver, "a plan's versions compared")
    await shot(approver, artefacts, "zoning-10-plan-diff")
    await go(approver, lode, f"/plans/{PLAN}")
    await approver.wait_for_selector("[data-indicators]")
    assert "450" in await approver.inner_text("[data-target=building_stone_output]")
    await accessible(approver, "a plan")
    await shot(approver, artefacts, "zoning-11-plan")

    # another proposal, submitted by its planner: the approver rejects it, saying why
    with lode.api() as api:
        document = api.get(f"/zoning/v1/plans/{PLAN}/versions/2").json()["document"]
        headers = {"Authorization": f"Bearer {proposer}"}
        made = api.post(
            f"/zoning/v1/plans/{PLAN}/proposals",
            json={
                "document": document,
                "grounds": "conditions_changed",
                "reason": "再次调整（示意）",
            },
            headers=headers,
        )
        assert made.status_code == 201, made.text
        second = made.json()["id"]
        submitted = api.post(f"/zoning/v1/plans/{PLAN}/proposals/{second}/submit", headers=headers)
        assert submitted.status_code == 200, submitted.text
    await go(approver, lode, f"/proposals/{PLAN}/{second}")
    await approver.wait_for_selector("[data-proposal-status=submitted]")
    await approver.click("[data-action=reject]")
    await approver.fill("[data-form=reject] textarea[name=reason]", "依据不足，请补充论证（示意）")
    await approver.click("[data-form=reject] [data-action=submit]")
    await approver.wait_for_selector("[data-proposal-status=rejected]")
    with lode.api() as api:
        rejected = api.get(f"/zoning/v1/plans/{PLAN}/proposals/{second}").json()
    assert rejected["rejection_reason"] == "依据不足，请补充论证（示意）"
    assert [s["action"] for s in rejected["steps"]] == ["propose", "submit", "reject"]

    # a version approved elsewhere, published by a planner: its reference is required
    document["indicators"]["items"][4]["target"] = 40
    published = tmp_path / "plan-v3.json"
    published.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    await go(page, lode, f"/plans/{PLAN}")
    await page.wait_for_selector("[data-indicators]")
    await page.click("[data-action=publish]")
    await page.set_input_files("#publish-file", str(published))
    await page.click("[data-form=publish] [data-action=submit]")
    await page.wait_for_selector(
        "[data-form=publish] [data-field=approval_ref] .el-form-item__error"
    )
    await page.fill("#publish-approval", "冀自然资规〔2026〕7号（示意）")
    await page.click("[data-form=publish] [data-action=submit]")
    await page.wait_for_selector("[data-version]:has-text('第 3 版')")
    with lode.api() as api:
        plan = api.get(f"/zoning/v1/plans/{PLAN}").json()
    assert plan["version"] == 3
    assert plan["approval_ref"] == "冀自然资规〔2026〕7号（示意）"
    assert {i["id"]: i["target"] for i in plan["indicators"]["items"]}[
        "large_medium_mine_ratio"
    ] == 40
