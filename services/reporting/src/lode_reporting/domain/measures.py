"""What each indicator measures, computed from the read models' records: pure, no I/O.

Every figure comes with its :class:`Contribution` list — the events behind it and what
each added — so that any number can be traced (``/indicators/{id}/sources``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Final

from lode_common.plan.output import OutputIndicator, ReportedProduct

HUNDRED: Final = Decimal(100)
IRON_CONCENTRATE_OUTPUT: Final = "iron_concentrate_output"
BUILDING_STONE_OUTPUT: Final = "building_stone_output"
"""The ids of 专栏2's two output indicators (主要矿种开采总量); what each counts is the plan's
(``indicators.items[].counts``, read by :func:`lode_common.plan.output.output_indicators`)."""
THREE_RATES_CODE: Final = "three_rates_below_standard"
IN_FORCE: Final = frozenset({"active", "suspended"})
"""A suspended licence (停产整顿) is still a licensed mine; expired, revoked and cancelled
ones are not."""
GEOCHEM_PROJECT: Final = "geochem_survey"
RESTORATION_PROJECT: Final = "abandoned_mine_restoration"


# --- the records (rows of the read models, as plain values) ------------------------------------
@dataclass(frozen=True)
class LicenceVersion:
    """A licence's state from one event on, as of ``effective_on``."""

    licence_no: str
    event_id: str
    effective_on: date
    right_type: str
    status: str
    scale: str | None
    mineral: str
    valid_from: date
    valid_to: date


@dataclass(frozen=True)
class Licence:
    licence_no: str
    event_id: str
    right_type: str
    mineral: str
    first_valid_from: date
    green_mine: bool


@dataclass(frozen=True)
class Product:
    name: str
    grade_pct: Decimal | None
    output_10kt: Decimal


@dataclass(frozen=True)
class Output:
    """The current version of one output report (a correction replaces the previous one)."""

    report_id: str
    event_id: str
    licence_no: str
    year: int
    period: str
    mineral: str | None
    ore_mined_10kt: Decimal
    products: tuple[Product, ...] = ()
    disturbed_area_ha: Decimal | None = None
    restored_area_ha: Decimal | None = None
    reports_three_rates: bool = False
    output_value_cny_10k: Decimal | None = None
    """产值 (万元) as reported; ``None`` when the report gives none (未报)."""


@dataclass(frozen=True)
class Reserves:
    """The current version of one reserves report (储量年报), 万吨 of ore: 保有 at the start
    (``opening``) and end (``closing``) of the year, 开采量, 损失量, 新增查明 and 重算增减."""

    report_id: str
    event_id: str
    licence_no: str
    year: int
    mineral: str
    opening_10kt: Decimal
    extracted_10kt: Decimal
    lost_10kt: Decimal
    new_proven_10kt: Decimal
    recalculated_10kt: Decimal
    closing_10kt: Decimal


@dataclass(frozen=True)
class Exploration:
    result_id: str
    event_id: str
    licence_no: str | None
    year: int
    mineral: str
    new_resources_ore_10kt: Decimal


@dataclass(frozen=True)
class Progress:
    progress_id: str
    event_id: str
    project_id: str
    year: int
    completed_sheets: int | None
    restored_area_ha: Decimal | None


@dataclass(frozen=True)
class Finding:
    finding_id: str
    event_id: str
    licence_no: str
    code: str
    year: int | None
    status: str


@dataclass(frozen=True)
class Counted:
    """What the mines' reports count toward one output indicator: the plan's reading
    (:class:`~lode_common.plan.output.OutputIndicator`) and the names (and aliases) of the
    catalogue's minerals it covers, worked out once from the plan version."""

    output: OutputIndicator
    minerals: frozenset[str] = frozenset()

    def counts_report(self, mineral: str | None) -> bool:
        """A product is counted from any mine's report (its name and grade say what it is,
        as 铁精粉 does); ore only from a mine of a covered mineral."""
        return self.output.counts.quantity == "product" or mineral in self.minerals

    def amount(self, report: Output) -> Decimal:
        return self.output.amount(
            report.ore_mined_10kt,
            (ReportedProduct(p.name, p.grade_pct, p.output_10kt) for p in report.products),
        )

    def note(self, report: Output, mineral: str | None) -> str:
        counts = self.output.counts
        where = f"({report.report_id}, {report.period})"
        if counts.quantity == "ore_mined":
            return f"ore mined, {mineral} {where}"
        floor = counts.min_grade_pct
        grade = f" ≥{floor}%" if floor is not None else ""
        return f"{counts.product_zh}{grade} {where}"


