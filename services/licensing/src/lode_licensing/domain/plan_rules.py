"""The plan in force, read into typed, immutable rules (规划 + 国家标准).

Licensing receives the plan version in force as a JSON-like document in a
``plan.published`` event: the plan file's content (``plan``, ``indicators``,
``text_targets``, ``mineral_policy``, ``entry_rules``, ``zones``, ``governance`` ...) with
the national standards under ``standards`` (``scale_classes``,
``three_rates_minimums``, ``min_service_years_by_scale``, ``licence_terms``,
``mineral_catalogue``). :func:`load_plan_rules` is the only code that knows that
layout; everything else works from the rule objects of :mod:`.rulebook`.

Entry rules (准入规则) are recognised by their shape, not their id, so a bureau that
publishes a new minimum scale for another mineral gets it checked without a code change:

========================================  ==============================================
shape in ``entry_rules``                   rule object
========================================  ==============================================
``check`` with a per-year/per-day minimum   :class:`MinScaleRule` (最低开采规模)
``check.scale``                             :class:`ZoneScaleRule` (区内新建矿山规模)
``check.development_plan``                  :class:`DevelopmentPlanRule` (开发利用方案, 三率)
``check.service_years``                     :class:`ServiceYearsRule` (服务年限)
``applies_to.zone_type`` + ``effect: reject``  :class:`ForbiddenZonesRule` (红线/禁采区)
one ``applies_to.zone_type`` + a review effect :class:`BlockHolderRule` (一区块一主体)
no ``applies_to`` + ``effect: needs_review``    :class:`OutsideBlocksRule` (区块外投放)
``effect: warn_when_exceeded`` + ``indicators``  :class:`OutputControlRule` (开采总量调控)
``effect: warn_when_exceeded`` + ``target``      :class:`MineCountCapRule` (矿山总数)
anything else                               :class:`UninterpretedRule` (kept, not checked)
========================================  ==============================================

A document that cannot be read raises :class:`~.errors.RuleDocumentInvalid` naming the
path (``standards.scale_classes.items[3].large_min``) and the problem.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .document_node import DocumentNode
from .rulebook import (
    ANY_METHOD,
    THREE_RATES,
    AppliesTo,
    BlockHolderRule,
    Catalogue,
    DevelopmentPlanRule,
    EntryRule,
    ForbiddenZonesRule,
    Indicator,
    LicenceTerms,
    MineCountCapRule,
    MineralEntry,
    MineralPolicy,
    MinScaleRule,
    OutputControl,
    OutputControlRule,
    OutsideBlocksRule,
    PlanRules,
    RestorationDuty,
    ScaleRow,
    ScaleTable,
    ServiceYearsRule,
    TextTarget,
    ThreeRateMinimum,
    ThreeRateTable,
    UninterpretedRule,
    ZoneScaleRule,
    ZoneType,
)
from .vocabulary import (
    APPLICATION_KINDS,
    CUBIC_METRES_10K_PER_YEAR,
    RIGHT_TYPES,
    SCALES,
    TONNES_10K_PER_YEAR,
    TONNES_PER_DAY,
    ApplicationKind,
    Outcome,
    RightType,
    Scale,
)

# Threshold keys of a minimum-scale ``check`` and the capacity unit each is measured in.
_THRESHOLD_UNITS: Mapping[str, str] = MappingProxyType(
    {
        "capacity_ore_10kt_per_year": TONNES_10K_PER_YEAR,
        "capacity_10k_m3_per_year": CUBIC_METRES_10K_PER_YEAR,
        "processing_t_per_day": TONNES_PER_DAY,
    }
)

# What an entry rule's ``effect`` means as a check outcome when the rule is not met.
_EFFECT_OUTCOMES: Mapping[str, Outcome] = MappingProxyType(
    {"reject": "fail", "review": "review", "needs_review": "review", "warn_when_exceeded": "warn"}
)

# Which minerals each output-control indicator (开采总量调控) counts, and what it measures,
# when the indicator itself does not say (the plan file states it only in the indicator's
# Chinese name: "铁矿，铁精粉" / "建筑石料类"). An indicator may carry ``minerals_zh``,
# ``groups`` and ``measure`` to override this.
_DEFAULT_INDICATOR_SCOPES: Mapping[str, tuple[tuple[str, ...], tuple[str, ...], str]] = (
    MappingProxyType(
        {
            "iron_concentrate_output": (("铁矿",), (), "concentrate"),
            "building_stone_output": ((), ("building_stone",), "ore"),
        }
    )
)

_DEFAULT_PREFIX_BY_RIGHT: Mapping[RightType, str] = MappingProxyType(
    {"mining": "C", "exploration": "T"}  # the standards file states it only in a comment
)


# --- reading the document -------------------------------------------------------------------


def _opt_text(node: DocumentNode, key: str) -> str | None:
    child = node.opt(key)
    return child.text() if child is not None else None


def _scale(node: DocumentNode) -> Scale:
    text = node.choice(SCALES)
    return next(s for s in SCALES if s == text)


def _right(node: DocumentNode) -> RightType:
    text = node.choice(RIGHT_TYPES)
    return next(r for r in RIGHT_TYPES if r == text)


def _kind(node: DocumentNode) -> ApplicationKind:
    text = node.choice(APPLICATION_KINDS)
    return next(k for k in APPLICATION_KINDS if k == text)


def _by_scale(node: DocumentNode, reader: str) -> dict[Scale, Any]:
    values: dict[Scale, Any] = {}
    for scale in SCALES:
        child = node.get(scale)
        values[scale] = child.integer() if reader == "int" else child.number()
    return values


def _catalogue(node: DocumentNode) -> Catalogue:
    entries: list[MineralEntry] = []
    seen: dict[str, str] = {}
    for item in node.items():
        density = item.opt("density_t_per_m3")
        entry = MineralEntry(
            zh=item.get("zh").text(),
            code=item.get("code").text(),
            group=item.get("group").text(),
            aliases_zh=item.get("aliases_zh").texts() if item.has("aliases_zh") else (),
            treat_as_zh=_opt_text(item, "treat_as_zh"),
            capacity_unit_zh=_opt_text(item, "capacity_unit_zh"),
            density_t_per_m3=density.number() if density is not None else None,
            note=_opt_text(item, "note"),
        )
        for name in (entry.zh, entry.code.lower(), *entry.aliases_zh):
            if name in seen and seen[name] != entry.zh:
                item.fail(f"name {name!r} is used by both {seen[name]} and {entry.zh}")
            seen[name] = entry.zh
        entries.append(entry)
    catalogue = Catalogue(tuple(entries))
    for item, entry in zip(node.items(), entries, strict=True):
        if entry.treat_as_zh is not None and catalogue.lookup(entry.treat_as_zh) is None:
            item.get("treat_as_zh").fail(f"{entry.treat_as_zh!r} is not in the catalogue")
    return catalogue


def _canonical(node: DocumentNode, catalogue: Catalogue) -> tuple[str, ...]:
    names: list[str] = []
    for item in node.items() if isinstance(node.value, list | tuple) else [node]:
        entry = catalogue.lookup(item.text())
        if entry is None:
            item.fail(f"mineral {item.text()!r} is not in standards.mineral_catalogue")
        names.append(entry.zh)
    return tuple(names)


def _policy(node: DocumentNode, right_type: RightType, catalogue: Catalogue) -> MineralPolicy:
    def names(key: str) -> tuple[str, ...]:
        child = node.opt(key)
        return _canonical(child, catalogue) if child is not None else ()

    return MineralPolicy(
        right_type=right_type,
        clause=node.get("clause").text(),
        priority_zh=names("priority_zh"),
        restricted_zh=names("restricted_zh"),
        prohibited_zh=names("prohibited_zh"),
        restricted_effect_zh=_opt_text(node, "restricted_effect_zh"),
        prohibited_effect_zh=_opt_text(node, "prohibited_effect_zh"),
    )


def _scale_table(node: DocumentNode, catalogue: Catalogue) -> ScaleTable:
    source = node.get("source").text()
    rows: list[ScaleRow] = []
    seen: set[tuple[str, str]] = set()
    for item in node.get("items").items():
        row = ScaleRow(
            mineral_zh=_canonical(item.get("mineral_zh"), catalogue)[0],
            method=item.get("method").text(),
            unit_zh=item.get("unit_zh").text(),
            large_min=item.get("large_min").number(),
            medium_min=item.get("medium_min").number(),
            confidence=_opt_text(item, "confidence") or "unstated",
            source=_opt_text(item, "source") or source,
            note=_opt_text(item, "note"),
        )
        if row.large_min < row.medium_min:
            item.fail(f"large_min {row.large_min} is below medium_min {row.medium_min}")
        if (row.mineral_zh, row.method) in seen:
            item.fail(f"a second row for {row.mineral_zh} / {row.method}")
        seen.add((row.mineral_zh, row.method))
        rows.append(row)
    days = node.get("working_days_per_year")
    working_days = days.integer()
    if not 0 < working_days <= 366:
        days.fail(f"{working_days} is not a number of days in a year")
    return ScaleTable(source, tuple(rows), working_days, _opt_text(node, "rule"))


def _three_rates(node: DocumentNode, catalogue: Catalogue) -> ThreeRateTable:
    sources: dict[str, str] = {}
    for key, child in node.get("sources").entries() if node.has("sources") else []:
        entry = catalogue.lookup(key)
        sources[entry.zh if entry is not None else key] = child.text()
    defaults: dict[str, str] = {}
    if node.has("default_ore_type"):
        for key, child in node.get("default_ore_type").entries():
            defaults[_canonical(DocumentNode(key, child.path), catalogue)[0]] = child.text()
    items: list[ThreeRateMinimum] = []
    for item in node.get("items").items():
        mineral = _canonical(item.get("mineral_zh"), catalogue)[0]
        scales = item.opt("scale")
        found_rate = False
        for rate in THREE_RATES:
            minimum = item.opt(f"{rate}_min")
            if minimum is None:
                continue
            found_rate = True
            value = minimum.number()
            if not Decimal(0) <= value <= Decimal(100):
                minimum.fail(f"{value} is not a percentage (0-100)")
            items.append(
                ThreeRateMinimum(
                    mineral_zh=mineral,
                    rate=rate,
                    minimum_pct=value,
                    confidence=_opt_text(item, "confidence") or "unstated",
                    source=_opt_text(item, "source") or sources.get(mineral),
                    method=_opt_text(item, "method"),
                    scales=(
                        frozenset(_scale(DocumentNode(s, scales.path)) for s in scales.texts())
                        if scales is not None
                        else None
                    ),
                    ore_type=_opt_text(item, "ore_type"),
                    note=_opt_text(item, "note"),
                )
            )
        if not found_rate:
            item.fail("names no rate (mining_recovery_min, processing_recovery_min, ...)")
    not_found = node.get("not_found").texts() if node.has("not_found") else ()
    return ThreeRateTable(tuple(items), MappingProxyType(defaults), not_found)


def _licence_terms(node: DocumentNode) -> LicenceTerms:
    numbering = node.get("numbering")
    pattern_node = numbering.get("pattern")
    try:
        pattern = re.compile(pattern_node.text())
    except re.error as exc:
        pattern_node.fail(f"not a regular expression: {exc}")
    prefixes: dict[RightType, str] = dict(_DEFAULT_PREFIX_BY_RIGHT)
    if numbering.has("prefix_by_right"):
        for key, child in numbering.get("prefix_by_right").entries():
            prefixes[_right(DocumentNode(key, child.path))] = child.text()
    since = numbering.opt("since")
    return LicenceTerms(
        mining_max_years=MappingProxyType(_by_scale(node.get("mining_max_years"), "int")),
        renewal_notice_days=node.get("mining_renewal_notice_days").integer(),
        exploration_years=node.get("exploration_years").integer(),
        numbering_pattern=pattern,
        prefix_by_right=MappingProxyType(prefixes),
        numbering_since=since.a_date() if since is not None else None,
    )


def _applies_to(
    node: DocumentNode | None, catalogue: Catalogue, zone_types: Mapping[str, ZoneType]
) -> AppliesTo:
    if node is None:
        return AppliesTo()
    rights = node.opt("right")
    kinds = node.opt("kind")
    minerals = node.opt("mineral_zh")
    methods = node.opt("method")
    zones = node.opt("zone_type")
    if zones is not None:
        for zone in zones.texts():
            if zone not in zone_types:
                zones.fail(f"zone type {zone!r} is not in zones.types")
    return AppliesTo(
        rights=frozenset(_right(DocumentNode(r, rights.path)) for r in rights.texts())
        if rights
        else None,
        kinds=frozenset(_kind(DocumentNode(k, kinds.path)) for k in kinds.texts())
        if kinds
        else None,
        minerals_zh=frozenset(_canonical(minerals, catalogue)) if minerals else None,
        methods=frozenset(methods.texts()) if methods else None,
        zone_types=frozenset(zones.texts()) if zones else None,
    )


def _outcome(node: DocumentNode, default: Outcome) -> Outcome:
    effect = node.opt("effect")
    if effect is None:
        return default
    return _EFFECT_OUTCOMES[effect.choice(_EFFECT_OUTCOMES)]


def _output_controls(
    rule: DocumentNode,
    indicators: Mapping[str, Indicator],
    raw_indicators: Mapping[str, DocumentNode],
) -> tuple[OutputControl, ...]:
    controls: list[OutputControl] = []
    ids = rule.get("indicators")
    for indicator_id in ids.texts():
        indicator = indicators.get(indicator_id)
        if indicator is None:
            ids.fail(f"indicator {indicator_id!r} is not in indicators.items")
        raw = raw_indicators[indicator_id]
        minerals, groups, measure = _DEFAULT_INDICATOR_SCOPES.get(indicator_id, ((), (), "ore"))
        if raw.has("minerals_zh"):
            minerals = raw.get("minerals_zh").texts()
        if raw.has("groups"):
            groups = raw.get("groups").texts()
        if raw.has("measure"):
            measure = raw.get("measure").choice(("concentrate", "ore"))
        if not minerals and not groups:
            raw.fail(
                "an output-control indicator must say which minerals it counts "
                "(minerals_zh or groups)"
            )
        controls.append(
            OutputControl(
                indicator_id=indicator.id,
                name_zh=indicator.name_zh,
                target=indicator.target,
                unit_zh=indicator.unit_zh,
                minerals_zh=frozenset(minerals),
                groups=frozenset(groups),
                measure="concentrate" if measure == "concentrate" else "ore",
                clause=indicator.clause,
            )
        )
    return tuple(controls)


def _entry_rule(
    node: DocumentNode,
    catalogue: Catalogue,
    zone_types: Mapping[str, ZoneType],
    indicators: Mapping[str, Indicator],
    raw_indicators: Mapping[str, DocumentNode],
    text_targets: Mapping[str, TextTarget],
) -> EntryRule:
    applies_node = node.opt("applies_to")
    applies = _applies_to(applies_node, catalogue, zone_types)
    common: dict[str, Any] = {
        "id": node.get("id").text(),
        "statement_zh": node.get("statement_zh").text(),
        "clause": node.get("clause").text(),
        "applies_to": applies,
        "note": _opt_text(node, "note"),
    }
    check = node.opt("check")
    check_keys = {key for key, _ in check.entries()} if check is not None else set()
    effect = _opt_text(node, "effect")

    thresholds = check_keys & set(_THRESHOLD_UNITS)
    if check is not None and thresholds:
        if len(thresholds) > 1:
            check.fail(f"one minimum per rule, got {sorted(thresholds)}")
        quantity = thresholds.pop()
        limit = check.get(quantity)
        inclusive = limit.opt("inclusive")
        return MinScaleRule(
            **common,
            quantity=quantity,
            unit=_THRESHOLD_UNITS[quantity],
            minimum=limit.get("min").number(),
            inclusive=inclusive.boolean() if inclusive is not None else True,
            outcome_when_unmet=_outcome(node, "fail"),
        )
    if check is not None and "scale" in check_keys:
        if not applies.zone_types:
            node.fail("a zone scale rule needs applies_to.zone_type")
        green = check.opt("green_mine_plan")
        return ZoneScaleRule(
            **common,
            zone_types=applies.zone_types,
            required_scale=_scale(check.get("scale")),
            green_mine_plan_required=green is not None and green.text() == "required",
            outcome_when_unmet=_outcome(node, "fail"),
        )
    if check is not None and "development_plan" in check_keys:
        rates = check.opt("planned_three_rates")
        return DevelopmentPlanRule(
            **common,
            development_plan_required=check.get("development_plan").text() == "required",
            three_rates_national=rates is not None and rates.text() == "national_minimums",
            outcome_when_unmet=_outcome(node, "fail"),
        )
    if check is not None and "service_years" in check_keys:
        return ServiceYearsRule(**common, outcome_when_unmet=_outcome(node, "review"))
    if applies.zone_types and effect == "reject":
        return ForbiddenZonesRule(
            **common, zone_types=applies.zone_types, outcome_when_unmet="fail"
        )
    if (
        check is None
        and applies.zone_types is not None
        and len(applies.zone_types) == 1
        and applies.rights is not None
        and len(applies.rights) == 1
        and effect in ("review", "needs_review")
    ):
        (right,) = applies.rights
        (zone_type,) = applies.zone_types
        return BlockHolderRule(
            **common, right_type=right, zone_type=zone_type, outcome_when_unmet="review"
        )
    if check is None and applies_node is None and effect == "needs_review":
        # 投放探矿权（采矿权）: granting a right; renewals of existing rights are not 投放.
        return OutsideBlocksRule(**common, kinds=frozenset({"new"}), outcome_when_unmet="review")
    if effect == "warn_when_exceeded" and applies_node is None:
        # Totals grow with new mines only: without applies_to, these concern new mining rights.
        common["applies_to"] = AppliesTo(rights=frozenset({"mining"}), kinds=frozenset({"new"}))
    # an empty list is "no indicators" (a publisher may write the default out)
    if effect == "warn_when_exceeded" and node.has("indicators") and node.get("indicators").value:
        return OutputControlRule(
            **common, controls=_output_controls(node, indicators, raw_indicators)
        )
    if effect == "warn_when_exceeded" and node.has("target"):
        target_node = node.get("target")
        target = text_targets.get(target_node.text())
        if target is None:
            target_node.fail(f"text target {target_node.text()!r} is not in text_targets")
        cap = target.limit.get("max")
        if cap is None:
            target_node.fail(f"text target {target.id!r} has no limit.max")
        return MineCountCapRule(
            **common,
            target_id=target.id,
            cap=DocumentNode(cap, f"text_targets[{target.id}].limit.max").integer(),
        )
    raw = node.value if isinstance(node.value, Mapping) else {}
    return UninterpretedRule(**common, raw=MappingProxyType(dict(raw)))


def load_plan_rules(document: Mapping[str, Any]) -> PlanRules:
    """Read a plan document (plan file + national standards under ``standards``) into rules.

    Raises :class:`~.errors.RuleDocumentInvalid` naming the path and the problem when a
    part the checks need is missing or malformed, or when parts contradict each other (a
    rule naming a zone type, indicator or mineral the document does not define).
    """
    root = DocumentNode(document, "")
    standards = root.get("standards")
    catalogue = _catalogue(standards.get("mineral_catalogue"))

    zone_types: dict[str, ZoneType] = {}
    for item in root.get("zones").get("types").items():
        zone = ZoneType(
            item.get("id").text(), item.get("name_zh").text(), _opt_text(item, "clause")
        )
        zone_types[zone.id] = zone

    indicators_node = root.get("indicators")
    section_clause = _opt_text(indicators_node, "clause") or ""
    indicators: dict[str, Indicator] = {}
    raw_indicators: dict[str, DocumentNode] = {}
    for item in indicators_node.get("items").items():
        indicator = Indicator(
            id=item.get("id").text(),
            name_zh=item.get("name_zh").text(),
            unit_zh=item.get("unit_zh").text(),
            target=item.get("target").number(),
            clause=_opt_text(item, "detail_clause") or section_clause,
        )
        indicators[indicator.id] = indicator
        raw_indicators[indicator.id] = item

    text_targets: dict[str, TextTarget] = {}
    for item in root.get("text_targets").items() if root.has("text_targets") else []:
        limit = item.get("limit").value
        target = TextTarget(
            id=item.get("id").text(),
            statement_zh=item.get("statement_zh").text(),
            limit=MappingProxyType(dict(limit) if isinstance(limit, Mapping) else {}),
            clause=item.get("clause").text(),
        )
        text_targets[target.id] = target

    policies = root.get("mineral_policy")
    entry_rules = tuple(
        _entry_rule(item, catalogue, zone_types, indicators, raw_indicators, text_targets)
        for item in root.get("entry_rules").items()
    )
    ids = [rule.id for rule in entry_rules]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        root.get("entry_rules").fail(f"duplicate rule ids: {', '.join(duplicates)}")

    restoration: RestorationDuty | None = None
    for item in root.get("governance").items() if root.has("governance") else []:
        if item.has("id") and item.get("id").text() == "restoration_duty":
            restoration = RestorationDuty(
                "restoration_duty", item.get("statement_zh").text(), item.get("clause").text()
            )

    scale_table = _scale_table(standards.get("scale_classes"), catalogue)
    three_rates = _three_rates(standards.get("three_rates_minimums"), catalogue)
    methods = {row.method for row in scale_table.rows if row.method != ANY_METHOD}
    methods |= {item.method for item in three_rates.items if item.method is not None}
    for rule in entry_rules:
        methods |= set(rule.applies_to.methods or ())

    plan = root.get("plan")
    return PlanRules(
        plan_id=plan.get("id").text(),
        title_zh=_opt_text(plan, "title_zh") or plan.get("id").text(),
        catalogue=catalogue,
        exploration_policy=_policy(policies.get("exploration"), "exploration", catalogue),
        mining_policy=_policy(policies.get("mining"), "mining", catalogue),
        entry_rules=entry_rules,
        restoration_duty=restoration,
        indicators=MappingProxyType(indicators),
        text_targets=MappingProxyType(text_targets),
        zone_types=MappingProxyType(zone_types),
        scale_table=scale_table,
        three_rates=three_rates,
        min_service_years=MappingProxyType(
            _by_scale(standards.get("min_service_years_by_scale"), "number")
        ),
        licence_terms=_licence_terms(standards.get("licence_terms")),
        known_methods=frozenset(methods),
    )
