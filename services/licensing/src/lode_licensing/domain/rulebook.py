"""Licensing's reading of the plan in force: which checks its entry rules (准入规则) are.

The plan document is the typed `lode_common.plan.document.PlanDocument` every service
reads, national standards included; the checks use its objects as they are (scale
classes, three-rate minimums, service years, licence terms, the catalogue, the mineral
policy lists, governance). What is licensing's own is here: the shape of an entry rule
read as one kind of check (:class:`AdmissionRule` and its kinds), what the rule's effect
means as a check outcome, whom it applies to (:func:`applies`, per application), and
which minerals an output-control indicator counts. :func:`~.plan_rules.load_plan_rules`
builds the :class:`PlanRules` of a document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Literal, TypeVar, get_args

from lode_common.plan.document import (
    Governance,
    Indicator,
    PlanDocument,
    PolicyLists,
    TextTarget,
)
from lode_common.plan.entry_rules import AppliesTo, EntryRule
from lode_common.plan.output import OutputIndicator
from lode_common.plan.standards import ByScale, CatalogueEntry, LicenceTerms, NationalStandards
from lode_common.plan.types import Method

from .catalogue import canonical_zh, is_among
from .vocabulary import ApplicationKind, Outcome, RightType, Scale

ANY_METHOD = "any"
"""The scale classes' wildcard method (a row for every mining method)."""

MINING_METHODS: frozenset[str] = frozenset(get_args(Method))
"""The mining methods the plan document can name (地下开采, 露天开采)."""

ThreeRate = Literal["mining_recovery", "processing_recovery", "comprehensive_utilization"]
THREE_RATES: tuple[ThreeRate, ...] = get_args(ThreeRate)
THREE_RATE_ZH: Mapping[ThreeRate, str] = MappingProxyType(
    {
        "mining_recovery": "开采回采率",
        "processing_recovery": "选矿回收率",
        "comprehensive_utilization": "综合利用率",
    }
)

PolicyCategory = Literal["prohibited", "restricted", "priority", "other"]


@dataclass(frozen=True)
class MineralPolicy:
    """专栏3 (exploration) or 专栏4 (mining) as it bears on one right type."""

    right_type: RightType
    lists: PolicyLists
    standards: NationalStandards = field(repr=False)

    @property
    def clause(self) -> str:
        return self.lists.clause

    def category(self, mineral: CatalogueEntry) -> PolicyCategory:
        """Where the mineral stands in the policy: by its own name (an alias in the list
        names it; what it is treated as does not count)."""
        lists: tuple[tuple[PolicyCategory, tuple[str, ...]], ...] = (
            ("prohibited", self.lists.prohibited_zh),
            ("restricted", self.lists.restricted_zh),
            ("priority", self.lists.priority_zh),
        )
        for category, names in lists:
            if any(canonical_zh(self.standards, name) == mineral.zh for name in names):
                return category
        return "other"


def by_scale(values: ByScale, scale: Scale) -> int:
    """The figure of one scale class (years of a licence term, of service)."""
    return {"large": values.large, "medium": values.medium, "small": values.small}[scale]


def applies(
    scope: AppliesTo,
    standards: NationalStandards,
    *,
    right_type: RightType,
    kind: ApplicationKind,
    mineral: CatalogueEntry | None = None,
    method: str | None = None,
) -> bool:
    """Whether the right, kind, mineral and method fit ``scope`` (a key it leaves out fits
    everything; zone types are checked apart, against the area)."""
    if scope.right is not None and right_type != scope.right:
        return False
    if scope.kind is not None and kind != scope.kind:
        return False
    if scope.mineral_zh is not None and (
        mineral is None or not is_among(standards, mineral, scope.mineral_zh)
    ):
        return False
    return scope.method is None or method == scope.method


# --- entry rules as checks (准入规则) --------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AdmissionRule:
    """An entry rule of the plan (``entry``, as published) read as one kind of check.

    ``applies_to`` is whom licensing applies it to: the rule's own ``applies_to``, or
    licensing's reading of a rule that names none (see `plan_rules`)."""

    entry: EntryRule
    applies_to: AppliesTo = field(default_factory=AppliesTo)
    outcome_when_unmet: Outcome = "fail"

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def statement_zh(self) -> str:
        return self.entry.statement_zh

    @property
    def clause(self) -> str:
        return self.entry.clause


@dataclass(frozen=True, kw_only=True)
class MinScaleRule(AdmissionRule):
    """最低开采规模: capacity ≥ ``minimum`` ``unit`` (``inclusive``: the minimum itself passes)."""

    quantity: str
    unit: str
    minimum: Decimal
    inclusive: bool


@dataclass(frozen=True, kw_only=True)
class ZoneScaleRule(AdmissionRule):
    """New mines in a zone type must reach ``required_scale`` (and have a green-mine plan)."""

    zone_types: frozenset[str]
    required_scale: Scale
    green_mine_plan_required: bool


@dataclass(frozen=True, kw_only=True)
class BlockHolderRule(AdmissionRule):
    """原则上一个规划区块只设一个主体: one holder per planning block (规划区块) of a right type."""

    right_type: RightType
    zone_type: str
    outcome_when_unmet: Outcome = "review"


@dataclass(frozen=True, kw_only=True)
class OutsideBlocksRule(AdmissionRule):
    """A right outside every planning block of its type needs strict demonstration (严格论证)."""

    kinds: frozenset[ApplicationKind]
    outcome_when_unmet: Outcome = "review"


