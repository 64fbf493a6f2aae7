"""A mining licence's restoration plan (复垦方案) from its application, and the officer's
record of its listing on the 绿色矿山名录: stored, in the history, carried by every
licence state event."""

from __future__ import annotations

from typing import Any

import pytest

from lode_common.testing.apps import ServiceUnderTest

from .builders import block, mining, problem, submit, with_grant
from .conftest import System

pytestmark = pytest.mark.timeout(120)
NUMBER = "C1308812026017120000041"
PLAN = [
    {"year": 2027, "restored_area_ha": 1.5},
    {"year": 2028, "restored_area_ha": 3},
    {"year": 2030, "restored_area_ha": 6.25},
]


async def _issue(system: System, body: dict[str, Any], valid_to: str = "2036-11-30") -> Any:
    await block(system.zoning)
    lic = system.licensing
    r = await submit(lic, await with_grant(lic, body))  # on a grant of its own (出让)
    assert r.status_code == 201, r.text
    return await lic.client.post(
        f"/licensing/v1/applications/{r.json()['id']}/decision",
        headers=lic.auth("licensing_officer"),
        json={
            "decision": "approved",
            "licence_no": NUMBER,
            "valid_from": "2026-12-01",
            "valid_to": valid_to,
            "reason": "本地审批通过",
        },
    )


async def _licence(lic: ServiceUnderTest) -> dict[str, Any]:
    r = await lic.client.get(f"/licensing/v1/licences/{NUMBER}", headers=lic.auth("viewer"))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_the_plan_is_stored_and_carried_and_the_listing_recorded(
    system_both: System,
) -> None:
    lic = system_both.licensing
    decided = await _issue(system_both, mining(restoration_plan=PLAN))
    assert decided.status_code == 200, decided.text
    licence = await _licence(lic)
    assert licence["restoration_plan"] == PLAN
    assert licence["green_mine"] is False

    listed = await lic.client.put(
        f"/licensing/v1/licences/{NUMBER}/green-mine",
        headers=lic.auth("licensing_officer"),
        json={"green_mine": True, "list_ref": "河北省绿色矿山名录（示意）", "note": "验收通过"},
    )
    assert listed.status_code == 200, listed.text
    assert listed.json()["green_mine"] is True
    again = await lic.client.put(  # already listed: nothing new happens
        f"/licensing/v1/licences/{NUMBER}/green-mine",
        headers=lic.auth("licensing_officer"),
        json={"green_mine": True, "list_ref": "河北省绿色矿山名录（示意）"},
    )
    assert again.status_code == 200, again.text

    licence = await _licence(lic)
    assert licence["green_mine"] is True
    assert [h["action"] for h in licence["history"]] == ["issued", "green_mine"]
    assert "河北省绿色矿山名录（示意）" in licence["history"][1]["note"]
    assert "验收通过" in licence["history"][1]["note"]

    events = [e for e in await lic.published() if e.type.startswith("lode.licensing.licence.")]
    assert [e.type for e in events] == [
        "lode.licensing.licence.issued.v1",
        "lode.licensing.licence.changed.v1",
    ]
    issued, changed = events
    assert issued.data["restoration_plan"] == PLAN
    assert issued.data["green_mine"] is False
    assert changed.data["changed"] == ["green_mine"]
    assert changed.data["green_mine"] is True
    assert changed.data["restoration_plan"] == PLAN  # every state event carries the plan


async def test_a_milestone_outside_the_validity_is_refused_naming_it(system: System) -> None:
    plan = [{"year": 2027, "restored_area_ha": 1}, {"year": 2040, "restored_area_ha": 2}]
    decided = await _issue(system, mining(restoration_plan=plan))
    body = problem(decided, 422)
    assert [e["field"] for e in body["errors"]] == ["restoration_plan[1].year"]
    assert "2040" in body["errors"][0]["message"]
    r = await system.licensing.client.get(
        f"/licensing/v1/licences/{NUMBER}", headers=system.licensing.auth("viewer")
    )
    assert r.status_code == 404  # nothing half-written


