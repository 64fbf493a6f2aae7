"""The plan document (规划文档): the master plan as versioned, validated data.

Its structure is that of ``plan_data/pingquan-2021-2025.yaml`` — ``plan, region,
baseline_2020, previous_plan_results, indicators, text_targets, mineral_policy,
entry_rules, zones, projects, governance`` — plus ``standards``.

How the two files combine: **a published plan document carries the national standards
in force under ``standards:``** (the content of ``national-standards.yaml``), so every
version is self-contained. A decision cites a plan version, and the figures it used
(scale classes, three rates, licence terms) stay what they were when that version was
published; the bureau corrects a national figure by publishing a new version, not by a
code change. `with_standards` builds the document from the two files (the plan's own
``standards:`` wins when it has one); the service uses it to give a document published
without ``standards:`` the standards of the plan's current version.

Every section declares every key it may hold and refuses any other, wherever it stands:
in rule-bearing sections (entry rules, indicators, targets, mineral policy, zone types,
standards) a misspelt check would silently disable it, and descriptive sections (region,
baseline, rows of results, key development regions, projects, governance, catalogue
entries) are published to every service as they are. Their figures are strict numbers
(``"12"`` is not 12, ``true`` is not 1); free text is allowed only in the declared text
fields (``note``, ``notes``, ``*_zh``, ...), bounded and free of control characters.
Every ``clause``, ``source`` and ``confidence`` is kept.

`load_plan_document` raises `PlanDocumentInvalid` with every fault as ``{path, message}``,
e.g. ``entry_rules[3].check.capacity_ore_10kt_per_year.min: expected a number, got 'ten'``.
`plan_warnings` lists what is suspicious but not wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, Self

from pydantic import Field, ValidationError, field_validator, model_validator

from lode_common.limits import NAME_MAX, PLAN_ID_MAX, SHEETS_MAX, YEAR_MAX, YEAR_MIN
from lode_common.plan.bounds import document_bound_issues
from lode_common.plan.entry_rules import EntryRule
from lode_common.plan.issues import PlanDocumentInvalid, issues_from_validation_error
from lode_common.plan.standards import (
    MineralGroup,
    NationalStandards,
    standards_issues,
    unknown_minerals,
)
from lode_common.plan.types import (
    CHINA_LONLAT_BOUNDS,
    Amount,
    Bool,
    Count,
    Identifier,
    Int,
    Name,
    Number,
    NumberOrComparison,
    Percent,
    PlanIssue,
    Short,
    Strict,
    Text,
    path_of,
)

__all__ = [
    "Baseline",
    "EntryRule",
    "Governance",
    "GreenMines",
    "Indicator",
    "Indicators",
    "KeyDevelopmentRegion",
    "Limit",
    "MineralPolicy",
    "MinesByKind",
    "MinesByScale",
    "Neighbours",
    "PlanDocument",
    "PlanIssue",
    "PlanMeta",
    "PlanRegion",
    "PolicyLists",
    "PreviousPlanResults",
    "PreviousResult",
    "Project",
    "RegionCrs",
    "TextTarget",
    "ZoneType",
    "Zones",
    "document_issues",
    "load_plan_document",
    "plan_warnings",
    "with_standards",
]


Year = Annotated[Int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
"""A year of the plan, given as a whole number."""


class PlanMeta(Strict):
    """The plan's identity and period (规划期), and the authorities of its 附则."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=PLAN_ID_MAX)
    title_zh: Annotated[Text, Field(max_length=NAME_MAX)]
    parent_plan_id: str | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=PLAN_ID_MAX
    )
    parent_plan_zh: Name | None = None  # the parent plan's title
    predecessor_plan_id: str | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=PLAN_ID_MAX
    )
    """The plan this one succeeds (上一轮规划, e.g. the 2021–2025 plan for a 2026–2030 one):
    approving this plan closes that one, and its indicators start from that one's final
    actuals (:mod:`lode_common.plan.succession`)."""
    title_en: Name | None = None
    approving_authority_zh: Name | None = None  # reviewed and approved by (审批)
    issuing_authority_zh: Name | None = None  # issued by (发布)
    interpreting_authority_zh: Name | None = None  # interpreted by (解释)
    base_year: Year
    period: tuple[Year, Year]
    target_year: Year
    outlook_year: Year | None = None
    components_zh: tuple[Short, ...] = ()  # 文本, 附表, 附图, 数据库

    @model_validator(mode="after")
    def _years(self) -> Self:
        start, end = self.period
        if not self.base_year < start <= self.target_year <= end:
            raise ValueError("expected base_year < period start <= target_year <= period end")
        if self.outlook_year is not None and self.outlook_year < self.target_year:
            raise ValueError("expected outlook_year >= target_year")
        if self.predecessor_plan_id is not None and self.predecessor_plan_id == self.id:
            raise ValueError("predecessor_plan_id: a plan cannot succeed itself")
        return self


