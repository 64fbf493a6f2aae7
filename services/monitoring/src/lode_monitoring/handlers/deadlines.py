"""The daily deadline job: an annual report not filed by 31 March of the following year
(China Standard Time) opens ``annual_report_missing``; a report filed later closes it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime

import structlog
from sqlalchemy import select
from sqlmodel import col

from lode_common.events import catalog
from lode_common.runtime import ServiceRuntime
from lode_monitoring.adapters.tables import Finding, Mine, Report
from lode_monitoring.domain.finding import DEADLINE_CODES, reconcile
from lode_monitoring.domain.findings import missing_reports
from lode_monitoring.handlers.reports import PlanNotLoaded, standards_in_force, view_of

log = structlog.get_logger(__name__)
ACTOR = "system:deadline"


async def check_deadlines(
    runtime: ServiceRuntime,
    today: date | datetime | None = None,
    *,
    plan_id: str = "pingquan-2021-2025",
) -> tuple[int, int]:
    """One pass: (findings opened, findings closed)."""
    async with runtime.uow() as uow:
        session = uow.session
        try:
            standards = await standards_in_force(session, plan_id)
        except PlanNotLoaded:
            return 0, 0
        mines = [view_of(m) for m in (await session.execute(select(Mine))).scalars()]
        filed = list(
            (
                await session.execute(select(Report).where(col(Report.is_current).is_(True)))
            ).scalars()
        )
        found = missing_reports(
            mines,
            filed,
            today or datetime.now(UTC),
            first_year=(standards.plan_period or (None, None))[0],
            standards=standards,
        )
        open_rows = list(
            (
                await session.execute(
                    select(Finding).where(
                        col(Finding.status) == "open", col(Finding.code).in_(sorted(DEADLINE_CODES))
                    )
                )
            ).scalars()
        )
        to_open, to_close = reconcile([r.key for r in open_rows], found)
        now = datetime.now(UTC)
        for f in to_open:
            row = Finding(
                id=str(uuid.uuid4()),
                key=f.key,
                licence_no=f.licence_no,
                code=f.code,
                severity=f.severity,
                message=f"{f.message_zh} — {f.message_en}",
                standard=f.standard_or_clause,
                year=f.year,
                details={},
                status="open",
                opened_at=now,
            )
            session.add(row)
            uow.emit(
                catalog.FindingOpened(
                    finding_id=row.id,
                    licence_no=row.licence_no,
                    code=row.code,
                    severity=f.severity,
                    message=row.message,
                    standard=row.standard,
                    year=row.year,
                ),
                subject=row.licence_no,
            )
        for row in open_rows:
            if row.key in to_close:
                row.status, row.closed_at, row.closed_by = "closed", now, ACTOR
                row.note = "the annual report has been filed"
                uow.emit(
                    catalog.FindingClosed(
                        finding_id=row.id,
                        licence_no=row.licence_no,
                        code=row.code,
                        severity=row.severity,
                        message=row.message,
                        standard=row.standard,
                        year=row.year,
                        note=row.note,
                        closed_by=ACTOR,
                    ),
                    subject=row.licence_no,
                )
        await uow.commit()
    if to_open or to_close:
        log.info("report deadlines checked", opened=len(to_open), closed=len(to_close))
    return len(to_open), len(to_close)


async def daily_deadlines(runtime: ServiceRuntime) -> None:
    """Background job: at start, then every hour (the deadline is a date: hourly is ample)."""
    while True:
        await check_deadlines(runtime)
        await asyncio.sleep(3600)
