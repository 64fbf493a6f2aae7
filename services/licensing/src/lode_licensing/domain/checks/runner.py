"""All the checks that apply to an application, in a stable order."""

from __future__ import annotations

from ..application import Application
from ..rulebook import (
    AdmissionRule,
    BlockHolderRule,
    DevelopmentPlanRule,
    ForbiddenZonesRule,
    GreenMinePlanRule,
    MineCountCapRule,
    MinScaleRule,
    NationalMinScaleRule,
    OutputControlRule,
    OutsideBlocksRule,
    PlanRules,
    RegionRule,
    RestorationPlanRule,
    ServiceYearsRule,
    ZoneConditionsRule,
    ZoneScaleRule,
)
from ..vocabulary import ApplicationKind
from . import applicant_standing
from .closure import check_restoration_duty
from .competitive_grant import applies as grant_check_applies
from .competitive_grant import check_competitive_grant
from .context import CheckContext, SpatialAnalysis
from .development import check_development_plan
from .green_mine import check_green_mine_plan, check_restoration_plan
from .minimum_scale import check_minimum_scale_table
from .policy import check_mineral_policy
from .region import check_within_region
from .result import CheckResult
from .scale_rules import check_min_scale, check_service_years, check_zone_scale
from .spatial import (
    LICENCE_OVERLAP,
    LICENCE_OVERLAP_CLAUSE,
    check_block_holder,
    check_forbidden_zones,
    check_licence_overlap,
    check_outside_blocks,
    check_zone_conditions,
    spatial_unavailable,
)
from .totals import check_mine_count_cap, check_output_control


def _applies(
    rule: AdmissionRule,
    application: Application,
    rules: PlanRules,
    kind: ApplicationKind | None = None,
) -> bool:
    """Whether ``rule`` applies to the application (its right, kind, mineral and method),
    read as an application of ``kind`` when given (an expansion as a new mine)."""
    return rules.applies(
        rule,
        right_type=application.right_type,
        kind=kind or application.kind,
        mineral=application.mineral,
        method=application.mining_method,
    )


def _covered_by_plan(application: Application, rules: PlanRules) -> bool:
    """Whether one of the plan's own minimum-scale rules (MinScaleRule) applies to this
    mineral and method: it checks the capacity already, so the minimum scale table is not
    consulted twice."""
    return any(_applies(rule, application, rules) for rule in rules.rules_of(MinScaleRule))


def _green_mine_rule(application: Application, rules: PlanRules) -> str | None:
    """The plan-wide green-mine rule that checks this application, if any."""
    return next(
        (r.id for r in rules.rules_of(GreenMinePlanRule) if _applies(r, application, rules)),
        None,
    )


def _area_checks(
    application: Application, rules: PlanRules, spatial: SpatialAnalysis, context: CheckContext
) -> list[CheckResult]:
    right, kind = application.right_type, application.kind
    results = [
        check_within_region(application, rule, spatial.region, rules)
        for rule in rules.rules_of(RegionRule)
        if _applies(rule, application, rules)
    ]
    results += [
        check_forbidden_zones(application, rule, spatial, rules)
        for rule in rules.rules_of(ForbiddenZonesRule)
    ]
    results.append(check_licence_overlap(application, spatial))
    green_mine_rule = _green_mine_rule(application, rules)
    for zone_rule in rules.rules_of(ZoneScaleRule):
        zones = spatial.touched(zone_rule.zone_types)
        if zones and _applies(zone_rule, application, rules):
            results.append(check_zone_scale(application, zone_rule, zones, rules, green_mine_rule))
    for conditions_rule in rules.rules_of(ZoneConditionsRule):
        zones = spatial.touched(conditions_rule.zone_types)
        if zones and _applies(conditions_rule, application, rules):
            results.append(check_zone_conditions(application, conditions_rule, zones, rules))
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


def _expansion(application: Application) -> bool:
    """A change of capacity (扩大开采规模): new capacity, for the rules of new mining rights
    on totals and reserves."""
    return application.kind == "change" and "capacity" in application.changes


