"""``/monitoring/v1/reports`` and ``/monitoring/v1/findings``: mines report with their keys,
get their findings in the answer, correct by new versions; inspectors close findings.

Errors are raised, not translated here: :mod:`.problems` answers them."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import structlog
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy import select
from sqlmodel import col

from lode_common import auth, idempotency
from lode_common.errors import Conflict, NotFound
from lode_common.http import MAX_OFFSET, CurrentPrincipal, UoW, runtime_of
from lode_common.json_body import json_object
from lode_common.limits import IDEMPOTENCY_KEY_MAX, NAME_MAX, YEAR_MAX, YEAR_MIN
from lode_common.openapi import problems, request_body
from lode_monitoring.adapters.tables import Finding, Report
from lode_monitoring.api.deps import ANYONE, INSPECTOR, MINE_OR_STAFF, Service
from lode_monitoring.api.schemas import (
    Closing,
    CorrectionBody,
    FindingPage,
    FindingView,
    OutputReportBody,
    ReportAccepted,
    ReportHistory,
    ReportPage,
)
from lode_monitoring.api.visibility import (
    LicenceNoQuery,
    current_versions,
    licences_matching,
    own_licences,
    own_versions,
    page,
    text_filter,
    text_query,
)
from lode_monitoring.container import Monitoring
from lode_monitoring.domain.finding import FindingCode, Severity
from lode_monitoring.domain.periods import cst_date
from lode_monitoring.handlers import finding_store, intake, reports

router = APIRouter(prefix="/monitoring/v1", tags=["reports and findings"])


def _body(raw: bytes) -> dict[str, Any]:
    return json_object(raw, "report")


def _answer(accepted: reports.Accepted) -> dict[str, Any]:
    return {
        "id": accepted.report.id,
        "version": accepted.report.version,
        "licence_no": accepted.report.licence_no,
        "year": accepted.report.year,
        "period": accepted.report.period,
        "findings": accepted.findings,
    }


class DirectRoute(APIRoute):
    """A route whose endpoint takes the request and returns the response itself: FastAPI
    solves no dependencies and serialises nothing (it still documents the route)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint: Callable[[Request], Coroutine[Any, Any, Response]] = self.endpoint
        return endpoint


hot_router = APIRouter(prefix="/monitoring/v1", tags=["reports and findings"])
hot_router.route_class = DirectRoute
"""The report intake alone, first among the service's routes (matched first)."""

REPORTERS = (auth.MINE, *sorted(auth.STAFF_ROLES))
SUBMIT_OPENAPI = {
    **request_body(OutputReportBody),
    "security": [{"HTTPBearer": []}],
    "parameters": [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "schema": {
                "type": "string",
                "minLength": 1,
                "maxLength": IDEMPOTENCY_KEY_MAX,
                "pattern": r"\S",
            },
            "description": "the same key and body return the first answer again",
        }
    ],
}


@hot_router.post(
    "/reports",
    status_code=201,
    response_model=ReportAccepted,
    responses=problems(409, 413, 415, 503),
    openapi_extra=SUBMIT_OPENAPI,
    summary="Report output and the three rates for a licence (the mine's key)",
)
async def submit_report(request: Request) -> JSONResponse:
    """The hot path: no FastAPI dependencies (the caller is authenticated and its role
    checked here, as ``requires`` would), two statements on the database
    (:mod:`lode_monitoring.handlers.intake`). A key for a licence that is not its
    enterprise's gets 403 whether or not the licence exists."""
    runtime = runtime_of(request)
    service = Monitoring.of(runtime)
    principal = await runtime.authenticator.authenticate(request.headers.get("authorization"))
    structlog.contextvars.bind_contextvars(principal=principal.subject)
    auth.require_role(principal, *REPORTERS)
    raw = await request.body()
    key = idempotency.checked_key(request.headers.get("idempotency-key"))
    remember: intake.Remember | None = None
    if key is not None:
        scope = f"{principal.subject}|{principal.enterprise or ''}"
        digest = idempotency.fingerprint("POST", request.url.path, raw)
        async with runtime.sessions() as session:
            earlier = await idempotency.replay(session, scope=scope, key=key, request_hash=digest)
        if earlier is not None:
            return JSONResponse(earlier[1], status_code=earlier[0])
        remember = intake.Remember(scope, key, digest)
    accepted = await intake.submit_report(
        service,
        _body(raw),
        principal=principal,
        today=cst_date(datetime.now(UTC)),
        remember=remember,
    )
    return JSONResponse(accepted.answer, status_code=201)


@router.put(
    "/reports/{report_id}",
    dependencies=[MINE_OR_STAFF],
    response_model=ReportAccepted,
    responses=problems(404, 413, 415, 503),
    openapi_extra=request_body(CorrectionBody),
    summary="Correct a report: a new version (the old one kept); 'reason' required",
)
async def correct_report(
    report_id: str, request: Request, service: Service, uow: UoW, principal: CurrentPrincipal
) -> dict[str, Any]:
    """The caller's ownership of the report is checked first: a key for another
    enterprise's report gets 403, naming nothing of it, whatever the body."""
    raw = await request.body()
    target = await reports.correctable(uow.session, report_id, principal)
    accepted = await reports.correct(
        uow,
        target,
        _body(raw),
        principal=principal,
        standards=await service.standards.require(await service.plan_id(uow.session), uow.session),
        today=cst_date(datetime.now(UTC)),
    )
    await uow.commit()
    return _answer(accepted)


