"""What monitoring takes from the plan document (规划 + 国家标准), typed and immutable.

The plan document is the plan file's content (``plan``, ``mineral_policy``, ``projects``,
``text_targets``, ``governance`` ...) with the national standards under ``standards``
(``scale_classes``, ``three_rates_minimums``, ``licence_terms``, ``mineral_catalogue``).
:func:`load_standards` is the only code in this service that knows that layout.

Needed parts (the catalogue, the scale classes and working days, the three-rate
minimums, the licence numbering pattern, 专栏4's prohibited minerals) raise
:class:`~.errors.StandardsDocumentInvalid` naming the path when missing or malformed.
Parts only cited (clauses of ``governance`` and ``text_targets``) and ``projects`` are
optional: a finding then cites less, a project id is then unknown.

Every figure keeps its ``source`` and ``confidence``; a finding that relied on a figure
of ``confidence: unverified`` says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

from .document_node import DocumentNode
from .three_rates import ThreeRateMinimum, ThreeRateTable
from .vocabulary import ANY_METHOD, SCALES, THREE_RATES, Scale

ProjectMeasure = Literal["sheets", "area"]
"""What a plan project's progress counts: map sheets (幅) or hectares restored (公顷)."""


# --- minerals (矿种目录) ------------------------------------------------------------------


@dataclass(frozen=True)
class MineralEntry:
    """A mineral of the catalogue (矿种): names, group, capacity unit, density."""

    zh: str
    code: str
    group: str
    aliases_zh: tuple[str, ...] = ()
    treat_as_zh: str | None = None
    capacity_unit_zh: str | None = None
    density_t_per_m3: Decimal | None = None

    @property
    def standard_zh(self) -> str:
        """The name whose scale classes and three rates apply (超贫磁铁矿 → 铁矿)."""
        return self.treat_as_zh or self.zh


@dataclass(frozen=True)
class Catalogue:
    """The mineral catalogue (矿种目录) of the national standards."""

    entries: tuple[MineralEntry, ...]

    def lookup(self, name: str) -> MineralEntry | None:
        """The entry whose Chinese name, alias or code (any case) is ``name``, else None."""
        wanted = name.strip()
        for entry in self.entries:
            if wanted in (entry.zh, *entry.aliases_zh) or wanted.lower() == entry.code.lower():
                return entry
        return None


# --- scale classes (矿山生产建设规模分类) -------------------------------------------------------


@dataclass(frozen=True)
class ScaleRow:
    """large if capacity ≥ ``large_min``, medium if ≥ ``medium_min`` (in ``unit_zh``)."""

    mineral_zh: str
    method: str
    unit_zh: str
    large_min: Decimal
    medium_min: Decimal
    confidence: str
    source: str

    def scale_of(self, capacity: Decimal) -> Scale:
        if capacity >= self.large_min:
            return "large"
        if capacity >= self.medium_min:
            return "medium"
        return "small"


@dataclass(frozen=True)
class ScaleClasses:
    """The national scale table, and the working days that turn t/d into a year."""

    source: str
    rows: tuple[ScaleRow, ...]
    working_days_per_year: int

    def row_for(self, mineral_zh: str, method: str | None) -> ScaleRow | None:
        """The row of the mineral (its standard name) for the method, else its ``any`` row."""
        rows = [row for row in self.rows if row.mineral_zh == mineral_zh]
        for wanted in (method, ANY_METHOD):
            for row in rows:
                if wanted is not None and row.method == wanted:
                    return row
        return None


# --- policy, licences, projects, clauses ------------------------------------------------------


@dataclass(frozen=True)
class ProhibitedMinerals:
    """专栏4 禁止开采矿种: no new rights; existing ones exit in an orderly way."""

    clause: str
    minerals_zh: frozenset[str]
    effect_zh: str | None = None


@dataclass(frozen=True)
class LicenceTerms:
    """Licence numbering (统一配号) and validity terms (有效期) of the standards."""

    numbering_pattern: re.Pattern[str]
    mining_max_years: Mapping[Scale, int]
    exploration_years: int | None = None


@dataclass(frozen=True)
class Project:
    """A project of the plan (专栏5, 专栏6) whose progress staff report."""

    id: str
    name_zh: str
    clause: str | None
    measure: ProjectMeasure | None
    target: Decimal | None = None


