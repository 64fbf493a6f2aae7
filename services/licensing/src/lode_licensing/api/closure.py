"""``/licensing/v1/licences/{licence_no}/closure-report`` and ``.../restoration-acceptance``:
the bureau records a mine's closure facts (闭坑), which the cancellation check decides by."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from lode_common import idempotency
from lode_common.auth import Principal
from lode_common.http import CurrentPrincipal, UoW
from lode_common.idempotency import IdempotencyKey
from lode_common.limits import STRICT_BODY, Name, Text
from lode_common.openapi import problems
from lode_licensing.api import views
from lode_licensing.api.closure_answers import ClosureAnswer
from lode_licensing.api.deps import OFFICER, IsoDate
from lode_licensing.api.licences import LicenceNoPath
from lode_licensing.domain.closure import ClosureFactKind
from lode_licensing.domain.licence import cst_today
from lode_licensing.handlers import closure
from lode_licensing.handlers.applications import role_of

router = APIRouter(prefix="/licensing/v1/licences", tags=["licences"])

Reference = Annotated[
    Name, Field(min_length=2, description="文号/编号 of the document, e.g. 平自然资闭〔2026〕3号")
]


class ClosureReportReceived(BaseModel):
    """The bureau received the mine's closure report (矿山闭坑报告)."""

    model_config = STRICT_BODY

    received_on: IsoDate = Field(description="the day it was received; not in the future (CST)")
    reference: Reference
    note: Text | None = Field(None, description="kept in the licence's history")


class RestorationAccepted(BaseModel):
    """The mine's geological-environment restoration (地质环境恢复治理) was accepted (验收)."""

    model_config = STRICT_BODY

    accepted_on: IsoDate = Field(description="the day it was accepted; not in the future (CST)")
    reference: Reference
    note: Text | None = Field(None, description="kept in the licence's history")


async def _record(
    request: Request,
    uow: UoW,
    principal: Principal,
    licence_no: str,
    kind: ClosureFactKind,
    body: ClosureReportReceived | RestorationAccepted,
    idempotency_key: str | None,
) -> JSONResponse:
    key = idempotency.checked_key(idempotency_key)
    scope = f"{principal.subject}|{principal.enterprise or ''}"
    digest = idempotency.fingerprint(
        "POST",
        request.url.path,
        json.dumps(body.model_dump(mode="json"), sort_keys=True, ensure_ascii=False).encode(),
    )
    if key is not None:
        earlier = await idempotency.replay(uow.session, scope=scope, key=key, request_hash=digest)
        if earlier is not None:
            return JSONResponse(earlier[1], status_code=earlier[0])
    on = body.received_on if isinstance(body, ClosureReportReceived) else body.accepted_on
    facts = await closure.record(
        uow,
        licence_no,
        kind,
        on=on,
        reference=body.reference,
        note=body.note,
        actor=principal.subject,
        role=role_of(principal),
        today=cst_today(datetime.now(UTC)),
    )
    view: dict[str, Any] = views.closure(facts)
    if key is not None:
        idempotency.remember(
            uow.session, scope=scope, key=key, request_hash=digest, status_code=201, response=view
        )
    await uow.commit()
    return JSONResponse(view, status_code=201)


@router.post(
    "/{licence_no}/closure-report",
    dependencies=[OFFICER],
    status_code=201,
    summary="Record that the mine's closure report (矿山闭坑报告) was received",
    response_model=ClosureAnswer,
    responses=problems(404, 409),
)
async def closure_report(
    licence_no: LicenceNoPath,
    body: ClosureReportReceived,
    request: Request,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await _record(
        request, uow, principal, licence_no, "closure_report", body, idempotency_key
    )


@router.post(
    "/{licence_no}/restoration-acceptance",
    dependencies=[OFFICER],
    status_code=201,
    summary="Record that the mine's restoration (地质环境恢复治理) was accepted (验收)",
    response_model=ClosureAnswer,
    responses=problems(404, 409),
)
async def restoration_acceptance(
    licence_no: LicenceNoPath,
    body: RestorationAccepted,
    request: Request,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await _record(
        request, uow, principal, licence_no, "restoration_acceptance", body, idempotency_key
    )
