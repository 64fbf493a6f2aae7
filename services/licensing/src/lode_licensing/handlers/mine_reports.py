"""What licensing keeps of the mines' reports from monitoring's events, and reads for the
plan checks: the output reports (开发利用年报/季报) behind the current output of each
controlled total (开采总量调控), and the reserves reports (储量年报) behind the service years
of an application that gives no reserves.

Each replica keeps the latest version of each report, keyed by report id: a correction
replaces its report, and an older version delivered late never overwrites a newer one.

Reading the current output costs two small queries per check run, whatever the history:
one aggregate (reports per year and mineral, how many annual) that picks each indicator's
year, then the reports of the picked years only. A running total per indicator and year
kept at each event would be one query, but what a report counts toward an indicator is the
plan version's reading (``indicators.items[].counts``): a new version would have to
rebuild every total, and the replica would depend on the plan it was summed under.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.events.catalog import (
    OutputCorrected,
    OutputReported,
    ReservesCorrected,
    ReservesReported,
)
from lode_common.events.envelope import Envelope
from lode_common.messaging.consumers import Consumers
from lode_common.plan.output import OutputIndicator, ReportedProduct
from lode_common.replica_rows import keep_newest
from lode_licensing.adapters.tables import Licence, OutputReportReplica, ReservesReportReplica
from lode_licensing.domain.application import Application
from lode_licensing.domain.checks.context import CurrentOutput, FiledReserves
from lode_licensing.domain.current_output import (
    ANNUAL,
    FiledOutput,
    InForce,
    YearTally,
    current_output,
    current_year,
)
from lode_licensing.domain.filed_reserves import ReservesFiling, latest_filing
from lode_licensing.domain.rulebook import OutputControlRule, PlanRules

consumers = Consumers()


def _products(report: OutputReported | OutputCorrected) -> list[dict[str, Any]]:
    """The products as exact decimal text (JSON numbers would come back as floats)."""
    return [
        {
            "name": p.name,
            "grade_pct": str(p.grade_pct) if p.grade_pct is not None else None,
            "output_10kt": str(p.output_10kt),
        }
        for p in report.products
    ]


@consumers.on(OutputReported, OutputCorrected)
async def on_output_report(
    session: AsyncSession, _envelope: Envelope, report: OutputReported | OutputCorrected
) -> None:
    await keep_newest(
        session,
        OutputReportReplica,
        {"report_id": report.report_id},
        report.version,
        {
            "licence_no": report.licence_no,
            "year": report.year,
            "period": report.period,
            "mineral": report.mineral,
            "ore_mined_10kt": report.ore_mined_10kt,
            "products": _products(report),
        },
    )


@consumers.on(ReservesReported, ReservesCorrected)
async def on_reserves_report(
    session: AsyncSession, _envelope: Envelope, report: ReservesReported | ReservesCorrected
) -> None:
    await keep_newest(
        session,
        ReservesReportReplica,
        {"report_id": report.report_id},
        report.version,
        {
            "licence_no": report.licence_no,
            "year": report.year,
            "mineral": report.mineral,
            "closing_10kt": report.closing_10kt,
        },
    )


# --- reading for the checks -------------------------------------------------------------------
def _controlled(application: Application, rules: PlanRules) -> list[OutputIndicator]:
    """The output indicators a total of the plan controls that the application counts toward."""
    found: dict[str, OutputIndicator] = {}
    for rule in rules.rules_of(OutputControlRule):
        for control in rule.controls:
            if control.covers(application.mineral, rules.standards):
                found.setdefault(control.indicator_id, control.output)
    return list(found.values())


def controlled_ids(application: Application, rules: PlanRules) -> tuple[str, ...]:
    """The ids of the output indicators the application counts toward: what its
    :func:`current_outputs` depend on besides the reports (one read serves every application
    with the same ids under the same rules)."""
    return tuple(sorted(i.id for i in _controlled(application, rules)))


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def _product(data: Mapping[str, Any]) -> ReportedProduct:
    grade = data.get("grade_pct")
    return ReportedProduct(
        name=str(data.get("name") or ""),
        grade_pct=_decimal(grade) if grade is not None else None,
        output_10kt=_decimal(data.get("output_10kt") or 0),
    )


async def licences_in_force(session: AsyncSession, years: Iterable[int]) -> list[InForce]:
    """The mining licences in force during each of ``years`` (validity overlapping the
    year, whatever became of them since), counted by mineral."""
    counts: list[InForce] = []
    for year in sorted(set(years)):
        rows = await session.execute(
            select(col(Licence.mineral), func.count())
            .where(
                col(Licence.right_type) == "mining",
                col(Licence.valid_from) <= date(year, 12, 31),
                col(Licence.valid_to) >= date(year, 1, 1),
            )
            .group_by(col(Licence.mineral))
        )
        counts += [InForce(year, mineral, int(n)) for mineral, n in rows]
    return counts


async def current_outputs(
    session: AsyncSession,
    application: Application,
    rules: PlanRules,
    complete_pct: Decimal = Decimal(100),
) -> dict[str, CurrentOutput]:
    """The current output of each controlled total the application counts toward (by
    indicator id), from its latest complete year (``complete_pct``: the share of the
    licences in force that year whose annual reports make it complete); an indicator no
    mine has filed an annual report for is absent."""
    indicators = _controlled(application, rules)
    if not indicators:
        return {}
    report = OutputReportReplica
    mineral = func.coalesce(col(report.mineral), col(Licence.mineral))
    joined = select(report).outerjoin(Licence, col(Licence.licence_no) == col(report.licence_no))
    tallies = [
        YearTally(year=int(year), mineral=name, annual=int(annual or 0), reports=int(count))
        for year, name, annual, count in await session.execute(
            joined.with_only_columns(
                col(report.year),
                mineral,
                func.sum(case((col(report.period) == ANNUAL, 1), else_=0)),
                func.count(),
            ).group_by(col(report.year), mineral)
        )
    ]
    standards = rules.standards
    in_force = await licences_in_force(session, (t.year for t in tallies if t.annual > 0))
    years = {i.id: current_year(i, tallies, standards, in_force, complete_pct) for i in indicators}
    wanted = sorted({c.year for c in years.values() if c is not None})
    if not wanted:
        return {}
    rows = await session.execute(
        joined.with_only_columns(
            col(report.report_id),
            col(report.licence_no),
            col(report.year),
            col(report.period),
            mineral,
            col(report.ore_mined_10kt),
            col(report.products),
        ).where(col(report.year).in_(wanted))
    )
    filed = [
        FiledOutput(
            report_id=report_id,
            licence_no=licence_no,
            year=year,
            period=period,
            mineral=name,
            ore_mined_10kt=_decimal(ore),
            products=tuple(_product(p) for p in products or () if isinstance(p, Mapping)),
        )
        for report_id, licence_no, year, period, name, ore, products in rows
    ]
    return {
        i.id: current_output(i, choice, filed, standards)
        for i in indicators
        if (choice := years[i.id]) is not None
    }


async def filed_reserves(
    session: AsyncSession, application: Application, rules: PlanRules
) -> FiledReserves | None:
    """The latest reserves report filed for the licence the application names, of its
    mineral; None for an application naming no licence or a licence that filed none."""
    if application.licence_no is None:
        return None
    rows = (
        await session.execute(
            select(ReservesReportReplica).where(
                col(ReservesReportReplica.licence_no) == application.licence_no
            )
        )
    ).scalars()
    filings = [
        ReservesFiling(
            report_id=r.report_id,
            version=r.version,
            licence_no=r.licence_no,
            year=r.year,
            mineral=r.mineral,
            closing_10kt=_decimal(r.closing_10kt),
        )
        for r in rows
    ]
    return latest_filing(filings, application.licence_no, application.mineral, rules.standards)
