"""Loads the illustrative demo reports and reserves reports (``LODE_DEMO=1``) once the plan
and the demo mines have arrived, through the same code as a mine's own (findings, events)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import structlog
from sqlalchemy import func, select
from sqlmodel import col

from lode_common.auth import ADMIN, STAFF_ROLES, Principal
from lode_common.plan.replica import PlanNotLoaded
from lode_common.runtime import ServiceRuntime
from lode_monitoring.adapters.tables import Mine, Report, ReservesReport
from lode_monitoring.container import Monitoring
from lode_monitoring.demo import DemoData, DemoLicence, demo_reports
from lode_monitoring.demo_reserves import reserves_reports
from lode_monitoring.domain.periods import cst_date
from lode_monitoring.domain.report import parse_exploration_result, parse_project_progress
from lode_monitoring.domain.standards import MonitoringStandards
from lode_monitoring.handlers import intake, reserves
from lode_monitoring.handlers.deadlines import check_deadlines
from lode_monitoring.handlers.progress import record_exploration, record_progress

log = structlog.get_logger(__name__)
DEMO = Principal("demo", STAFF_ROLES | {ADMIN})
DEMO_MINES = 66  # the licensing demo register: the 63 of 2020 and the 3 quarries granted since


async def load_demo_reports(runtime: ServiceRuntime) -> None:
    """Once the plan and the 66 demo mines have arrived: the output reports, exploration
    results and project progress (unless loaded before), then the reserves reports
    (unless loaded before), then one pass of the deadline job."""
    if not runtime.settings.demo:
        return
    service = Monitoring.of(runtime)
    while True:
        async with runtime.sessions() as session:
            reports_loaded = (
                await session.execute(
                    select(func.count()).where(col(Report.illustrative).is_(True))
                )
            ).scalar_one()
            reserves_loaded = (
                await session.execute(
                    select(func.count()).where(col(ReservesReport.illustrative).is_(True))
                )
            ).scalar_one()
            if reports_loaded and reserves_loaded:
                return
            mines = list(
                (
                    await session.execute(select(Mine).where(col(Mine.illustrative).is_(True)))
                ).scalars()
            )
            try:
                standards = await service.standards.require(await service.plan_id(session), session)
            except PlanNotLoaded:
                standards = None
        if standards is not None and len(mines) >= DEMO_MINES:
            break
        await asyncio.sleep(0.5)
    licences = [
        DemoLicence(
            licence_no=m.licence_no,
            holder_credit_code=m.holder_credit_code,
            mineral=m.mineral,
            mining_method=m.mining_method,
            capacity_value=m.capacity_value,
            capacity_unit=m.capacity_unit,
            scale=m.scale,  # type: ignore[arg-type]
            valid_from=m.valid_from,
            valid_to=m.valid_to,
        )
        for m in mines
    ]
    data = await asyncio.to_thread(demo_reports, licences)
    today = cst_date(datetime.now(UTC))
    if not reports_loaded:
        await _load_reports(service, data, standards, today)
    if not reserves_loaded:
        bodies = reserves_reports(licences, data, standards.min_service_years.years)
        judged = reserves.Judged(standards, service.settings.reserves_policy(), today)
        for body in bodies:
            async with runtime.uow() as uow:
                await reserves.file_reserves(uow, body, judged, principal=DEMO, illustrative=True)
                await uow.commit()
        log.info("illustrative demo reserves reports loaded", reserves_reports=len(bodies))
    await check_deadlines(runtime)


async def _load_reports(
    service: Monitoring, data: DemoData, standards: MonitoringStandards, today: date
) -> None:
    runtime = service.runtime
    for body in data.reports:
        await intake.submit_report(service, body, principal=DEMO, today=today, illustrative=True)
    async with runtime.uow() as uow:
        for body in data.exploration_results:
            result = parse_exploration_result(body, standards=standards, today=today)
            record_exploration(uow, result, actor=DEMO.subject)
        for progress_body in data.project_progress:
            progress = parse_project_progress(
                progress_body.project_id, progress_body.body, standards=standards, today=today
            )
            record_progress(uow, progress, actor=DEMO.subject)
        await uow.commit()
    log.info("illustrative demo reports loaded", reports=len(data.reports))
