"""Mines report with their keys: findings in the answer, corrections, idempotency, scope."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

import pytest

from lode_common.credit_code import with_check_character
from lode_common.events.catalog import Holder, LicenceIssued, LicenceState, PlanPublished
from lode_common.messaging.transport import Message
from lode_common.plan.data import bundled_documents
from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest

pytestmark = pytest.mark.timeout(120)
A = "91130881MA0A000007"
B = with_check_character("91130881MA0B00002")
IRON = "C1308812022017120000031"
L = TypeVar("L", bound=LicenceState)


async def publish(m: ServiceUnderTest, topic: str, subject: str, payload: Any) -> None:
    await m.transport.publish([Message(topic, subject, payload.envelope(subject).to_json())])


def iron_licence(kind: type[L], **changes: Any) -> L:
    """The underground iron mine of 30 万吨/年 held by A, as a licence event of ``kind``."""
    state: dict[str, Any] = {
        "licence_no": IRON,
        "right_type": "mining",
        "holder": Holder(name="示意铁矿", credit_code=A),
        "mineral": "铁矿",
        "mining_method": "underground",
        "capacity": {"value": 30, "unit": "万吨/年"},
        "scale": "medium",
        "valid_from": date(2021, 1, 1),
        "valid_to": date(2041, 1, 1),
        "status": "active",
    }
    return kind.model_validate({**state, **changes})


async def ready(m: ServiceUnderTest) -> dict[str, str]:
    """The plan and an underground iron mine of 30 万吨/年 held by A; A's key."""
    doc = bundled_documents().as_published()
    await publish(
        m,
        "lode.zoning",
        "pingquan-2021-2025",
        PlanPublished(
            plan_id="pingquan-2021-2025", version=1, region_adcode="130881", document=doc
        ),
    )
    await publish(
        m,
        "lode.licensing",
        IRON,
        iron_licence(LicenceIssued),
    )

    async def replicated() -> bool:
        r = await m.client.get(f"/monitoring/v1/mines/{IRON}", headers=m.auth("viewer"))
        return r.status_code == 200

    await eventually(replicated, timeout_s=20, what=f"the replica of {IRON}")
    admin = m.auth("admin-token")
    key_a = (await m.client.post(f"/monitoring/v1/enterprises/{A}/api-keys", headers=admin)).json()[
        "key"
    ]
    key_b = (await m.client.post(f"/monitoring/v1/enterprises/{B}/api-keys", headers=admin)).json()[
        "key"
    ]
    return {"a": f"Bearer {key_a}", "b": f"Bearer {key_b}"}


def report(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "licence_no": IRON,
        "year": 2023,
        "period": "annual",
        "ore_mined_10kt": 28.0,
        "products": [{"name": "铁精粉", "grade_pct": 65.0, "output_10kt": 9.2}],
        "mining_recovery_pct": 91.0,
        "processing_recovery_pct": 92.0,
        "comprehensive_utilization_pct": 35.0,
        "disturbed_area_ha": 3.0,
        "restored_area_ha": 1.2,
        "output_value_cny_10k": 6800,
    }
    body.update(changes)
    return body


async def post(m: ServiceUnderTest, key: str, body: dict[str, Any], idem: str | None = None) -> Any:
    headers = {"Authorization": key, **({"Idempotency-Key": idem} if idem else {})}
    return await m.client.post("/monitoring/v1/reports", json=body, headers=headers)


async def test_a_mine_reports_and_gets_its_findings_back(monitoring_both: ServiceUnderTest) -> None:
    m = monitoring_both
    keys = await ready(m)
    ok = await post(m, keys["a"], report())
    assert ok.status_code == 201, ok.text
    assert ok.json()["findings"] == []
    low = await post(
        m, keys["a"], report(year=2024, mining_recovery_pct=74.99, ore_mined_10kt=31.0)
    )
    assert low.status_code == 201, low.text
    codes = sorted(f["code"] for f in low.json()["findings"])
    assert codes == ["over_capacity", "three_rates_below_standard"]
    rate = next(f for f in low.json()["findings"] if f["code"] == "three_rates_below_standard")
    assert "2013年第21号" in rate["standard"]
    types = await m.types_published()
    assert types.count("lode.monitoring.output.reported.v1") == 2
    assert types.count("lode.monitoring.finding.opened.v1") == 2


