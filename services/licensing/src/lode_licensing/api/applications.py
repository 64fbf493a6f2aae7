"""``/licensing/v1/applications``: submit, read, review, forward, decide, withdraw."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlmodel import col

from lode_common import idempotency
from lode_common.auth import Principal
from lode_common.errors import Conflict, Forbidden
from lode_common.http import CurrentPrincipal, UoW
from lode_common.json_body import json_object
from lode_common.limits import CODE_MAX, IDEMPOTENCY_KEY_MAX, NAME_MAX, STRICT_BODY, Text
from lode_common.openapi import HandReadBody, problems, request_body
from lode_licensing.adapters.tables import Application, ApplicationStep
from lode_licensing.api import views
from lode_licensing.api.answers import Applications, ApplicationWithSteps
from lode_licensing.api.application_body import ApplicationBody
from lode_licensing.api.application_filters import Awaiting, application_filters
from lode_licensing.api.deps import (
    ANYONE,
    APPLICANT_OR_OFFICER,
    OFFICER,
    IsoDate,
    LicenceNo,
    Service,
)
from lode_licensing.api.paging import Offset, page, safe_text, text_query
from lode_licensing.container import Licensing
from lode_licensing.domain import workflow
from lode_licensing.domain.licence import cst_today
from lode_licensing.domain.vocabulary import ApplicationKind, RightType, Verdict
from lode_licensing.handlers import applications

router = APIRouter(prefix="/licensing/v1/applications", tags=["applications"])


SUBMITTED = HandReadBody(
    "ApplicationBody",
    ApplicationBody,
    description="an application, by kind (new, renewal, change, transfer, cancellation); "
    "checked against the plan in force, every refused field named at once",
)
"""The application's body: read from the bytes (its idempotency fingerprint is of them)."""

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


async def _own(service: Licensing, application_id: str, principal: Principal) -> Application:
    async with service.runtime.sessions() as session:
        row = await applications.load(session, application_id)
    if not applications.may_see(principal, row):
        raise Forbidden(
            "This application belongs to another enterprise; you may only see your own."
        )
    return row