def run_checks(
    application: Application, rules: PlanRules, context: CheckContext
) -> list[CheckResult]:
    """Every rule that applies to the application, passed or not.

    Always: the mineral policy of the right type (专栏3/专栏4). By ``applies_to``: the
    plan's minimum scales, the minimum scale table (where no plan minimum covers the
    mineral and method), the green-mine and restoration plans, the development plan and
    three rates, service years, output control and the mine count (new mining rights).
    With an area: the plan's region, the red line / forbidden zones and licence overlap
    always, a zone-type rule when the area touches that zone type (scale, conditions), the
    block-holder rule when it touches a planning block, and the outside-blocks rule when it
    touches no planning block of its right type. A mining cancellation: the closure duty.
    A new mining application, or a new exploration application naming a grant: what the
    right rests on (``competitive_grant``: the grant, 探转采, or 协议出让 for review), not on
    a grant's own reading. An applicant's application but a cancellation: its standing
    (``applicant_standing``: on no supervision list, 异常名录 / 严重违法失信名单).

    Without a spatial analysis, the area rules that always apply come back as ``review``
    saying so; the service should rather keep the application in ``pending_checks``.
    """
    right, kind, mineral = application.right_type, application.kind, application.mineral
    results = [check_mineral_policy(application, rules.policy(right))]
    for scale_rule in rules.rules_of(MinScaleRule):
        if _applies(scale_rule, application, rules):
            results.append(check_min_scale(application, scale_rule, rules))
    for table_rule in rules.rules_of(NationalMinScaleRule):
        if _applies(table_rule, application, rules) and not _covered_by_plan(application, rules):
            results.append(check_minimum_scale_table(application, table_rule, rules))

    if application.area is not None:
        if context.spatial is None:
            always = (
                *(r for r in rules.rules_of(RegionRule) if _applies(r, application, rules)),
                *rules.rules_of(ForbiddenZonesRule),
            )
            results += [spatial_unavailable(rule.id, rule.clause) for rule in always]
            results.append(spatial_unavailable(LICENCE_OVERLAP, LICENCE_OVERLAP_CLAUSE))
        else:
            results += _area_checks(application, rules, context.spatial, context)

    for green_rule in rules.rules_of(GreenMinePlanRule):
        if _applies(green_rule, application, rules):
            results.append(check_green_mine_plan(application, green_rule))
    for restoration_rule in rules.rules_of(RestorationPlanRule):
        if _applies(restoration_rule, application, rules):
            results.append(check_restoration_plan(application, restoration_rule))
    for plan_rule in rules.rules_of(DevelopmentPlanRule):
        if _applies(plan_rule, application, rules):
            results.append(check_development_plan(application, plan_rule, rules))
    # An expansion is checked for service years only when its reserves are known (its own
    # or its licence's latest 储量年报): the plan asks new mines to state them, not changes.
    reserves_known = application.reserves_10kt is not None or context.filed_reserves is not None
    for years_rule in rules.rules_of(ServiceYearsRule):
        if _applies(years_rule, application, rules) or (
            _expansion(application)
            and reserves_known
            and _applies(years_rule, application, rules, "new")
        ):
            results.append(
                check_service_years(application, years_rule, rules, context.filed_reserves)
            )
    for output_rule in rules.rules_of(OutputControlRule):
        applies = _applies(output_rule, application, rules) or (
            _expansion(application) and _applies(output_rule, application, rules, "new")
        )
        if applies and any(c.covers(mineral, rules.standards) for c in output_rule.controls):
            results.append(
                check_output_control(
                    application, output_rule, context.registry, rules, context.licensed_capacity
                )
            )
    for cap_rule in rules.rules_of(MineCountCapRule):
        if _applies(cap_rule, application, rules):
            results.append(check_mine_count_cap(application, cap_rule, context.registry))
    if rules.restoration_duty is not None and right == "mining" and kind == "cancellation":
        results.append(check_restoration_duty(application, rules.restoration_duty, context.closure))
    if grant_check_applies(application):
        results.append(check_competitive_grant(application, context))
    if applicant_standing.applies(application):
        results.append(applicant_standing.check_applicant_standing(application, context.listing))
    return results