class RegionCrs(Strict):
    """The CRSs of the region: geographic (EPSG:4490) and the Gauss-Kruger zone(s). Zoning,
    which knows the CRSs it accepts, checks them when a version is published."""

    geographic: Text
    projected: Text
    projected_west: str | None = None


class Neighbours(Strict):
    """The region's neighbours (相邻行政区) by direction."""

    north: Name | None = None
    northeast: Name | None = None
    east: Name | None = None
    southeast: Name | None = None
    south: Name | None = None
    southwest: Name | None = None
    west: Name | None = None
    northwest: Name | None = None


class PlanRegion(Strict):
    """The plan's region (规划区域): administrative data and its extent."""

    name_zh: Name
    adcode: str = Field(pattern=r"^\d{6}$")  # 行政区划代码, as text: "130881"
    province_zh: Name | None = None
    city_zh: Name | None = None
    area_km2: Amount | None = None
    population: Count | None = None
    gdp_2020_cny_100m: Amount | None = None  # 亿元
    neighbours_zh: Neighbours | None = None
    crs: RegionCrs
    approx_extent_lonlat: tuple[Number, Number, Number, Number]

    @field_validator("approx_extent_lonlat")
    @classmethod
    def _extent(cls, value: tuple[Any, ...]) -> tuple[Any, ...]:
        west, south, east, north = value
        w, s, e, n = CHINA_LONLAT_BOUNDS
        if not (w <= west < east <= e and s <= south < north <= n):
            raise ValueError("expected [min_lon, min_lat, max_lon, max_lat] inside China")
        return value


MineralOrTotal = Short
"""A key of `MinesByKind`: a mineral as the plan's text names it (``铁矿``, ``其他``) or
``total``."""


class MinesByKind(Strict):
    """Licensed mines by group of minerals (the catalogue's ``group``), each
    ``{total: n, 铁矿: n, ...}``."""

    metal: dict[MineralOrTotal, Count] | None = None
    energy: dict[MineralOrTotal, Count] | None = None
    nonmetal: dict[MineralOrTotal, Count] | None = None
    building_stone: dict[MineralOrTotal, Count] | None = None
    water: dict[MineralOrTotal, Count] | None = None


class MinesByScale(Strict):
    """Mines by scale class (大型, 中型, 小型 or 小型及以下)."""

    large: Count | None = None
    medium: Count | None = None
    small: Count | None = None
    small_and_below: Count | None = None


class GreenMines(Strict):
    """Green mines (绿色矿山): on the national list (国家级名录) and the provincial reserve."""

    national_list: Count | None = None
    provincial_reserve: Count | None = None


