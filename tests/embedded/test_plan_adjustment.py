"""Issue 15 on the embedded runtime (SQLite, the in-process bus, the demo data): a proposal
adds a 禁采区 over a demo licence and over an open application; the same story as the
system test (:mod:`tests.system.adjustment_flow`)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from lode_common.credit_code import with_check_character
from lode_common.plan.data import PINGQUAN_PLAN_ID
from lode_common.plan.successor import successor_draft
from lode_common.testing import eventually
from lode_common.testing.examples import iron_mine_application, mining_block, square
from lode_licensing.demo import demo_licences
from tests.system.adjustment_flow import Subjects, run_adjustment

from .demo import EmbeddedLode, demo_licence, free_site

pytestmark = pytest.mark.timeout(420)


@pytest.fixture(scope="module")
def lode(demo_lode: EmbeddedLode) -> EmbeddedLode:
    return demo_lode


async def test_a_forbidden_zone_over_a_demo_licence_is_weighed_approved_and_enforced(
    lode: EmbeddedLode,
) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        licence = await demo_licence(http, lode)
        planner = lode.auth("planner", user="planner-block")
        lon, lat = await free_site(http, lode)
        block = square(lon, lat, 0.02)
        created = await http.post(
            f"{lode.base}/zoning/v1/zones",
            json=mining_block("ADJ-EMB-1", "示意调整测试区块", block),
            headers=planner,
        )
        assert created.status_code == 201, created.text
        area = square(lon + 0.002, lat + 0.002, 0.005)
        credit_code = with_check_character("91130881MA8ADJ001")
        submitted = await http.post(
            f"{lode.base}/licensing/v1/applications",
            json=iron_mine_application("平泉市调整测试矿业有限公司", credit_code, area),
            headers=lode.auth("licensing_officer", user="officer-wang"),
        )
        assert submitted.status_code == 201, submitted.text
        await run_adjustment(
            http,
            lode,
            Subjects(
                plan_id=PINGQUAN_PLAN_ID,
                licence_no=licence["licence_no"],
                licence_area=licence["area"]["geometry"]
                if "geometry" in licence["area"]
                else licence["area"],
                application_id=submitted.json()["id"],
                application_area=area,
            ),
        )


async def test_a_successor_plan_proposed_and_approved_takes_over_from_the_old_one(
    lode: EmbeddedLode,
) -> None:
    """The 2026–2030 plan, drafted from the plan in force and approved through a proposal,
    is the plan in force everywhere; the old plan is closed; the successor's indicators
    start from the old plan's final figures."""
    old, new = PINGQUAN_PLAN_ID, "pingquan-2026-2030"
    planner = lode.auth("planner", user="planner-zhang")
    approver = lode.auth("approver", user="chengde-approver-li")
    officer = lode.auth("licensing_officer", user="officer-wang")
    async with httpx.AsyncClient(timeout=60) as http:
        await demo_licence(http, lode)
        plans = f"{lode.base}/zoning/v1/plans"
        version = (await http.get(f"{plans}/{old}", headers=planner)).json()["version"]
        document = (await http.get(f"{plans}/{old}/versions/{version}", headers=planner)).json()
        draft = successor_draft(document["document"], plan_id=new, period=(2026, 2030))
        created = await http.post(
            f"{plans}/{old}/proposals",
            json={"document": draft, "grounds": "conditions_changed", "reason": "规划期届满接续"},
            headers=planner,
        )
        assert created.status_code == 201, created.text
        at = f"{plans}/{old}/proposals/{created.json()['id']}"
        impact = await http.get(f"{at}/impact", headers=approver)
        assert impact.status_code == 200, impact.text
        evaluated = impact.json()["evaluated"]
        assert evaluated["licences"] >= len(demo_licences()) // 2, evaluated  # all in force
        assert (await http.post(f"{at}/submit", headers=planner)).status_code == 200
        approved = await http.post(
            f"{at}/approve",
            json={"approval_ref": "承自然资规〔2026〕88号（示意）", "approved_on": "2026-12-01"},
            headers=approver,
        )
        assert approved.status_code == 200, approved.text

        closed = (await http.get(f"{plans}/{old}", headers=planner)).json()
        assert closed["superseded_by"] == new
        successor = (await http.get(f"{plans}/{new}", headers=planner)).json()
        assert successor["predecessor_plan_id"] == old
        assert successor["approval_ref"] == "承自然资规〔2026〕88号（示意）"

        async def reporting_follows() -> dict[str, Any]:
            answer = await http.get(
                f"{lode.base}/reporting/v1/indicators", params={"year": 2026}, headers=officer
            )
            assert answer.status_code == 200, answer.text
            assert answer.json()["plan_id"] == new, answer.json()["plan_id"]
            return dict(answer.json())

        indicators = await eventually(
            reporting_follows, timeout_s=60, interval_s=1, what="reporting on the successor"
        )
        final = await http.get(
            f"{lode.base}/reporting/v1/indicators",
            params={"plan_id": old, "year": 2025},
            headers=officer,
        )
        assert final.status_code == 200, final.text
        finals = {i["id"]: i["actual"] for i in final.json()["items"]}
        inherited = [i for i in indicators["items"] if i["baseline_source"] == "predecessor"]
        assert inherited, "no indicator took its baseline from the old plan's final figures"
        for item in inherited:
            assert item["baseline_plan_id"] == old
            assert item["baseline_year"] == 2025
            assert item["baseline_2020"] == finals[item["id"]], item

        async def licensing_follows() -> None:
            view = await http.post(
                f"{lode.base}/licensing/v1/applications",
                json=iron_mine_application(
                    "平泉市接续测试矿业有限公司",
                    with_check_character("91130881MA8ADJ002"),
                    square(118.9, 41.2, 0.004),
                ),
                headers=officer,
            )
            assert view.status_code == 201, view.text
            assert view.json()["plan_id"] == new, view.json()["plan_id"]

        await eventually(licensing_follows, timeout_s=60, interval_s=2, what="licensing follows")
