"""Plan adjustment (规划调整, issue 15) as licensing sees it: the what-if of a proposed
version with the real checks, conflicts of licences in force recorded after the fact and
listed for enforcement, and open applications re-checked when the new version is in force,
with the re-check equal to the what-if's ``after``."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest
from lode_licensing.container import Licensing

from .builders import (
    INSIDE,
    PLAN,
    block,
    granted,
    issue,
    problem,
    square,
    submit,
    zone,
)
from .conftest import System

pytestmark = pytest.mark.timeout(120)
NUMBER = "C1308812021017120000051"
LICENCE_AREA = square(INSIDE[0] + 0.002, INSIDE[1] + 0.002, 0.005)
"""Where :func:`builders.issue` puts the licence (the area of :func:`builders.mining`)."""
ELSEWHERE = square(INSIDE[0] + 0.012, INSIDE[1] + 0.012, 0.004)
"""An application's area inside the tests' block, away from the licence."""
OVER_LICENCE = square(INSIDE[0] + 0.003, INSIDE[1] + 0.003, 0.002)
"""A 禁采区 over the middle of the licence, not over ELSEWHERE."""


async def current_document(lic: ServiceUnderTest) -> dict[str, Any]:
    service = Licensing.of(lic.runtime)
    plan = await service.plans.require(PLAN)
    return copy.deepcopy(plan.document.as_published())


def iron_prohibited(document: dict[str, Any]) -> dict[str, Any]:
    """The document with 铁矿 moved to the prohibited minerals of mining (专栏4)."""
    mining_lists = document["mineral_policy"]["mining"]
    for key in ("priority_zh", "restricted_zh"):
        mining_lists[key] = [m for m in mining_lists.get(key) or [] if m != "铁矿"]
    mining_lists["prohibited_zh"] = [*(mining_lists.get("prohibited_zh") or []), "铁矿"]
    return document


def forbidden_zone(zone_id: str, geometry: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": zone_id,
        "type": "forbidden_mining_area",
        "code": "JC-09",
        "name_zh": "示意禁采区",
        "plan_id": PLAN,
        "geometry": geometry,
    }


async def impact(
    lic: ServiceUnderTest, proposal_id: str, document: Any, role: str = "planner"
) -> httpx.Response:
    return await lic.client.post(
        "/licensing/v1/plan-impact",
        headers=lic.auth(role),
        json={"proposal_id": proposal_id, "document": document},
    )


async def setup(system: System) -> str:
    """A licence in force (iron, in the block) and an open eligible application elsewhere
    in the block; returns the application's id."""
    z, lic = system.zoning, system.licensing
    await block(z)
    await issue(lic, NUMBER)
    r = await submit(lic, await granted(lic, area={"geometry": ELSEWHERE}))
    assert r.status_code == 201, r.text
    assert r.json()["verdict"] == "eligible", r.json()["checks"]
    application_id: str = r.json()["id"]
    return application_id


async def test_a_proposed_forbidden_zone_over_a_licence_shows_it_with_rule_and_clause(
    system: System,
) -> None:
    await setup(system)
    system.zoning_link.proposals["p-zone"] = [forbidden_zone("z-new", OVER_LICENCE)]
    r = await impact(system.licensing, "p-zone", await current_document(system.licensing))
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["plan_id"] == PLAN
    assert answer["proposed_plan_id"] == PLAN
    assert answer["evaluated"] == {"licences": 1, "applications": 1}
    assert answer["unavailable"] == []
    assert answer["applications"] == []  # the application is away from the zone: unchanged
    [licence] = answer["licences"]
    assert licence["licence_no"] == NUMBER
    assert (licence["before"], licence["after"]) == ("pass", "fail")
    [change] = licence["changes"]
    assert change["rule_id"] == "ecological_red_line"
    assert (change["before"], change["after"]) == ("pass", "fail")
    assert change["clause"]
    assert "示意禁采区" in change["message"]


async def test_a_mineral_moved_to_prohibited_shows_its_licences_and_applications(
    system: System,
) -> None:
    application_id = await setup(system)
    system.zoning_link.proposals["p-iron"] = []
    document = iron_prohibited(await current_document(system.licensing))
    r = await impact(system.licensing, "p-iron", document, role="approver")
    assert r.status_code == 200, r.text
    answer = r.json()
    [licence] = answer["licences"]
    assert (licence["before"], licence["after"]) == ("pass", "fail")
    assert [c["rule_id"] for c in licence["changes"]] == ["mining_mineral_policy"]
    [application] = answer["applications"]
    assert application["application_id"] == application_id
    assert (application["before"], application["after"]) == ("eligible", "ineligible")
    assert {c["rule_id"]: c["after"] for c in application["changes"]} == {
        "mining_mineral_policy": "fail"
    }


