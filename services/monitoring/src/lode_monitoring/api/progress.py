"""Exploration results (新增资源量) and the progress of the plan's projects (规划项目进展).

Errors are raised, not translated here: :mod:`.problems` answers them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlmodel import col

from lode_common.errors import Forbidden, InvalidInput
from lode_common.http import CurrentPrincipal, UoW
from lode_common.json_body import parse_json
from lode_common.limits import CODE_MAX
from lode_common.openapi import problems, request_body
from lode_monitoring.adapters.tables import Mine, ProjectProgress
from lode_monitoring.api.deps import ANYONE, MINE_OR_STAFF, STAFF, Service
from lode_monitoring.api.schemas import (
    ExplorationRecorded,
    ExplorationResultBody,
    ProgressPage,
    ProgressRecorded,
    ProjectProgressBody,
)
from lode_monitoring.domain.periods import cst_date
from lode_monitoring.domain.report import parse_exploration_result, parse_project_progress
from lode_monitoring.handlers import progress as progress_store
from lode_monitoring.handlers.reports import view_of

router = APIRouter(prefix="/monitoring/v1", tags=["exploration and projects"])


async def _json(request: Request) -> Any:
    return parse_json(await request.body())


@router.post(
    "/exploration-results",
    dependencies=[MINE_OR_STAFF],
    status_code=201,
    response_model=ExplorationRecorded,
    responses=problems(413, 415, 503),
    openapi_extra=request_body(ExplorationResultBody),
    summary="New resources proven (an exploration licence holder's key, or staff)",
)
async def report_exploration(
    request: Request, service: Service, uow: UoW, principal: CurrentPrincipal
) -> dict[str, Any]:
    """A result with a licence needs an exploration licence (探矿权) of the result's mineral
    (422 naming ``licence_no`` or ``mineral`` otherwise). A key for a licence that is not
    its enterprise's gets 403 whether or not the licence exists; staff naming a licence
    monitoring does not know get 422."""
    body = await _json(request)
    session = uow.session
    licence_no = body.get("licence_no") if isinstance(body, dict) else None
    known = isinstance(licence_no, str) and len(licence_no) <= CODE_MAX
    mine = await session.get(Mine, licence_no) if known else None
    if not principal.is_staff:
        if not isinstance(licence_no, str):
            raise InvalidInput.field("licence_no", "required when reporting with a mine's key")
        if mine is None or mine.holder_credit_code != principal.enterprise:
            raise Forbidden(
                "不属于本企业的许可证 — a key reports results only for its own enterprise's "
                "exploration licences (GET /monitoring/v1/mines lists them)."
            )
    result = parse_exploration_result(
        body,
        standards=await service.standards.require(await service.plan_id(session), session),
        today=cst_date(datetime.now(UTC)),
        licence=view_of(mine) if mine else None,
    )
    if result.licence_no is not None and mine is None:
        raise InvalidInput.field(
            "licence_no",
            f"unknown licence {result.licence_no}: no such licence has reached monitoring; "
            "give an exploration licence's number, or none for a survey no licence covers",
        )
    row = progress_store.record_exploration(uow, result, actor=principal.subject)
    await uow.commit()
    return {
        "id": row.id,
        "year": row.year,
        "mineral": row.mineral,
        "new_resources_ore_10kt": float(row.new_resources_ore_10kt),
        "licence_no": row.licence_no,
    }


@router.post(
    "/projects/{project_id}/progress",
    dependencies=[STAFF],
    status_code=201,
    response_model=ProgressRecorded,
    responses=problems(413, 415, 503),
    openapi_extra=request_body(ProjectProgressBody),
    summary="Progress of one of the plan's projects (staff)",
)
async def report_progress(
    project_id: str, request: Request, service: Service, uow: UoW, principal: CurrentPrincipal
) -> dict[str, Any]:
    body = await _json(request)
    standards = await service.standards.require(await service.plan_id(uow.session), uow.session)
    progress = parse_project_progress(
        project_id, body, standards=standards, today=cst_date(datetime.now(UTC))
    )
    row = progress_store.record_progress(uow, progress, actor=principal.subject)
    await uow.commit()
    return {
        "id": row.id,
        "project_id": row.project_id,
        "year": row.year,
        "completed_sheets": row.completed_sheets,
        "restored_area_ha": float(row.restored_area_ha)
        if row.restored_area_ha is not None
        else None,
        "site": row.site,
    }


@router.get(
    "/projects/{project_id}/progress",
    dependencies=[ANYONE],
    response_model=ProgressPage,
    summary="A project's progress, year by year",
)
async def project_progress(project_id: str, service: Service) -> dict[str, Any]:
    async with service.runtime.sessions() as session:
        rows = list(
            (
                await session.execute(
                    select(ProjectProgress)
                    .where(col(ProjectProgress.project_id) == project_id)
                    .order_by(col(ProjectProgress.year))
                )
            ).scalars()
        )
    items = [
        {
            "id": r.id,
            "year": r.year,
            "completed_sheets": r.completed_sheets,
            "restored_area_ha": float(r.restored_area_ha)
            if r.restored_area_ha is not None
            else None,
            "site": r.site,
        }
        for r in rows
    ]
    return {"items": items, "total": len(items)}
