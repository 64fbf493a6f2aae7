"""What monitoring takes from a plan version, on top of the shared typed document.

The plan document and the national standards it carries are read and validated once, by
:mod:`lode_common.plan` (:class:`~lode_common.plan.document.PlanDocument`); zoning refuses
a version that does not validate before publishing it. This module keeps only what is
monitoring's own reading of it:

* the catalogue looked up as a mine writes a mineral (a Chinese name, an alias, or the
  code in any case), every name the standards use resolved to the catalogue's own;
* the scale table row of a mineral and method (the ``any`` row as fallback), and the
  working days that turn t/d into a year, which monitoring cannot do without;
* the three-rate minimums flattened one rate per item, for monitoring's choice of the
  minimum that applies to a mine (:mod:`.three_rates`, deliberately not licensing's);
* 专栏4's prohibited minerals, the licence numbering, what each project's progress
  counts, and the clauses findings cite (optional: a finding then cites less);
* the minimum service years by scale (合理的服务年限) that closing reserves are held to.

Every figure keeps its ``source`` and ``confidence``; a finding that relied on a figure
of ``confidence: unverified`` says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from lode_common.plan.document import PlanDocument
from lode_common.plan.standards import ByScale, CatalogueEntry, ScaleClass, ThreeRatesMinimums

from .errors import StandardsDocumentInvalid
from .three_rates import ThreeRateMinimum, ThreeRateTable
from .vocabulary import ANY_METHOD, THREE_RATES, Scale

ProjectMeasure = Literal["sheets", "area"]
"""What a plan project's progress counts: map sheets (幅) or hectares restored (公顷)."""

MineralEntry = CatalogueEntry
"""A mineral of the catalogue (矿种) as the shared standards give it."""


def standard_zh(mineral: MineralEntry) -> str:
    """The name whose scale classes and three rates apply (超贫磁铁矿 → 铁矿)."""
    return mineral.treat_as_zh or mineral.zh


@dataclass(frozen=True)
class Catalogue:
    """The mineral catalogue (矿种目录), looked up as mines write minerals."""

    entries: tuple[MineralEntry, ...]

    def lookup(self, name: str) -> MineralEntry | None:
        """The entry whose Chinese name, alias or code (any case) is ``name``, else None."""
        wanted = name.strip()
        for entry in self.entries:
            if wanted in entry.names_zh or wanted.lower() == entry.code.lower():
                return entry
        return None

    def name_of(self, name: str) -> str:
        """The catalogue's own name for ``name`` (an alias gives its mineral), else ``name``."""
        entry = self.lookup(name)
        return entry.zh if entry is not None else name


def scale_of(row: ScaleClass, capacity: Decimal) -> Scale:
    """Large if ``capacity`` reaches ``large_min``, medium if ``medium_min``, else small."""
    if capacity >= row.large_min:
        return "large"
    if capacity >= row.medium_min:
        return "medium"
    return "small"


@dataclass(frozen=True)
class ScaleClasses:
    """The national scale table, and the working days that turn t/d into a year."""

    source: str
    rows: Mapping[str, tuple[ScaleClass, ...]]
    """The rows of each mineral, under the catalogue's name for it."""
    working_days_per_year: int

    def row_for(self, mineral_zh: str, method: str | None) -> ScaleClass | None:
        """The row of the mineral (its standard name) for the method, else its ``any`` row."""
        rows = self.rows.get(mineral_zh, ())
        for wanted in (method, ANY_METHOD):
            for row in rows:
                if wanted is not None and row.method == wanted:
                    return row
        return None


@dataclass(frozen=True)
class ProhibitedMinerals:
    """专栏4 禁止开采矿种: no new rights; existing ones exit in an orderly way."""

    clause: str
    minerals_zh: frozenset[str]
    effect_zh: str | None = None


@dataclass(frozen=True)
class Project:
    """A project of the plan (专栏5, 专栏6) whose progress staff report."""

    id: str
    name_zh: str
    clause: str | None
    measure: ProjectMeasure | None
    target: Decimal | None = None


@dataclass(frozen=True)
class MinServiceYears:
    """合理的服务年限: the years of production a mine's reserves should last, by scale, with
    the figure's source and confidence (the national standards' ``min_service_years_by_scale``)."""

    years: Mapping[Scale, int]
    source: str | None
    confidence: str | None

    def of(self, scale: Scale) -> int:
        return self.years[scale]

    @classmethod
    def of_standards(cls, table: ByScale) -> MinServiceYears:
        years: dict[Scale, int] = {
            "large": table.large,
            "medium": table.medium,
            "small": table.small,
        }
        return cls(MappingProxyType(years), table.source, table.confidence)


