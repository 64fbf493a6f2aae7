"""``/licensing/v1/applications``: submit, read, review, forward, decide, withdraw."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlmodel import col

from lode_common import idempotency
from lode_common.auth import Principal
from lode_common.errors import Conflict, Forbidden, InvalidInput
from lode_common.http import MAX_OFFSET, CurrentPrincipal, Runtime, UoW
from lode_common.json_body import json_object
from lode_common.limits import STRICT_BODY, Text
from lode_licensing.adapters.tables import Application, ApplicationStep
from lode_licensing.api import views
from lode_licensing.api.deps import (
    ANYONE,
    APPLICANT_OR_OFFICER,
    HANDLED,
    OFFICER,
    IsoDate,
    LicenceNo,
    committed,
    problem,
)
from lode_licensing.domain import workflow
from lode_licensing.domain.licence import cst_today
from lode_licensing.handlers import applications
from lode_licensing.handlers.applications import UnknownApplication
from lode_licensing.wiring import Licensing, licensing_of

router = APIRouter(prefix="/licensing/v1/applications", tags=["applications"])


ApplicationId = Annotated[
    str, Path(max_length=36, pattern="^[A-Za-z0-9-]+$", description="the application's id")
]


class Review(BaseModel):
    model_config = STRICT_BODY

    outcome: Literal["accept", "reject"]
    reason: Annotated[Text, Field(min_length=2, description="kept with the application")]


class Decision(BaseModel):
    model_config = STRICT_BODY

    decision: Literal["approved", "rejected"]
    licence_no: LicenceNo | None = Field(None, description="required on approval: ^[CT][0-9]{22}$")
    valid_from: IsoDate | None = Field(None, description="ISO date, required on approval")
    valid_to: IsoDate | None = Field(
        None, description="ISO date, required on approval; not already past (CST)"
    )
    reason: Text | None = None


class Forward(BaseModel):
    """A forward carries nothing (the application is sent as it stands): ``{}`` or no body."""

    model_config = STRICT_BODY


class Withdrawal(BaseModel):
    model_config = STRICT_BODY

    reason: Text | None = None


def _service(runtime: Any) -> Licensing:
    return licensing_of(runtime)


async def _own(runtime: Any, application_id: str, principal: Principal) -> Application:
    async with runtime.sessions() as session:
        try:
            row = await applications.load(session, application_id)
        except UnknownApplication as error:
            raise problem(error) from None
    if not applications.may_see(principal, row):
        raise Forbidden(
            "This application belongs to another enterprise; you may only see your own."
        )
    return row


async def _view(
    runtime: Any, application_id: str, viewer: Principal | None = None
) -> dict[str, Any]:
    async with runtime.sessions() as session:
        row = await applications.load(session, application_id)
        steps = list(
            (
                await session.execute(
                    select(ApplicationStep)
                    .where(col(ApplicationStep.application_id) == application_id)
                    .order_by(col(ApplicationStep.id))
                )
            ).scalars()
        )
    return views.application(row, steps, viewer=viewer)


@router.post(
    "",
    dependencies=[APPLICANT_OR_OFFICER],
    status_code=201,
    summary="Submit an application; the plan checks run at once",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
async def submit(
    request: Request,
    runtime: Runtime,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: Annotated[
        str | None, Header(description="retry safely: the same key and body, one application")
    ] = None,
) -> JSONResponse:
    raw = await request.body()
    key = idempotency.checked_key(idempotency_key)
    scope = f"{principal.subject}|{principal.enterprise or ''}"  # a key is the caller's own
    digest = idempotency.fingerprint("POST", request.url.path, raw)
    if key is not None:
        earlier = await idempotency.replay(uow.session, scope=scope, key=key, request_hash=digest)
        if earlier is not None:
            view = await _view(runtime, earlier[1]["application_id"], principal)
            return JSONResponse(view, status_code=earlier[0])
    body = json_object(raw, "application")
    service = _service(runtime)
    today = cst_today(datetime.now(UTC))
    # Validate, then ask zoning about the area, before anything is written: an area zoning
    # refuses is a 422 naming what is wrong; zoning unreachable leaves it pending_checks.
    try:
        async with runtime.sessions() as session:
            app = await applications.validate(
                session, body, principal=principal, plan_id=service.plan_id, today=today
            )
        analysed = await applications.analyse_area(service.zoning, app)
    except HANDLED as error:
        raise problem(error) from None
    async with committed(uow):
        row = await applications.submit(
            uow,
            body,
            principal=principal,
            plan_id=service.plan_id,
            today=today,
        )
        if key is not None:  # remembered with the application, in the same transaction
            idempotency.remember(
                uow.session,
                scope=scope,
                key=key,
                request_hash=digest,
                status_code=201,
                response={"application_id": row.id},
            )
    await applications.run_pending_checks(runtime, service.zoning, row.id, analysed=analysed)
    return JSONResponse(await _view(runtime, row.id, principal), status_code=201)


@router.get("", dependencies=[ANYONE], summary="Applications, newest first")
async def list_applications(
    runtime: Runtime,
    principal: CurrentPrincipal,
    status: Annotated[str | None, Query(max_length=20, pattern="^[a-z_]+$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    query = select(Application)
    if status:
        if status not in workflow.APPLICATION_STATUSES:
            raise InvalidInput.field("status", f"one of {', '.join(workflow.APPLICATION_STATUSES)}")
        query = query.where(col(Application.status) == status)
    if not principal.is_staff:
        query = query.where(col(Application.applicant_credit_code) == principal.enterprise)
    async with runtime.sessions() as session:
        total = (
            await session.execute(select(func.count()).select_from(query.subquery()))
        ).scalar_one()
        rows = (
            await session.execute(
                query.order_by(col(Application.submitted_at).desc()).offset(offset).limit(limit)
            )
        ).scalars()
        items = [views.application(r, viewer=principal) for r in rows]
    return {"items": items, "total": total}


@router.get("/{application_id}", dependencies=[ANYONE], summary="One application, with its steps")
async def get_application(
    application_id: ApplicationId, runtime: Runtime, principal: CurrentPrincipal
) -> dict[str, Any]:
    await _own(runtime, application_id, principal)
    return await _view(runtime, application_id, principal)


@router.post(
    "/{application_id}/review",
    dependencies=[OFFICER],
    summary="Settle a needs_review verdict: accept or reject, with a reason",
)
async def review(
    application_id: ApplicationId,
    body: Review,
    runtime: Runtime,
    uow: UoW,
    principal: CurrentPrincipal,
) -> dict[str, Any]:
    async with committed(uow):
        await applications.move(
            uow,
            application_id,
            lambda s: workflow.review(
                s,
                body.outcome,
                body.reason,
                actor=principal.subject,
                role=applications.role_of(principal),
                at=datetime.now(UTC),
            ),
        )
    return await _view(runtime, application_id)


@router.post(
    "/{application_id}/forward",
    dependencies=[OFFICER],
    summary="Send an eligible (or accepted) application to the province platform",
)
async def forward(
    application_id: ApplicationId,
    runtime: Runtime,
    uow: UoW,
    principal: CurrentPrincipal,
    body: Annotated[Forward | None, Body()] = None,
) -> dict[str, Any]:
    service = _service(runtime)
    if service.province is None:
        raise Conflict(
            "No province approval platform is configured (LODE_PROVINCE_URL); "
            f"enter the decision with POST /licensing/v1/applications/"
            f"{application_id}/decision instead."
        )
    async with committed(uow):
        await applications.forward(
            uow, application_id, actor=principal.subject, role=applications.role_of(principal)
        )
    service.wake()
    return await _view(runtime, application_id)


@router.post(
    "/{application_id}/decision",
    dependencies=[OFFICER],
    summary="Enter the decision locally (no province platform)",
)
async def decide(
    application_id: ApplicationId,
    body: Decision,
    runtime: Runtime,
    uow: UoW,
    principal: CurrentPrincipal,
) -> dict[str, Any]:
    async with committed(uow):
        await applications.decide(
            uow,
            application_id,
            body.model_dump(mode="json"),
            actor=principal.subject,
            role=applications.role_of(principal),
            by_province=False,
            today=cst_today(datetime.now(UTC)),
        )
    return await _view(runtime, application_id)


@router.post(
    "/{application_id}/withdraw",
    dependencies=[APPLICANT_OR_OFFICER],
    summary="Withdraw an application that is not decided yet",
)
async def withdraw(
    application_id: ApplicationId,
    body: Withdrawal,
    runtime: Runtime,
    uow: UoW,
    principal: CurrentPrincipal,
) -> dict[str, Any]:
    await _own(runtime, application_id, principal)
    async with committed(uow):
        await applications.move(
            uow,
            application_id,
            lambda s: workflow.withdraw(
                s,
                actor=principal.subject,
                role=applications.role_of(principal),
                at=datetime.now(UTC),
                note=body.reason,
            ),
        )
    return await _view(runtime, application_id, principal)
