"""A licence that changes between two of its reports: the second is judged with the licence
as it is now, though the first one's context may be remembered (on PostgreSQL the intake
keeps a licence's context and writes only while it is still the database's)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lode_common.events.catalog import Holder, LicenceChanged, LicenceTransferred
from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest

from .test_reports import IRON, A, B, post, publish, ready, report

pytestmark = pytest.mark.timeout(120)

LICENCE: dict[str, Any] = {
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


async def mine_becomes(m: ServiceUnderTest, check: Any) -> None:
    async def replicated() -> bool:
        r = await m.client.get(f"/monitoring/v1/mines/{IRON}", headers=m.auth("viewer"))
        return bool(r.status_code == 200 and check(r.json()))

    await eventually(replicated, timeout_s=20, what="the licence change in the replica")


async def test_a_lower_capacity_is_judged_at_the_next_report(
    monitoring_both: ServiceUnderTest,
) -> None:
    m = monitoring_both
    keys = await ready(m)
    first = await post(m, keys["a"], report(year=2022, ore_mined_10kt=28.0))
    assert first.status_code == 201, first.text
    assert first.json()["findings"] == []

    changed = {**LICENCE, "capacity": {"value": 20, "unit": "万吨/年"}, "changed": ["capacity"]}
    await publish(m, "lode.licensing", IRON, LicenceChanged(**changed))
    await mine_becomes(m, lambda mine: mine["capacity"]["value"] == 20)

    second = await post(m, keys["a"], report(year=2023, ore_mined_10kt=28.0))
    assert second.status_code == 201, second.text
    assert [f["code"] for f in second.json()["findings"]] == ["over_capacity"]


async def test_a_transferred_licence_reports_with_its_new_holders_key(
    monitoring_both: ServiceUnderTest,
) -> None:
    m = monitoring_both
    keys = await ready(m)
    assert (await post(m, keys["a"], report(year=2022))).status_code == 201

    new_holder = Holder(name="示意新矿业", credit_code=B)
    transferred = {
        **LICENCE,
        "holder": new_holder,
        "from_holder": LICENCE["holder"],
        "to_holder": new_holder,
    }
    await publish(m, "lode.licensing", IRON, LicenceTransferred(**transferred))
    await mine_becomes(m, lambda mine: mine["holder"]["credit_code"] == B)

    by_b = await post(m, keys["b"], report(year=2023))
    assert by_b.status_code == 201, by_b.text
    by_a = await post(m, keys["a"], report(year=2024))
    assert by_a.status_code == 403, by_a.text
