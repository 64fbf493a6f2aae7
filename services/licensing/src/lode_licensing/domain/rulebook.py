"""The plan's rules as typed, immutable objects (规则): what the checks work from.

:func:`~.plan_rules.load_plan_rules` builds a :class:`PlanRules` from the plan document;
nothing here knows the document's layout. Every figure (thresholds, mineral lists, scale
tables, three-rate minimums, licence terms) is a field read from the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal, TypeVar

from .vocabulary import ApplicationKind, Outcome, RightType, Scale

ANY_METHOD = "any"
"""The scale table's wildcard method (a row for every mining method)."""

ThreeRate = Literal["mining_recovery", "processing_recovery", "comprehensive_utilization"]
THREE_RATES: tuple[ThreeRate, ...] = (
    "mining_recovery",
    "processing_recovery",
    "comprehensive_utilization",
)
THREE_RATE_ZH: Mapping[ThreeRate, str] = MappingProxyType(
    {
        "mining_recovery": "开采回采率",
        "processing_recovery": "选矿回收率",
        "comprehensive_utilization": "综合利用率",
    }
)

# --- minerals -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MineralEntry:
    """A mineral of the catalogue (矿种): Chinese name, code, aliases, capacity unit."""

    zh: str
    code: str
    group: str
    aliases_zh: tuple[str, ...] = ()
    treat_as_zh: str | None = None
    capacity_unit_zh: str | None = None
    density_t_per_m3: Decimal | None = None
    note: str | None = None

    @property
    def standard_zh(self) -> str:
        """The name whose scale classes and three rates apply (超贫磁铁矿 → 铁矿)."""
        return self.treat_as_zh or self.zh

    @property
    def names(self) -> tuple[str, ...]:
        return (self.zh, self.code, *self.aliases_zh)

    def is_(self, names_zh: Iterable[str]) -> bool:
        """True when this mineral, or the mineral it is treated as, is among ``names_zh``."""
        wanted = set(names_zh)
        return self.zh in wanted or (self.treat_as_zh is not None and self.treat_as_zh in wanted)


@dataclass(frozen=True)
class Catalogue:
    """The mineral catalogue (矿种目录) of the national standards document."""

    entries: tuple[MineralEntry, ...]

    def lookup(self, name: str) -> MineralEntry | None:
        """The entry whose Chinese name, alias or code (any case) is exactly ``name``."""
        wanted = name.strip()
        for entry in self.entries:
            if wanted in (entry.zh, *entry.aliases_zh) or wanted.lower() == entry.code.lower():
                return entry
        return None

    def get(self, zh: str) -> MineralEntry:
        """The entry named ``zh`` (canonical Chinese name); KeyError when there is none."""
        for entry in self.entries:
            if entry.zh == zh:
                return entry
        raise KeyError(zh)

    def all_names(self) -> tuple[str, ...]:
        return tuple(name for entry in self.entries for name in entry.names)


@dataclass(frozen=True)
class MineralPolicy:
    """专栏3 (exploration) or 专栏4 (mining): priority, restricted and prohibited minerals."""

    right_type: RightType
    clause: str
    priority_zh: tuple[str, ...]
    restricted_zh: tuple[str, ...]
    prohibited_zh: tuple[str, ...]
    restricted_effect_zh: str | None = None
    prohibited_effect_zh: str | None = None

    def category(
        self, mineral: MineralEntry
    ) -> Literal["prohibited", "restricted", "priority", "other"]:
        """Where the mineral stands in the policy (its own name; ``treat_as`` does not count)."""
        if mineral.zh in self.prohibited_zh:
            return "prohibited"
        if mineral.zh in self.restricted_zh:
            return "restricted"
        if mineral.zh in self.priority_zh:
            return "priority"
        return "other"


# --- entry rules (准入规则) -----------------------------------------------------------------


