"""The daily deadline job: an annual report not filed by 31 March of the following year
(China Standard Time) opens ``annual_report_missing``; a report filed later closes it."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import structlog
from sqlalchemy import select
from sqlmodel import col

from lode_common.plan.replica import PlanNotLoaded
from lode_common.runtime import ServiceRuntime
from lode_monitoring.adapters.tables import Finding, Mine, Report
from lode_monitoring.container import Monitoring
from lode_monitoring.domain.finding import DEADLINE_CODES
from lode_monitoring.domain.findings import missing_reports
from lode_monitoring.handlers.finding_store import settle
from lode_monitoring.handlers.reports import view_of

log = structlog.get_logger(__name__)
ACTOR = "system:deadline"


async def check_deadlines(
    runtime: ServiceRuntime, today: date | datetime | None = None
) -> tuple[int, int]:
    """One pass over the service's plan: (findings opened, findings closed)."""
    service = Monitoring.of(runtime)
    async with runtime.uow() as uow:
        session = uow.session
        try:
            standards = await service.standards.require(service.plan_id, session)
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
            first_year=standards.plan_period[0],
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
        opened, closed = settle(
            uow, open_rows, found, actor=ACTOR, closing_note="the annual report has been filed"
        )
        await uow.commit()
    if opened or closed:
        log.info("report deadlines checked", opened=opened, closed=closed)
    return opened, closed


async def daily_deadlines(runtime: ServiceRuntime) -> None:
    """Background job: at start, then every hour (the deadline is a date: hourly is ample)."""
    while True:
        await check_deadlines(runtime)
        await asyncio.sleep(3600)