async def test_unchanged_subjects_are_not_listed(system: System) -> None:
    await setup(system)
    system.zoning_link.proposals["p-same"] = []
    r = await impact(system.licensing, "p-same", await current_document(system.licensing))
    assert r.status_code == 200, r.text
    assert r.json()["licences"] == []
    assert r.json()["applications"] == []
    assert r.json()["evaluated"] == {"licences": 1, "applications": 1}


async def test_a_subject_zoning_cannot_analyse_is_named_not_dropped(system: System) -> None:
    await setup(system)
    r = await impact(system.licensing, "p-unknown", await current_document(system.licensing))
    assert r.status_code == 200, r.text
    named = {(u["kind"], u["id"]) for u in r.json()["unavailable"]}
    assert ("licence", NUMBER) in named
    assert len(named) == 2


@pytest.mark.parametrize("role", ["licensing_officer", "viewer", "inspector", "mine"])
async def test_only_planners_and_the_approving_level_ask_the_impact(
    system: System, role: str
) -> None:
    lic = system.licensing
    document = await current_document(lic)
    problem(await impact(lic, "p-1", document, role=role), 403)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"document": {}}, "proposal_id"),
        ({"proposal_id": "p-1"}, "document"),
        ({"proposal_id": "p 1", "document": {}}, "proposal_id"),
        ({"proposal_id": "p-1", "document": [], "extra": 1}, "extra"),
        ({"proposal_id": "p-1", "document": {"plan": {"id": "BAD"}}}, "document"),
    ],
)
async def test_a_hostile_body_is_refused_naming_the_field(
    system: System, body: dict[str, Any], field: str
) -> None:
    lic = system.licensing
    r = await lic.client.post("/licensing/v1/plan-impact", headers=lic.auth("planner"), json=body)
    assert 400 <= r.status_code < 500, r.text
    text = r.text
    assert field in text


async def test_a_document_that_does_not_validate_names_its_paths(system: System) -> None:
    document = await current_document(system.licensing)
    document["mineral_policy"]["mining"]["prohibited_zh"] = [
        *document["mineral_policy"]["mining"]["priority_zh"][:1]
    ] * 1 + ["铁矿"]
    document["mineral_policy"]["mining"]["priority_zh"] = ["铁矿"]
    body = problem(await impact(system.licensing, "p-1", document), 422)
    assert all(e["field"].startswith("document") for e in body["errors"])


async def enforcement(
    lic: ServiceUnderTest, role: str = "licensing_officer", **params: Any
) -> httpx.Response:
    return await lic.client.get("/licensing/v1/enforcement", headers=lic.auth(role), params=params)