@dataclass(frozen=True)
class Facts:
    """Everything the measures read, for one plan version."""

    licences: Sequence[Licence] = ()
    versions: Sequence[LicenceVersion] = ()
    outputs: Sequence[Output] = ()
    reserves: Sequence[Reserves] = ()
    explorations: Sequence[Exploration] = ()
    progress: Sequence[Progress] = ()
    findings: Sequence[Finding] = ()
    output_counts: Mapping[str, Counted] = field(default_factory=lambda: MappingProxyType({}))
    """The plan's output indicators by id (:func:`lode_reporting.domain.plan.output_counts`)."""
    molybdenum: frozenset[str] = frozenset({"钼矿"})
    start_year: int = 2021


@dataclass(frozen=True)
class Contribution:
    event_id: str
    licence_no: str | None
    amount: Decimal | None
    note: str


@dataclass(frozen=True)
class Figure:
    actual: Decimal | None
    contributions: tuple[Contribution, ...] = field(default=())


NO_DATA: Final = Figure(None)


def _sum(contributions: Sequence[Contribution]) -> Figure:
    if not contributions:
        return NO_DATA
    total = sum((c.amount or Decimal(0) for c in contributions), Decimal(0))
    return Figure(total, tuple(contributions))


def _ratio(
    numerator: Decimal, denominator: Decimal, contributions: Sequence[Contribution]
) -> Figure:
    if denominator == 0:
        return Figure(None, tuple(contributions))
    return Figure(
        (numerator * HUNDRED / denominator).quantize(Decimal("0.01")), tuple(contributions)
    )


# --- the year's reports ------------------------------------------------------------------------
def reports_of_year(outputs: Iterable[Output], year: int) -> list[Output]:
    """A mine's annual report for ``year`` if it has one, else its quarterly reports."""
    by_licence: dict[str, list[Output]] = {}
    for output in outputs:
        if output.year == year:
            by_licence.setdefault(output.licence_no, []).append(output)
    chosen: list[Output] = []
    for licence_no in sorted(by_licence):
        reports = by_licence[licence_no]
        annual = [r for r in reports if r.period == "annual"]
        chosen += annual or sorted(reports, key=lambda r: r.period)
    return chosen


def counted_output(facts: Facts, year: int, indicator_id: str) -> Figure:
    """The year's output toward an output indicator, as the plan says what it counts: each
    mine's current reports of the year (annual, else quarterly) that it covers; a product
    count lists only the reports with some qualifying product."""
    counted = facts.output_counts.get(indicator_id)
    if counted is None:
        return NO_DATA
    product = counted.output.counts.quantity == "product"
    minerals = {lic.licence_no: lic.mineral for lic in facts.licences}
    contributions = []
    for report in reports_of_year(facts.outputs, year):
        mineral = report.mineral or minerals.get(report.licence_no)
        if not counted.counts_report(mineral):
            continue
        amount = counted.amount(report)
        if product and not amount:
            continue
        contributions.append(
            Contribution(report.event_id, report.licence_no, amount, counted.note(report, mineral))
        )
    return _sum(contributions)


def iron_concentrate(facts: Facts, year: int) -> Figure:
    return counted_output(facts, year, IRON_CONCENTRATE_OUTPUT)


def building_stone(facts: Facts, year: int) -> Figure:
    return counted_output(facts, year, BUILDING_STONE_OUTPUT)


# --- the mines at the end of a year ------------------------------------------------------------
def mines_at_year_end(versions: Iterable[LicenceVersion], year: int) -> list[LicenceVersion]:
    """The mining licences in force on 31 December of ``year`` (the mines), each in its
    state then: the latest version effective by that day, active or suspended and valid."""
    day = date(year, 12, 31)
    latest: dict[str, LicenceVersion] = {}
    for v in versions:
        if v.effective_on > day:
            continue
        seen = latest.get(v.licence_no)
        if seen is None or (v.effective_on, v.event_id) >= (seen.effective_on, seen.event_id):
            latest[v.licence_no] = v
    return [
        v
        for _, v in sorted(latest.items())
        if v.right_type == "mining" and v.status in IN_FORCE and v.valid_from <= day <= v.valid_to
    ]


