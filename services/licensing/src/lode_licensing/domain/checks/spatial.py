"""Rules on where the area lies: red lines, overlaps, planning blocks (规划区块), zones
whose conditions a person reviews (限采区)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..application import Application
from ..rulebook import (
    BlockHolderRule,
    ForbiddenZonesRule,
    OutsideBlocksRule,
    PlanRules,
    ZoneConditionsRule,
)
from .context import SpatialAnalysis, ZoneHit
from .result import CheckResult, fmt

LICENCE_OVERLAP: Final = "licence_overlap"
LICENCE_OVERLAP_CLAUSE: Final = "（非规划条款）矿业权范围不得与有效矿业权重叠"
"""The plan text has no clause on overlapping rights; the rule is the registry's own."""


def _zones(zones: tuple[ZoneHit, ...]) -> list[dict[str, Any]]:
    return [
        {
            "id": z.id,
            "type": z.type,
            "code": z.code,
            "name_zh": z.name_zh,
            "overlap_ha": z.overlap_ha,
        }
        for z in zones
    ]


def check_forbidden_zones(
    application: Application, rule: ForbiddenZonesRule, spatial: SpatialAnalysis, rules: PlanRules
) -> CheckResult:
    """Rule ``ecological_red_line``: the area touches no red line or forbidden mining area.

    A cancellation (注销) passes whatever it touches: closing mines there is what the plan
    asks (禁采区内矿山全部关闭).
    """
    touched = spatial.touched(rule.zone_types)
    boundary = tuple(z for z in spatial.zones if z.type in rule.zone_types and z.overlap_ha <= 0)
    kinds = "、".join(rules.zone_name(t) for t in sorted(rule.zone_types))
    details = {"touched": _zones(touched), "boundary_only": _zones(boundary)}
    if not touched:
        return CheckResult(
            rule.id,
            "pass",
            f"申请范围不涉及{kinds}",
            "the area touches no ecological red line or forbidden mining area",
            rule.clause,
            details,
        )
    names = "、".join(
        f"{rules.zone_name(z.type)}{z.label} {fmt(z.overlap_ha)} 公顷" for z in touched
    )
    if application.kind == "cancellation":
        return CheckResult(
            rule.id,
            "pass",
            f"申请范围涉及{names}；注销符合退出要求",
            f"the area lies in {len(touched)} protected zone(s); cancelling the right is "
            "what the plan asks there",
            rule.clause,
            details,
        )
    return CheckResult(
        rule.id,
        rule.outcome_when_unmet,
        f"申请范围涉及{names}：{rule.statement_zh}",
        f"the area overlaps {len(touched)} ecological red line / forbidden mining zone(s): "
        + ", ".join(f"{z.type} {z.code or z.id} ({fmt(z.overlap_ha)} ha)" for z in touched),
        rule.clause,
        details,
    )


def check_licence_overlap(application: Application, spatial: SpatialAnalysis) -> CheckResult:
    """Rule ``licence_overlap``: no overlap with another active licence. Its own does not
    count, nor the exploration licence a new mine converts (探转采: the mine lies in it)."""
    own = {application.licence_no, application.exploration_licence_no} - {None}
    others = tuple(
        hit for hit in spatial.licences if hit.licence_no not in own and hit.overlap_ha > 0
    )
    details = {
        "overlaps": [{"licence_no": h.licence_no, "overlap_ha": h.overlap_ha} for h in others],
        "own_licence_no": application.licence_no,
    }
    if not others:
        return CheckResult(
            LICENCE_OVERLAP,
            "pass",
            "申请范围与其他有效矿业权无重叠",
            "the area overlaps no other active licence",
            LICENCE_OVERLAP_CLAUSE,
            details,
        )
    listed = ", ".join(f"{h.licence_no} ({fmt(h.overlap_ha)} ha)" for h in others)
    if application.kind == "cancellation":
        return CheckResult(
            LICENCE_OVERLAP,
            "pass",
            f"申请范围与有效矿业权 {listed} 重叠；注销不新增重叠",
            f"the area overlaps {listed}; a cancellation adds no overlap",
            LICENCE_OVERLAP_CLAUSE,
            details,
        )
    return CheckResult(
        LICENCE_OVERLAP,
        "fail",
        f"申请范围与有效矿业权重叠：{listed}",
        f"the area overlaps active licence(s): {listed}",
        LICENCE_OVERLAP_CLAUSE,
        details,
    )


