"""``/monitoring/v1/reserves-reports``: mines file their annual reserves reports (储量年报)
with their keys, get the findings in the answer, and correct them by new versions.

Errors are raised, not translated here: :mod:`.errors` answers them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlmodel import col

from lode_common.http import MAX_OFFSET, CurrentPrincipal, UoW
from lode_common.json_body import json_object
from lode_common.jsonable import json_number
from lode_common.limits import CODE_MAX, YEAR_MAX, YEAR_MIN
from lode_common.openapi import problems, request_body
from lode_monitoring.adapters.tables import ReservesReport
from lode_monitoring.api.deps import ANYONE, MINE_OR_INSPECTOR, Service
from lode_monitoring.api.reserves_schemas import (
    ReservesCorrectionBody,
    ReservesFiled,
    ReservesHistory,
    ReservesPage,
    ReservesReportBody,
)
from lode_monitoring.api.visibility import current_versions, own_versions, page
from lode_monitoring.container import Monitoring
from lode_monitoring.domain.periods import cst_date
from lode_monitoring.handlers import reserves
from lode_monitoring.handlers.reserves import FIGURES

router = APIRouter(prefix="/monitoring/v1", tags=["reserves reports"])


async def _judged(service: Monitoring, uow: UoW) -> reserves.Judged:
    return reserves.Judged(
        standards=await service.standards.require(await service.plan_id(uow.session), uow.session),
        policy=service.settings.reserves_policy(),
        today=cst_date(datetime.now(UTC)),
    )


def _answer(filed: reserves.Filed) -> dict[str, Any]:
    row = filed.row
    return {
        "id": row.id,
        "version": row.version,
        "licence_no": row.licence_no,
        "year": row.year,
        "mineral": row.mineral,
        "findings": filed.findings,
    }


@router.post(
    "/reserves-reports",
    dependencies=[MINE_OR_INSPECTOR],
    status_code=201,
    response_model=ReservesFiled,
    responses=problems(409, 413, 415, 503),
    openapi_extra=request_body(ReservesReportBody),
    summary="File a reserves report (储量年报): the mine's key, or an inspector for it",
)
async def file_reserves_report(
    request: Request, service: Service, uow: UoW, principal: CurrentPrincipal
) -> dict[str, Any]:
    """The figures must balance (422 naming ``closing_10kt``, with ``balance``: the
    computed closing and the difference). A key for a licence that is not its
    enterprise's gets 403 whether or not the licence exists; a second report for the
    licence, year and mineral gets 409 naming the one to correct."""
    body = json_object(await request.body(), "reserves report")
    filed = await reserves.file_reserves(
        uow, body, await _judged(service, uow), principal=principal
    )
    await uow.commit()
    return _answer(filed)


@router.put(
    "/reserves-reports/{report_id}",
    dependencies=[MINE_OR_INSPECTOR],
    response_model=ReservesFiled,
    responses=problems(404, 413, 415, 503),
    openapi_extra=request_body(ReservesCorrectionBody),
    summary="Correct a reserves report: a new version (the old one kept); 'reason' required",
)
async def correct_reserves_report(
    report_id: str, request: Request, service: Service, uow: UoW, principal: CurrentPrincipal
) -> dict[str, Any]:
    """The caller's ownership of the report is checked first: a key for another
    enterprise's report gets 403, naming nothing of it, whatever the body."""
    raw = await request.body()
    target = await reserves.correctable(uow.session, report_id, principal)
    filed = await reserves.correct_reserves(
        uow,
        target,
        json_object(raw, "correction"),
        await _judged(service, uow),
        principal=principal,
    )
    await uow.commit()
    return _answer(filed)


def _view(row: ReservesReport) -> dict[str, Any]:
    return {
        "id": row.id,
        "version": row.version,
        "current": row.is_current,
        "licence_no": row.licence_no,
        "year": row.year,
        "mineral": row.mineral,
        **{name: json_number(getattr(row, name)) for name in FIGURES},
        "reason": row.reason,
        "submitted_by": row.submitted_by,
        "submitted_at": row.submitted_at.isoformat(),
        "illustrative": row.illustrative,
    }


@router.get(
    "/reserves-reports/{report_id}",
    dependencies=[ANYONE],
    response_model=ReservesHistory,
    responses=problems(404),
    summary="A reserves report, every version (the current one last)",
)
async def get_reserves_report(
    report_id: str, service: Service, principal: CurrentPrincipal
) -> dict[str, Any]:
    """A key sees its own enterprise's reports only (403 for another's)."""
    rows = await own_versions(
        service,
        ReservesReport,
        report_id[:CODE_MAX],
        principal,
        missing=(
            f"There is no reserves report {report_id[:CODE_MAX]}; "
            "GET /monitoring/v1/reserves-reports lists them."
        ),
    )
    return {"id": rows[0].id, "versions": [_view(r) for r in rows]}


@router.get(
    "/reserves-reports",
    dependencies=[ANYONE],
    response_model=ReservesPage,
    summary="Reserves reports (current versions; a mine's key sees its own)",
)
async def list_reserves_reports(
    service: Service,
    principal: CurrentPrincipal,
    licence_no: Annotated[str | None, Query(max_length=CODE_MAX)] = None,
    year: Annotated[int | None, Query(ge=YEAR_MIN, le=YEAR_MAX)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    rows, total = await page(
        service,
        current_versions(ReservesReport, principal, licence_no=licence_no, year=year),
        col(ReservesReport.licence_no),
        col(ReservesReport.year),
        col(ReservesReport.mineral),
        offset=offset,
        limit=limit,
    )
    return {"items": [_view(r) for r in rows], "total": total}