async def test_a_correction_is_a_new_version_and_closes_what_it_fixes(
    monitoring: ServiceUnderTest,
) -> None:
    m = monitoring
    keys = await ready(m)
    first = (await post(m, keys["a"], report(mining_recovery_pct=70))).json()
    assert [f["code"] for f in first["findings"]] == ["three_rates_below_standard"]
    again = await post(m, keys["a"], report())
    assert again.status_code == 409
    assert first["id"] in again.json()["detail"]
    no_reason = await m.client.put(
        f"/monitoring/v1/reports/{first['id']}",
        json={"mining_recovery_pct": 80},
        headers={"Authorization": keys["a"]},
    )
    assert no_reason.status_code == 422
    fixed = await m.client.put(
        f"/monitoring/v1/reports/{first['id']}",
        json={"mining_recovery_pct": 80, "reason": "录入错误更正"},
        headers={"Authorization": keys["a"]},
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["version"] == 2
    assert fixed.json()["findings"] == []
    versions = (
        await m.client.get(
            f"/monitoring/v1/reports/{first['id']}", headers={"Authorization": keys["a"]}
        )
    ).json()["versions"]
    assert [(v["version"], v["current"]) for v in versions] == [(1, False), (2, True)]
    findings = (await m.client.get("/monitoring/v1/findings", headers=m.auth("inspector"))).json()[
        "items"
    ]
    assert [f["status"] for f in findings] == ["closed"]
    types = await m.types_published()
    assert "lode.monitoring.output.corrected.v1" in types
    assert "lode.monitoring.finding.closed.v1" in types


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ore_mined_10kt": -1}, "ore_mined_10kt"),
        ({"mining_recovery_pct": 101}, "mining_recovery_pct"),
        ({"products": [{"name": "", "grade_pct": 65, "output_10kt": 1}]}, "products"),
        ({"year": 2019}, "year"),
        ({"licence_no": "C1308812022017120099"}, "licence_no"),
    ],
)
async def test_invalid_reports_are_422_and_store_nothing(
    monitoring: ServiceUnderTest, changes: dict[str, Any], field: str
) -> None:
    m = monitoring
    keys = await ready(m)
    r = await post(m, keys["a"], report(**changes))
    assert r.status_code == 422, r.text
    assert any(e["field"].startswith(field) for e in r.json()["errors"]), r.json()
    listed = await m.client.get("/monitoring/v1/reports", headers=m.auth("viewer"))
    assert listed.json()["total"] == 0


async def test_another_enterprises_licence_is_403_and_idempotency_holds(
    monitoring: ServiceUnderTest,
) -> None:
    m = monitoring
    keys = await ready(m)
    refused = await post(m, keys["b"], report())
    assert refused.status_code == 403
    assert (await m.client.get("/monitoring/v1/reports", headers=m.auth("viewer"))).json()[
        "total"
    ] == 0
    first = await post(m, keys["a"], report(), idem="r-2023")
    same = await post(m, keys["a"], report(), idem="r-2023")
    assert same.status_code == 201
    assert same.json() == first.json()
    different = await post(m, keys["a"], report(ore_mined_10kt=29), idem="r-2023")
    assert different.status_code == 409
    theirs = await m.client.get(
        f"/monitoring/v1/reports/{first.json()['id']}", headers={"Authorization": keys["b"]}
    )
    assert theirs.status_code == 403
    assert (
        await m.client.get("/monitoring/v1/findings", headers={"Authorization": keys["b"]})
    ).json()["total"] == 0


async def test_an_inspector_closes_a_finding_with_a_note(monitoring: ServiceUnderTest) -> None:
    m = monitoring
    keys = await ready(m)
    await post(m, keys["a"], report(mining_recovery_pct=60))
    finding = (
        await m.client.get("/monitoring/v1/findings?status=open", headers=m.auth("inspector"))
    ).json()["items"][0]
    for role in ("viewer", "licensing_officer", "planner"):
        r = await m.client.post(
            f"/monitoring/v1/findings/{finding['id']}/close",
            json={"note": "已整改"},
            headers=m.auth(role),
        )
        assert r.status_code == 403
    mine_try = await m.client.post(
        f"/monitoring/v1/findings/{finding['id']}/close",
        json={"note": "已整改"},
        headers={"Authorization": keys["a"]},
    )
    assert mine_try.status_code == 403
    closed = await m.client.post(
        f"/monitoring/v1/findings/{finding['id']}/close",
        json={"note": "现场核查已整改"},
        headers=m.auth("inspector"),
    )
    assert closed.json()["status"] == "closed"
    assert closed.json()["note"] == "现场核查已整改"
    again = await m.client.post(
        f"/monitoring/v1/findings/{finding['id']}/close",
        json={"note": "x1"},
        headers=m.auth("inspector"),
    )
    assert again.status_code == 409


@pytest.mark.parametrize(
    "query",
    [
        "reports?year=99999999999",
        "reports?year=1800",
        "reports?offset=99999999999",
        "findings?year=-99999999999",
        "findings?year=2101",
    ],
)
async def test_filters_past_their_bounds_are_422(monitoring: ServiceUnderTest, query: str) -> None:
    r = await monitoring.client.get(f"/monitoring/v1/{query}", headers=monitoring.auth("viewer"))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