@dataclass(frozen=True, kw_only=True)
class ForbiddenZonesRule(AdmissionRule):
    """Zones no right may touch (生态保护红线, 禁采区)."""

    zone_types: frozenset[str]


@dataclass(frozen=True, kw_only=True)
class DevelopmentPlanRule(AdmissionRule):
    """开发利用方案 required; with ``three_rates_national``, planned 三率 at least the
    national minimums."""

    three_rates_national: bool


@dataclass(frozen=True, kw_only=True)
class ServiceYearsRule(AdmissionRule):
    """Reserves / capacity must give the minimum service years of the mine's scale."""

    outcome_when_unmet: Outcome = "review"


@dataclass(frozen=True, kw_only=True)
class NationalMinScaleRule(AdmissionRule):
    """生产规模应达到规划确定的开采矿种的最低开采规模标准: capacity at least the row of
    the standards' minimum scale table (``standards.minimum_scales``) for the mineral and
    method, where the plan's own :class:`MinScaleRule` does not already cover them."""


@dataclass(frozen=True, kw_only=True)
class GreenMinePlanRule(AdmissionRule):
    """新建矿山按绿色矿山建设标准规划、设计、建设、运营: a new mine declares its green-mine
    plan (绿色矿山建设方案) wherever it lies."""


@dataclass(frozen=True, kw_only=True)
class RestorationPlanRule(AdmissionRule):
    """谁开发谁保护: a new mine carries its 矿山地质环境保护与土地复垦方案 with at least one
    milestone."""


@dataclass(frozen=True, kw_only=True)
class RegionRule(AdmissionRule):
    """《规划》适用范围: the area lies inside the plan's region (the 行政区界 zone when loaded,
    the plan's approximate extent until then)."""


@dataclass(frozen=True, kw_only=True)
class ZoneConditionsRule(AdmissionRule):
    """A zone type whose rights go to review with the zone and its conditions named
    (限采区收缩: 限采区 and the conditions its zone data states)."""

    zone_types: frozenset[str]
    outcome_when_unmet: Outcome = "review"


@dataclass(frozen=True)
class OutputControl:
    """One controlled total (开采总量调控): the plan's output indicator and what the mines'
    reports count toward it (`lode_common.plan.output`, the reading reporting uses too)."""

    output: OutputIndicator

    @property
    def indicator(self) -> Indicator:
        return self.output.indicator

    @property
    def indicator_id(self) -> str:
        return self.output.id

    @property
    def name_zh(self) -> str:
        return self.indicator.name_zh

    @property
    def target(self) -> Decimal:
        return self.indicator.target

    @property
    def unit_zh(self) -> str:
        return self.indicator.unit_zh

    @property
    def measure(self) -> Literal["concentrate", "ore"]:
        """``concentrate`` when the indicator counts a product (铁精粉), ``ore`` otherwise."""
        return "concentrate" if self.output.counts.quantity == "product" else "ore"

    def covers(self, mineral: CatalogueEntry, standards: NationalStandards) -> bool:
        return self.output.covers(mineral, standards)


@dataclass(frozen=True, kw_only=True)
class OutputControlRule(AdmissionRule):
    controls: tuple[OutputControl, ...]
    outcome_when_unmet: Outcome = "warn"


@dataclass(frozen=True, kw_only=True)
class MineCountCapRule(AdmissionRule):
    """矿山总数控制: at most ``cap`` mines (the ``limit.max`` of the text target)."""

    target: TextTarget
    cap: int
    outcome_when_unmet: Outcome = "warn"


@dataclass(frozen=True, kw_only=True)
class UninterpretedRule(AdmissionRule):
    """A rule whose shape the checks do not know; kept (``entry``) so the service can report it."""


R = TypeVar("R", bound=AdmissionRule)


@dataclass(frozen=True)
class PlanRules:
    """A plan version as licensing checks it: the typed document and its entry rules read
    as checks."""

    document: PlanDocument
    entry_rules: tuple[AdmissionRule, ...]

    @property
    def plan_id(self) -> str:
        return self.document.plan.id

    @property
    def standards(self) -> NationalStandards:
        return self.document.standards

    @property
    def licence_terms(self) -> LicenceTerms:
        return self.standards.licence_terms

    @property
    def known_methods(self) -> frozenset[str]:
        return MINING_METHODS

    @property
    def exploration_policy(self) -> MineralPolicy:
        return self.policy("exploration")

    @property
    def mining_policy(self) -> MineralPolicy:
        return self.policy("mining")

    @property
    def restoration_duty(self) -> Governance | None:
        """闭坑前提交闭坑报告并完成地质环境恢复治理 (governance ``restoration_duty``)."""
        return next((g for g in self.document.governance if g.id == "restoration_duty"), None)

    def policy(self, right_type: RightType) -> MineralPolicy:
        policy = self.document.mineral_policy
        lists = policy.exploration if right_type == "exploration" else policy.mining
        return MineralPolicy(right_type, lists, self.standards)

    def min_service_years(self, scale: Scale) -> int:
        return by_scale(self.standards.min_service_years_by_scale, scale)

    def applies(
        self,
        rule: AdmissionRule,
        *,
        right_type: RightType,
        kind: ApplicationKind,
        mineral: CatalogueEntry | None = None,
        method: str | None = None,
    ) -> bool:
        """Whether ``rule`` applies to an application of this right, kind, mineral, method."""
        return applies(
            rule.applies_to,
            self.standards,
            right_type=right_type,
            kind=kind,
            mineral=mineral,
            method=method,
        )

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
        known = next((t for t in self.document.zones.types if t.id == zone_type), None)
        return known.name_zh if known else zone_type
