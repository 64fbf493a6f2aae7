"""The bureau records a mine's closure facts (闭坑: the closure report received, the
restoration accepted); the licence shows them and the cancellation check decides by them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from lode_common.testing.apps import ServiceUnderTest

from .builders import HOLDER, OTHER, block, checks, issue, mining, problem, submit
from .conftest import System

pytestmark = pytest.mark.timeout(120)
NUMBER = "C1308812026017120000061"
REPORT = {"received_on": "2026-10-20", "reference": "平自然资闭〔2026〕3号", "note": "资料齐全"}
ACCEPTANCE = {"accepted_on": "2026-11-05", "reference": "平自然资验〔2026〕7号"}
OFFICER = {"user": "王科长"}


async def _issue(system: System) -> None:
    await block(system.zoning)
    await issue(system.licensing, NUMBER)


async def record(
    lic: ServiceUnderTest,
    what: str,
    body: dict[str, Any],
    *,
    number: str = NUMBER,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await lic.client.post(
        f"/licensing/v1/licences/{number}/{what}",
        json=body,
        headers=headers if headers is not None else lic.auth("licensing_officer", **OFFICER),
    )


def cancellation() -> dict[str, Any]:
    return mining(
        kind="cancellation",
        licence_no=NUMBER,
        closure_report=True,
        restoration_status="completed",
        area=None,
        restoration_plan=None,
    )


async def test_recorded_facts_show_on_the_licence_and_decide_the_cancellation(
    system_both: System,
) -> None:
    lic = system_both.licensing
    await _issue(system_both)

    first = await submit(lic, cancellation())
    assert first.status_code == 201, first.text
    duty = checks(first.json())["restoration_duty"]
    assert duty["outcome"] == "fail"  # the applicant's word alone does not do
    assert "未记录收到矿山闭坑报告" in duty["message"]

    r = await record(lic, "closure-report", REPORT)
    assert r.status_code == 201, r.text
    assert r.json()["closure_report"] == {
        "on": "2026-10-20",
        "reference": "平自然资闭〔2026〕3号",
        "recorded_by": "王科长",
        "role": "licensing_officer",
        "note": "资料齐全",
    }
    assert r.json()["restoration_acceptance"] is None
    r = await record(lic, "restoration-acceptance", ACCEPTANCE)
    assert r.status_code == 201, r.text

    licence = await lic.client.get(
        f"/licensing/v1/licences/{NUMBER}", headers=lic.auth("mine", enterprise=HOLDER)
    )
    assert licence.status_code == 200, licence.text
    closure = licence.json()["closure"]
    assert closure["closure_report"]["reference"] == "平自然资闭〔2026〕3号"
    assert closure["restoration_acceptance"]["on"] == "2026-11-05"
    assert [h["action"] for h in licence.json()["history"]] == [
        "issued",
        "closure_report",
        "restoration_accepted",
    ]

    second = await submit(lic, cancellation())
    assert second.status_code == 201, second.text
    duty = checks(second.json())["restoration_duty"]
    assert duty["outcome"] == "pass", duty
    assert (
        "2026-11-05 地质环境恢复治理验收通过（平自然资验〔2026〕7号，王科长 记录）"
        in (duty["message"])
    )


async def test_the_same_fact_again_adds_nothing_and_a_key_replays(system: System) -> None:
    lic = system.licensing
    await _issue(system)
    headers = {**lic.auth("licensing_officer", **OFFICER), "Idempotency-Key": "closure-1"}
    r1 = await record(lic, "closure-report", REPORT, headers=headers)
    r2 = await record(lic, "closure-report", REPORT, headers=headers)
    assert (r1.status_code, r2.status_code) == (201, 201)
    assert r1.json() == r2.json()
    other = await record(
        lic, "closure-report", {**REPORT, "reference": "另一文号"}, headers=headers
    )
    problem(other, 409)  # the key was used with another body
    again = await record(lic, "closure-report", REPORT)  # no key, the same fact: nothing new
    assert again.status_code == 201, again.text
    licence = await lic.client.get(f"/licensing/v1/licences/{NUMBER}", headers=lic.auth("viewer"))
    actions = [h["action"] for h in licence.json()["history"]]
    assert actions == ["issued", "closure_report"]


async def test_refusals_name_what_is_wrong(system: System) -> None:
    lic = system.licensing
    unknown = await record(lic, "closure-report", REPORT, number="C1308812026017120000099")
    assert "C1308812026017120000099" in problem(unknown, 404)["detail"]
    await _issue(system)
    future = await record(lic, "closure-report", {**REPORT, "received_on": "2099-01-01"})
    body = problem(future, 422)
    assert body["errors"][0]["field"] == "received_on"
    assert "future" in body["errors"][0]["message"]
    early = await record(lic, "restoration-acceptance", {**ACCEPTANCE, "accepted_on": "2020-12-31"})
    assert problem(early, 422)["errors"][0]["field"] == "accepted_on"
    bad_date = await record(lic, "closure-report", {**REPORT, "received_on": "2026-02-30"})
    problem(bad_date, 422)
    unknown_field = await record(lic, "closure-report", {**REPORT, "accepted_by": "某人"})
    problem(unknown_field, 422)
    missing = await record(lic, "restoration-acceptance", {"accepted_on": "2026-11-05"})
    assert "reference" in problem(missing, 422)["detail"]

    revoked = await lic.client.post(
        f"/licensing/v1/licences/{NUMBER}/revoke",
        headers=lic.auth("licensing_officer"),
        json={"reason": "违法开采"},
    )
    assert revoked.status_code == 200, revoked.text
    conflict = problem(await record(lic, "closure-report", REPORT), 409)
    assert "revoked" in conflict["detail"]


@pytest.mark.parametrize("what", ["closure-report", "restoration-acceptance"])
async def test_only_a_licensing_officer_records_closure_facts(system: System, what: str) -> None:
    lic = system.licensing
    await _issue(system)
    body = REPORT if what == "closure-report" else ACCEPTANCE
    for role in ("viewer", "inspector", "planner"):
        problem(await record(lic, what, body, headers=lic.auth(role)), 403)
    for enterprise in (HOLDER, OTHER):  # a mine's token, its own licence or another's
        problem(await record(lic, what, body, headers=lic.auth("mine", enterprise=enterprise)), 403)
    problem(await record(lic, what, body, headers={}), 401)
    admin = await record(lic, what, body, headers=lic.auth("admin-token"))
    assert admin.status_code == 201, admin.text
