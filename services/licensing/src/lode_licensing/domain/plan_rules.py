"""The entry rules (准入规则) of a typed plan document, read as licensing's checks.

The document is already validated when it reaches licensing (`lode_common.plan`: every
figure typed, every zone type, indicator, target and mineral a rule names declared).
What is left is licensing's own reading. Entry rules are recognised by their shape, not
their id, so a bureau that publishes a new minimum scale for another mineral gets it
checked without a code change:

=========================================  ===============================================
shape of the `EntryRule`                    rule object
=========================================  ===============================================
``check`` with a per-year/per-day minimum    :class:`MinScaleRule` (最低开采规模)
``check.minimum_scale: standards_table``     :class:`NationalMinScaleRule` (最低开采规模标准表)
``check.scale``                              :class:`ZoneScaleRule` (区内新建矿山规模)
``check.development_plan``                   :class:`DevelopmentPlanRule` (开发利用方案, 三率)
``check.service_years``                      :class:`ServiceYearsRule` (服务年限)
``check.green_mine_plan`` (no ``scale``)     :class:`GreenMinePlanRule` (绿色矿山建设)
``check.restoration_plan``                   :class:`RestorationPlanRule` (保护与复垦方案)
``check.within_region``                      :class:`RegionRule` (规划适用范围)
``check.zone_conditions`` + ``zone_type``    :class:`ZoneConditionsRule` (限采区: 审查条件)
``applies_to.zone_type`` + ``effect: reject``  :class:`ForbiddenZonesRule` (红线/禁采区)
one ``applies_to.zone_type`` + a review effect  :class:`BlockHolderRule` (一区块一主体)
no ``applies_to`` + ``effect: needs_review``     :class:`OutsideBlocksRule` (区块外投放)
``effect: warn_when_exceeded`` + ``indicators``   :class:`OutputControlRule` (开采总量调控)
``effect: warn_when_exceeded`` + ``target``       :class:`MineCountCapRule` (矿山总数)
anything else                                :class:`UninterpretedRule` (kept, not checked)
=========================================  ===============================================

The ``check`` decides before the zone type and effect: ``restricted_mining_area_review``
(one zone type, a right, effect ``review``) is a :class:`ZoneConditionsRule` because it has
``check.zone_conditions``, not a :class:`BlockHolderRule` (which has no ``check``).

A valid document whose rule licensing cannot run as its shape says (a minimum scale with
no ``min``, a mine cap whose target has no ``limit.max``, an output-control indicator
that does not say what it counts, a minimum-scale table rule whose standards have no
``minimum_scales``, zone conditions without a zone type) raises
:class:`~.errors.RuleDocumentInvalid` naming the path and the problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from lode_common.plan.document import PlanDocument
from lode_common.plan.entry_rules import AppliesTo, Bound, EntryRule, RuleCheck
from lode_common.plan.output import output_indicators
from lode_common.plan.types import path_of

from .errors import RuleDocumentInvalid
from .rulebook import (
    AdmissionRule,
    BlockHolderRule,
    DevelopmentPlanRule,
    ForbiddenZonesRule,
    GreenMinePlanRule,
    MineCountCapRule,
    MinScaleRule,
    NationalMinScaleRule,
    OutputControl,
    OutputControlRule,
    OutsideBlocksRule,
    PlanRules,
    RegionRule,
    RestorationPlanRule,
    ServiceYearsRule,
    UninterpretedRule,
    ZoneConditionsRule,
    ZoneScaleRule,
)
from .vocabulary import TONNES_10K_PER_YEAR, TONNES_PER_DAY, Outcome

# Threshold keys of a minimum-scale ``check`` and the capacity unit each is measured in.
_THRESHOLD_UNITS: Mapping[str, str] = MappingProxyType(
    {
        "capacity_ore_10kt_per_year": TONNES_10K_PER_YEAR,
        "processing_t_per_day": TONNES_PER_DAY,
    }
)

# What an entry rule's ``effect`` means as a check outcome when the rule is not met.
_EFFECT_OUTCOMES: Mapping[str, Outcome] = MappingProxyType(
    {"reject": "fail", "review": "review", "needs_review": "review", "warn_when_exceeded": "warn"}
)

_NEW_MINING_RIGHTS = AppliesTo(right="mining", kind="new")
"""Whom a total (warn_when_exceeded) without ``applies_to`` concerns: totals grow with new
mines only."""


def _minimums(check: RuleCheck) -> dict[str, Bound]:
    """The per-year or per-day minimums a check states, by key."""
    bounds = {
        "capacity_ore_10kt_per_year": check.capacity_ore_10kt_per_year,
        "processing_t_per_day": check.processing_t_per_day,
    }
    return {key: bound for key, bound in bounds.items() if bound is not None}


def _outcome(entry: EntryRule, default: Outcome) -> Outcome:
    return default if entry.effect is None else _EFFECT_OUTCOMES[entry.effect]


def _output_controls(
    entry: EntryRule, where: str, document: PlanDocument
) -> tuple[OutputControl, ...]:
    """The rule's indicators as controlled totals: each must say what it counts
    (``indicators.items[].counts``, `lode_common.plan.output`)."""
    known = {output.id: output for output in output_indicators(document)}
    controls: list[OutputControl] = []
    for indicator_id in entry.indicators:
        output = known.get(indicator_id)
        if output is None:
            raise RuleDocumentInvalid(
                f"{where}.indicators",
                f"indicator {indicator_id!r} does not say what the mines' output counts toward "
                "it (indicators.items[].counts); output indicators: " + ", ".join(known),
            )
        controls.append(OutputControl(output))
    return tuple(controls)


def _mine_count_cap(
    entry: EntryRule, scope: AppliesTo, where: str, document: PlanDocument
) -> MineCountCapRule:
    target = next((t for t in document.text_targets if t.id == entry.target), None)
    cap = target.limit.max if target is not None else None
    if target is None or cap is None:
        raise RuleDocumentInvalid(
            f"{where}.target", f"text target {entry.target!r} has no limit.max to cap mines at"
        )
    if cap != cap.to_integral_value():
        raise RuleDocumentInvalid(
            f"{where}.target", f"text target {target.id!r}: limit.max {cap} is not a count"
        )
    return MineCountCapRule(entry=entry, applies_to=scope, target=target, cap=int(cap))


def _admission_rule(index: int, entry: EntryRule, document: PlanDocument) -> AdmissionRule:
    where = path_of("entry_rules", index)
    scope = entry.applies_to or AppliesTo()
    zone_types = frozenset(scope.zone_type or ())
    check = entry.check
    effect = entry.effect

    if check is not None:
        minimums = _minimums(check)
        if len(minimums) > 1:
            raise RuleDocumentInvalid(
                f"{where}.check", f"one minimum per rule, got {sorted(minimums)}"
            )
        if minimums:
            ((quantity, bound),) = minimums.items()
            if bound.min is None:
                raise RuleDocumentInvalid(
                    f"{where}.check.{quantity}.min", "missing: a minimum scale needs its min"
                )
            return MinScaleRule(
                entry=entry,
                applies_to=scope,
                quantity=quantity,
                unit=_THRESHOLD_UNITS[quantity],
                minimum=bound.min,
                inclusive=bound.inclusive,
                outcome_when_unmet=_outcome(entry, "fail"),
            )
        if check.minimum_scale == "standards_table":
            if document.standards.minimum_scales is None:
                raise RuleDocumentInvalid(
                    f"{where}.check.minimum_scale",
                    "the standards have no minimum_scales table to check against",
                )
            return NationalMinScaleRule(
                entry=entry, applies_to=scope, outcome_when_unmet=_outcome(entry, "fail")
            )
        if check.scale is not None:
            if not zone_types:
                raise RuleDocumentInvalid(where, "a zone scale rule needs applies_to.zone_type")
            return ZoneScaleRule(
                entry=entry,
                applies_to=scope,
                zone_types=zone_types,
                required_scale=check.scale,
                green_mine_plan_required=check.green_mine_plan == "required",
                outcome_when_unmet=_outcome(entry, "fail"),
            )
        if check.development_plan is not None:
            return DevelopmentPlanRule(
                entry=entry,
                applies_to=scope,
                three_rates_national=check.planned_three_rates == "national_minimums",
                outcome_when_unmet=_outcome(entry, "fail"),
            )
        if check.service_years is not None:
            return ServiceYearsRule(
                entry=entry, applies_to=scope, outcome_when_unmet=_outcome(entry, "review")
            )
        if check.green_mine_plan == "required":
            return GreenMinePlanRule(
                entry=entry, applies_to=scope, outcome_when_unmet=_outcome(entry, "fail")
            )
        if check.restoration_plan == "required":
            return RestorationPlanRule(
                entry=entry, applies_to=scope, outcome_when_unmet=_outcome(entry, "fail")
            )
        if check.within_region == "required":
            return RegionRule(
                entry=entry, applies_to=scope, outcome_when_unmet=_outcome(entry, "fail")
            )
        if check.zone_conditions == "review":
            if not zone_types:
                raise RuleDocumentInvalid(
                    where, "zone conditions need applies_to.zone_type: the zones to name"
                )
            return ZoneConditionsRule(
                entry=entry,
                applies_to=scope,
                zone_types=zone_types,
                outcome_when_unmet=_outcome(entry, "review"),
            )
    if zone_types and effect == "reject":
        return ForbiddenZonesRule(entry=entry, applies_to=scope, zone_types=zone_types)
    if (
        check is None
        and len(zone_types) == 1
        and scope.right is not None
        and effect in ("review", "needs_review")
    ):
        (zone_type,) = zone_types
        return BlockHolderRule(
            entry=entry, applies_to=scope, right_type=scope.right, zone_type=zone_type
        )
    if check is None and entry.applies_to is None and effect == "needs_review":
        # 投放探矿权（采矿权）: granting a right; renewals of existing rights are not 投放.
        return OutsideBlocksRule(entry=entry, applies_to=scope, kinds=frozenset({"new"}))
    if effect == "warn_when_exceeded":
        if entry.applies_to is None:
            scope = _NEW_MINING_RIGHTS
        if entry.indicators:
            controls = _output_controls(entry, where, document)
            return OutputControlRule(entry=entry, applies_to=scope, controls=controls)
        if entry.target is not None:
            return _mine_count_cap(entry, scope, where, document)
    return UninterpretedRule(entry=entry, applies_to=scope)


def load_plan_rules(document: PlanDocument) -> PlanRules:
    """The plan version's entry rules read as licensing's checks, with the document.

    Raises :class:`~.errors.RuleDocumentInvalid` naming the path and the problem when a
    rule's shape is one licensing checks but it lacks what that check needs.
    """
    rules = tuple(
        _admission_rule(index, entry, document) for index, entry in enumerate(document.entry_rules)
    )
    return PlanRules(document, rules)