@dataclass(frozen=True)
class PlanClauses:
    """Where the plan says what a finding enforces (None when the document omits it)."""

    three_rates: str | None = None  # text target three_rates_compliance: 第四章第四节
    enforcement: str | None = None  # governance monitoring_enforcement: 第六章 三
    restoration: str | None = None  # governance restoration_duty: 第五章第三节


@dataclass(frozen=True)
class MonitoringStandards:
    """Everything the monitoring rules take from one plan version (:meth:`of`)."""

    document: PlanDocument
    catalogue: Catalogue
    scale_classes: ScaleClasses
    three_rates: ThreeRateTable
    prohibited_mining: ProhibitedMinerals
    numbering_pattern: re.Pattern[str]
    """Licence numbers (统一配号), compiled once per version."""
    min_service_years: MinServiceYears
    projects: tuple[Project, ...] = ()
    clauses: PlanClauses = PlanClauses()

    @property
    def plan_id(self) -> str:
        return self.document.plan.id

    @property
    def plan_period(self) -> tuple[int, int]:
        return self.document.plan.period

    def project(self, project_id: str) -> Project | None:
        return next((p for p in self.projects if p.id == project_id), None)

    @classmethod
    def of(cls, document: PlanDocument) -> MonitoringStandards:
        """Monitoring's reading of a validated plan version. Raises
        :class:`~.errors.StandardsDocumentInvalid` for the one part the shared document
        leaves optional and monitoring cannot do without (the working days a year)."""
        national = document.standards
        catalogue = Catalogue(tuple(national.mineral_catalogue))
        policy = document.mineral_policy.mining
        return cls(
            document=document,
            catalogue=catalogue,
            scale_classes=_scale_classes(document, catalogue),
            three_rates=_three_rates(national.three_rates_minimums, catalogue),
            prohibited_mining=ProhibitedMinerals(
                clause=policy.clause,
                minerals_zh=frozenset(catalogue.name_of(n) for n in policy.prohibited_zh),
                effect_zh=policy.prohibited_effect_zh,
            ),
            numbering_pattern=re.compile(national.licence_terms.numbering.pattern),
            min_service_years=MinServiceYears.of_standards(national.min_service_years_by_scale),
            projects=_projects(document),
            clauses=PlanClauses(
                three_rates=next(
                    (t.clause for t in document.text_targets if t.id == "three_rates_compliance"),
                    None,
                ),
                enforcement=_governance_clause(document, "monitoring_enforcement"),
                restoration=_governance_clause(document, "restoration_duty"),
            ),
        )


def _scale_classes(document: PlanDocument, catalogue: Catalogue) -> ScaleClasses:
    table = document.standards.scale_classes
    if table.working_days_per_year is None:
        raise StandardsDocumentInvalid(
            "standards.scale_classes.working_days_per_year",
            "required by monitoring: capacities in t/d are compared over a year of them",
        )
    rows: dict[str, tuple[ScaleClass, ...]] = {}
    for row in table.items:
        name = catalogue.name_of(row.mineral_zh)
        rows[name] = (*rows.get(name, ()), row)
    return ScaleClasses(table.source, MappingProxyType(rows), table.working_days_per_year)


def _three_rates(section: ThreeRatesMinimums, catalogue: Catalogue) -> ThreeRateTable:
    """One item per rate an entry names, minerals under the catalogue's names."""
    sources = {catalogue.name_of(k): v for k, v in section.sources.items()}
    defaults = {catalogue.name_of(k): v for k, v in section.default_ore_type.items()}
    items: list[ThreeRateMinimum] = []
    for entry in section.items:
        mineral = catalogue.name_of(entry.mineral_zh)
        for rate in THREE_RATES:
            minimum: Decimal | None = getattr(entry, f"{rate}_min")
            if minimum is None:
                continue
            items.append(
                ThreeRateMinimum(
                    mineral_zh=mineral,
                    rate=rate,
                    minimum_pct=minimum,
                    confidence=entry.confidence,
                    source=sources.get(mineral),
                    method=entry.method,
                    scales=frozenset(entry.scale) if entry.scale is not None else None,
                    ore_type=entry.ore_type,
                    note=entry.note,
                )
            )
    return ThreeRateTable(tuple(items), MappingProxyType(defaults), section.not_found)


def _projects(document: PlanDocument) -> tuple[Project, ...]:
    projects: list[Project] = []
    for item in document.projects:
        measure: ProjectMeasure | None = None
        target: Decimal | None = None
        if item.sheets is not None:
            measure, target = "sheets", Decimal(item.sheets)
        elif item.area_ha is not None:
            measure, target = "area", item.area_ha
        projects.append(Project(item.id, item.name_zh, item.clause, measure, target))
    return tuple(projects)


def _governance_clause(document: PlanDocument, item_id: str) -> str | None:
    return next((g.clause for g in document.governance if g.id == item_id), None)
