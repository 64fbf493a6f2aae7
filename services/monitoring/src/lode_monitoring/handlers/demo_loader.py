"""Loads the illustrative demo reports (``LODE_DEMO=1``) once the plan and the demo mines
have arrived, through the same code as a mine's own reports (findings, events)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import structlog
from sqlalchemy import func, select
from sqlmodel import col

from lode_common.auth import ADMIN, STAFF_ROLES, Principal
from lode_common.events import catalog
from lode_common.runtime import ServiceRuntime
from lode_monitoring.adapters.tables import ExplorationResult, Mine, ProjectProgress, Report
from lode_monitoring.demo import DemoLicence, demo_reports
from lode_monitoring.domain.periods import cst_date
from lode_monitoring.domain.report import parse_exploration_result, parse_project_progress
from lode_monitoring.handlers import reports
from lode_monitoring.handlers.deadlines import check_deadlines

log = structlog.get_logger(__name__)
DEMO = Principal("demo", STAFF_ROLES | {ADMIN})
PLAN = "pingquan-2021-2025"
DEMO_MINES = 63  # the licensing demo register (the 2020 baseline)


async def load_demo_reports(runtime: ServiceRuntime) -> None:
    if not runtime.settings.demo:
        return
    while True:
        async with runtime.sessions() as session:
            if (
                await session.execute(
                    select(func.count()).where(col(Report.illustrative).is_(True))
                )
            ).scalar_one():
                return
            mines = list(
                (
                    await session.execute(select(Mine).where(col(Mine.illustrative).is_(True)))
                ).scalars()
            )
            try:
                standards = await reports.standards_in_force(session, PLAN)
            except reports.PlanNotLoaded:
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
    for body in data.reports:
        async with runtime.uow() as uow:
            await reports.submit(
                uow, body, principal=DEMO, plan_id=PLAN, today=today, illustrative=True
            )
            await uow.commit()
    async with runtime.uow() as uow:
        for body in data.exploration_results:
            result = parse_exploration_result(body, standards=standards, today=today)
            row = ExplorationResult(
                id=str(uuid.uuid4()),
                licence_no=result.licence_no,
                year=result.year,
                mineral=result.mineral_zh,
                new_resources_ore_10kt=result.new_resources_ore_10kt,
                submitted_by=DEMO.subject,
                submitted_at=datetime.now(UTC),
            )
            uow.session.add(row)
            uow.emit(
                catalog.ExplorationResultReported(
                    result_id=row.id,
                    licence_no=row.licence_no,
                    year=row.year,
                    mineral=row.mineral,
                    new_resources_ore_10kt=row.new_resources_ore_10kt,
                ),
                subject=row.id,
            )
        for progress_body in data.project_progress:
            progress = parse_project_progress(
                progress_body.project_id, progress_body.body, standards=standards, today=today
            )
            item = ProjectProgress(
                id=str(uuid.uuid4()),
                project_id=progress.project_id,
                year=progress.year,
                completed_sheets=progress.completed_sheets,
                restored_area_ha=progress.restored_area_ha,
                site=progress.site,
                submitted_by=DEMO.subject,
                submitted_at=datetime.now(UTC),
            )
            uow.session.add(item)
            uow.emit(
                catalog.ProjectProgressReported(
                    progress_id=item.id,
                    project_id=item.project_id,
                    year=item.year,
                    completed_sheets=item.completed_sheets,
                    restored_area_ha=item.restored_area_ha,
                    site=item.site,
                ),
                subject=item.project_id,
            )
        await uow.commit()
    log.info("illustrative demo reports loaded", reports=len(data.reports))
    await check_deadlines(runtime)