@dataclass(frozen=True)
class PlanClauses:
    """Where the plan says what a finding enforces (None when the document omits it)."""

    three_rates: str | None = None  # text target three_rates_compliance: 第四章第四节
    enforcement: str | None = None  # governance monitoring_enforcement: 第六章 三
    restoration: str | None = None  # governance restoration_duty: 第五章第三节


@dataclass(frozen=True)
class MonitoringStandards:
    """Everything the monitoring rules take from one plan document version."""

    plan_id: str
    plan_period: tuple[int, int] | None
    catalogue: Catalogue
    scale_classes: ScaleClasses
    three_rates: ThreeRateTable
    prohibited_mining: ProhibitedMinerals
    licence_terms: LicenceTerms
    projects: tuple[Project, ...] = ()
    clauses: PlanClauses = PlanClauses()

    def project(self, project_id: str) -> Project | None:
        return next((p for p in self.projects if p.id == project_id), None)


# --- reading the document ---------------------------------------------------------------------


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
            treat_as_zh=item.opt_text("treat_as_zh"),
            capacity_unit_zh=item.opt_text("capacity_unit_zh"),
            density_t_per_m3=density.number() if density is not None else None,
        )
        if entry.density_t_per_m3 is not None and entry.density_t_per_m3 <= 0:
            item.get("density_t_per_m3").fail("a density must be above zero")
        for name in (entry.zh, entry.code.lower(), *entry.aliases_zh):
            if seen.get(name, entry.zh) != entry.zh:
                item.fail(f"name {name!r} is used by both {seen[name]} and {entry.zh}")
            seen[name] = entry.zh
        entries.append(entry)
    catalogue = Catalogue(tuple(entries))
    for item, entry in zip(node.items(), entries, strict=True):
        if entry.treat_as_zh is not None and catalogue.lookup(entry.treat_as_zh) is None:
            item.get("treat_as_zh").fail(f"{entry.treat_as_zh!r} is not in the catalogue")
    return catalogue


def _mineral(node: DocumentNode, catalogue: Catalogue) -> str:
    entry = catalogue.lookup(node.text())
    if entry is None:
        node.fail(f"mineral {node.text()!r} is not in standards.mineral_catalogue")
    return entry.zh


def _scale(node: DocumentNode) -> Scale:
    text = node.choice(SCALES)
    return next(s for s in SCALES if s == text)


def _scale_classes(node: DocumentNode, catalogue: Catalogue) -> ScaleClasses:
    source = node.get("source").text()
    rows: list[ScaleRow] = []
    for item in node.get("items").items():
        row = ScaleRow(
            mineral_zh=_mineral(item.get("mineral_zh"), catalogue),
            method=item.get("method").text(),
            unit_zh=item.get("unit_zh").text(),
            large_min=item.get("large_min").number(),
            medium_min=item.get("medium_min").number(),
            confidence=item.opt_text("confidence") or "unstated",
            source=item.opt_text("source") or source,
        )
        if row.large_min < row.medium_min:
            item.fail(f"large_min {row.large_min} is below medium_min {row.medium_min}")
        rows.append(row)
    days_node = node.get("working_days_per_year")
    days = days_node.integer()
    if not 0 < days <= 366:
        days_node.fail(f"{days} is not a number of days in a year")
    return ScaleClasses(source, tuple(rows), days)


def _three_rates(node: DocumentNode, catalogue: Catalogue) -> ThreeRateTable:
    sources: dict[str, str] = {}
    for key, child in node.get("sources").entries() if node.has("sources") else []:
        entry = catalogue.lookup(key)
        sources[entry.zh if entry is not None else key] = child.text()
    defaults: dict[str, str] = {}
    for key, child in (
        node.get("default_ore_type").entries() if node.has("default_ore_type") else []
    ):
        defaults[_mineral(DocumentNode(key, child.path), catalogue)] = child.text()
    items: list[ThreeRateMinimum] = []
    for item in node.get("items").items():
        mineral = _mineral(item.get("mineral_zh"), catalogue)
        scales = item.opt("scale")
        rates = [(rate, item.opt(f"{rate}_min")) for rate in THREE_RATES]
        if all(minimum is None for _, minimum in rates):
            item.fail("names no rate (mining_recovery_min, processing_recovery_min, ...)")
        for rate, minimum in rates:
            if minimum is None:
                continue
            value = minimum.number()
            if not Decimal(0) <= value <= Decimal(100):
                minimum.fail(f"{value} is not a percentage (0-100)")
            items.append(
                ThreeRateMinimum(
                    mineral_zh=mineral,
                    rate=rate,
                    minimum_pct=value,
                    confidence=item.opt_text("confidence") or "unstated",
                    source=item.opt_text("source") or sources.get(mineral),
                    method=item.opt_text("method"),
                    scales=(
                        frozenset(_scale(DocumentNode(s, scales.path)) for s in scales.texts())
                        if scales is not None
                        else None
                    ),
                    ore_type=item.opt_text("ore_type"),
                    note=item.opt_text("note"),
                )
            )
    not_found = node.get("not_found").texts() if node.has("not_found") else ()
    return ThreeRateTable(tuple(items), MappingProxyType(defaults), not_found)