@dataclass(frozen=True)
class AppliesTo:
    """Whom a rule applies to; ``None`` in a field means "any"."""

    rights: frozenset[RightType] | None = None
    kinds: frozenset[ApplicationKind] | None = None
    minerals_zh: frozenset[str] | None = None
    methods: frozenset[str] | None = None
    zone_types: frozenset[str] | None = None

    def matches(
        self,
        *,
        right_type: RightType,
        kind: ApplicationKind,
        mineral: MineralEntry | None = None,
        method: str | None = None,
    ) -> bool:
        """Whether the right, kind, mineral and method fit (zone types are checked apart)."""
        if self.rights is not None and right_type not in self.rights:
            return False
        if self.kinds is not None and kind not in self.kinds:
            return False
        if self.minerals_zh is not None and (mineral is None or not mineral.is_(self.minerals_zh)):
            return False
        return self.methods is None or method in self.methods


@dataclass(frozen=True, kw_only=True)
class EntryRule:
    """An entry rule of the plan file: its id, statement and clause (条款)."""

    id: str
    statement_zh: str
    clause: str
    applies_to: AppliesTo = field(default_factory=AppliesTo)
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class MinScaleRule(EntryRule):
    """最低开采规模: capacity ≥ ``minimum`` ``unit`` (``inclusive``: the minimum itself passes)."""

    quantity: str
    unit: str
    minimum: Decimal
    inclusive: bool
    outcome_when_unmet: Outcome = "fail"


@dataclass(frozen=True, kw_only=True)
class ZoneScaleRule(EntryRule):
    """New mines in a zone type must reach ``required_scale`` (and have a green-mine plan)."""

    zone_types: frozenset[str]
    required_scale: Scale
    green_mine_plan_required: bool
    outcome_when_unmet: Outcome = "fail"


@dataclass(frozen=True, kw_only=True)
class BlockHolderRule(EntryRule):
    """原则上一个规划区块只设一个主体: one holder per planning block (规划区块) of a right type."""

    right_type: RightType
    zone_type: str
    outcome_when_unmet: Outcome = "review"


@dataclass(frozen=True, kw_only=True)
class OutsideBlocksRule(EntryRule):
    """A right outside every planning block of its type needs strict demonstration (严格论证)."""

    kinds: frozenset[ApplicationKind]
    outcome_when_unmet: Outcome = "review"


@dataclass(frozen=True, kw_only=True)
class ForbiddenZonesRule(EntryRule):
    """Zones no right may touch (生态保护红线, 禁采区)."""

    zone_types: frozenset[str]
    outcome_when_unmet: Outcome = "fail"


@dataclass(frozen=True, kw_only=True)
class DevelopmentPlanRule(EntryRule):
    """开发利用方案 required; planned 三率 at least the national minimums."""

    development_plan_required: bool
    three_rates_national: bool
    outcome_when_unmet: Outcome = "fail"


@dataclass(frozen=True, kw_only=True)
class ServiceYearsRule(EntryRule):
    """Reserves / capacity must give the minimum service years of the mine's scale."""

    outcome_when_unmet: Outcome = "review"


@dataclass(frozen=True)
class OutputControl:
    """One controlled total (开采总量调控): which minerals count, target, unit."""

    indicator_id: str
    name_zh: str
    target: Decimal
    unit_zh: str
    minerals_zh: frozenset[str]
    groups: frozenset[str]
    measure: Literal["concentrate", "ore"]
    clause: str

    def covers(self, mineral: MineralEntry) -> bool:
        return mineral.is_(self.minerals_zh) or mineral.group in self.groups


@dataclass(frozen=True, kw_only=True)
class OutputControlRule(EntryRule):
    controls: tuple[OutputControl, ...]
    outcome_when_unmet: Outcome = "warn"


@dataclass(frozen=True, kw_only=True)
class MineCountCapRule(EntryRule):
    """矿山总数控制: at most ``cap`` mines (from the text target ``target_id``)."""

    target_id: str
    cap: int
    outcome_when_unmet: Outcome = "warn"


@dataclass(frozen=True, kw_only=True)
class UninterpretedRule(EntryRule):
    """A rule whose shape the checks do not know; kept so the service can report it."""

    raw: Mapping[str, Any]


