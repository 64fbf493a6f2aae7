"""The read models as the domain's plain records (:class:`~lode_reporting.domain.measures.Facts`).

The tables are small aggregates (one row per licence state, report, result, progress,
finding): reading them whole for an indicator query is cheap, and keeps the figures a pure
function of the rows."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from lode_common.plan.document import PlanDocument
from lode_reporting.adapters.tables import (
    JournalEntry,
    ReportingExploration,
    ReportingFinding,
    ReportingLicence,
    ReportingLicenceVersion,
    ReportingOutput,
    ReportingProgress,
    ReportingReserves,
)
from lode_reporting.domain import measures, plan
from lode_reporting.domain.measures import Facts


@asynccontextmanager
async def snapshot(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A read-only session that sees one committed state, so that the journal position
    (``as_of``) and the read models agree: PostgreSQL's REPEATABLE READ, SQLite's read
    transaction (begun explicitly: the driver would not begin one for a SELECT)."""
    async with sessions() as session:
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        else:
            await session.execute(text("BEGIN DEFERRED"))
        yield session  # closing the session ends the transaction (nothing was written)


def _qty(value: Any) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _output(row: ReportingOutput) -> measures.Output:
    return measures.Output(
        report_id=row.report_id,
        event_id=row.event_id,
        licence_no=row.licence_no,
        year=row.year,
        period=row.period,
        mineral=row.mineral,
        ore_mined_10kt=row.ore_mined_10kt,
        products=tuple(
            measures.Product(
                name=p["name"],
                grade_pct=_qty(p["grade_pct"]) if p.get("grade_pct") is not None else None,
                output_10kt=_qty(p["output_10kt"]),
            )
            for p in row.products
        ),
        disturbed_area_ha=row.disturbed_area_ha,
        restored_area_ha=row.restored_area_ha,
        reports_three_rates=any(
            v is not None
            for v in (
                row.mining_recovery_pct,
                row.processing_recovery_pct,
                row.comprehensive_utilization_pct,
            )
        ),
        output_value_cny_10k=row.output_value_cny_10k,
    )


def _reserves(row: ReportingReserves) -> measures.Reserves:
    return measures.Reserves(
        report_id=row.report_id,
        event_id=row.event_id,
        licence_no=row.licence_no,
        year=row.year,
        mineral=row.mineral,
        opening_10kt=row.opening_10kt,
        extracted_10kt=row.extracted_10kt,
        lost_10kt=row.lost_10kt,
        new_proven_10kt=row.new_proven_10kt,
        recalculated_10kt=row.recalculated_10kt,
        closing_10kt=row.closing_10kt,
    )


_Key = tuple[Any, ...]


async def journal_state(session: AsyncSession) -> tuple[int, int]:
    """The journal's highest position and its number of entries: together they name the
    state of the read models (PostgreSQL may commit positions out of order)."""
    journal = select(func.max(col(JournalEntry.seq)), func.count(col(JournalEntry.seq)))
    seq, count = (await session.execute(journal)).one()
    return int(seq or 0), int(count)


class FactsCache:
    """The facts of the read models, read once per state of them (one per service: its
    container holds it).

    Every change to a read model is journaled in the same transaction, so the journal's
    highest position and its number of entries (both: PostgreSQL may commit positions out of
    order) name the state; while they and what the plan counts (output indicators, minerals)
    are unchanged, the facts read last time are the answer, and a dashboard polling the
    indicators costs one small query instead of reading every table."""

    KEPT = 4
    """States kept at once: a successor plan's indicators read its predecessor's facts too
    (their baselines), so two plans' facts are asked for in turn."""

    def __init__(self) -> None:
        self._kept: dict[_Key, Facts] = {}

    async def load(
        self, session: AsyncSession, document: PlanDocument, state: tuple[int, int] | None = None
    ) -> Facts:
        """The facts of the session's snapshot. ``state`` is :func:`journal_state` when the
        caller has read it already (in this snapshot)."""
        seq, count = state if state is not None else await journal_state(session)
        counts = plan.output_counts(document)
        key: _Key = (
            seq,
            count,
            tuple(sorted(counts.items())),
            plan.mineral_names(document, "molybdenum"),
            plan.period(document)[0],
        )
        kept = self._kept.pop(key, None)
        facts = kept if kept is not None else await _read_facts(session, document, counts)
        self._kept[key] = facts  # the most recent last
        while len(self._kept) > self.KEPT:
            del self._kept[next(iter(self._kept))]
        return facts


async def _read_facts(
    session: AsyncSession, document: PlanDocument, counts: Mapping[str, measures.Counted]
) -> Facts:
    licences = (await session.execute(select(ReportingLicence))).scalars().all()
    versions = (await session.execute(select(ReportingLicenceVersion))).scalars().all()
    outputs = (await session.execute(select(ReportingOutput))).scalars().all()
    reserves = (await session.execute(select(ReportingReserves))).scalars().all()
    explorations = (await session.execute(select(ReportingExploration))).scalars().all()
    progress = (await session.execute(select(ReportingProgress))).scalars().all()
    findings = (
        (
            await session.execute(
                select(ReportingFinding).where(
                    col(ReportingFinding.code) == measures.THREE_RATES_CODE
                )
            )
        )
        .scalars()
        .all()
    )
    molybdenum = plan.mineral_names(document, "molybdenum") or frozenset({"钼矿"})
    return Facts(
        licences=[
            measures.Licence(
                licence_no=r.licence_no,
                event_id=r.first_event_id,
                right_type=r.right_type,
                mineral=r.mineral,
                first_valid_from=r.first_valid_from,
                green_mine=r.green_mine,
            )
            for r in licences
        ],
        versions=[
            measures.LicenceVersion(
                licence_no=v.licence_no,
                event_id=v.event_id,
                effective_on=v.effective_on,
                right_type=v.right_type,
                status=v.status,
                scale=v.scale,
                mineral=v.mineral,
                valid_from=v.valid_from,
                valid_to=v.valid_to,
            )
            for v in versions
        ],
        outputs=tuple(_output(o) for o in outputs),
        reserves=tuple(_reserves(r) for r in reserves),
        explorations=[
            measures.Exploration(
                result_id=e.result_id,
                event_id=e.event_id,
                licence_no=e.licence_no,
                year=e.year,
                mineral=e.mineral,
                new_resources_ore_10kt=e.new_resources_ore_10kt,
            )
            for e in explorations
        ],
        progress=[
            measures.Progress(
                progress_id=p.progress_id,
                event_id=p.event_id,
                project_id=p.project_id,
                year=p.year,
                completed_sheets=p.completed_sheets,
                restored_area_ha=p.restored_area_ha,
            )
            for p in progress
        ],
        findings=[
            measures.Finding(
                finding_id=f.finding_id,
                event_id=f.event_id,
                licence_no=f.licence_no,
                code=f.code,
                year=f.year,
                status=f.status,
            )
            for f in findings
        ],
        output_counts=counts,
        molybdenum=molybdenum,
        start_year=plan.period(document)[0],
    )