def _mine_contributions(mines: Sequence[LicenceVersion], year: int) -> list[Contribution]:
    return [
        Contribution(
            m.event_id, m.licence_no, Decimal(1), f"{m.status}, {m.scale or '?'} on {year}-12-31"
        )
        for m in mines
    ]


def total_mines(facts: Facts, year: int) -> Figure:
    if not facts.versions:
        return NO_DATA
    mines = mines_at_year_end(facts.versions, year)
    return Figure(Decimal(len(mines)), tuple(_mine_contributions(mines, year)))


def large_medium_ratio(facts: Facts, year: int) -> Figure:
    if not facts.versions:
        return NO_DATA
    mines = mines_at_year_end(facts.versions, year)
    contributions = [
        Contribution(
            m.event_id,
            m.licence_no,
            Decimal(1) if m.scale in ("large", "medium") else Decimal(0),
            f"{m.scale or 'scale unknown'} mine on {year}-12-31",
        )
        for m in mines
    ]
    large_medium = Decimal(len([m for m in mines if m.scale in ("large", "medium")]))
    return _ratio(large_medium, Decimal(len(mines)), contributions)


# --- cumulative since the plan's first year ----------------------------------------------------
def molybdenum_resources(facts: Facts, year: int) -> Figure:
    return _sum(
        [
            Contribution(
                e.event_id, e.licence_no, e.new_resources_ore_10kt, f"{e.mineral}, {e.year}"
            )
            for e in sorted(facts.explorations, key=lambda e: (e.year, e.result_id))
            if facts.start_year <= e.year <= year and e.mineral in facts.molybdenum
        ]
    )


def _project(
    facts: Facts, project_id: str, year: int, pick: Callable[[Progress], Decimal | None]
) -> Figure:
    return _sum(
        [
            Contribution(p.event_id, None, pick(p), f"{p.project_id}, {p.year}")
            for p in sorted(facts.progress, key=lambda p: (p.year, p.progress_id))
            if p.project_id == project_id
            and facts.start_year <= p.year <= year
            and pick(p) is not None
        ]
    )


def survey_sheets(facts: Facts, year: int) -> Figure:
    return _project(
        facts,
        GEOCHEM_PROJECT,
        year,
        lambda p: Decimal(p.completed_sheets) if p.completed_sheets is not None else None,
    )


def restoration_area(facts: Facts, year: int) -> Figure:
    return _project(facts, RESTORATION_PROJECT, year, lambda p: p.restored_area_ha)


# --- shares ------------------------------------------------------------------------------------
def three_rates_compliance(facts: Facts, year: int) -> Figure:
    """Mines reporting three rates for ``year`` without an open three-rate finding for it,
    over the mines reporting three rates for it (per cent)."""
    reporting: dict[str, Output] = {}
    for report in reports_of_year(facts.outputs, year):
        if report.reports_three_rates:
            reporting.setdefault(report.licence_no, report)
    failing = {
        f.licence_no: f
        for f in facts.findings
        if f.code == THREE_RATES_CODE and f.year == year and f.status == "open"
    }
    contributions = []
    for licence_no, report in sorted(reporting.items()):
        finding = failing.get(licence_no)
        contributions.append(
            Contribution(
                report.event_id,
                licence_no,
                Decimal(0) if finding else Decimal(1),
                "three rates below standard (open finding)" if finding else "three rates reported",
            )
        )
        if finding:
            contributions.append(Contribution(finding.event_id, licence_no, None, "open finding"))
    complying = Decimal(len([n for n in reporting if n not in failing]))
    if not reporting:
        return NO_DATA
    return _ratio(complying, Decimal(len(reporting)), contributions)


def _new_mines(facts: Facts, year: int) -> list[Licence]:
    return sorted(
        (
            lic
            for lic in facts.licences
            if lic.right_type == "mining" and facts.start_year <= lic.first_valid_from.year <= year
        ),
        key=lambda lic: lic.licence_no,
    )