def _prohibited(node: DocumentNode, catalogue: Catalogue) -> ProhibitedMinerals:
    names = node.get("prohibited_zh") if node.has("prohibited_zh") else None
    return ProhibitedMinerals(
        clause=node.get("clause").text(),
        minerals_zh=frozenset(
            _mineral(item, catalogue) for item in (names.items() if names else [])
        ),
        effect_zh=node.opt_text("prohibited_effect_zh"),
    )


def _licence_terms(node: DocumentNode) -> LicenceTerms:
    pattern_node = node.get("numbering").get("pattern")
    try:
        pattern = re.compile(pattern_node.text())
    except re.error as exc:
        pattern_node.fail(f"not a regular expression: {exc}")
    years = node.get("mining_max_years")
    exploration = node.opt("exploration_years")
    return LicenceTerms(
        numbering_pattern=pattern,
        mining_max_years=MappingProxyType({s: years.get(s).integer() for s in SCALES}),
        exploration_years=exploration.integer() if exploration is not None else None,
    )


def _projects(root: DocumentNode) -> tuple[Project, ...]:
    projects: list[Project] = []
    for item in root.get("projects").items() if root.has("projects") else []:
        measure: ProjectMeasure | None = None
        target: Decimal | None = None
        if item.has("sheets"):
            measure, target = "sheets", item.get("sheets").number()
        elif item.has("area_ha"):
            measure, target = "area", item.get("area_ha").number()
        project = Project(
            id=item.get("id").text(),
            name_zh=item.get("name_zh").text(),
            clause=item.opt_text("clause"),
            measure=measure,
            target=target,
        )
        if any(p.id == project.id for p in projects):
            item.get("id").fail(f"duplicate project id {project.id!r}")
        projects.append(project)
    return tuple(projects)


def _clause_of(root: DocumentNode, section: str, item_id: str) -> str | None:
    for item in root.get(section).items() if root.has(section) else []:
        if item.opt_text("id") == item_id:
            return item.opt_text("clause")
    return None


def _plan_period(plan: DocumentNode) -> tuple[int, int] | None:
    period = plan.opt("period")
    if period is None:
        return None
    years = period.items()
    if len(years) != 2:
        period.fail("expected [first year, last year]")
    first, last = years[0].integer(), years[1].integer()
    if first > last:
        period.fail(f"the period ends ({last}) before it starts ({first})")
    return first, last


def load_standards(document: Mapping[str, Any]) -> MonitoringStandards:
    """Read a plan document (plan file + national standards under ``standards``).

    Raises :class:`~.errors.StandardsDocumentInvalid` naming the path and the problem
    when a part monitoring needs is missing, malformed or names an unknown mineral.
    """
    root = DocumentNode(document)
    plan = root.get("plan")
    standards = root.get("standards")
    catalogue = _catalogue(standards.get("mineral_catalogue"))
    return MonitoringStandards(
        plan_id=plan.get("id").text(),
        plan_period=_plan_period(plan),
        catalogue=catalogue,
        scale_classes=_scale_classes(standards.get("scale_classes"), catalogue),
        three_rates=_three_rates(standards.get("three_rates_minimums"), catalogue),
        prohibited_mining=_prohibited(root.get("mineral_policy").get("mining"), catalogue),
        licence_terms=_licence_terms(standards.get("licence_terms")),
        projects=_projects(root),
        clauses=PlanClauses(
            three_rates=_clause_of(root, "text_targets", "three_rates_compliance"),
            enforcement=_clause_of(root, "governance", "monitoring_enforcement"),
            restoration=_clause_of(root, "governance", "restoration_duty"),
        ),
    )
