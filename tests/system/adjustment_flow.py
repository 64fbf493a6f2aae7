"""The plan adjustment (规划调整) story of issue 15, written once and run on both runtimes:
the four services as processes on PostgreSQL and the Kafka-protocol broker
(``test_5_plan_adjustment.py``), and the embedded runtime with the demo data on SQLite and
the in-process bus (``tests/embedded/test_plan_adjustment.py``).

A planner proposes to add a 禁采区 over a licence in force and over the area of an open
application; the impact (what-if) names both before approval, with the rule and clause;
the proposer, although they also hold the approver role, may not approve (403); another
user with the approver role approves with the approval reference; version n+1 is published
with it; the licence appears under enforcement with the rule and clause, and the
application's checks after the re-check are what the impact said they would be."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from lode_common.testing import eventually

FORBIDDEN_RULE = "ecological_red_line"
"""The plan's rule on the red line and 禁采区 (第五章第一节; 第一章第二节)."""
_proposals = itertools.count(1)


class Lode(Protocol):
    """Where the services answer and how a staff user signs in."""

    def url(self, service: str) -> str: ...

    def auth(self, *roles: str, user: str) -> dict[str, str]: ...


@dataclass(frozen=True)
class Subjects:
    """What the proposal will touch: a licence in force and an open application."""

    plan_id: str
    licence_no: str
    licence_area: dict[str, Any]
    application_id: str
    application_area: dict[str, Any]


def forbidden_zone(code: str, geometry: dict[str, Any]) -> dict[str, Any]:
    """A 禁采区 feature over ``geometry`` (a new zone: no id)."""
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "type": "forbidden_mining_area",
            "code": code,
            "name_zh": f"示意新增禁采区{code}",
            "illustrative": True,
        },
    }


def rule_changes(item: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {change["rule_id"]: change for change in item["changes"]}


async def run_adjustment(http: httpx.AsyncClient, lode: Lode, subjects: Subjects) -> None:
    zoning, licensing = lode.url("zoning"), lode.url("licensing")
    plan = f"{zoning}/zoning/v1/plans/{subjects.plan_id}"
    proposer = lode.auth("planner", "approver", user="planner-zhang")
    approver = lode.auth("approver", user="chengde-approver-li")

    current = await http.get(plan, headers=proposer)
    assert current.status_code == 200, current.text
    version = current.json()["version"]
    document = (await http.get(f"{plan}/versions/{version}", headers=proposer)).json()["document"]

    n = next(_proposals)
    created = await http.post(
        f"{plan}/proposals",
        json={
            "document": document,
            "grounds": "conditions_changed",
            "reason": "新划定饮用水水源保护区，调整为禁采区（系统测试）",
            "zones": [
                forbidden_zone(f"JC-ST{n}-1", subjects.licence_area),
                forbidden_zone(f"JC-ST{n}-2", subjects.application_area),
            ],
        },
        headers={**proposer, "Idempotency-Key": f"adjustment-{n}-{subjects.licence_no}"},
    )
    assert created.status_code == 201, created.text
    proposal = created.json()
    assert proposal["status"] == "draft"
    at = f"{plan}/proposals/{proposal['id']}"

    impact = await http.get(f"{at}/impact", headers=approver)
    assert impact.status_code == 200, impact.text
    answer = impact.json()
    (licence,) = [i for i in answer["licences"] if i["licence_no"] == subjects.licence_no]
    assert licence["before"] != "fail", licence
    assert licence["after"] == "fail", licence
    forbidden = rule_changes(licence)[FORBIDDEN_RULE]
    assert forbidden["after"] == "fail", forbidden
    assert forbidden["clause"], forbidden
    (application,) = [
        i for i in answer["applications"] if i["application_id"] == subjects.application_id
    ]
    assert application["after"] == "ineligible", application
    expected = rule_changes(application)

    submitted = await http.post(f"{at}/submit", headers=proposer)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
    reference = f"承自然资规〔2026〕{n}号（系统测试）"
    own = await http.post(
        f"{at}/approve",
        json={"approval_ref": reference, "approved_on": "2026-12-01"},
        headers=proposer,
    )
    assert own.status_code == 403, own.text
    assert "propos" in own.text  # names the separation-of-duties rule
    approved = await http.post(
        f"{at}/approve",
        json={"approval_ref": reference, "approved_on": "2026-12-01"},
        headers=approver,
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"

    after = (await http.get(plan, headers=proposer)).json()
    assert after["version"] == version + 1
    assert after["approval_ref"] == reference

    officer = lode.auth("licensing_officer", user="officer-wang")

    async def listed() -> dict[str, Any]:
        found = await http.get(
            f"{licensing}/licensing/v1/enforcement",
            params={"licence_no": subjects.licence_no, "kind": "conflict"},
            headers=officer,
        )
        assert found.status_code == 200, found.text
        items = [i for i in found.json()["items"] if i["rule_id"] == FORBIDDEN_RULE]
        assert len(items) == 1, found.json()  # an AssertionError: eventually tries again
        return dict(items[0])

    item = await eventually(listed, timeout_s=90, interval_s=1, what="the conflict listed")
    assert item["clause"] == forbidden["clause"]
    # The new 禁采区's zone.created (keyed by the zone) may reach licensing before the
    # plan.published of the version it belongs to (keyed by the plan, another partition):
    # the sweep it requests then finds the conflict while version n is still in force there.
    assert item["plan_version"] in (version, version + 1), item

    async def rechecked() -> dict[str, Any]:
        view = await http.get(
            f"{licensing}/licensing/v1/applications/{subjects.application_id}", headers=officer
        )
        assert view.status_code == 200, view.text
        body = view.json()
        assert body["plan_version"] == version + 1, body.get("plan_version")
        return dict(body)

    view = await eventually(rechecked, timeout_s=90, interval_s=1, what="the re-check")
    assert view["verdict"] == application["after"]
    outcomes = {c["rule_id"]: c["outcome"] for c in view["checks"]}
    for rule_id, change in expected.items():
        assert outcomes.get(rule_id) == change["after"], (rule_id, change, outcomes)