async def test_approval_rechecks_open_applications_as_the_impact_said_and_lists_conflicts(
    system: System,
) -> None:
    """On SQLite and the in-process bus only: this story counts the plan's versions, and the
    session's Kafka-protocol broker carries every test's versions of the same plan. The same
    story on PostgreSQL and the broker, with a bus of its own, is the system test
    ``tests/system/test_5_plan_adjustment.py``."""
    z, lic = system.zoning, system.licensing
    application_id = await setup(system)
    system.zoning_link.proposals["p-all"] = [forbidden_zone("z-new", OVER_LICENCE)]
    document = iron_prohibited(await current_document(lic))
    r = await impact(lic, "p-all", document)
    assert r.status_code == 200, r.text
    said = {a["application_id"]: a for a in r.json()["applications"]}[application_id]
    [licence_said] = r.json()["licences"]
    version_before = (await Licensing.of(lic.runtime).plans.version_of(PLAN)) or 0

    # approval, as zoning carries it out: the version published, the zone drawn
    put = await z.client.put(
        f"/zoning/v1/plans/{PLAN}",
        headers=z.auth("planner"),
        params={"approval_ref": "承自然资规〔2026〕15号", "approved_on": "2026-12-01"},
        json=document,
    )
    assert put.status_code == 201, put.text
    await zone(z, "forbidden_mining_area", OVER_LICENCE, code="JC-09", name_zh="示意禁采区")

    async def rechecked() -> dict[str, Any]:
        view: dict[str, Any] = (
            await lic.client.get(
                f"/licensing/v1/applications/{application_id}", headers=lic.auth("viewer")
            )
        ).json()
        assert view["plan_version"] == version_before + 1
        return view

    view = await eventually(rechecked, what="the application re-checked under the new version")
    assert view["verdict"] == said["after"] == "ineligible"
    outcomes = {c["rule_id"]: c["outcome"] for c in view["checks"]}
    for change in said["changes"]:
        assert outcomes.get(change["rule_id"]) == change["after"], change
    step = view["steps"][-1]
    assert step["action"] == "recheck(ineligible)"
    assert f"第{version_before}版" in step["note"]
    assert "eligible → ineligible" in step["note"]
    assert view["status"] == "checked"
    types = await lic.types_published()
    assert "lode.licensing.application.rechecked.v1" in types

    async def conflicts() -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = (await enforcement(lic)).json()["items"]
        assert len(items) == 2
        return items

    items = await eventually(conflicts, what="the licence's conflicts on the enforcement list")
    by_rule = {i["rule_id"]: i for i in items}
    assert set(by_rule) == {c["rule_id"] for c in licence_said["changes"]}
    red = by_rule["ecological_red_line"]
    assert red["licence_no"] == NUMBER
    assert red["kind"] == "conflict"
    assert red["clause"]
    assert red["zones"][0]["code"] == "JC-09"
    assert red["plan_version"] == version_before + 1
    assert by_rule["mining_mineral_policy"]["outcome"] == "fail"
    history = (
        await lic.client.get(f"/licensing/v1/licences/{NUMBER}", headers=lic.auth("viewer"))
    ).json()["history"]
    assert [h["action"] for h in history].count("conflict_detected") == 2
    detected = [t for t in await lic.types_published() if t.endswith("conflict_detected.v1")]
    assert len(detected) == 2


async def test_a_new_forbidden_zone_puts_a_licence_on_the_list_and_lifting_it_resolves(
    system: System,
) -> None:
    z, lic = system.zoning, system.licensing
    await setup(system)
    assert (await enforcement(lic)).json() == {"items": [], "total": 0}
    zone_id = await zone(z, "forbidden_mining_area", OVER_LICENCE, code="JC-07", name_zh="新禁采区")

    async def listed() -> dict[str, Any]:
        items: list[dict[str, Any]] = (await enforcement(lic, licence_no=NUMBER)).json()["items"]
        assert items
        return items[0]

    item = await eventually(listed, what="the conflict listed")
    assert item["rule_id"] == "ecological_red_line"
    assert item["status"] == "open"
    assert item["zones"][0]["name_zh"] == "新禁采区"
    # a second zone change sweeps again: the open conflict is not detected twice
    await zone(z, "mining_block", square(INSIDE[0] + 0.05, INSIDE[1] + 0.05, 0.01), code="C-99")
    retired = await z.client.post(
        f"/zoning/v1/zones/{zone_id}/retire",
        headers=z.auth("planner"),
        json={"reason": "划定有误，撤销"},
    )
    assert retired.status_code == 200, retired.text

    async def resolved() -> dict[str, Any]:
        items: list[dict[str, Any]] = (await enforcement(lic, status="resolved")).json()["items"]
        assert items
        return items[0]

    done = await eventually(resolved, what="the conflict resolved once the zone is retired")
    assert done["id"] == item["id"]
    assert done["resolved_on"]
    assert done["reason"]
    assert (await enforcement(lic)).json()["total"] == 0
    all_items = (await enforcement(lic, status="all")).json()
    assert all_items["total"] == 1
    types = await lic.types_published()
    assert types.count("lode.licensing.licence.conflict_detected.v1") == 1
    assert types.count("lode.licensing.licence.conflict_resolved.v1") == 1


async def test_the_enforcement_list_is_for_staff_and_pages(system: System) -> None:
    lic = system.licensing
    problem(await enforcement(lic, role="mine"), 403)
    for role in ("viewer", "inspector", "approver", "planner", "admin"):
        assert (await enforcement(lic, role=role)).status_code == 200
    problem(await enforcement(lic, status="closed"), 422)
    problem(await enforcement(lic, kind="inspection"), 422)
    problem(await enforcement(lic, limit=0), 422)
    page = (await enforcement(lic, kind="conflict", limit=1, offset=5)).json()
    assert page == {"items": [], "total": 0}