def check_block_holder(
    application: Application,
    rule: BlockHolderRule,
    blocks: tuple[ZoneHit, ...],
    block_holders: Mapping[str, str],
) -> CheckResult:
    """One holder per planning block: review when a touched block has another holder."""
    ours = {application.applicant.credit_code}
    if application.new_holder is not None:
        ours.add(application.new_holder.credit_code)
    taken = [
        (b, block_holders[b.id]) for b in blocks if block_holders.get(b.id) not in (None, *ours)
    ]
    details = {
        "blocks": [
            {"id": b.id, "code": b.code, "name_zh": b.name_zh, "holder": block_holders.get(b.id)}
            for b in blocks
        ]
    }
    if not taken:
        return CheckResult(
            rule.id,
            "pass",
            f"所涉规划区块 {'、'.join(b.label for b in blocks)} 无其他主体",
            "no other holder in the planning block(s) the area touches",
            rule.clause,
            details,
        )
    listed = "、".join(f"{b.label}（{holder}）" for b, holder in taken)
    return CheckResult(
        rule.id,
        rule.outcome_when_unmet,
        f"规划区块已有其他主体：{listed}；{rule.statement_zh}",
        "planning block(s) already held by another holder: "
        + ", ".join(f"{b.code or b.id} ({holder})" for b, holder in taken),
        rule.clause,
        details,
    )


def check_outside_blocks(
    application: Application, rule: OutsideBlocksRule, block_type: str, rules: PlanRules
) -> CheckResult:
    """An area touching no planning block of its right type needs strict demonstration."""
    block_zh = rules.zone_name(block_type)
    report = "已附论证报告" if application.demonstration_report else "未附论证报告"
    return CheckResult(
        rule.id,
        rule.outcome_when_unmet,
        f"申请范围不在任何{block_zh}内（{report}）：{rule.statement_zh}",
        f"the area lies outside every {block_type}; a right there needs strict "
        "demonstration and approval by procedure"
        + (" (demonstration report attached)" if application.demonstration_report else ""),
        rule.clause,
        {"block_type": block_type, "demonstration_report": application.demonstration_report},
    )


NO_CONDITIONS_ZH: Final = "未载明条件"
"""What a zone whose data states no conditions shows in place of them."""


def check_zone_conditions(
    application: Application,
    rule: ZoneConditionsRule,
    zones: tuple[ZoneHit, ...],
    rules: PlanRules,
) -> CheckResult:
    """限采区收缩: a right touching the zone goes to review naming each zone (label, overlap)
    and its conditions, or 未载明条件 when its data states none. A cancellation passes:
    leaving the zone is what the plan asks."""
    details = {
        "zones": [
            {**item, "conditions_zh": z.conditions_zh}
            for item, z in zip(_zones(zones), zones, strict=True)
        ]
    }
    kinds = "、".join(rules.zone_name(t) for t in sorted(rule.zone_types))
    named_zh = "；".join(
        f"{rules.zone_name(z.type)}{z.label} {fmt(z.overlap_ha)} 公顷，"
        f"条件：{z.conditions_zh or NO_CONDITIONS_ZH}"
        for z in zones
    )
    named_en = "; ".join(
        f"{z.type} {z.code or z.id} ({fmt(z.overlap_ha)} ha), conditions: "
        f"{z.conditions_zh or 'none stated'}"
        for z in zones
    )
    if application.kind == "cancellation":
        return CheckResult(
            rule.id,
            "pass",
            f"申请范围涉及{named_zh}；注销符合{kinds}收缩要求",
            f"the area lies in {named_en}; cancelling the right is what the plan asks there",
            rule.clause,
            details,
        )
    return CheckResult(
        rule.id,
        rule.outcome_when_unmet,
        f"申请范围涉及{named_zh}；须按其条件审查（{rule.statement_zh}）",
        f"the area lies in {named_en}; review against the zone's conditions",
        rule.clause,
        details,
    )


def spatial_unavailable(rule_id: str, clause: str) -> CheckResult:
    """An area rule that could not run: no spatial analysis yet (say so, do not guess)."""
    return CheckResult(
        rule_id,
        "review",
        "空间分析不可用，未核查",
        "the spatial analysis is not available; not checked",
        clause,
        {"spatial_analysis": None},
    )
