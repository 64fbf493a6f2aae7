"""The daily deadline job: an annual report not filed by the annual deadline (a setting:
31 March of the following year by default), or a reserves report (储量年报) not filed by the
reserves deadline (a setting: 31 January by default), China Standard Time, opens
``annual_report_missing`` / ``reserves_report_missing``; a report filed later closes it on
the next pass. Both go through one machinery (:func:`lode_monitoring.domain.findings.overdue`)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import structlog
from sqlalchemy import select
from sqlmodel import col

from lode_common.messaging.outbox import UnitOfWork
from lode_common.plan.replica import PlanNotLoaded
from lode_common.runtime import ServiceRuntime
from lode_monitoring.adapters.tables import Finding, Mine, Report, ReservesReport
from lode_monitoring.container import Monitoring
from lode_monitoring.domain.finding import Finding as DomainFinding
from lode_monitoring.domain.finding import FindingCode
from lode_monitoring.domain.findings import missing_reports
from lode_monitoring.domain.reserves_rules import missing_reserves_reports
from lode_monitoring.handlers.finding_store import settle
from lode_monitoring.handlers.listings import check_listings
from lode_monitoring.handlers.reports import view_of

log = structlog.get_logger(__name__)
ACTOR = "system:deadline"


async def _settle(
    uow: UnitOfWork, code: FindingCode, found: list[DomainFinding], closing_note: str
) -> tuple[int, int]:
    """Open and close the findings of one deadline code (its open findings are the scope)."""
    query = select(Finding).where(col(Finding.status) == "open", col(Finding.code) == code)
    open_rows = list((await uow.session.execute(query)).scalars())
    return settle(uow, open_rows, found, actor=ACTOR, closing_note=closing_note)


async def check_deadlines(
    runtime: ServiceRuntime, today: date | datetime | None = None
) -> tuple[int, int]:
    """One pass over the service's plan: (findings opened, findings closed)."""
    service = Monitoring.of(runtime)
    now = today or datetime.now(UTC)
    async with runtime.uow() as uow:
        session = uow.session
        try:
            standards = await service.standards.require(await service.plan_id(session), session)
        except PlanNotLoaded:
            return 0, 0
        first_year = standards.plan_period[0]
        mines = [view_of(m) for m in (await session.execute(select(Mine))).scalars()]
        filed = list(
            (
                await session.execute(select(Report).where(col(Report.is_current).is_(True)))
            ).scalars()
        )
        reserves_filed = {
            (row.licence_no, row.year)
            for row in await session.execute(
                select(col(ReservesReport.licence_no), col(ReservesReport.year)).where(
                    col(ReservesReport.is_current).is_(True)
                )
            )
        }
        annual = missing_reports(
            mines,
            filed,
            now,
            due=service.settings.annual_report_due_on(),
            first_year=first_year,
            standards=standards,
        )
        reserves = missing_reserves_reports(
            mines,
            reserves_filed,
            now,
            service.settings.reserves_policy(),
            first_year=first_year,
        )
        opened, closed = await _settle(
            uow, "annual_report_missing", annual, "the annual report has been filed"
        )
        more_opened, more_closed = await _settle(
            uow, "reserves_report_missing", reserves, "the reserves report has been filed"
        )
        opened, closed = opened + more_opened, closed + more_closed
        await uow.commit()
    if opened or closed:
        log.info("report deadlines checked", opened=opened, closed=closed)
    return opened, closed


async def daily_deadlines(runtime: ServiceRuntime) -> None:
    """Background job: at start, then every ``daily_pass_interval_s`` (an hour by default;
    the deadline is a date).
    After the findings, the supervision lists: an enterprise whose annual report is missing
    after the deadline goes on the abnormal list (异常名录) once per year, and a
    serious-violation term that ended is released (期满): :func:`.listings.check_listings`."""
    interval = Monitoring.of(runtime).settings.daily_pass_interval_s
    while True:
        await check_deadlines(runtime)
        await check_listings(runtime)
        await asyncio.sleep(interval)