def new_mines_green(facts: Facts, year: int) -> Figure:
    """Mining licences issued since the plan's first year that are on the green-mine list."""
    new = _new_mines(facts, year)
    if not new:
        return NO_DATA
    contributions = [
        Contribution(
            lic.event_id,
            lic.licence_no,
            Decimal(1) if lic.green_mine else Decimal(0),
            "green mine (绿色矿山)" if lic.green_mine else "not on the green-mine list",
        )
        for lic in new
    ]
    green = Decimal(len([lic for lic in new if lic.green_mine]))
    return _ratio(green, Decimal(len(new)), contributions)


def land_reclamation(facts: Facts, year: int) -> Figure:
    """Mines licensed since the plan's first year: area restored over area disturbed, from
    their reports of the plan's first year to ``year`` (per cent)."""
    new = {lic.licence_no for lic in _new_mines(facts, year)}
    disturbed = restored = Decimal(0)
    contributions = []
    for y in range(facts.start_year, year + 1):
        for report in reports_of_year(facts.outputs, y):
            if report.licence_no not in new or report.disturbed_area_ha is None:
                continue
            disturbed += report.disturbed_area_ha
            restored += report.restored_area_ha or Decimal(0)
            contributions.append(
                Contribution(
                    report.event_id,
                    report.licence_no,
                    report.restored_area_ha,
                    f"restored {report.restored_area_ha or 0} of {report.disturbed_area_ha} ha "
                    f"disturbed ({report.year} {report.period})",
                )
            )
    if not contributions:
        return NO_DATA
    return _ratio(restored, disturbed, contributions)


@dataclass(frozen=True)
class Measure:
    unit_zh: str
    compute: Callable[[Facts, int], Figure]
    definition_en: str
    name_en: str = ""


MEASURES: Final[Mapping[str, Measure]] = {
    "geochem_survey_sheets": Measure(
        "幅",
        survey_sheets,
        "sheets completed by the geochem_survey project since 2021",
        name_en="1:50,000 regional geochemical survey",
    ),
    "new_resources_molybdenum_ore": Measure(
        "万吨",
        molybdenum_resources,
        "new molybdenum resources (ore) reported since 2021",
        name_en="New resources proven (molybdenum, ore)",
    ),
    IRON_CONCENTRATE_OUTPUT: Measure(
        "万吨/年",
        iron_concentrate,
        "the year's reported 铁精粉 at the plan's minimum grade or above",
        name_en="Iron concentrate output (grade ≥ 62 %)",  # 专栏2's name, in English
    ),
    BUILDING_STONE_OUTPUT: Measure(
        "万吨/年",
        building_stone,
        "ore mined in the year by mines of the minerals the plan counts as building stone",
        name_en="Building stone output",
    ),
    "large_medium_mine_ratio": Measure(
        "%",
        large_medium_ratio,
        "large and medium mines over all mines on 31 December",
        name_en="Share of large and medium mines",
    ),
    "historical_restoration_area": Measure(
        "公顷",
        restoration_area,
        "area restored by abandoned_mine_restoration since 2021",
        name_en="Historical mine sites restored",
    ),
    "total_mines_cap": Measure(
        "家",
        total_mines,
        "mining licences in force on 31 December",
        name_en="Mines kept to 50 at the end of the period",
    ),
    "mining_rights_decrease": Measure(
        "个",
        total_mines,
        "mining licences in force on 31 December, against 2020's 63",
        name_en="Fewer mining rights than in 2020",
    ),
    "three_rates_compliance": Measure(
        "%",
        three_rates_compliance,
        "mines reporting three rates without an open finding",
        name_en="Mines meeting the national three-rate standards",
    ),
    "new_mines_green": Measure(
        "%",
        new_mines_green,
        "mining licences issued since 2021 on the green-mine list",
        name_en="New mines built as green mines",
    ),
    "abandoned_mine_restoration": Measure(
        "公顷",
        restoration_area,
        "area restored by abandoned_mine_restoration since 2021",
        name_en="Ownerless abandoned mines restored (专栏6)",
    ),
    "land_reclamation_new_mines": Measure(
        "%",
        land_reclamation,
        "restored over disturbed area of mines licensed since 2021",
        name_en="Land reclamation rate of new and building mines",
    ),
}
