"""``GET /zoning/v1/plans/{plan_id}/diff`` end to end, on each runtime."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from lode_common.testing.apps import ServiceUnderTest

PLAN = "pingquan-2021-2025"
APPROVAL_REF = "冀自然资规〔2026〕1号"
DIFF = f"/zoning/v1/plans/{PLAN}/diff"
pytestmark = pytest.mark.timeout(120)


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    return body


async def publish_v2(z: ServiceUnderTest) -> tuple[dict[str, Any], dict[str, Any]]:
    """Version 2: the first indicator with a target gets 50 more, and a rule is added."""
    v1 = (
        await z.client.get(f"/zoning/v1/plans/{PLAN}/versions/1", headers=z.auth("planner"))
    ).json()["document"]
    v2 = json.loads(json.dumps(v1))
    indicator = next(i for i in v2["indicators"]["items"] if "target" in i)
    indicator["target"] += 50
    v2["entry_rules"].append({**v2["entry_rules"][0], "id": "within_plan_region_again"})
    r = await z.client.put(
        f"/zoning/v1/plans/{PLAN}?approval_ref={APPROVAL_REF}", json=v2, headers=z.auth("planner")
    )
    assert r.status_code == 201, r.text
    return v1, indicator


async def test_the_diff_between_two_versions_both_ways(zoning_both: ServiceUnderTest) -> None:
    z = zoning_both
    v1, indicator = await publish_v2(z)
    old = indicator["target"] - 50

    r = await z.client.get(DIFF, params={"from": 1, "to": 2}, headers=z.auth("viewer"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["plan_id"], body["from"], body["to"]) == (PLAN, 1, 2)
    assert body["summary"] == {"added": 1, "removed": 0, "changed": 1}
    by_kind = {c["kind"]: c for c in body["changes"]}
    changed = by_kind["changed"]
    assert changed["section"] == "indicators"
    assert changed["key"] == indicator["id"]
    assert changed["path"].endswith(".target")
    assert (changed["before"], changed["after"]) == (old, old + 50)
    assert changed["label_zh"] == f"指标 {indicator['id']} 目标值 {old} → {old + 50}"
    added = by_kind["added"]
    assert (added["section"], added["section_zh"]) == ("entry_rules", "准入规则")
    assert added["key"] == "within_plan_region_again"
    assert added["path"] == f"entry_rules[{len(v1['entry_rules'])}]"
    assert added["before"] is None
    assert added["after"]["id"] == "within_plan_region_again"
    assert added["label_zh"] == "新增准入规则 within_plan_region_again"

    back = (await z.client.get(DIFF, params={"from": 2, "to": 1}, headers=z.auth("planner"))).json()
    assert back["summary"] == {"added": 0, "removed": 1, "changed": 1}
    removed = next(c for c in back["changes"] if c["kind"] == "removed")
    assert removed["path"] == added["path"]  # in the document of `from`
    assert removed["label_zh"] == "删除准入规则 within_plan_region_again"

    same = await z.client.get(DIFF, params={"from": 2, "to": 2}, headers=z.auth("viewer"))
    assert same.status_code == 200, same.text
    assert same.json()["changes"] == []
    assert same.json()["summary"] == {"added": 0, "removed": 0, "changed": 0}


async def test_a_version_with_itself_has_no_changes(zoning_both: ServiceUnderTest) -> None:
    z = zoning_both
    r = await z.client.get(DIFF, params={"from": 1, "to": 1}, headers=z.auth("inspector"))
    assert r.status_code == 200, r.text
    assert r.json() == {
        "plan_id": PLAN,
        "from": 1,
        "to": 1,
        "changes": [],
        "summary": {"added": 0, "removed": 0, "changed": 0},
    }


async def test_unknown_plan_or_version_is_404_naming_which(zoning: ServiceUnderTest) -> None:
    z = zoning
    viewer = z.auth("viewer")
    problem(await z.client.get("/zoning/v1/plans/nowhere/diff?from=1&to=1", headers=viewer), 404)
    for params, field in (({"from": 9, "to": 1}, "from"), ({"from": 1, "to": 9}, "to")):
        body = problem(await z.client.get(DIFF, params=params, headers=viewer), 404)
        assert body["errors"][0]["field"] == field
        assert "9" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("to=1", "from"),
        ("from=1", "to"),
        ("from=0&to=1", "from"),
        ("from=1&to=-2", "to"),
        ("from=x&to=1", "from"),
        ("from=1&to=1.5", "to"),
        ("from=99999999999&to=1", "from"),
    ],
)
async def test_a_missing_or_bad_version_is_422_naming_the_field(
    zoning: ServiceUnderTest, query: str, field: str
) -> None:
    r = await zoning.client.get(f"{DIFF}?{query}", headers=zoning.auth("viewer"))
    fields = [e["field"] for e in problem(r, 422)["errors"]]
    assert any(f.endswith(field) for f in fields), fields


@pytest.mark.parametrize("role", ["viewer", "inspector", "licensing_officer", "planner", "mine"])
async def test_every_role_reads_the_diff(zoning: ServiceUnderTest, role: str) -> None:
    r = await zoning.client.get(
        f"{DIFF}?from=1&to=1", headers=zoning.auth(role, enterprise="91130881MA0A000007")
    )
    assert r.status_code == 200, r.text


async def test_no_token_is_401(zoning: ServiceUnderTest) -> None:
    problem(await zoning.client.get(f"{DIFF}?from=1&to=1"), 401)
    problem(
        await zoning.client.get(f"{DIFF}?from=1&to=1", headers={"Authorization": "Bearer forged"}),
        401,
    )
