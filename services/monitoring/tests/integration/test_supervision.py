"""Supervision (监督检查): the roster, a random draw redrawn from its seed, an inspection
with a discrepancy and a false filing, the abnormal list by inspection and by the deadline
job, release, and the serious-violation list with its term; then the refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from lode_common.credit_code import with_check_character
from lode_common.testing.apps import ServiceUnderTest
from lode_monitoring.domain.draw import rank_key
from lode_monitoring.handlers.listings import check_listings

from .test_reports import IRON, A, post, ready, report

pytestmark = pytest.mark.timeout(180)
CST = timezone(timedelta(hours=8))
V1 = "/monitoring/v1"
INSPECTORS = [("insp-1", "王检"), ("insp-2", "李检"), ("insp-3", "张检")]


async def roster(m: ServiceUnderTest) -> None:
    """Three inspectors; insp-3 is related to A (回避)."""
    admin = m.auth("admin")
    for inspector_id, name in INSPECTORS:
        body = {"id": inspector_id, "name": name, "subject": f"{inspector_id}@bureau"}
        added = await m.client.post(f"{V1}/inspectors", json=body, headers=admin)
        assert added.status_code == 201, added.text
    related = await m.client.post(
        f"{V1}/inspectors/insp-3/relations",
        json={"credit_code": A, "relation": "亲属在该企业任职"},
        headers=admin,
    )
    assert related.status_code == 201, related.text


async def listings(m: ServiceUnderTest, headers: dict[str, str], **query: str) -> list[Any]:
    r = await m.client.get(f"{V1}/abnormal-list", params=query, headers=headers)
    assert r.status_code == 200, r.text
    items: list[Any] = r.json()["items"]
    return items


async def test_a_draw_an_inspection_and_the_lists(monitoring_both: ServiceUnderTest) -> None:
    m = monitoring_both
    keys = await ready(m)
    await roster(m)
    inspector = m.auth("inspector", user="insp-1@bureau")

    # 双随机: the draw, kept with its seed, and the redraw
    drawn = await m.client.post(
        f"{V1}/inspection-draws", json={"year": 2023, "seed": "lode-2023"}, headers=inspector
    )
    assert drawn.status_code == 201, drawn.text
    draw = drawn.json()
    assert (draw["ratio_pct"], draw["algorithm"]) == (5, "sha256-rank-v1")
    assert (draw["population"], draw["drawn"]) == ([IRON], [IRON])
    ((assignment),) = draw["assignments"]
    assert assignment["inspectors"] == sorted(
        ["insp-1", "insp-2"], key=lambda i: rank_key("lode-2023", IRON, i)
    ), "insp-3 is related to the holder"
    again = await m.client.get(f"{V1}/inspection-draws/{draw['id']}/redraw", headers=inspector)
    assert again.json()["same"] is True
    assert again.json()["drawn"] == [IRON]

    # the inspection finds a discrepancy and a false filing; filed comes from the report
    assert (await post(m, keys["a"], report())).status_code == 201  # 2023: ore mined 28
    body = {
        "licence_no": IRON,
        "draw_id": draw["id"],
        "inspected_on": "2024-05-20",
        "inspectors": assignment["inspectors"],
        "items": [
            {"item": "output", "found": 41.5, "ok": False, "false_filing": True},
            {"item": "mining_recovery", "found": 90.5, "ok": True},
            {"item": "boundary", "ok": True},
        ],
        "result": "non_compliant",
        "note": "台账产量与年报不符",
    }
    recorded = await m.client.post(f"{V1}/inspections", json=body, headers=inspector)
    assert recorded.status_code == 201, recorded.text
    inspection = recorded.json()
    assert inspection["year"] == 2023
    assert [i["filed"] for i in inspection["items"]] == [28.0, 91.0, None]
    findings = (
        await m.client.get(f"{V1}/findings?status=open", headers=m.auth("inspector"))
    ).json()["items"]
    (discrepancy,) = [f for f in findings if f["code"] == "inspection_discrepancy"]
    assert discrepancy["id"] == inspection["finding_id"]
    (false_filing,) = await listings(m, inspector)
    assert (false_filing["credit_code"], false_filing["reason_code"]) == (A, "false_filing")
    assert false_filing["source_ref"] == f"inspection:{inspection['id']}"

    # a mine reads its own enterprise's inspections, without the inspectors' names
    own = (await m.client.get(f"{V1}/inspections", headers={"Authorization": keys["a"]})).json()
    assert own["total"] == 1
    assert own["items"][0]["inspectors"] is None
    other = {"Authorization": keys["b"]}
    assert (await m.client.get(f"{V1}/inspections", headers=other)).json()["total"] == 0
    item = f"{V1}/inspections/{inspection['id']}"
    assert (await m.client.get(item, headers=other)).status_code == 403
    assert await listings(m, other) == []

    # the deadline job lists the enterprise once for 2021's missing annual report
    after_deadline = datetime(2022, 4, 2, 9, 0, tzinfo=CST)
    assert await check_listings(m.runtime, after_deadline) == (1, 0)
    assert await check_listings(m.runtime, after_deadline) == (0, 0), "listed once"
    release = f"{V1}/abnormal-list/{A}/release"
    refused = await m.client.post(release, json={"reason": "已整改"}, headers=inspector)
    assert refused.status_code == 409, refused.text
    assert refused.json()["missing_years"] == [2021]
    assert len(await listings(m, inspector, status="listed")) == 2, "nothing released"
    assert (await post(m, keys["a"], report(year=2021))).status_code == 201
    released = await m.client.post(release, json={"reason": "已补报年报并整改"}, headers=inspector)
    assert released.status_code == 200, released.text
    assert {r["reason_code"] for r in released.json()["released"]} == {
        "annual_report_missing",
        "false_filing",
    }
    assert await listings(m, inspector, status="listed") == []

    # the serious-violation list: a term, refused twice, released by the job when it ends
    today = datetime.now(UTC).astimezone(CST).date()
    serious = await m.client.post(
        f"{V1}/serious-violations",
        json={"credit_code": A, "reason": "拒不整改", "until": str(today + timedelta(days=1))},
        headers=inspector,
    )
    assert serious.status_code == 201, serious.text
    assert serious.json()["name"] == "示意铁矿"
    twice = await m.client.post(
        f"{V1}/serious-violations", json={"credit_code": A, "reason": "拒不整改"}, headers=inspector
    )
    assert twice.status_code == 409
    later = datetime.now(UTC) + timedelta(days=3)
    assert (await check_listings(m.runtime, later))[1] == 1
    (ended,) = await listings(m, inspector, list="serious_violation")
    assert (ended["status"], ended["release_reason"]) == ("released", "期满 — the term ended")

    events = await m.published()
    types = [e.type for e in events]
    for wanted in ("inspection.drawn", "inspection.recorded", "enterprise.listed"):
        assert f"lode.monitoring.{wanted}.v1" in types, wanted
    (recorded_event,) = [e for e in events if e.type == "lode.monitoring.inspection.recorded.v1"]
    assert recorded_event.data["finding_id"] == inspection["finding_id"]
    assert recorded_event.data["items"][0]["false_filing"] is True
    released_ids = {
        e.data["listing_id"] for e in events if e.type == "lode.monitoring.enterprise.released.v1"
    }
    listed_ids = {
        e.data["listing_id"] for e in events if e.type == "lode.monitoring.enterprise.listed.v1"
    }
    assert len(released_ids) == 3
    assert released_ids <= listed_ids


async def test_refusals_name_the_field_and_write_nothing(monitoring: ServiceUnderTest) -> None:
    m = monitoring
    keys = await ready(m)
    inspector = m.auth("inspector")
    draws = f"{V1}/inspection-draws"
    # fewer than two inspectors: the drawn licence is named
    short = await m.client.post(draws, json={"year": 2023}, headers=inspector)
    assert short.status_code == 422
    assert short.json()["errors"][0]["field"] == "inspectors"
    assert IRON in short.json()["errors"][0]["message"]
    await roster(m)
    empty = await m.client.post(draws, json={"year": 2020}, headers=inspector)
    assert (empty.status_code, empty.json()["errors"][0]["field"]) == (422, "year")
    for bad, field in [({"year": 2023, "ratio_pct": 0}, "ratio_pct"), ({"yr": 1}, "yr")]:
        r = await m.client.post(draws, json=bad, headers=inspector)
        assert r.status_code == 422, r.text
        assert field in [e["field"] for e in r.json()["errors"]], r.text
    assert (
        await m.client.post(draws, json={"year": 2023}, headers=m.auth("viewer"))
    ).status_code == 403
    once = {**inspector, "Idempotency-Key": "draw-2023"}
    first = await m.client.post(draws, json={"year": 2023}, headers=once)
    repeat = await m.client.post(draws, json={"year": 2023}, headers=once)
    assert first.status_code == repeat.status_code == 201
    assert first.json()["id"] == repeat.json()["id"]
    assert (await m.client.get(draws, headers=m.auth("viewer"))).json()["total"] == 1
    assert (await m.client.get(f"{draws}/nope", headers=inspector)).status_code == 404

    def inspection(**changes: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "licence_no": IRON,
            "inspected_on": "2024-05-20",
            "inspectors": ["insp-1", "insp-2"],
            "items": [{"item": "output", "filed": 28, "found": 35, "ok": False}],
            "result": "non_compliant",
        }
        return {**body, **changes}

    path = f"{V1}/inspections"
    cases = [
        (inspection(result="compliant"), "result"),
        (inspection(inspectors=["insp-1", "insp-3"]), "inspectors[1]"),
        (inspection(inspectors=["insp-1"]), "inspectors"),
        (inspection(licence_no="C1308812022017120099999"), "licence_no"),
        (inspection(draw_id="no-such-draw"), "draw_id"),
        (inspection(inspected_on="2999-01-01"), "inspected_on"),
        (inspection(items=[{"item": "gold", "ok": True}]), "items.0.item"),
    ]
    for body, field in cases:
        r = await m.client.post(path, json=body, headers=inspector)
        assert r.status_code == 422, (field, r.text)
        assert field in [e["field"] for e in r.json()["errors"]], (field, r.text)
    assert (
        await m.client.post(path, json=inspection(), headers={"Authorization": keys["a"]})
    ).status_code == 403
    assert (await m.client.get(path, headers=inspector)).json()["total"] == 0
    types = await m.types_published()
    assert "lode.monitoring.inspection.recorded.v1" not in types
    unknown = await m.client.post(
        f"{V1}/serious-violations",
        json={"credit_code": with_check_character("91130881MA0C00000"), "reason": "拒不整改"},
        headers=inspector,
    )
    assert unknown.status_code == 422, unknown.text
    assert unknown.json()["errors"][0]["field"] == "credit_code"
    assert "no licence" in unknown.text
    not_listed = await m.client.post(
        f"{V1}/abnormal-list/{A}/release", json={"reason": "已整改"}, headers=inspector
    )
    assert not_listed.status_code == 404