class Baseline(Strict):
    """The situation in the base year (现状, 第一章): counts, figures and notes."""

    minerals_discovered: Count | None = None  # 发现矿种
    minerals_exploited: Count | None = None  # 开发利用矿种
    minerals_with_reserves: Count | None = None  # 查明资源储量矿种
    minerals_on_reserve_table: Count | None = None  # 列入储量表矿种
    deposits_on_reserve_table: Count | None = None  # 列入储量表矿产地
    dominant_minerals_zh: tuple[Short, ...] | None = None  # 优势矿种
    licensed_mines: Count | None = None  # 持证矿山
    licensed_mines_by_kind: MinesByKind | None = None
    mines_by_scale: MinesByScale | None = None
    mines_2015: Count | None = None
    green_mines: GreenMines | None = None
    mining_output_value_cny_100m: Amount | None = None  # 矿业产值, 亿元
    enterprises_output_value_over_50m_cny: Count | None = None  # 产值5000万元以上企业
    geochem_1to50k_coverage_pct_below: Percent | None = None  # 1:5万化探覆盖率 below, %
    restoration_area_historical_ha: Amount | None = None  # 历史遗留矿山治理面积, 公顷
    land_reclamation_rate_new_and_building_pct: Percent | None = None  # 新建在建复垦率, %
    notes: tuple[Text, ...] = ()


class PreviousResult(Strict):
    """One row of 专栏1: an indicator of the previous plan, its target and result."""

    category: Name
    indicator: Name
    unit: Short
    target: NumberOrComparison
    achieved: Number
    note: Text | None = None


class PreviousPlanResults(Strict):
    """Targets and results of the previous plan (上轮规划指标完成情况)."""

    clause: Text
    rows: list[PreviousResult]


class OutputCount(Strict):
    """What a mine's output report counts toward an output indicator (开采总量): the
    minerals it covers (by name or catalogue group) and the quantity, either the ore mined
    (``ore_mined``) or a product (``product``: a product whose name contains
    ``product_zh``, at ``min_grade_pct`` or above when given)."""

    minerals_zh: tuple[Short, ...] = ()
    groups: tuple[MineralGroup, ...] = ()
    quantity: Literal["ore_mined", "product"]
    product_zh: Short | None = None
    min_grade_pct: Percent | None = None

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if not (self.minerals_zh or self.groups):
            raise ValueError("expected minerals_zh or groups: which minerals are counted")
        if (self.quantity == "product") != (self.product_zh is not None):
            raise ValueError("product_zh is given exactly when quantity is product")
        if self.min_grade_pct is not None and self.quantity != "product":
            raise ValueError("min_grade_pct applies to a product only")
        return self


class Indicator(Strict):
    """A main plan indicator (主要规划指标)."""

    id: Identifier
    name_zh: Text
    unit_zh: Text
    target: Number
    cumulative: Bool
    nature_zh: Literal["预期性", "约束性"]  # expected (indicative) / binding
    tolerance: str | None = None
    detail_clause: str | None = None
    known_sheets_zh: tuple[str, ...] = ()
    fed_by: Identifier | None = None  # a text target or project whose progress feeds it
    counts: OutputCount | None = None  # an output indicator: what the mines' reports count
    notes: str | None = None


class Indicators(Strict):
    """The indicator table (专栏2 主要规划指标) and its clause."""

    clause: Text
    items: list[Indicator]


class Limit(Strict):
    """The bound a text target sets: ``max``/``below`` from above, ``min``/``above``
    from below, ``*_pct`` in percent."""

    max: Number | None = None
    min: Number | None = None
    below: Number | None = None
    above: Number | None = None
    min_pct: Percent | None = None
    max_pct: Percent | None = None
    unit_zh: str | None = None

    @model_validator(mode="after")
    def _bounded(self) -> Self:
        bounds = (self.max, self.min, self.below, self.above, self.min_pct, self.max_pct)
        if all(b is None for b in bounds):
            raise ValueError("expected at least one of max, min, below, above, min_pct, max_pct")
        return self


class TextTarget(Strict):
    """A target stated in the text rather than in the indicator table."""

    id: Identifier
    statement_zh: Text
    limit: Limit
    clause: Text