async def _view(
    service: Licensing, application_id: str, viewer: Principal | None = None
) -> dict[str, Any]:
    async with service.runtime.sessions() as session:
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
    response_model=ApplicationWithSteps,
    responses=problems(409, 413, 503),
    openapi_extra=request_body(SUBMITTED),
)
async def submit(
    request: Request,
    service: Service,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=IDEMPOTENCY_KEY_MAX,
            pattern=r"\S",
            description="retry safely: the same key and body, one application",
        ),
    ] = None,
) -> JSONResponse:
    raw = await request.body()
    key = idempotency.checked_key(idempotency_key)
    scope = f"{principal.subject}|{principal.enterprise or ''}"  # a key is the caller's own
    digest = idempotency.fingerprint("POST", request.url.path, raw)
    if key is not None:
        earlier = await idempotency.replay(uow.session, scope=scope, key=key, request_hash=digest)
        if earlier is not None:
            view = await _view(service, earlier[1]["application_id"], principal)
            return JSONResponse(view, status_code=earlier[0])
    body = json_object(raw, "application")
    today = cst_today(datetime.now(UTC))
    # Validate, then ask zoning about the area, before anything is written: an area zoning
    # refuses is a 422 naming what is wrong; zoning unreachable leaves it pending_checks.
    async with service.runtime.sessions() as session:
        app = await applications.validate(
            session,
            body,
            principal=principal,
            rules=service.rules,
            plan_id=service.plan_id,
            today=today,
        )
    analysed = await applications.analyse_area(service.zoning, app)
    row = await applications.submit(
        uow, body, principal=principal, rules=service.rules, plan_id=service.plan_id, today=today
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
    await uow.commit()
    await applications.run_pending_checks(service, row.id, analysed=analysed)
    return JSONResponse(await _view(service, row.id, principal), status_code=201)


@router.get(
    "",
    dependencies=[ANYONE],
    summary="Applications, newest first",
    response_model=Applications,
    response_model_exclude_unset=True,
)
async def list_applications(
    service: Service,
    principal: CurrentPrincipal,
    status: workflow.ApplicationStatus | None = None,
    kind: ApplicationKind | None = None,
    right_type: RightType | None = None,
    mineral: Annotated[str | None, text_query(CODE_MAX, "the mineral, exactly")] = None,
    verdict: Verdict | None = None,
    q: Annotated[
        str | None,
        text_query(
            NAME_MAX,
            "part of the id, the applicant's name or credit code, or the licence number "
            "(either case)",
        ),
    ] = None,
    awaiting: Annotated[
        Awaiting | None,
        Query(
            description="what an officer may do next, as the workflow allows it: review "
            "(a needs_review verdict), forward (to the province platform), decision (entered "
            "locally)"
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    query = select(Application).where(
        *application_filters(
            status=status,
            kind=kind,
            right_type=right_type,
            mineral=safe_text("mineral", mineral),
            verdict=verdict,
            q=safe_text("q", q),
            awaiting=awaiting,
        )
    )
    if not principal.is_staff:
        query = query.where(col(Application.applicant_credit_code) == principal.enterprise)
    async with service.runtime.sessions() as session:
        rows, total = await page(
            session, query, col(Application.submitted_at).desc(), offset=offset, limit=limit
        )
        items = [views.application(r, viewer=principal) for r in rows]
    return {"items": items, "total": total}


@router.get(
    "/{application_id}",
    dependencies=[ANYONE],
    summary="One application, with its steps",
    response_model=ApplicationWithSteps,
    response_model_exclude_unset=True,
    responses=problems(404),
)
async def get_application(
    application_id: ApplicationId, service: Service, principal: CurrentPrincipal
) -> dict[str, Any]:
    await _own(service, application_id, principal)
    return await _view(service, application_id, principal)


@router.post(
    "/{application_id}/review",
    dependencies=[OFFICER],
    summary="Settle a needs_review verdict: accept or reject, with a reason",
    response_model=ApplicationWithSteps,
    response_model_exclude_unset=True,
    responses=problems(404, 409),
)
async def review(
    application_id: ApplicationId,
    body: Review,
    service: Service,
    uow: UoW,
    principal: CurrentPrincipal,
) -> dict[str, Any]:
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
    await uow.commit()
    return await _view(service, application_id)


@router.post(
    "/{application_id}/forward",
    dependencies=[OFFICER],
    summary="Send an eligible (or accepted) application to the province platform",
    response_model=ApplicationWithSteps,
    response_model_exclude_unset=True,
    responses=problems(404, 409),
)
async def forward(
    application_id: ApplicationId,
    service: Service,
    uow: UoW,
    principal: CurrentPrincipal,
    body: Annotated[Forward | None, Body()] = None,
) -> dict[str, Any]:
    if service.province is None:
        raise Conflict(
            "No province approval platform is configured (LODE_PROVINCE_URL); "
            f"enter the decision with POST /licensing/v1/applications/"
            f"{application_id}/decision instead."
        )
    await applications.forward(
        uow, application_id, actor=principal.subject, role=applications.role_of(principal)
    )
    await uow.commit()
    service.wake()
    return await _view(service, application_id)


@router.post(
    "/{application_id}/decision",
    dependencies=[OFFICER],
    summary="Enter the decision locally (no province platform)",
    response_model=ApplicationWithSteps,
    response_model_exclude_unset=True,
    responses=problems(404, 409),
)
async def decide(
    application_id: ApplicationId,
    body: Decision,
    service: Service,
    uow: UoW,
    principal: CurrentPrincipal,
) -> dict[str, Any]:
    await applications.decide(
        uow,
        application_id,
        body.model_dump(mode="json"),
        rules=service.rules,
        actor=principal.subject,
        role=applications.role_of(principal),
        by_province=False,
        today=cst_today(datetime.now(UTC)),
    )
    await uow.commit()
    return await _view(service, application_id)


@router.post(
    "/{application_id}/withdraw",
    dependencies=[APPLICANT_OR_OFFICER],
    summary="Withdraw an application that is not decided yet",
    response_model=ApplicationWithSteps,
    response_model_exclude_unset=True,
    responses=problems(404, 409),
)
async def withdraw(
    application_id: ApplicationId,
    body: Withdrawal,
    service: Service,
    uow: UoW,
    principal: CurrentPrincipal,
) -> dict[str, Any]:
    await _own(service, application_id, principal)
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
    await uow.commit()
    return await _view(service, application_id, principal)
