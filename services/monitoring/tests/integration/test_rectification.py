"""Rectification orders (责令限期整改): ordered for open findings, verified by another
inspector, overdue by the daily job once, done closing the findings; a mine sees its own."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from lode_common.cst import cst_today
from lode_common.testing.apps import ServiceUnderTest
from lode_monitoring.handlers.rectifications import mark_overdue

from .test_reports import IRON, A, post, ready, report

pytestmark = pytest.mark.timeout(120)
ORDERS = "/monitoring/v1/rectifications"


async def open_findings(m: ServiceUnderTest, key: str) -> list[str]:
    """A's report with a low mining recovery over capacity: two open findings' ids."""
    low = report(year=2024, mining_recovery_pct=74.99, ore_mined_10kt=31.0)
    assert (await post(m, key, low)).status_code == 201
    found = await m.client.get(
        f"/monitoring/v1/findings?status=open&licence_no={IRON}", headers=m.auth("inspector")
    )
    return sorted(f["id"] for f in found.json()["items"])


def order_body(finding_ids: list[str], **changes: Any) -> dict[str, Any]:
    return {
        "licence_no": IRON,
        "finding_ids": finding_ids,
        "due": (cst_today() + timedelta(days=30)).isoformat(),
        "requirement": "三个月内将开采回采率提高到标准以上，并按核定规模生产",
        **changes,
    }


async def test_an_order_is_verified_by_another_inspector_goes_overdue_once_and_closes(
    monitoring_both: ServiceUnderTest,
) -> None:
    m = monitoring_both
    keys = await ready(m)
    findings = await open_findings(m, keys["a"])
    li, wang, zhao = (m.auth("inspector", user=u) for u in ("li", "wang", "zhao"))
    sent = order_body(findings)
    ordered = await m.client.post(ORDERS, json=sent, headers={**li, "Idempotency-Key": "o-1"})
    assert ordered.status_code == 201, ordered.text
    order = ordered.json()
    assert order["status"] == "ordered"
    assert order["holder"] == {"name": "示意铁矿", "credit_code": A}
    assert order["finding_ids"] == findings
    assert (order["ordered_on"], order["due"]) == (cst_today().isoformat(), sent["due"])
    assert (order["ordered_by"], order["verifications"]) == ("li", [])
    assert order["allowed_actions"] == ["verify"]
    again = await m.client.post(ORDERS, json=sent, headers={**li, "Idempotency-Key": "o-1"})
    assert (again.status_code, again.json()) == (201, order)
    verify = f"{ORDERS}/{order['id']}/verify"

    # separation of duties: who ordered does not verify
    own = await m.client.post(verify, json={"outcome": "done", "note": "已整改"}, headers=li)
    assert own.status_code == 403, own.text
    assert "另一名检查人员" in own.json()["detail"]
    not_yet = await m.client.post(
        verify, json={"outcome": "not_done", "note": "回采率仍低于标准"}, headers=wang
    )
    assert not_yet.status_code == 200, not_yet.text
    assert not_yet.json()["status"] == "ordered"
    assert [v["verified_by"] for v in not_yet.json()["verifications"]] == ["wang"]

    # a mine sees its own enterprise's orders, another enterprise none of them
    for key, total in ((keys["a"], 1), (keys["b"], 0)):
        listed = await m.client.get(ORDERS, headers={"Authorization": key})
        assert listed.json()["total"] == total
    theirs = await m.client.get(f"{ORDERS}/{order['id']}", headers={"Authorization": keys["b"]})
    assert theirs.status_code == 404
    mine = await m.client.get(f"{ORDERS}/{order['id']}", headers={"Authorization": keys["a"]})
    assert mine.json()["status"] == "ordered"

    # the daily job: on the due day nothing, the day after overdue, once
    due = cst_today() + timedelta(days=30)
    assert await mark_overdue(m.runtime, due) == 0
    assert await mark_overdue(m.runtime, due + timedelta(days=1)) == 1
    assert await mark_overdue(m.runtime, due + timedelta(days=2)) == 0
    late = await m.client.get(f"{ORDERS}?status=overdue", headers=m.auth("viewer"))
    assert [(o["id"], o["overdue_on"]) for o in late.json()["items"]] == [
        (order["id"], (due + timedelta(days=1)).isoformat())
    ]

    # a late rectification: two inspectors verify at once, one of them does it
    done = {"outcome": "done", "note": "复查：回采率已达标"}
    answers = await asyncio.gather(
        m.client.post(verify, json=done, headers=wang),
        m.client.post(verify, json=done, headers=zhao),
    )
    assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
    refused = next(a for a in answers if a.status_code == 409).json()
    assert (refused["current_state"], refused["allowed_actions"]) == ("done", [])
    final = next(a for a in answers if a.status_code == 200).json()
    assert (final["status"], final["done_on"]) == ("done", cst_today().isoformat())
    closed = await m.client.get(
        f"/monitoring/v1/findings?status=closed&licence_no={IRON}", headers=m.auth("viewer")
    )
    assert sorted(f["id"] for f in closed.json()["items"]) == findings
    assert all(order["id"] in f["note"] for f in closed.json()["items"])

    events = await m.published()
    kinds = [e.type.removeprefix("lode.monitoring.") for e in events]
    assert kinds.count("rectification.ordered.v1") == 1
    assert kinds.count("rectification.verified.v1") == 2
    assert kinds.count("rectification.overdue.v1") == 1
    assert kinds.count("finding.closed.v1") == 2
    outcomes = [e.data["outcome"] for e in events if e.type.endswith("verified.v1")]
    assert outcomes == ["not_done", "done"]


async def test_what_cannot_be_ordered_is_refused_naming_the_field(
    monitoring: ServiceUnderTest,
) -> None:
    m = monitoring
    keys = await ready(m)
    findings = await open_findings(m, keys["a"])
    li = m.auth("inspector", user="li")

    async def refused(body: dict[str, Any], status: int = 422) -> list[str]:
        r = await m.client.post(ORDERS, json=body, headers=li)
        assert r.status_code == status, r.text
        return [e["field"] for e in r.json().get("errors", [])]

    assert await refused(order_body([findings[0], "no-such-finding"])) == ["finding_ids[1]"]
    assert await refused(order_body([findings[0], findings[0]])) == ["finding_ids[1]"]
    assert await refused(order_body([])) == ["finding_ids"]
    yesterday = (cst_today() - timedelta(days=1)).isoformat()
    assert await refused(order_body(findings, due=yesterday)) == ["due"]
    assert await refused(order_body(findings, due=1767225600)) == ["due"]
    nobodys = "C1308812026017120000999"
    assert await refused(order_body(findings, licence_no=nobodys)) == ["licence_no"]
    for role in ("viewer", "licensing_officer"):
        r = await m.client.post(ORDERS, json=order_body(findings), headers=m.auth(role))
        assert r.status_code == 403
    mine = await m.client.post(
        ORDERS, json=order_body(findings), headers={"Authorization": keys["a"]}
    )
    assert mine.status_code == 403
    first = await m.client.post(
        ORDERS, json=order_body(findings), headers={**li, "Idempotency-Key": "k"}
    )
    assert first.status_code == 201
    other = order_body(findings, requirement="另一个要求")
    assert (
        await m.client.post(ORDERS, json=other, headers={**li, "Idempotency-Key": "k"})
    ).status_code == 409
    unknown = await m.client.post(
        f"{ORDERS}/00000000-0000-4000-8000-000000000009/verify",
        json={"outcome": "done", "note": "已整改"},
        headers=m.auth("inspector", user="wang"),
    )
    assert unknown.status_code == 404
    assert (await m.client.get(f"{ORDERS}?status=done", headers=li)).json()["total"] == 0
    assert (await m.client.get(ORDERS, headers=li)).json()["total"] == 1
    types = await m.types_published()
    assert types.count("lode.monitoring.rectification.ordered.v1") == 1, "nothing half-written"