class PolicyLists(Strict):
    """Priority (重点), restricted (限制) and prohibited (禁止) minerals of one activity."""

    clause: Text
    priority_zh: tuple[Text, ...] = ()
    restricted_zh: tuple[Text, ...] = ()
    restricted_effect_zh: str | None = None
    prohibited_zh: tuple[Text, ...] = ()
    prohibited_effect_zh: str | None = None

    @model_validator(mode="after")
    def _disjoint(self) -> Self:
        lists = {"priority_zh": self.priority_zh, "restricted_zh": self.restricted_zh}
        lists["prohibited_zh"] = self.prohibited_zh
        seen: dict[str, str] = {}
        for key, names in lists.items():
            for name in names:
                if name in seen:
                    raise ValueError(f"{name} is in both {seen[name]} and {key}")
                seen[name] = key
        return self


class MineralPolicy(Strict):
    """Mineral policy (矿种调控): what to explore and mine first, restrict or prohibit."""

    exploration: PolicyLists  # 勘查 (专栏3)
    mining: PolicyLists  # 开采 (专栏4)


class ZoneType(Strict):
    """A kind of zone the plan draws (分区类型)."""

    id: Identifier
    name_zh: Text
    clause: str | None = None
    count: Int | None = Field(default=None, ge=0)
    note: str | None = None


class KeyDevelopmentRegion(Strict):
    """A key development region of the mining industry (矿产资源产业重点发展区域)."""

    name_zh: Name
    mineral_zh: Short
    note: Text | None = None


class Zones(Strict):
    """The zoning (矿产资源勘查开发与保护布局): zone types the geometry layer uses."""

    types: list[ZoneType] = Field(min_length=1)
    key_development_regions: tuple[KeyDevelopmentRegion, ...] = ()


class Project(Strict):
    """A major project (重大工程) whose progress the system follows: by map sheets
    (``sheets``, 图幅) or by area (``area_ha``, 公顷)."""

    id: Identifier
    name_zh: Name
    sheets: Annotated[Count, Field(le=SHEETS_MAX)] | None = None
    known_sheets_zh: tuple[Name, ...] | None = None
    area_ha: Amount | None = None
    example_zh: Name | None = None  # e.g. a responsible party named by the plan
    clause: Text


class Governance(Strict):
    """A safeguard of implementation (规划实施保障) the system must support."""

    id: Identifier
    statement_zh: Text
    clause: Text


class PlanDocument(Strict):
    """A whole plan version: the plan's own content and the national standards in force."""

    plan: PlanMeta
    region: PlanRegion
    baseline_2020: Baseline | None = None
    previous_plan_results: PreviousPlanResults | None = None
    indicators: Indicators
    text_targets: tuple[TextTarget, ...] = ()
    mineral_policy: MineralPolicy
    entry_rules: list[EntryRule] = Field(min_length=1)
    zones: Zones
    projects: tuple[Project, ...] = ()
    governance: tuple[Governance, ...] = ()
    standards: NationalStandards

    def entry_rule(self, rule_id: str) -> EntryRule | None:
        return next((r for r in self.entry_rules if r.id == rule_id), None)

    def indicator(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators.items if i.id == indicator_id), None)

    def zone_type_ids(self) -> list[str]:
        return [t.id for t in self.zones.types]

    def as_published(self) -> dict[str, Any]:
        """JSON-ready form: exact numbers as JSON numbers, dates as ISO text, no nulls."""
        return self.model_dump(mode="json", exclude_none=True)


def _duplicates(ids: list[str], path: str) -> list[PlanIssue]:
    first: dict[str, int] = {}
    issues = []
    for i, item_id in enumerate(ids):
        if item_id in first:
            issues.append(
                PlanIssue(
                    f"{path}[{i}].id", f"duplicate id {item_id!r} (also {path}[{first[item_id]}])"
                )
            )
        first.setdefault(item_id, i)
    return issues


