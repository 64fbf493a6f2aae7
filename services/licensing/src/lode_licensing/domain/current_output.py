"""The current annual output toward the plan's output indicators (开采总量), from the mines'
reports (开发利用年报/季报) licensing keeps as a replica of monitoring's events.

The current output of an indicator is the figure of one year: the latest *complete* year,
in which the mines that count toward it filed ANNUAL reports for at least a set share
(``LODE_LICENSING_OUTPUT_YEAR_COMPLETE_PCT``, 90 % by default, the bureau's setting) of the
mining licences of their minerals in force that year. Early in a year only a few of last
year's annual reports are in; their sum would understate the total and let a new mine
pass, so that year waits until it is complete. When no year is complete, the latest year
with an annual report stands, said to be incomplete (the check then only warns). Within
that year a mine's
annual report stands for the year; its quarterly reports count only when it has no annual
report of that year (as reporting reads a year, ``reports_of_year``). What one report counts
is :meth:`lode_common.plan.output.OutputIndicator.amount`, the one reading every service
shares; which mines count is :meth:`~lode_common.plan.output.OutputIndicator.covers`, by
the report's mineral or else the licence's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from lode_common.plan.output import OutputIndicator, ReportedProduct
from lode_common.plan.standards import NationalStandards

from .catalogue import find_mineral
from .checks.context import CurrentOutput

ANNUAL = "annual"


@dataclass(frozen=True)
class YearTally:
    """How many reports of one mineral were filed for one year, and how many were annual."""

    year: int
    mineral: str | None
    annual: int
    reports: int


@dataclass(frozen=True)
class FiledOutput:
    """The latest version of one output report, with the mineral it counts as (the report's
    own, or else its licence's; None when neither is known)."""

    report_id: str
    licence_no: str
    year: int
    period: str
    mineral: str | None
    ore_mined_10kt: Decimal
    products: tuple[ReportedProduct, ...] = ()


def counts_toward(
    indicator: OutputIndicator, mineral: str | None, standards: NationalStandards
) -> bool:
    """Whether a report of ``mineral`` (a Chinese name, alias or code) counts toward the
    indicator; an unknown or missing mineral does not."""
    if mineral is None:
        return False
    return indicator.covers(find_mineral(standards, mineral), standards)


@dataclass(frozen=True)
class InForce:
    """How many mining licences of ``mineral`` were in force during ``year``: the mines that
    owe that year's annual report."""

    year: int
    mineral: str
    licences: int


@dataclass(frozen=True)
class YearChoice:
    """The year an indicator's current output is taken from: its annual reports, the
    licences that owed one (None: the registry holds none of those minerals), and whether
    the reports reach the complete share."""

    year: int
    annual: int
    expected: int | None
    complete: bool


def current_year(
    indicator: OutputIndicator,
    tallies: Iterable[YearTally],
    standards: NationalStandards,
    in_force: Iterable[InForce] = (),
    complete_pct: Decimal = Decimal(100),
) -> YearChoice | None:
    """The latest complete year of annual reports counting toward the indicator, else the
    latest year with any (incomplete); None when there is none (a year of quarterly reports
    only is not final). A year is complete when its annual reports are at least
    ``complete_pct`` % of the licences of counted minerals in force that year (or when the
    registry holds no such licence)."""
    annual: dict[int, int] = {}
    for tally in tallies:
        if counts_toward(indicator, tally.mineral, standards):
            annual[tally.year] = annual.get(tally.year, 0) + tally.annual
    owed: dict[int, int] = {}
    for count in in_force:
        if counts_toward(indicator, count.mineral, standards):
            owed[count.year] = owed.get(count.year, 0) + count.licences
    choices = []
    for year in sorted((y for y, n in annual.items() if n > 0), reverse=True):
        expected = owed.get(year) or None
        complete = expected is None or annual[year] * 100 >= expected * complete_pct
        choices.append(YearChoice(year, annual[year], expected, complete))
    return next((c for c in choices if c.complete), choices[0] if choices else None)


def reports_of_year(reports: Iterable[FiledOutput], year: int) -> list[FiledOutput]:
    """Each mine's annual report of ``year`` if it has one, else its quarterly reports."""
    by_licence: dict[str, list[FiledOutput]] = {}
    for report in reports:
        if report.year == year:
            by_licence.setdefault(report.licence_no, []).append(report)
    chosen: list[FiledOutput] = []
    for licence_no in sorted(by_licence):
        filed = by_licence[licence_no]
        annual = [r for r in filed if r.period == ANNUAL]
        chosen += annual or sorted(filed, key=lambda r: (r.period, r.report_id))
    return chosen


def current_output(
    indicator: OutputIndicator,
    year: int | YearChoice,
    reports: Iterable[FiledOutput],
    standards: NationalStandards,
) -> CurrentOutput:
    """The indicator's figure of ``year``: what the counted reports of the mines that count
    toward it add up to, with how many reports and mines that is (and, given the
    :class:`YearChoice`, how many mines owed a report and whether the year is complete)."""
    choice = year if isinstance(year, YearChoice) else YearChoice(year, 0, None, True)
    year = choice.year
    counted = [
        r
        for r in reports_of_year(
            (r for r in reports if counts_toward(indicator, r.mineral, standards)), year
        )
    ]
    amount = sum((indicator.amount(r.ore_mined_10kt, r.products) for r in counted), Decimal(0))
    return CurrentOutput(
        indicator_id=indicator.id,
        year=year,
        amount_10kt=amount,
        reports=len(counted),
        mines=len({r.licence_no for r in counted}),
        annual_reports=sum(1 for r in counted if r.period == ANNUAL),
        expected_mines=choice.expected,
        complete=choice.complete,
    )
