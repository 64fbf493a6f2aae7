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

Rule-bearing sections (entry rules, indicators, targets, mineral policy, zone types,
standards) reject unknown keys, because a misspelt check would silently disable it;
descriptive sections with free-form notes (region, baseline, rows of results, projects,
catalogue entries) keep unknown keys as they are. Every ``clause``, ``source`` and
``confidence`` is kept.

`load_plan_document` raises `PlanDocumentInvalid` with every fault as ``{path, message}``,
e.g. ``entry_rules[3].check.capacity_ore_10kt_per_year.min: expected a number, got 'ten'``.
`plan_warnings` lists what is suspicious but not wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from lode_common.limits import NAME_MAX
from lode_zoning.domain.crs import CHINA_LONLAT_BOUNDS, parse_crs
from lode_zoning.domain.entry_rules import EntryRule
from lode_zoning.domain.errors import PlanDocumentInvalid, UnknownCrs
from lode_zoning.domain.national_standards import (
    NationalStandards,
    standards_issues,
    unknown_minerals,
)
from lode_zoning.domain.plan_bounds import PLAN_ID_MAX, document_bound_issues
from lode_zoning.domain.plan_errors import issues_from_validation_error
from lode_zoning.domain.plan_types import (
    Bool,
    Identifier,
    Int,
    Number,
    NumberOrComparison,
    Open,
    Percent,
    PlanIssue,
    Strict,
    Text,
    path_of,
)

__all__ = [
    "Baseline",
    "EntryRule",
    "Governance",
    "Indicator",
    "Indicators",
    "KeyDevelopmentRegion",
    "Limit",
    "MineralPolicy",
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


class PlanMeta(Open):
    """The plan's identity and period (规划期)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=PLAN_ID_MAX)
    title_zh: Annotated[Text, Field(max_length=NAME_MAX)]
    parent_plan_id: str | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=PLAN_ID_MAX
    )
    title_en: str | None = None
    base_year: Int
    period: tuple[Int, Int]
    target_year: Int
    outlook_year: Int | None = None
    components_zh: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _years(self) -> Self:
        start, end = self.period
        if not self.base_year < start <= self.target_year <= end:
            raise ValueError("expected base_year < period start <= target_year <= period end")
        if self.outlook_year is not None and self.outlook_year < self.target_year:
            raise ValueError("expected outlook_year >= target_year")
        return self


class RegionCrs(Open):
    """The CRSs of the region: geographic (EPSG:4490) and the Gauss-Kruger zone(s)."""

    geographic: Text
    projected: Text
    projected_west: str | None = None

    @field_validator("geographic", "projected", "projected_west")
    @classmethod
    def _accepted(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_crs(value)
            except UnknownCrs as error:
                raise ValueError(error.detail) from None
        return value

    @model_validator(mode="after")
    def _kinds(self) -> Self:
        if not parse_crs(self.geographic).is_geographic:
            raise ValueError(f"geographic: {self.geographic} is a projected CRS")
        for name in (self.projected, self.projected_west):
            if name is not None and parse_crs(name).is_geographic:
                raise ValueError(f"{name} is not a projected CRS")
        return self


class PlanRegion(Open):
    """The plan's region (规划区域): administrative data and its extent."""

    name_zh: Text
    adcode: str = Field(pattern=r"^\d{6}$")  # 行政区划代码, as text: "130881"
    crs: RegionCrs
    approx_extent_lonlat: tuple[Number, Number, Number, Number]
    neighbours_zh: dict[str, str] = Field(default_factory=dict)

    @field_validator("approx_extent_lonlat")
    @classmethod
    def _extent(cls, value: tuple[Any, ...]) -> tuple[Any, ...]:
        west, south, east, north = value
        w, s, e, n = CHINA_LONLAT_BOUNDS
        if not (w <= west < east <= e and s <= south < north <= n):
            raise ValueError("expected [min_lon, min_lat, max_lon, max_lat] inside China")
        return value


class Baseline(Open):
    """The situation in the base year (现状); free-form figures and notes."""

    notes: tuple[str, ...] = ()


class PreviousResult(Open):
    """One row of 专栏1: an indicator of the previous plan, its target and result."""

    category: Text
    indicator: Text
    unit: str
    target: NumberOrComparison
    achieved: Number


class PreviousPlanResults(Strict):
    """Targets and results of the previous plan (上轮规划指标完成情况)."""

    clause: Text
    rows: list[PreviousResult]


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


class KeyDevelopmentRegion(Open):
    """A key development region of the mining industry (矿产资源产业重点发展区域)."""

    name_zh: Text
    mineral_zh: Text


class Zones(Strict):
    """The zoning (矿产资源勘查开发与保护布局): zone types the geometry layer uses."""

    types: list[ZoneType] = Field(min_length=1)
    key_development_regions: tuple[KeyDevelopmentRegion, ...] = ()


class Project(Open):
    """A major project (重大工程) whose progress the system follows."""

    id: Identifier
    name_zh: Text
    clause: Text


class Governance(Open):
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


def _null_keys(value: object, path: str) -> list[PlanIssue]:
    issues = []
    if isinstance(value, BaseModel):
        for key, extra in (value.model_extra or {}).items():
            if extra is None:
                issues.append(
                    PlanIssue(
                        path_of(path, key) if path else key,
                        "key without a value: probably a note containing a comma, split by "
                        "YAML flow syntax ({a: b, c}); quote the note",
                    )
                )
        for name in type(value).model_fields:
            issues += _null_keys(getattr(value, name), path_of(path, name) if path else name)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            issues += _null_keys(item, f"{path}[{i}]")
    return issues


def plan_warnings(doc: PlanDocument) -> list[PlanIssue]:
    """Suspicious but not invalid: keys without a value (a YAML note split at a comma) and
    key development regions whose mineral is not in the catalogue."""
    issues = _null_keys(doc, "")
    for i, region in enumerate(doc.zones.key_development_regions):
        where = path_of("zones", "key_development_regions", i, "mineral_zh")
        issues += unknown_minerals(doc.standards, [region.mineral_zh], where)
    return issues
