"""Plan adjustment proposals (规划调整) end to end: drafted, submitted, approved or rejected,
with the zone changes riding along, succession, and who may do what."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from lode_common.testing.apps import ServiceUnderTest

from .test_zoning_api import APPROVAL_REF, PLAN, problem, zone_feature

pytestmark = pytest.mark.timeout(120)
PROPOSALS = f"/zoning/v1/plans/{PLAN}/proposals"
SUCCESSOR = "pingquan-2026-2030"
PROPOSER = "planner-li"
APPROVER = "approver-wang"


def planner(z: ServiceUnderTest, user: str = PROPOSER) -> dict[str, str]:
    return z.auth("planner", user=user)


def approver(z: ServiceUnderTest, user: str = APPROVER) -> dict[str, str]:
    return z.auth("approver", user=user)


async def document(z: ServiceUnderTest) -> dict[str, Any]:
    r = await z.client.get(f"/zoning/v1/plans/{PLAN}/versions/1", headers=z.auth("viewer"))
    doc: dict[str, Any] = json.loads(json.dumps(r.json()["document"]))
    del doc["standards"]  # a proposal without standards takes those in force
    return doc


def with_target(doc: dict[str, Any], more: int = 50) -> tuple[dict[str, Any], dict[str, Any]]:
    indicator = next(i for i in doc["indicators"]["items"] if "target" in i)
    indicator["target"] += more
    return doc, indicator


def successor(doc: dict[str, Any]) -> dict[str, Any]:
    doc["plan"] |= {
        "id": SUCCESSOR,
        "title_zh": "平泉市矿产资源总体规划（2026-2030年）",
        "predecessor_plan_id": PLAN,
        "base_year": 2025,
        "period": [2026, 2030],
        "target_year": 2030,
        "outlook_year": 2035,
    }
    return doc


async def propose(
    z: ServiceUnderTest,
    doc: dict[str, Any],
    *,
    zones: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> httpx.Response:
    body = {"document": doc, "grounds": "conditions_changed", "reason": "形势变化，调整指标"}
    if zones is not None:
        body["zones"] = zones
    return await z.client.post(PROPOSALS, json=body | extra, headers=headers or planner(z))


async def drafted(z: ServiceUnderTest, doc: dict[str, Any], **kw: Any) -> dict[str, Any]:
    r = await propose(z, doc, **kw)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    assert body["status"] == "draft"
    return body


async def submitted(z: ServiceUnderTest, doc: dict[str, Any], **kw: Any) -> dict[str, Any]:
    body = await drafted(z, doc, **kw)
    r = await z.client.post(f"{PROPOSALS}/{body['id']}/submit", headers=planner(z))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "submitted"
    return body


async def approve(
    z: ServiceUnderTest, proposal_id: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    return await z.client.post(
        f"{PROPOSALS}/{proposal_id}/approve",
        json={"approval_ref": APPROVAL_REF, "approved_on": "2026-11-30"},
        headers=headers or approver(z),
    )


async def plan(z: ServiceUnderTest, plan_id: str = PLAN) -> dict[str, Any]:
    r = await z.client.get(f"/zoning/v1/plans/{plan_id}", headers=z.auth("viewer"))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_approval_publishes_the_next_version_with_its_approval(
    zoning_both: ServiceUnderTest,
) -> None:
    z = zoning_both
    doc, indicator = with_target(await document(z))
    proposal = await submitted(z, doc)
    assert (await plan(z))["version"] == 1  # nothing in force before approval

    r = await approve(z, proposal["id"])
    assert r.status_code == 200, r.text
    approved = r.json()
    assert approved["status"] == "approved"
    assert approved["published_version"] == 2
    assert [(s["action"], s["by"], s["role"]) for s in approved["steps"]] == [
        ("propose", PROPOSER, "planner"),
        ("submit", PROPOSER, "planner"),
        ("approve", APPROVER, "approver"),
    ]
    in_force = await plan(z)
    assert in_force["version"] == 2
    assert in_force["approval_ref"] == APPROVAL_REF
    assert in_force["approved_on"] == "2026-11-30"
    assert in_force["proposal_id"] == proposal["id"]
    assert in_force["standing"] in ("in_force", "ended_in_force")
    assert in_force["standing_zh"]
    target = next(i for i in in_force["indicators"]["items"] if i["id"] == indicator["id"])
    assert target["target"] == indicator["target"]

    events = await z.published()
    published = [e for e in events if e.type == "lode.zoning.plan.published.v1"]
    assert published[-1].data["version"] == 2
    assert published[-1].data["approval_ref"] == APPROVAL_REF
    assert published[-1].data["proposal_id"] == proposal["id"]
    types = [e.type for e in events]
    assert "lode.zoning.proposal.submitted.v1" in types
    assert types[-1] == "lode.zoning.proposal.approved.v1"
    assert events[-1].data["published_version"] == 2
    assert events[-1].data["approved_by"] == APPROVER


async def test_the_proposal_shows_its_diff_against_its_base(zoning: ServiceUnderTest) -> None:
    z = zoning
    doc, indicator = with_target(await document(z))
    proposal = await drafted(z, doc)
    r = await z.client.get(f"{PROPOSALS}/{proposal['id']}", headers=z.auth("viewer"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["base_version"] == 1
    assert body["allowed_actions"] == ["edit", "submit", "withdraw"]
    assert [c["key"] for c in body["changes"]] == [indicator["id"]]
    assert "standards" in body["document"]  # as it would be published
    listed = await z.client.get(PROPOSALS, params={"status": "draft"}, headers=approver(z))
    assert listed.json()["total"] == 1
    assert listed.json()["items"][0]["id"] == proposal["id"]
    none = await z.client.get(PROPOSALS, params={"status": "approved"}, headers=approver(z))
    assert none.json() == {"items": [], "total": 0}


async def test_the_proposer_may_not_approve_their_own_proposal(zoning: ServiceUnderTest) -> None:
    z = zoning
    proposal = await submitted(z, with_target(await document(z))[0])
    both = z.auth("planner", "approver", user=PROPOSER)
    body = problem(await approve(z, proposal["id"], headers=both), 403)
    assert body["rule"] == "separation_of_duties"
    assert "审批分离" in body["detail"]
    rejected = await z.client.post(
        f"{PROPOSALS}/{proposal['id']}/reject", json={"reason": "自己驳回"}, headers=both
    )
    assert problem(rejected, 403)["rule"] == "separation_of_duties"
    assert (await plan(z))["version"] == 1


async def test_rejection_publishes_nothing(zoning: ServiceUnderTest) -> None:
    z = zoning
    proposal = await submitted(z, with_target(await document(z))[0])
    r = await z.client.post(
        f"{PROPOSALS}/{proposal['id']}/reject",
        json={"reason": "依据不足，不予批准"},
        headers=approver(z),
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "rejected"
    assert r.json()["rejection_reason"] == "依据不足，不予批准"
    assert (await plan(z))["version"] == 1
    again = problem(await approve(z, proposal["id"]), 409)
    assert again["current_state"] == "rejected"
    assert again["allowed_actions"] == []
    events = await z.published()
    assert events[-1].type == "lode.zoning.proposal.rejected.v1"
    assert events[-1].data["rejection_reason"] == "依据不足，不予批准"


async def test_a_stale_base_is_refused_with_what_to_do(zoning: ServiceUnderTest) -> None:
    z = zoning
    first = await submitted(z, with_target(await document(z))[0])
    second = await submitted(z, with_target(await document(z), 70)[0])
    assert (await approve(z, first["id"])).status_code == 200
    body = problem(await approve(z, second["id"]), 409)
    assert "v1 → v2" in body["detail"]
    assert "withdraw" in body["detail"]
    assert (await plan(z))["version"] == 2


async def test_withdraw_and_edit_are_the_proposers(zoning: ServiceUnderTest) -> None:
    z = zoning
    proposal = await drafted(z, with_target(await document(z))[0])
    path = f"{PROPOSALS}/{proposal['id']}"
    other = planner(z, "planner-zhao")
    body = {"document": await document(z), "grounds": "major_project", "reason": "重大项目"}
    assert problem(await z.client.put(path, json=body, headers=other), 403)["rule"] == (
        "proposer_only"
    )
    assert problem(await z.client.post(f"{path}/withdraw", headers=other), 403)
    edited = await z.client.put(path, json=body, headers=planner(z))
    assert edited.status_code == 200, edited.text
    assert edited.json()["grounds"] == "major_project"
    assert edited.json()["changes"] == []
    r = await z.client.post(f"{path}/withdraw", json={"note": "撤回"}, headers=planner(z))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "withdrawn"
    assert r.json()["steps"][-1]["note"] == "撤回"
    assert (
        problem(await z.client.put(path, json=body, headers=planner(z)), 409)["current_state"]
        == "withdrawn"
    )


async def test_idempotency_key_answers_the_first_proposal_again(zoning: ServiceUnderTest) -> None:
    z = zoning
    doc = with_target(await document(z))[0]
    headers = {**planner(z), "Idempotency-Key": "proposal-1"}
    first = await propose(z, doc, headers=headers)
    again = await propose(z, doc, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert (await z.client.get(PROPOSALS, headers=planner(z))).json()["total"] == 1
    other = await propose(z, with_target(doc)[0], headers=headers)
    problem(other, 409)


async def test_zone_changes_happen_only_on_approval(zoning: ServiceUnderTest) -> None:
    z = zoning
    planner_h = z.auth("planner")
    kept = await z.client.post(
        "/zoning/v1/zones", json=zone_feature("KC-1", lon=118.70), headers=planner_h
    )
    gone = await z.client.post(
        "/zoning/v1/zones", json=zone_feature("KC-2", lon=118.75), headers=planner_h
    )
    kept_id, gone_id = kept.json()["id"], gone.json()["id"]
    zones = [
        zone_feature("JC-9", zone_type="forbidden_mining_area", lon=118.80),
        {"type": "Feature", "properties": {"id": kept_id, "name_zh": "更名区块"}},
        {"type": "Feature", "properties": {"id": gone_id, "retire": True}},
    ]
    proposal = await submitted(z, (await document(z)), zones=zones)
    assert proposal["zone_changes"] == {
        "created": 1,
        "changed": 1,
        "retired": 1,
        "zones_carried_over": 0,
    }
    listed = await z.client.get("/zoning/v1/zones", params={"plan_id": PLAN}, headers=planner_h)
    codes = {f["properties"]["code"] for f in listed.json()["features"]}
    assert "JC-9" not in codes
    assert "KC-2" in codes

    assert (await approve(z, proposal["id"])).status_code == 200
    listed = await z.client.get("/zoning/v1/zones", params={"plan_id": PLAN}, headers=planner_h)
    by_code = {f["properties"]["code"]: f["properties"] for f in listed.json()["features"]}
    assert "JC-9" in by_code
    assert "KC-2" not in by_code
    assert by_code["KC-1"]["name_zh"] == "更名区块"
    assert by_code["KC-1"]["version"] == 2
    types = await z.types_published()
    assert {"lode.zoning.zone.created.v1", "lode.zoning.zone.changed.v1"} <= set(types)
    assert "lode.zoning.zone.retired.v1" in types


async def test_succession_publishes_the_successor_and_closes_the_predecessor(
    zoning_both: ServiceUnderTest,
) -> None:
    z = zoning_both
    planner_h = z.auth("planner")
    await z.client.post("/zoning/v1/zones", json=zone_feature("KC-1"), headers=planner_h)
    before = (
        await z.client.get("/zoning/v1/zones", params={"plan_id": PLAN}, headers=planner_h)
    ).json()["total"]
    proposal = await submitted(z, successor(await document(z)))
    assert proposal["kind"] == "succession"
    assert proposal["proposed_plan_id"] == SUCCESSOR
    assert proposal["zones_carried_over"] == before

    assert (await approve(z, proposal["id"])).status_code == 200
    new = await plan(z, SUCCESSOR)
    assert new["version"] == 1
    assert new["predecessor_plan_id"] == PLAN
    assert new["approval_ref"] == APPROVAL_REF
    old = await plan(z, PLAN)
    assert old["superseded_by"] == SUCCESSOR
    assert old["standing"] == "superseded"
    carried = await z.client.get(
        "/zoning/v1/zones", params={"plan_id": SUCCESSOR}, headers=planner_h
    )
    assert carried.json()["total"] == before
    published = [e for e in await z.published() if e.type == "lode.zoning.plan.published.v1"]
    assert published[-1].data["predecessor_plan_id"] == PLAN

    second = await z.client.post(
        PROPOSALS,
        json={
            "document": successor(await document(z)),
            "grounds": "major_project",
            "reason": "再次",
        },
        headers=planner(z),
    )
    problem(second, 409)  # the predecessor is closed: adjust the successor instead


async def test_a_second_successor_is_refused_on_approval(zoning: ServiceUnderTest) -> None:
    z = zoning
    first = await submitted(z, successor(await document(z)))
    other = successor(await document(z))
    other["plan"]["id"] = "pingquan-2026-2030-b"
    second = await submitted(z, other)
    assert (await approve(z, first["id"])).status_code == 200
    problem(await approve(z, second["id"]), 409)


async def test_put_without_approval_ref_points_to_proposals(zoning: ServiceUnderTest) -> None:
    z = zoning
    r = await z.client.put(
        f"/zoning/v1/plans/{PLAN}", json=await document(z), headers=z.auth("planner")
    )
    body = problem(r, 422)
    assert body["errors"][0]["field"] == "approval_ref"
    assert "/proposals" in body["detail"]


# --- hostile input and who may do what --------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"grounds": "whim"}, "grounds"),
        ({"reason": ""}, "reason"),
        ({"reason": "a\x00b"}, "reason"),
        ({"reason": "长" * 3000}, "reason"),
        ({"document": "plan"}, "document"),
        ({"document": {"plan": {}}}, "document.plan"),
        ({"zones": "all"}, "zones"),
        ({"zones": [{"type": "Polygon"}]}, "zones[0].type"),
        ({"zones": [{"type": "Feature", "properties": {"id": "nope"}}]}, "zones[0].properties.id"),
        (
            {"zones": [{"type": "Feature", "properties": {"retire": True}}]},
            "zones[0].properties.id",
        ),
        (
            {"zones": [{"type": "Feature", "properties": {"retire": "yes"}}]},
            "zones[0].properties.retire",
        ),
        ({"zones": [zone_feature("X", zone_type="castle")]}, "zones[0].properties.type"),
        ({"zones": [zone_feature("")]}, "zones[0].properties.code"),
        ({"zones": [zone_feature("X", lon=100.0)]}, "zones[0]"),
        ({"extra": 1}, "extra"),
    ],
)
async def test_hostile_proposal_bodies_name_the_field(
    zoning: ServiceUnderTest, change: dict[str, Any], field: str
) -> None:
    z = zoning
    body = {"document": await document(z), "grounds": "major_discovery", "reason": "重大发现"}
    r = await z.client.post(PROPOSALS, json=body | change, headers=planner(z))
    fields = [e["field"] for e in problem(r, 422).get("errors", [])]
    assert any(f.startswith(field) for f in fields), (fields, r.text)


async def test_a_document_of_another_plan_is_refused(zoning: ServiceUnderTest) -> None:
    z = zoning
    doc = await document(z)
    doc["plan"]["id"] = "somewhere-else"
    r = await propose(z, doc)
    assert [e["field"] for e in problem(r, 422)["errors"]] == ["document.plan.id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"approved_on": "2026-11-30"}, "approval_ref"),
        ({"approval_ref": "", "approved_on": "2026-11-30"}, "approval_ref"),
        ({"approval_ref": "x\u202e", "approved_on": "2026-11-30"}, "approval_ref"),
        ({"approval_ref": "承自然资规〔2026〕12号"}, "approved_on"),
        ({"approval_ref": "承自然资规〔2026〕12号", "approved_on": "soon"}, "approved_on"),
        ({"approval_ref": "承自然资规〔2026〕12号", "approved_on": "2999-01-01"}, "approved_on"),
    ],
)
async def test_hostile_approvals_name_the_field(
    zoning: ServiceUnderTest, body: dict[str, Any], field: str
) -> None:
    z = zoning
    proposal = await submitted(z, with_target(await document(z))[0])
    r = await z.client.post(f"{PROPOSALS}/{proposal['id']}/approve", json=body, headers=approver(z))
    assert field in [e["field"] for e in problem(r, 422)["errors"]]
    rejected = await z.client.post(
        f"{PROPOSALS}/{proposal['id']}/reject", json={"reason": ""}, headers=approver(z)
    )
    assert "reason" in [e["field"] for e in problem(rejected, 422)["errors"]]


async def test_roles_on_every_proposal_endpoint(zoning: ServiceUnderTest) -> None:
    z = zoning
    proposal = await drafted(z, with_target(await document(z))[0])
    one = f"{PROPOSALS}/{proposal['id']}"
    approval = {"approval_ref": APPROVAL_REF, "approved_on": "2026-11-30"}
    writes = [
        (
            "POST",
            PROPOSALS,
            {"document": {}, "grounds": "major_project", "reason": "xx"},
            "planner",
        ),
        ("PUT", one, {"document": {}, "grounds": "major_project", "reason": "xx"}, "planner"),
        ("POST", f"{one}/submit", None, "planner"),
        ("POST", f"{one}/withdraw", None, "planner"),
        ("POST", f"{one}/approve", approval, "approver"),
        ("POST", f"{one}/reject", {"reason": "不予批准"}, "approver"),
    ]
    for method, path, body, role in writes:
        for wrong in (
            "viewer",
            "mine",
            "licensing_officer",
            "planner" if role == "approver" else "approver",
        ):
            r = await z.client.request(method, path, json=body, headers=z.auth(wrong))
            assert r.status_code == 403, (method, path, wrong, r.text)
        r = await z.client.request(method, path, json=body)
        assert r.status_code == 401, (method, path)
    for path in (PROPOSALS, one):
        assert (await z.client.get(path, headers=z.auth("mine"))).status_code == 403
        assert (await z.client.get(path, headers=z.auth("licensing_officer"))).status_code == 403
        assert (await z.client.get(path, headers=z.auth("approver"))).status_code == 200
        assert (await z.client.get(path, headers=z.auth("admin-token"))).status_code == 200
    r = await z.client.get(f"{PROPOSALS}/no-such-id", headers=z.auth("viewer"))
    problem(r, 404)
    r = await z.client.get(
        f"/zoning/v1/plans/other/proposals/{proposal['id']}", headers=z.auth("viewer")
    )
    problem(r, 404)


# --- analysis under a proposal ----------------------------------------------------------------
async def analyse(z: ServiceUnderTest, area: dict[str, Any], **extra: Any) -> httpx.Response:
    return await z.client.post(
        "/zoning/v1/analysis", json={"geometry": area, **extra}, headers=z.auth("viewer")
    )


async def test_analysis_under_a_proposal_sees_its_forbidden_area(
    zoning_both: ServiceUnderTest,
) -> None:
    z = zoning_both
    forbidden = zone_feature("JC-1", zone_type="forbidden_mining_area", lon=118.80, lat=41.0)
    proposal = await drafted(z, await document(z), zones=[forbidden])
    area = forbidden["geometry"]

    plain = await analyse(z, area)
    assert plain.status_code == 200, plain.text
    assert "forbidden_mining_area" not in {h["type"] for h in plain.json()["zones"]}
    under = await analyse(z, area, proposal_id=proposal["id"])
    assert under.status_code == 200, under.text
    hits = [h for h in under.json()["zones"] if h["type"] == "forbidden_mining_area"]
    assert [h["code"] for h in hits] == ["JC-1"]
    assert hits[0]["overlap_ha"] > 0
    again = await analyse(z, area, proposal_id=proposal["id"])  # from the kept overlay
    assert again.json()["zones"] == under.json()["zones"]
    assert "forbidden_mining_area" not in {
        h["type"] for h in (await analyse(z, area)).json()["zones"]
    }

    # an edit of the proposal is seen at once (the overlay is kept by its updated_at)
    edited = await z.client.put(
        f"{PROPOSALS}/{proposal['id']}",
        json={"document": await document(z), "grounds": "major_discovery", "reason": "撤销禁采区"},
        headers=planner(z),
    )
    assert edited.status_code == 200, edited.text
    after = await analyse(z, area, proposal_id=proposal["id"])
    assert "forbidden_mining_area" not in {h["type"] for h in after.json()["zones"]}


async def test_analysis_under_a_successor_uses_its_region_and_carried_zones(
    zoning: ServiceUnderTest,
) -> None:
    z = zoning
    planner_h = z.auth("planner")
    await z.client.post("/zoning/v1/zones", json=zone_feature("KC-1"), headers=planner_h)
    proposal = await drafted(z, successor(await document(z)))
    r = await analyse(z, zone_feature("KC-1")["geometry"], proposal_id=proposal["id"])
    assert r.status_code == 200, r.text
    hits = [h for h in r.json()["zones"] if h["code"] == "KC-1"]
    assert [h["plan_id"] for h in hits] == [SUCCESSOR]
    assert r.json()["region"] is not None


@pytest.mark.parametrize(
    ("value", "status"),
    [("no-such-proposal", 404), ("../etc", 422), ("x" * 40, 422), (7, 422)],
)
async def test_hostile_proposal_ids_name_the_field(
    zoning: ServiceUnderTest, value: Any, status: int
) -> None:
    r = await analyse(zoning, zone_feature("A")["geometry"], proposal_id=value)
    assert "proposal_id" in [e["field"] for e in problem(r, status)["errors"]]


async def test_a_mine_may_not_analyse_under_a_proposal(zoning: ServiceUnderTest) -> None:
    z = zoning
    proposal = await drafted(z, await document(z))
    r = await z.client.post(
        "/zoning/v1/analysis",
        json={"geometry": zone_feature("A")["geometry"], "proposal_id": proposal["id"]},
        headers=z.auth("mine", enterprise="91130881MA0000000X"),
    )
    problem(r, 403)


async def test_a_decided_proposal_is_no_basis_for_analysis(zoning: ServiceUnderTest) -> None:
    z = zoning
    proposal = await submitted(z, with_target(await document(z))[0])
    assert (await approve(z, proposal["id"])).status_code == 200
    r = await analyse(z, zone_feature("A")["geometry"], proposal_id=proposal["id"])
    assert "proposal_id" in [e["field"] for e in problem(r, 422)["errors"]]


async def test_every_proposal_answer_is_a_published_model(zoning: ServiceUnderTest) -> None:
    """Clients are generated from the document: each 2xx answer names a model declaring its
    fields, and the proposal's document is a published version's ``PlanDocument``."""
    published = zoning.app.openapi()
    schemas = published["components"]["schemas"]
    answers = {
        (method, path, status): content["schema"]["$ref"].split("/")[-1]
        for path, operations in published["paths"].items()
        if "/proposals" in path
        for method, operation in operations.items()
        for status, answer in operation["responses"].items()
        if status.startswith("2")
        for content in answer.get("content", {}).values()
    }
    assert len(answers) == 9  # propose, list, get, edit, submit, withdraw, reject, approve, impact
    assert all(schemas[name]["properties"] for name in answers.values())
    document = schemas["Proposal"]["properties"]["document"]
    (ref,) = document["allOf"]
    assert ref["$ref"].split("/")[-1] in schemas
    assert "ImpactHolder" in schemas  # the what-if contract shared with licensing
    assert "Holder" not in schemas  # licensing's name: one class per name in a client
