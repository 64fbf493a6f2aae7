"""The year's grant plan in figures (年度出让计划): counts by mineral, zone and status; the
region's boundary, which every grant lies in, is no zone to count by."""

from __future__ import annotations

from decimal import Decimal

from lode_licensing.api.grant_views import summary


def _zone(zone_id: str, type_: str, code: str) -> dict[str, str]:
    return {"zone_id": zone_id, "type": type_, "code": code, "name_zh": f"示意{code}"}


def test_the_plan_counts_by_mineral_zone_and_status_but_not_the_region() -> None:
    boundary = _zone("z0", "administrative_boundary", "XZQ-130881")
    block = _zone("z1", "mining_block", "C04")
    base = _zone("z2", "national_planning_mining_area", "GJKQ-01")
    figures = summary(
        [
            ("铁矿", "contracted", [boundary, block, base], Decimal("1600")),
            ("铁矿", "draft", [boundary, block], None),
            ("建筑石料", "failed", [boundary], None),
        ]
    )
    assert figures["by_mineral"] == [
        {"mineral": "建筑石料", "count": 1, "by_status": {"failed": 1}},
        {"mineral": "铁矿", "count": 2, "by_status": {"contracted": 1, "draft": 1}},
    ]
    assert [(z["code"], z["count"]) for z in figures["by_zone"]] == [("C04", 2), ("GJKQ-01", 1)]
    assert figures["by_status"] == {"contracted": 1, "draft": 1, "failed": 1}
    assert figures["price_total_cny_10k"] == 1600
