"""Applications through the licensing API: plan checks with clauses, the workflow, local
decisions issuing licences, and zoning outages that leave applications pending."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from lode_common.testing import eventually

from .builders import (
    HOLDER,
    OTHER,
    block,
    checks,
    granted,
    mining,
    problem,
    square,
    submit,
)
from .conftest import System

pytestmark = pytest.mark.timeout(120)
NUMBER = "C1308812026017120000031"


async def test_an_eligible_application_is_decided_locally_and_issues_a_licence(
    system_both: System,
) -> None:
    z, lic = system_both.zoning, system_both.licensing
    await block(z)
    # on a contracted grant of its own (出让): competitive_grant passes
    r = await submit(lic, await granted(lic))
    assert r.status_code == 201, r.text
    view = r.json()
    assert view["status"] == "checked"
    assert view["verdict"] == "eligible", view["checks"]
    found = checks(view)
    assert found["min_scale_underground_iron"]["outcome"] == "pass"
    assert found["min_scale_underground_iron"]["clause"] == "第四章第三节"
    assert found["mining_mineral_policy"]["clause"] == "第三章第一节 专栏4"
    assert found["ecological_red_line"]["outcome"] == "pass"
    assert found["licence_overlap"]["outcome"] == "pass"
    assert "outside_blocks_needs_demonstration" not in found
    assert view["allowed_actions"] == [
        "forward",
        "decide_locally(approved)",
        "decide_locally(rejected)",
        "withdraw",
    ]
    app_id = view["id"]
    decided = await lic.client.post(
        f"/licensing/v1/applications/{app_id}/decision",
        headers=lic.auth("licensing_officer"),
        json={
            "decision": "approved",
            "licence_no": NUMBER,
            "valid_from": "2026-12-01",
            "valid_to": "2036-11-30",
            "reason": "本地审批通过",
        },
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "approved"
    assert decided.json()["decision"]["licence_no"] == NUMBER
    steps = [s["action"] for s in decided.json()["steps"]]
    assert steps == ["submit", "record_checks(eligible)", "decide_locally(approved)"]
    licence = (
        await lic.client.get(f"/licensing/v1/licences/{NUMBER}", headers=lic.auth("viewer"))
    ).json()
    assert licence["status"] == "active"
    assert licence["scale"] == "small"  # 12 万吨/年 underground iron: < 30
    assert licence["holder"]["credit_code"] == HOLDER
    assert licence["area"]["type"] == "Polygon"
    types = await lic.types_published()
    assert types == [
        "lode.licensing.application.submitted.v1",
        "lode.licensing.application.checked.v1",
        "lode.licensing.licence.issued.v1",
        "lode.licensing.application.decided.v1",
    ]

    async def zoning_knows_the_holder() -> bool:
        events = await z.published()
        return any(e.type.endswith("block.holder_assigned.v1") for e in events)

    await eventually(zoning_knows_the_holder, what="zoning to know the block's holder")


async def test_below_the_minimum_scale_is_ineligible_citing_the_clause(system: System) -> None:
    view = (await submit(system.licensing, mining(capacity={"value": 8, "unit": "万吨/年"}))).json()
    assert view["verdict"] == "ineligible"
    rule = checks(view)["min_scale_underground_iron"]
    assert rule["outcome"] == "fail"
    assert "10" in rule["message"]
    assert rule["clause"] == "第四章第三节"
    assert view["allowed_actions"] == ["decide_locally(rejected)", "withdraw"]


async def test_outside_every_block_needs_review_and_a_review_settles_it(system: System) -> None:
    lic = system.licensing
    # no block drawn: outside every block (on a grant of its own, so that is the one review)
    view = (await submit(lic, await granted(lic))).json()
    assert checks(view)["competitive_grant"]["outcome"] == "pass"
    assert view["verdict"] == "needs_review"
    assert checks(view)["outside_blocks_needs_demonstration"]["outcome"] == "review"
    app_id = view["id"]
    officer = lic.auth("licensing_officer")
    conflict = problem(
        await lic.client.post(
            f"/licensing/v1/applications/{app_id}/decision",
            headers=officer,
            json={
                "decision": "approved",
                "licence_no": NUMBER,
                "valid_from": "2026-12-01",
                "valid_to": "2030-01-01",
            },
        ),
        409,
    )
    assert "needs_review" in conflict["detail"]
    assert conflict["current_state"] == "checked (verdict needs_review)"
    problem(
        await lic.client.post(
            f"/licensing/v1/applications/{app_id}/review",
            headers=officer,
            json={"outcome": "accept"},
        ),
        422,
    )
    reviewed = await lic.client.post(
        f"/licensing/v1/applications/{app_id}/review",
        headers=officer,
        json={"outcome": "accept", "reason": "论证报告已审查"},
    )
    assert reviewed.json()["status"] == "reviewed"
    assert reviewed.json()["review"] == {"outcome": "accept", "reason": "论证报告已审查"}


async def test_a_red_line_area_fails(system: System) -> None:
    await block(system.zoning, "HX-9", zone_type="ecological_red_line")
    view = (await submit(system.licensing, mining())).json()
    assert view["verdict"] == "ineligible"
    assert checks(view)["ecological_red_line"]["outcome"] == "fail"


async def test_overlapping_an_active_licence_fails(system: System) -> None:
    z, lic = system.zoning, system.licensing
    await block(z)
    first = (await submit(lic, await granted(lic))).json()
    await lic.client.post(
        f"/licensing/v1/applications/{first['id']}/decision",
        headers=lic.auth("licensing_officer"),
        json={
            "decision": "approved",
            "licence_no": NUMBER,
            "valid_from": "2026-12-01",
            "valid_to": "2030-01-01",
        },
    )

    async def footprint_in_zoning() -> bool:
        r = await z.client.post(
            "/zoning/v1/analysis",
            headers=z.auth("viewer"),
            json={"geometry": mining()["area"]["geometry"]},
        )
        return bool(r.json()["licences"])

    await eventually(footprint_in_zoning, what="the licence footprint in zoning")
    other = mining(applicant={"name": "另一示意矿业", "credit_code": OTHER})
    view = (await submit(lic, other)).json()
    assert view["verdict"] == "ineligible"
    assert checks(view)["licence_overlap"]["outcome"] == "fail"
    assert NUMBER in checks(view)["licence_overlap"]["message"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"mineral": "独角兽矿"}, "mineral"),
        (
            {"applicant": {"name": "x", "credit_code": "91130881MA0A000008"}},
            "applicant.credit_code",
        ),
        ({"depth_m": [420, 650]}, "depth_m"),
        ({"mineral": "金矿", "capacity": {"value": 5, "unit": "万吨/年"}}, "capacity"),
        ({"capacity": {"value": 12, "unit": "万立方米/年"}}, "capacity.unit"),
        ({"right_type": "quarrying"}, "right_type"),
    ],
)
async def test_invalid_applications_are_422_naming_the_field_and_store_nothing(
    system: System, changes: dict[str, Any], field: str
) -> None:
    lic = system.licensing
    body = problem(await submit(lic, mining(**changes)), 422)
    assert any(e["field"].startswith(field) for e in body["errors"]), body["errors"]
    listed = (await lic.client.get("/licensing/v1/applications", headers=lic.auth("viewer"))).json()
    assert listed["total"] == 0
    assert await lic.types_published() == []


async def test_while_zoning_is_down_the_application_waits_and_is_checked_later(
    system: System,
) -> None:
    lic = system.licensing
    await block(system.zoning)
    system.zoning_link.down = True
    view = (await submit(lic, await granted(lic))).json()
    assert view["status"] == "pending_checks"
    assert view["checks"] == []
    assert "zoning" in view["last_error"]
    system.zoning_link.down = False

    async def checked() -> bool:
        r = await lic.client.get(
            f"/licensing/v1/applications/{view['id']}", headers=lic.auth("viewer")
        )
        return bool(r.json()["status"] == "checked")

    await eventually(checked, timeout_s=30, what="the application to be checked")
    final = (
        await lic.client.get(f"/licensing/v1/applications/{view['id']}", headers=lic.auth("viewer"))
    ).json()
    assert final["verdict"] == "eligible"


async def test_withdrawal_and_illegal_moves(system: System) -> None:
    lic = system.licensing
    view = (await submit(lic, mining())).json()
    officer = lic.auth("licensing_officer")
    gone = await lic.client.post(
        f"/licensing/v1/applications/{view['id']}/withdraw",
        headers=officer,
        json={"reason": "申请人撤回"},
    )
    assert gone.json()["status"] == "withdrawn"
    again = problem(
        await lic.client.post(
            f"/licensing/v1/applications/{view['id']}/withdraw", headers=officer, json={}
        ),
        409,
    )
    assert "withdrawn" in again["detail"]
    no_province = problem(
        await lic.client.post(f"/licensing/v1/applications/{view['id']}/forward", headers=officer),
        409,
    )
    assert "/decision" in no_province["detail"]
    problem(await lic.client.get("/licensing/v1/applications/nope", headers=officer), 404)


async def test_licence_lifecycle_transfer_renewal_suspension_and_expiry(system: System) -> None:
    from lode_licensing.handlers.jobs import expire_once

    lic = system.licensing
    officer = lic.auth("licensing_officer")
    await block(system.zoning)
    first = (await submit(lic, await granted(lic))).json()
    today = date.today()
    await lic.client.post(
        f"/licensing/v1/applications/{first['id']}/decision",
        headers=officer,
        json={
            "decision": "approved",
            "licence_no": NUMBER,
            "valid_from": str(today - timedelta(days=300)),
            "valid_to": str(today + timedelta(days=20)),
        },
    )
    late = problem(
        await submit(
            lic,
            {
                "right_type": "mining",
                "kind": "renewal",
                "licence_no": NUMBER,
                "applicant": mining()["applicant"],
                "mineral": "铁矿",
                "mining_method": "underground",
                "capacity": {"value": 12, "unit": "万吨/年"},
            },
        ),
        422,
    )
    assert "late" in late["detail"]
    transfer = (
        await submit(
            lic,
            {
                "right_type": "mining",
                "kind": "transfer",
                "licence_no": NUMBER,
                "applicant": mining()["applicant"],
                "new_holder": {"name": "受让示意公司", "credit_code": OTHER},
                "mineral": "铁矿",
                "mining_method": "underground",
                "capacity": {"value": 12, "unit": "万吨/年"},
            },
        )
    ).json()
    assert transfer["status"] == "checked", transfer
    await lic.client.post(
        f"/licensing/v1/applications/{transfer['id']}/review",
        headers=officer,
        json={"outcome": "accept", "reason": "转让材料齐全"},
    )
    done = await lic.client.post(
        f"/licensing/v1/applications/{transfer['id']}/decision",
        headers=officer,
        json={"decision": "approved", "licence_no": NUMBER},
    )
    assert done.status_code == 200, done.text
    moved = (await lic.client.get(f"/licensing/v1/licences/{NUMBER}", headers=officer)).json()
    assert moved["holder"]["credit_code"] == OTHER
    suspended = await lic.client.post(
        f"/licensing/v1/licences/{NUMBER}/suspend", headers=officer, json={"reason": "停产整顿"}
    )
    assert suspended.json()["status"] == "suspended"
    problem(
        await lic.client.post(
            f"/licensing/v1/licences/{NUMBER}/suspend", headers=officer, json={"reason": "again"}
        ),
        409,
    )
    from datetime import UTC, datetime

    assert await expire_once(lic.runtime, now=datetime.now(UTC) + timedelta(days=10)) == []
    assert await expire_once(lic.runtime, now=datetime.now(UTC) + timedelta(days=30)) == [NUMBER]
    history = (await lic.client.get(f"/licensing/v1/licences/{NUMBER}", headers=officer)).json()
    assert history["status"] == "expired"
    assert [h["action"] for h in history["history"]] == [
        "issued",
        "transferred",
        "suspended",
        "expired",
    ]
    types = [t for t in await lic.types_published() if ".licence." in t]
    assert types == [
        "lode.licensing.licence.issued.v1",
        "lode.licensing.licence.transferred.v1",
        "lode.licensing.licence.suspended.v1",
        "lode.licensing.licence.expired.v1",
    ]


# --- who may do what -------------------------------------------------------------------------
async def test_an_applicant_sees_only_its_own_applications(system: System) -> None:
    lic = system.licensing
    mine = lic.auth("mine", enterprise=HOLDER)
    other = lic.auth("mine", enterprise=OTHER)
    own = await lic.client.post("/licensing/v1/applications", json=mining(), headers=mine)
    assert own.status_code == 201, own.text
    problem(await lic.client.post("/licensing/v1/applications", json=mining(), headers=other), 403)
    app_id = own.json()["id"]
    assert (
        await lic.client.get(f"/licensing/v1/applications/{app_id}", headers=mine)
    ).status_code == 200
    problem(await lic.client.get(f"/licensing/v1/applications/{app_id}", headers=other), 403)
    assert (await lic.client.get("/licensing/v1/applications", headers=other)).json()["total"] == 0
    problem(
        await lic.client.post(
            f"/licensing/v1/applications/{app_id}/withdraw", headers=other, json={}
        ),
        403,
    )


@pytest.mark.parametrize("role", ["viewer", "planner", "inspector", "mine"])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/licensing/v1/applications/x/review", {"outcome": "accept", "reason": "ok"}),
        ("POST", "/licensing/v1/applications/x/forward", None),
        ("POST", "/licensing/v1/applications/x/decision", {"decision": "rejected"}),
        ("POST", f"/licensing/v1/licences/{NUMBER}/suspend", {"reason": "xx"}),
        ("POST", f"/licensing/v1/licences/{NUMBER}/revoke", {"reason": "xx"}),
    ],
)
async def test_only_officers_move_applications_and_licences(
    system: System, role: str, method: str, path: str, body: Any
) -> None:
    lic = system.licensing
    r = await lic.client.request(method, path, json=body, headers=lic.auth(role, enterprise=HOLDER))
    assert "licensing_officer" in problem(r, 403)["detail"]


@pytest.mark.parametrize("role", ["viewer", "planner", "inspector"])
async def test_staff_other_than_officers_cannot_submit(system: System, role: str) -> None:
    problem(await submit(system.licensing, mining(), role=role), 403)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/licensing/v1/applications"),
        ("POST", "/licensing/v1/applications"),
        ("GET", "/licensing/v1/licences"),
        ("GET", f"/licensing/v1/licences/{NUMBER}"),
    ],
)
async def test_no_token_is_401(system: System, method: str, path: str) -> None:
    problem(await system.licensing.client.request(method, path, json={}), 401)


async def test_a_mine_cannot_read_another_enterprises_licence(system: System) -> None:
    lic = system.licensing
    await block(system.zoning)
    view = (await submit(lic, await granted(lic))).json()
    await lic.client.post(
        f"/licensing/v1/applications/{view['id']}/decision",
        headers=lic.auth("licensing_officer"),
        json={
            "decision": "approved",
            "licence_no": NUMBER,
            "valid_from": "2026-12-01",
            "valid_to": "2030-01-01",
        },
    )
    own = await lic.client.get(
        f"/licensing/v1/licences/{NUMBER}", headers=lic.auth("mine", enterprise=HOLDER)
    )
    assert own.status_code == 200
    problem(
        await lic.client.get(
            f"/licensing/v1/licences/{NUMBER}", headers=lic.auth("mine", enterprise=OTHER)
        ),
        403,
    )
    listed = await lic.client.get(
        "/licensing/v1/licences", headers=lic.auth("mine", enterprise=OTHER)
    )
    assert listed.json()["total"] == 0


__all__ = ["square"]


async def test_a_retried_submission_with_its_idempotency_key_makes_one_application(
    system: System,
) -> None:
    lic = system.licensing
    headers = {**lic.auth("licensing_officer"), "Idempotency-Key": "apply-2026-001"}
    first = await lic.client.post("/licensing/v1/applications", json=mining(), headers=headers)
    again = await lic.client.post("/licensing/v1/applications", json=mining(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    other = await lic.client.post(
        "/licensing/v1/applications",
        json=mining(capacity={"value": 15, "unit": "万吨/年"}),
        headers=headers,
    )
    assert "another request body" in problem(other, 409)["detail"]
    bad = await lic.client.post(
        "/licensing/v1/applications",
        json=mining(mineral="独角兽矿"),
        headers={**headers, "Idempotency-Key": "apply-2026-002"},
    )
    problem(bad, 422)
    fixed = await lic.client.post(
        "/licensing/v1/applications",
        json=mining(),
        headers={**headers, "Idempotency-Key": "apply-2026-002"},
    )
    assert fixed.status_code == 201, "an error answer is not stored: the key may be reused"
    listed = (await lic.client.get("/licensing/v1/applications", headers=lic.auth("viewer"))).json()
    assert listed["total"] == 2
