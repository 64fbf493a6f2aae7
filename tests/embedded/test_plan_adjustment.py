"""Issue 15 on the embedded runtime (SQLite, the in-process bus, the demo data): a proposal
adds a 禁采区 over a demo licence and over an open application; the same story as the
system test (:mod:`tests.system.adjustment_flow`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from lode.embedded import EmbeddedSystem, embedded_secrets
from lode.testing import served
from lode_common.auth import issue_token
from lode_common.credit_code import with_check_character
from lode_common.plan.data import PINGQUAN_PLAN_ID
from lode_common.plan.successor import successor_draft
from lode_common.testing import eventually
from lode_common.testing.examples import iron_mine_application, mining_block, square
from lode_common.testing.services import free_port
from lode_licensing.demo import demo_licences
from tests.system.adjustment_flow import Subjects, run_adjustment

pytestmark = pytest.mark.timeout(420)


class EmbeddedLode:
    def __init__(self, url: str, data_dir: Path) -> None:
        self.base = url
        self.secret = embedded_secrets(data_dir).jwt_secret

    def url(self, service: str) -> str:
        return self.base

    def auth(self, *roles: str, user: str) -> dict[str, str]:
        token = issue_token(self.secret, user=user, roles=list(roles))
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def lode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedLode]:
    data_dir = tmp_path_factory.mktemp("adjustment")
    system = EmbeddedSystem(data_dir=data_dir, port=free_port(), demo=True, log_json=True)
    with served(system, name="lode-adjustment") as url:
        yield EmbeddedLode(url, data_dir)


async def demo_licence(http: httpx.AsyncClient, lode: EmbeddedLode) -> dict[str, Any]:
    """An active demo mining licence with its area, once the demo data has loaded."""
    officer = lode.auth("licensing_officer", user="officer-wang")

    async def loaded() -> dict[str, Any]:
        every = await http.get(f"{lode.base}/licensing/v1/licences", headers=officer)
        assert every.status_code == 200, every.text
        assert every.json()["total"] >= len(demo_licences()), "the demo is still loading"
        listed = await http.get(
            f"{lode.base}/licensing/v1/licences",
            params={"status": "active", "right_type": "mining", "limit": 100},
            headers=officer,
        )
        for item in listed.json()["items"]:
            view = await http.get(
                f"{lode.base}/licensing/v1/licences/{item['licence_no']}", headers=officer
            )
            if view.json().get("area"):
                return dict(view.json())
        raise AssertionError("no demo licence with an area")

    found: dict[str, Any] = await eventually(
        loaded, timeout_s=240, interval_s=2, what="the demo licences"
    )
    return found


async def free_site(http: httpx.AsyncClient, lode: EmbeddedLode) -> tuple[float, float]:
    """A corner inside Pingquan where a block of 0.02° touches no demo zone but the region's
    boundary and no licence, so the application there is eligible before the adjustment."""
    viewer = lode.auth("viewer", user="viewer-zhao")
    for step in range(200):
        lon, lat = 118.40 + 0.05 * (step % 16), 40.75 + 0.05 * (step // 16)
        answer = await http.post(
            f"{lode.base}/zoning/v1/analysis",
            json={"geometry": square(lon, lat, 0.02)},
            headers=viewer,
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        inside = body["region"] and body["region"]["outside_ha"] == 0
        others = [z for z in body["zones"] if z["type"] != "administrative_boundary"]
        if inside and not others and not body["licences"]:
            return lon, lat
    raise AssertionError("no free site in the demo's Pingquan")


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