def _report_view(row: Report) -> dict[str, Any]:
    return {
        "id": row.id,
        "version": row.version,
        "current": row.is_current,
        "licence_no": row.licence_no,
        "year": row.year,
        "period": row.period,
        "body": row.body,
        "reason": row.reason,
        "submitted_by": row.submitted_by,
        "submitted_at": row.submitted_at.isoformat(),
        "illustrative": row.illustrative,
    }


@router.get(
    "/reports/{report_id}",
    dependencies=[ANYONE],
    response_model=ReportHistory,
    response_model_exclude_unset=True,  # a body shows the fields that were sent
    responses=problems(404),
    summary="A report, every version (the current one last)",
)
async def get_report(
    report_id: str, service: Service, principal: CurrentPrincipal
) -> dict[str, Any]:
    rows = await own_versions(
        service, Report, report_id, principal, missing=f"There is no report {report_id}."
    )
    return {"id": report_id, "versions": [_report_view(r) for r in rows]}


@router.get(
    "/reports",
    dependencies=[ANYONE],
    response_model=ReportPage,
    response_model_exclude_unset=True,  # a body shows the fields that were sent
    summary="Reports (current versions)",
)
async def list_reports(
    service: Service,
    principal: CurrentPrincipal,
    licence_no: LicenceNoQuery = None,
    year: Annotated[int | None, Query(ge=YEAR_MIN, le=YEAR_MAX)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    rows, total = await page(
        service,
        current_versions(Report, principal, licence_no=licence_no, year=year),
        col(Report.licence_no),
        col(Report.year),
        offset=offset,
        limit=limit,
    )
    return {"items": [_report_view(r) for r in rows], "total": total}


def _finding_view(row: Finding) -> dict[str, Any]:
    return {
        "id": row.id,
        "licence_no": row.licence_no,
        "code": row.code,
        "severity": row.severity,
        "message": row.message,
        "standard": row.standard,
        "year": row.year,
        "status": row.status,
        "details": row.details,
        "opened_at": row.opened_at.isoformat(),
        "report_id": row.report_id,
        "closed_at": row.closed_at.isoformat() if row.closed_at else None,
        "closed_by": row.closed_by,
        "note": row.note,
    }


@router.get(
    "/findings",
    dependencies=[ANYONE],
    response_model=FindingPage,
    summary="Findings (a mine's key sees its own)",
)
async def list_findings(
    service: Service,
    principal: CurrentPrincipal,
    year: Annotated[int | None, Query(ge=YEAR_MIN, le=YEAR_MAX)] = None,
    licence_no: LicenceNoQuery = None,
    status: Literal["open", "closed"] | None = None,
    code: Annotated[FindingCode | None, Query(description="the rule that found it")] = None,
    severity: Annotated[Severity | None, Query(description="提示 / 警告 / 违规")] = None,
    q: Annotated[
        str | None,
        text_query(NAME_MAX, "part of the licence number, or of the holder's name or credit code"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    text = text_filter("q", q)
    query = select(Finding)
    if year:
        query = query.where(col(Finding.year) == year)
    if licence_no:
        query = query.where(col(Finding.licence_no) == licence_no)
    if status:
        query = query.where(col(Finding.status) == status)
    if code:
        query = query.where(col(Finding.code) == code)
    if severity:
        query = query.where(col(Finding.severity) == severity)
    if text:
        query = query.where(
            col(Finding.licence_no).icontains(text, autoescape=True)
            | col(Finding.licence_no).in_(licences_matching(text))
        )
    if not principal.is_staff:
        query = query.where(col(Finding.licence_no).in_(own_licences(principal)))
    rows, total = await page(
        service, query, col(Finding.opened_at).desc(), offset=offset, limit=limit
    )
    return {"items": [_finding_view(r) for r in rows], "total": total}


@router.post(
    "/findings/{finding_id}/close",
    dependencies=[INSPECTOR],
    response_model=FindingView,
    responses=problems(404, 409, 413, 415),
    summary="Close a finding with a note (整改完成)",
)
async def close_finding(
    finding_id: str, body: Closing, uow: UoW, principal: CurrentPrincipal
) -> dict[str, Any]:
    row = await uow.session.get(Finding, finding_id, with_for_update=True)
    if row is None:
        raise NotFound(f"There is no finding {finding_id}; GET /monitoring/v1/findings lists them.")
    if row.status != "open":
        raise Conflict(f"Finding {finding_id} is already closed.", current_state=row.status)
    finding_store.close_finding(uow, row, actor=principal.subject, note=body.note)
    await uow.commit()
    return _finding_view(row)