def _unknown(names: Sequence[str], known: Sequence[str], what: str, path: str) -> list[PlanIssue]:
    missing = [n for n in names if n not in known]
    if not missing:
        return []
    return [PlanIssue(path, f"unknown {what} {', '.join(missing)}; declared: {', '.join(known)}")]


def _rule_issues(doc: PlanDocument) -> list[PlanIssue]:
    issues = []
    zone_types = doc.zone_type_ids()
    indicators = [i.id for i in doc.indicators.items]
    targets = [t.id for t in doc.text_targets]
    for i, rule in enumerate(doc.entry_rules):
        where = path_of("entry_rules", i)
        if rule.applies_to is not None:
            scope = rule.applies_to
            here = f"{where}.applies_to"
            issues += _unknown(scope.zone_type or [], zone_types, "zone type", f"{here}.zone_type")
            issues += unknown_minerals(doc.standards, scope.mineral_zh or [], f"{here}.mineral_zh")
        issues += _unknown(rule.indicators, indicators, "indicator", f"{where}.indicators")
        if rule.target is not None:
            issues += _unknown([rule.target], targets, "text target", f"{where}.target")
    return issues


def document_issues(doc: PlanDocument) -> list[PlanIssue]:
    """Cross-reference faults of a structurally valid document."""
    issues = _duplicates([r.id for r in doc.entry_rules], "entry_rules")
    issues += _duplicates([i.id for i in doc.indicators.items], "indicators.items")
    issues += _duplicates([t.id for t in doc.text_targets], "text_targets")
    issues += _duplicates(doc.zone_type_ids(), "zones.types")
    issues += _duplicates([p.id for p in doc.projects], "projects")
    issues += _duplicates([g.id for g in doc.governance], "governance")
    issues += _rule_issues(doc)
    feeds = [t.id for t in doc.text_targets] + [p.id for p in doc.projects]
    for i, indicator in enumerate(doc.indicators.items):
        if indicator.counts is not None:
            where = path_of("indicators", "items", i, "counts", "minerals_zh")
            issues += unknown_minerals(doc.standards, indicator.counts.minerals_zh, where)
        if indicator.fed_by is not None:
            where = path_of("indicators", "items", i, "fed_by")
            issues += _unknown([indicator.fed_by], feeds, "text target or project", where)
    for activity in ("exploration", "mining"):
        lists = getattr(doc.mineral_policy, activity)
        for key in ("priority_zh", "restricted_zh", "prohibited_zh"):
            where = path_of("mineral_policy", activity, key)
            issues += unknown_minerals(doc.standards, getattr(lists, key), where)
    return issues + standards_issues(doc.standards)


def with_standards(plan: Mapping[str, Any], standards: Mapping[str, Any]) -> dict[str, Any]:
    """The published form: the plan document with ``standards:`` (its own, if it has one)."""
    return {"standards": dict(standards), **plan}


def load_plan_document(document: object) -> PlanDocument:
    """A validated plan document from its parsed JSON/YAML form (with ``standards:``).

    Raises `PlanDocumentInvalid` listing every fault with its path in the document; a
    document past its bounds (`plan_bounds`) is refused before its structure is read.
    """
    if bounds := document_bound_issues(document):
        raise PlanDocumentInvalid(bounds)
    try:
        doc = PlanDocument.model_validate(document)
    except ValidationError as error:
        raise PlanDocumentInvalid(issues_from_validation_error(error, PlanDocument)) from None
    issues = document_issues(doc)
    if issues:
        raise PlanDocumentInvalid(issues)
    return doc


def plan_warnings(doc: PlanDocument) -> list[PlanIssue]:
    """Suspicious but not invalid: key development regions whose mineral is not in the
    catalogue. (A key without a value, the tail of a YAML note split at a comma, is refused
    by `Strict`.)"""
    issues: list[PlanIssue] = []
    for i, region in enumerate(doc.zones.key_development_regions):
        where = path_of("zones", "key_development_regions", i, "mineral_zh")
        issues += unknown_minerals(doc.standards, [region.mineral_zh], where)
    return issues