@dataclass(frozen=True)
class RestorationDuty:
    """闭坑前提交闭坑报告并完成地质环境恢复治理 (governance ``restoration_duty``)."""

    id: str
    statement_zh: str
    clause: str


# --- national standards (国家标准) ----------------------------------------------------------


@dataclass(frozen=True)
class ScaleRow:
    """A row of the scale table (矿山生产建设规模分类): large ≥ large_min, medium ≥ medium_min."""

    mineral_zh: str
    method: str
    unit_zh: str
    large_min: Decimal
    medium_min: Decimal
    confidence: str
    source: str
    note: str | None = None


@dataclass(frozen=True)
class ScaleTable:
    source: str
    rows: tuple[ScaleRow, ...]
    working_days_per_year: int
    rule_text: str | None = None


@dataclass(frozen=True)
class ThreeRateMinimum:
    """A national minimum (“三率”最低指标) for one rate, under optional conditions."""

    mineral_zh: str
    rate: ThreeRate
    minimum_pct: Decimal
    confidence: str
    source: str | None
    method: str | None = None
    scales: frozenset[Scale] | None = None
    ore_type: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ThreeRateTable:
    items: tuple[ThreeRateMinimum, ...]
    default_ore_type: Mapping[str, str]
    not_found: tuple[str, ...]

    def ore_types(self, mineral_zh: str) -> frozenset[str]:
        """The ore types (矿石类型) the table distinguishes for a mineral."""
        return frozenset(
            item.ore_type
            for item in self.items
            if item.mineral_zh == mineral_zh and item.ore_type is not None
        )


@dataclass(frozen=True)
class LicenceTerms:
    """Licence validity (有效期) and numbering (统一配号) rules."""

    mining_max_years: Mapping[Scale, int]
    renewal_notice_days: int
    exploration_years: int
    numbering_pattern: re.Pattern[str]
    prefix_by_right: Mapping[RightType, str]
    numbering_since: date | None = None


@dataclass(frozen=True)
class Indicator:
    """A planning indicator of 专栏2."""

    id: str
    name_zh: str
    unit_zh: str
    target: Decimal
    clause: str


@dataclass(frozen=True)
class TextTarget:
    id: str
    statement_zh: str
    limit: Mapping[str, Any]
    clause: str


@dataclass(frozen=True)
class ZoneType:
    id: str
    name_zh: str
    clause: str | None = None


R = TypeVar("R", bound=EntryRule)


@dataclass(frozen=True)
class PlanRules:
    """Everything the licensing checks take from the plan document, typed and immutable."""

    plan_id: str
    title_zh: str
    catalogue: Catalogue
    exploration_policy: MineralPolicy
    mining_policy: MineralPolicy
    entry_rules: tuple[EntryRule, ...]
    restoration_duty: RestorationDuty | None
    indicators: Mapping[str, Indicator]
    text_targets: Mapping[str, TextTarget]
    zone_types: Mapping[str, ZoneType]
    scale_table: ScaleTable
    three_rates: ThreeRateTable
    min_service_years: Mapping[Scale, Decimal]
    licence_terms: LicenceTerms
    known_methods: frozenset[str]

    def policy(self, right_type: RightType) -> MineralPolicy:
        return self.exploration_policy if right_type == "exploration" else self.mining_policy

    def rules_of(self, kind: type[R]) -> tuple[R, ...]:
        """The entry rules of one shape, in document order."""
        return tuple(rule for rule in self.entry_rules if isinstance(rule, kind))

    def block_zone_type(self, right_type: RightType) -> str | None:
        """The zone type of the planning blocks (规划区块) of a right type."""
        for rule in self.rules_of(BlockHolderRule):
            if rule.right_type == right_type:
                return rule.zone_type
        return None

    def zone_name(self, zone_type: str) -> str:
        known = self.zone_types.get(zone_type)
        return known.name_zh if known else zone_type
