"""The plan's region (规划适用范围): an area outside it is not the plan's to grant.

总则: 《规划》适用范围为平泉市行政所辖区域. Zoning measures the area against the 行政区界
zone (``administrative_boundary``) when one is loaded, else against the plan's approximate
extent (``region.approx_extent_lonlat``, a longitude/latitude box: 示意范围, not the legal
boundary), and says which (``basis``).

How each answer reads (the choice for the box is deliberate):

==========================  ======================  ========================================
where the area lies          administrative boundary  approximate extent (box)
==========================  ======================  ========================================
inside                      pass                    pass, saying the box is approximate
partly outside              fail (ha in and out)     review: the box is rough, only a person
                                                     with the real boundary can tell
wholly outside              fail (distance)         fail (distance): clearly elsewhere
not measured (no region)    review                  review
==========================  ======================  ========================================

Touching the region only along its edge (no hectare inside) counts as wholly outside at a
distance of 0. A cancellation passes: it grants nothing.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..application import Application
from ..rulebook import PlanRules, RegionRule
from ..vocabulary import Outcome
from .context import RegionAnalysis
from .result import CheckResult, fmt

_METRES_PER_KM = Decimal(1000)


def distance_text(metres: Decimal) -> tuple[str, str]:
    """A distance as people read it: whole metres below 1 km, else km with one decimal."""
    whole = metres.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if whole < _METRES_PER_KM:
        return f"{whole} 米", f"{whole} m"
    km = format((metres / _METRES_PER_KM).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), "f")
    return f"{km} 千米", f"{km} km"


def _region_details(region: RegionAnalysis) -> dict[str, Any]:
    return {
        "basis": region.basis,
        "zones": list(region.zones),
        "inside_ha": region.inside_ha,
        "outside_ha": region.outside_ha,
        "distance_m": region.distance_m,
    }


def check_within_region(
    application: Application, rule: RegionRule, region: RegionAnalysis | None, rules: PlanRules
) -> CheckResult:
    """The area lies inside the plan's region (see the module's table)."""
    name = rules.document.region.name_zh
    boundary = f"{name}{rules.zone_name('administrative_boundary')}"
    details: dict[str, Any] = {"region": None if region is None else _region_details(region)}

    def result(outcome: Outcome, zh: str, en: str) -> CheckResult:
        return CheckResult(rule.id, outcome, zh, en, rule.clause, details)

    if application.kind == "cancellation":
        return result(
            "pass",
            "注销不新设矿业权，不核查规划适用范围",
            "a cancellation grants nothing; the plan's region is not checked",
        )
    if region is None:
        return result(
            "review",
            f"分区服务未返回规划适用范围分析，无法核查申请范围是否位于{name}内，须审查",
            f"zoning's analysis says nothing of the plan's region, so whether the area lies "
            f"in {name} could not be checked; review needed",
        )
    approx = region.basis == "approx_extent"
    basis_zh = f"{name}示意范围（规划所附经纬度范围，非法定行政区界）" if approx else boundary
    basis_en = (
        f"the approximate extent of {name} (the plan's longitude/latitude box, not the legal "
        "boundary)"
        if approx
        else f"the administrative boundary of {name}"
    )
    inside, outside = region.inside_ha, region.outside_ha
    if inside <= 0 and (outside > 0 or region.distance_m is not None):
        distance = region.distance_m if region.distance_m is not None else Decimal(0)
        far_zh, far_en = distance_text(distance)
        where_zh = f"距其 {far_zh}" if distance > 0 else "仅与其边界相接"
        where_en = f"{far_en} away" if distance > 0 else "touching it only along its edge"
        return result(
            rule.outcome_when_unmet,
            f"申请范围位于{basis_zh}之外，{where_zh}：{rule.statement_zh}",
            f"the area lies wholly outside {basis_en}, {where_en}",
        )
    if outside > 0:
        split_zh = f"{fmt(outside)} 公顷在外、{fmt(inside)} 公顷在内"
        split_en = f"{fmt(outside)} ha outside and {fmt(inside)} ha inside"
        if approx:
            return result(
                "review",
                f"申请范围部分超出{basis_zh}（{split_zh}）；示意范围不精确，须按行政区界审查",
                f"the area lies partly outside {basis_en} ({split_en}); the box is rough, "
                "review against the administrative boundary",
            )
        return result(
            rule.outcome_when_unmet,
            f"申请范围部分超出{basis_zh}（{split_zh}）：{rule.statement_zh}",
            f"the area lies partly outside {basis_en} ({split_en})",
        )
    return result(
        "pass",
        f"申请范围位于{basis_zh}内",
        f"the area lies inside {basis_en}",
    )
