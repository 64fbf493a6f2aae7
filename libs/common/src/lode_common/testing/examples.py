"""Example requests the Pingquan plan accepts, shared by every test suite and the benches.

:func:`iron_mine_application` is the one valid licensing application: the service tests
derive their variations from it (``**changes``) rather than keep copies that drift apart."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

PLAN = "pingquan-2021-2025"


def square(lon: float, lat: float, d: float) -> dict[str, Any]:
    """A GeoJSON polygon, ``d`` degrees a side, its south-west corner at (lon, lat)."""
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def mining_block(code: str, name_zh: str, geometry: dict[str, Any]) -> dict[str, Any]:
    """A 开采规划区块 for iron, as a GeoJSON Feature for ``POST /zoning/v1/zones``."""
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "plan_id": PLAN,
            "type": "mining_block",
            "code": code,
            "name_zh": name_zh,
            "minerals": ["铁矿"],
        },
    }


AGREEMENT_REVIEW: dict[str, str] = {
    "outcome": "accept",
    "reason": "协议出让：已设采矿权深部及周边零星资源，经集体决策同意（示意） / granted by "
    "agreement on a basis the law allows (illustrative)",
}
"""The officer's review (``POST .../applications/{id}/review``) of a new mining application
named neither a contracted grant nor an exploration licence (``competitive_grant: review``):
the 协议出让 basis confirmed, so it may be forwarded or decided."""


def iron_mine_application(
    name: str, credit_code: str, area: dict[str, Any], **changes: Any
) -> dict[str, Any]:
    """A new underground iron mine of 12 万吨/年 that passes every plan check (inside a
    mining block for iron), for ``POST /licensing/v1/applications``: every check but
    ``competitive_grant``, which is ``review`` (settled by :data:`AGREEMENT_REVIEW`) unless a
    ``grant_id`` of the applicant's contracted grant over the same area is added.

    It declares its green-mine plan and carries its restoration plan (复垦方案, required of
    a new mine by 第五章第三节) with one milestone in the current year, so any licence
    validity that includes this year accepts it on approval; 0 ha by then (restoration
    follows the disturbance) so no report ever falls behind it. Any other kind or right
    type drops it unless ``changes`` give one (a renewal or change may revise the plan, a
    transfer, cancellation or exploration right carries none).

    ``changes`` replace top-level fields (``None`` included, as a JSON ``null``); the body
    is a fresh copy the caller may modify."""
    body: dict[str, Any] = {
        "right_type": "mining",
        "kind": "new",
        "applicant": {"name": name, "credit_code": credit_code},
        "mineral": "铁矿",
        "mining_method": "underground",
        "capacity": {"value": 12, "unit": "万吨/年"},
        "area": {"geometry": area},
        "depth_m": [650, 420],
        "reserves_10kt": 1200,
        "development_plan": {
            "mining_recovery_pct": 85,
            "processing_recovery_pct": 90,
            "comprehensive_utilization_pct": 40,
            "ore_type": "magnetite",
            "concentrate_output_10kt": 2.5,
        },
        "green_mine_plan": True,
        "demonstration_report": False,
        "restoration_plan": [{"year": date.today().year, "restored_area_ha": 0}],
    }
    body.update(changes)
    new_mine = body["right_type"] == "mining" and body["kind"] == "new"
    if not new_mine and "restoration_plan" not in changes:
        del body["restoration_plan"]
    return copy.deepcopy(body)