@pytest.mark.parametrize(
    ("plan", "field"),
    [
        ("soon", "restoration_plan"),
        ([{"year": 2027, "restored_area_ha": -1}], "restoration_plan[0].restored_area_ha"),
        (
            [{"year": 2028, "restored_area_ha": 2}, {"year": 2027, "restored_area_ha": 3}],
            "restoration_plan[1].year",
        ),
        (
            [{"year": 2027, "restored_area_ha": 2}, {"year": 2028, "restored_area_ha": 1}],
            "restoration_plan[1].restored_area_ha",
        ),
    ],
)
async def test_an_invalid_plan_is_refused_on_submission(
    system: System, plan: Any, field: str
) -> None:
    r = await submit(system.licensing, mining(restoration_plan=plan))
    body = problem(r, 422)
    assert field in [e["field"] for e in body["errors"]]


async def test_the_listing_is_for_a_licensing_officer_on_a_known_mine(system: System) -> None:
    lic = system.licensing
    body = {"green_mine": True, "list_ref": "全国绿色矿山名录"}
    unknown = await lic.client.put(
        "/licensing/v1/licences/C1308812026017120009999/green-mine",
        headers=lic.auth("licensing_officer"),
        json=body,
    )
    problem(unknown, 404)
    decided = await _issue(system, mining())
    assert decided.status_code == 200, decided.text
    for role in ("viewer", "planner", "inspector"):
        r = await lic.client.put(
            f"/licensing/v1/licences/{NUMBER}/green-mine", headers=lic.auth(role), json=body
        )
        problem(r, 403)
    mine = await lic.client.put(
        f"/licensing/v1/licences/{NUMBER}/green-mine",
        headers=lic.auth("mine", enterprise="91130881MA0A000007"),
        json=body,
    )
    problem(mine, 403)  # not even the holder lists itself
    missing_ref = await lic.client.put(
        f"/licensing/v1/licences/{NUMBER}/green-mine",
        headers=lic.auth("licensing_officer"),
        json={"green_mine": True},
    )
    assert "list_ref" in str(problem(missing_ref, 422)["errors"])
    assert (await _licence(lic))["green_mine"] is False


async def test_a_revoked_licence_is_not_listed(system: System) -> None:
    lic = system.licensing
    decided = await _issue(system, mining())
    assert decided.status_code == 200, decided.text
    revoked = await lic.client.post(
        f"/licensing/v1/licences/{NUMBER}/revoke",
        headers=lic.auth("licensing_officer"),
        json={"reason": "违法开采"},
    )
    assert revoked.status_code == 200, revoked.text
    r = await lic.client.put(
        f"/licensing/v1/licences/{NUMBER}/green-mine",
        headers=lic.auth("licensing_officer"),
        json={"green_mine": True, "list_ref": "全国绿色矿山名录"},
    )
    assert problem(r, 409)["current_state"] == "revoked"


async def test_a_change_revises_the_plan_and_says_so(system: System) -> None:
    lic = system.licensing
    decided = await _issue(system, mining(restoration_plan=PLAN))
    assert decided.status_code == 200, decided.text
    revised = [{"year": 2027, "restored_area_ha": 2}, {"year": 2031, "restored_area_ha": 8.5}]
    change = await submit(
        lic,
        {
            "right_type": "mining",
            "kind": "change",
            "licence_no": NUMBER,
            "changes": ["capacity"],
            "applicant": mining()["applicant"],
            "mineral": "铁矿",
            "mining_method": "underground",
            "capacity": {"value": 15, "unit": "万吨/年"},
            "restoration_plan": revised,
        },
    )
    assert change.status_code == 201, change.text
    app = change.json()
    assert (app["status"], app["verdict"]) == ("checked", "eligible"), app["checks"]
    done = await lic.client.post(
        f"/licensing/v1/applications/{app['id']}/decision",
        headers=lic.auth("licensing_officer"),
        json={"decision": "approved", "licence_no": NUMBER},
    )
    assert done.status_code == 200, done.text
    licence = await _licence(lic)
    assert licence["restoration_plan"] == revised
    assert licence["capacity"] == {"value": 15, "unit": "万吨/年"}
    changed = [e for e in await lic.published() if e.type.endswith("licence.changed.v1")]
    assert changed[-1].data["changed"] == ["capacity", "restoration_plan"]
    assert changed[-1].data["restoration_plan"] == revised
