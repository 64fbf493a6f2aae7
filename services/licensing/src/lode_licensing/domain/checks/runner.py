"""All the checks that apply to an application, in a stable order."""

from __future__ import annotations

from ..application import Application
from ..rulebook import (
    BlockHolderRule,
    DevelopmentPlanRule,
    ForbiddenZonesRule,
    MineCountCapRule,
    MinScaleRule,
    OutputControlRule,
    OutsideBlocksRule,
    PlanRules,
    ServiceYearsRule,
    ZoneScaleRule,
)
from .closure import check_restoration_duty
from .context import CheckContext, SpatialAnalysis
from .development import check_development_plan
from .policy import check_mineral_policy
from .result import CheckResult
from .scale_rules import check_min_scale, check_service_years, check_zone_scale
from .spatial import (
    LICENCE_OVERLAP,
    LICENCE_OVERLAP_CLAUSE,
    check_block_holder,
    check_forbidden_zones,
    check_licence_overlap,
    check_outside_blocks,
    spatial_unavailable,
)
from .totals import check_mine_count_cap, check_output_control


def _area_checks(
    application: Application, rules: PlanRules, spatial: SpatialAnalysis, context: CheckContext
) -> list[CheckResult]:
    right, kind = application.right_type, application.kind
    results = [
        check_forbidden_zones(application, rule, spatial, rules)
        for rule in rules.rules_of(ForbiddenZonesRule)
    ]
    results.append(check_licence_overlap(application, spatial))
    for zone_rule in rules.rules_of(ZoneScaleRule):
        zones = spatial.touched(zone_rule.zone_types)
        if zones and rules.applies(
            zone_rule,
            right_type=right,
            kind=kind,
            mineral=application.mineral,
            method=application.mining_method,
        ):
            results.append(check_zone_scale(application, zone_rule, zones, rules))
    for block_rule in rules.rules_of(BlockHolderRule):
        blocks = spatial.touched({block_rule.zone_type})
        if blocks and rules.applies(block_rule, right_type=right, kind=kind):
            results.append(
                check_block_holder(application, block_rule, blocks, context.block_holders)
            )
    block_type = rules.block_zone_type(right)
    for outside_rule in rules.rules_of(OutsideBlocksRule):
        if block_type and kind in outside_rule.kinds and not spatial.touched({block_type}):
            results.append(check_outside_blocks(application, outside_rule, block_type, rules))
    return results


def run_checks(
    application: Application, rules: PlanRules, context: CheckContext
) -> list[CheckResult]:
    """Every rule that applies to the application, passed or not.

    Always: the mineral policy of the right type (专栏3/专栏4). By ``applies_to``: the
    minimum scales, the development plan and three rates, service years, output control
    and the mine count (new mining rights). With an area: the red line / forbidden zones
    and licence overlap always, a zone-type rule when the area touches that zone type, the
    block-holder rule when it touches a planning block, and the outside-blocks rule when it
    touches no planning block of its right type. A mining cancellation: the closure duty.

    Without a spatial analysis, the area rules that always apply come back as ``review``
    saying so; the service should rather keep the application in ``pending_checks``.
    """
    right, kind = application.right_type, application.kind
    mineral, method = application.mineral, application.mining_method
    results = [check_mineral_policy(application, rules.policy(right))]
    for scale_rule in rules.rules_of(MinScaleRule):
        if rules.applies(scale_rule, right_type=right, kind=kind, mineral=mineral, method=method):
            results.append(check_min_scale(application, scale_rule, rules))

    if application.area is not None:
        if context.spatial is None:
            results += [
                spatial_unavailable(rule.id, rule.clause)
                for rule in rules.rules_of(ForbiddenZonesRule)
            ]
            results.append(spatial_unavailable(LICENCE_OVERLAP, LICENCE_OVERLAP_CLAUSE))
        else:
            results += _area_checks(application, rules, context.spatial, context)

    for plan_rule in rules.rules_of(DevelopmentPlanRule):
        if rules.applies(plan_rule, right_type=right, kind=kind, mineral=mineral, method=method):
            results.append(check_development_plan(application, plan_rule, rules))
    for years_rule in rules.rules_of(ServiceYearsRule):
        if rules.applies(years_rule, right_type=right, kind=kind, mineral=mineral, method=method):
            results.append(check_service_years(application, years_rule, rules))
    for output_rule in rules.rules_of(OutputControlRule):
        if rules.applies(
            output_rule, right_type=right, kind=kind, mineral=mineral, method=method
        ) and any(c.covers(mineral, rules.standards) for c in output_rule.controls):
            results.append(check_output_control(application, output_rule, context.registry, rules))
    for cap_rule in rules.rules_of(MineCountCapRule):
        if rules.applies(cap_rule, right_type=right, kind=kind, mineral=mineral, method=method):
            results.append(check_mine_count_cap(application, cap_rule, context.registry))
    if rules.restoration_duty is not None and right == "mining" and kind == "cancellation":
        results.append(check_restoration_duty(application, rules.restoration_duty))
    return results
