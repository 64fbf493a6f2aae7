"""``/licensing/v1/grants``: competitive grants (矿业权出让) from the grant plan to the contract.

Licensing officers draw up, announce, record offers, conclude, contract and cancel; every
staff role reads (the reserve price, 底价, only officers until the grant concludes). Every
POST honours ``Idempotency-Key``: the same key and body give the first answer again.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlmodel import col

from lode_common import idempotency
from lode_common.auth import Principal
from lode_common.http import CurrentPrincipal, UoW
from lode_common.idempotency import IdempotencyKey
from lode_common.json_body import json_object
from lode_common.limits import CODE_MAX, YEAR_MAX, YEAR_MIN
from lode_common.messaging.outbox import UnitOfWork
from lode_common.openapi import problems, request_body
from lode_licensing.adapters.tables import Bid, Grant
from lode_licensing.api import grant_views as views
from lode_licensing.api.deps import OFFICER, STAFF, Service
from lode_licensing.api.grant_answers import BidAnswer, GrantPlan, GrantWithSteps
from lode_licensing.api.grant_bodies import (
    GRANT_PLAN,
    GrantAnnouncement,
    GrantCancellation,
    GrantConclusion,
    GrantContract,
    GrantOffer,
)
from lode_licensing.api.paging import Limit, Offset, page, safe_text, text_query
from lode_licensing.container import Licensing
from lode_licensing.domain.grant_contract import Instalment
from lode_licensing.domain.grant_law import GrantMethod
from lode_licensing.domain.grant_workflow import GrantStatus
from lode_licensing.domain.vocabulary import RightType
from lode_licensing.handlers import grant_contract, grants
from lode_licensing.handlers import grant_trade as trade

router = APIRouter(prefix="/licensing/v1/grants", tags=["grants"])

GrantId = Annotated[
    str, Path(max_length=36, pattern="^[A-Za-z0-9-]+$", description="the grant's id")
]


async def _view(service: Licensing, grant_id: str, viewer: Principal) -> dict[str, Any]:
    async with service.runtime.sessions() as session:
        row = await grants.load(session, grant_id)
        steps = await grants.steps_of(session, grant_id)
        every = await grants.bids_of(session, grant_id)
    rules = grants.grant_rules(service.settings)
    return views.grant(row, viewer, service.workdays, rules, steps=steps, every_bid=every)


Run = Callable[[UnitOfWork], Awaitable[dict[str, str]]]
"""A write: its effect staged in the unit of work; returns what names the answer."""
Render = Callable[[dict[str, str]], Awaitable[dict[str, Any]]]


async def _once(
    request: Request,
    uow: UnitOfWork,
    principal: Principal,
    idempotency_key: str | None,
    raw: bytes,
    status: int,
    run: Run,
    render: Render,
) -> JSONResponse:
    """Run a write once per ``Idempotency-Key``: a retry with the same key and body gets the
    answer again (as things stand now), another body with the same key is 409."""
    key = idempotency.checked_key(idempotency_key)
    scope = f"{principal.subject}|{principal.enterprise or ''}"
    digest = idempotency.fingerprint("POST", request.url.path, raw)
    if key is not None:
        earlier = await idempotency.replay(uow.session, scope=scope, key=key, request_hash=digest)
        if earlier is not None:
            return JSONResponse(await render(earlier[1]), status_code=earlier[0])
    named = await run(uow)
    if key is not None:
        idempotency.remember(
            uow.session,
            scope=scope,
            key=key,
            request_hash=digest,
            status_code=status,
            response=named,
        )
    await uow.commit()
    return JSONResponse(await render(named), status_code=status)


def _bytes(body: BaseModel) -> bytes:
    dumped = body.model_dump(mode="json")
    return json.dumps(dumped, sort_keys=True, ensure_ascii=False).encode()


def _grant_view(service: Licensing, principal: Principal) -> Render:
    async def render(named: dict[str, str]) -> dict[str, Any]:
        return await _view(service, named["grant_id"], principal)

    return render


@router.post(
    "",
    dependencies=[OFFICER],
    status_code=201,
    summary="Draw up a grant plan (出让方案); the plan checks run at once",
    response_model=GrantWithSteps,
    responses=problems(409, 413, 503),
    openapi_extra=request_body(GRANT_PLAN),
    response_model_exclude_unset=True,  # what a reader may not see is left out
)
async def create(
    request: Request,
    service: Service,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    raw = await request.body()

    async def run(uow: UnitOfWork) -> dict[str, str]:
        row = await grants.create(service, uow, json_object(raw, "grant"), principal)
        return {"grant_id": row.id}

    render = _grant_view(service, principal)
    return await _once(request, uow, principal, idempotency_key, raw, 201, run, render)


@router.get(
    "",
    dependencies=[STAFF],
    summary="The year's grant plan (年度出让计划): grants and their figures",
    response_model=GrantPlan,
    response_model_exclude_unset=True,  # what a reader may not see is left out
)
async def list_grants(
    service: Service,
    principal: CurrentPrincipal,
    year: Annotated[int | None, Query(ge=YEAR_MIN, le=YEAR_MAX)] = None,
    status: GrantStatus | None = None,
    mineral: Annotated[str | None, text_query(CODE_MAX, "the mineral, exactly")] = None,
    method: Annotated[
        GrantMethod | None, Query(description="拍卖 auction, 挂牌 listing, 招标 tender")
    ] = None,
    right_type: RightType | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    mineral = safe_text("mineral", mineral)
    chosen = [
        *([col(Grant.year) == year] if year is not None else []),
        *([col(Grant.status) == status] if status is not None else []),
        *([col(Grant.mineral) == mineral] if mineral else []),
        *([col(Grant.method) == method] if method is not None else []),
        *([col(Grant.right_type) == right_type] if right_type is not None else []),
    ]
    query = select(Grant).where(*chosen)
    figures = select(
        col(Grant.mineral), col(Grant.status), col(Grant.zones), col(Grant.price_cny_10k)
    ).where(*chosen)
    rules = grants.grant_rules(service.settings)
    async with service.runtime.sessions() as session:
        rows, total = await page(
            session, query, col(Grant.created_at).desc(), col(Grant.id), offset=offset, limit=limit
        )
        items = [views.grant(r, principal, service.workdays, rules) for r in rows]
        every = [tuple(r) for r in (await session.execute(figures)).all()]
    return {
        "year": year,
        "items": items,
        "total": total,
        "summary": views.summary(every),
    }


@router.get(
    "/{grant_id}",
    dependencies=[STAFF],
    summary="One grant, with its steps (and its bids, to whom they are shown)",
    response_model=GrantWithSteps,
    responses=problems(404),
    response_model_exclude_unset=True,  # what a reader may not see is left out
)
async def get_grant(
    grant_id: GrantId, service: Service, principal: CurrentPrincipal
) -> dict[str, Any]:
    return await _view(service, grant_id, principal)


@router.post(
    "/{grant_id}/announce",
    dependencies=[OFFICER],
    summary="Announce the grant (出让公告): the periods counted, the checks run again",
    response_model=GrantWithSteps,
    responses=problems(404, 409, 503),
    response_model_exclude_unset=True,  # what a reader may not see is left out
)
async def announce(
    grant_id: GrantId,
    body: GrantAnnouncement,
    request: Request,
    service: Service,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    given = trade.Announcement(body.announced_on, body.trade_from, body.trade_to, body.review_note)

    async def run(uow: UnitOfWork) -> dict[str, str]:
        await trade.announce(service, uow, grant_id, given, principal)
        return {"grant_id": grant_id}

    render = _grant_view(service, principal)
    return await _once(request, uow, principal, idempotency_key, _bytes(body), 200, run, render)


@router.post(
    "/{grant_id}/bids",
    dependencies=[OFFICER],
    status_code=201,
    summary="Record an offer (报价) made in the trade window",
    response_model=BidAnswer,
    responses=problems(404, 409),
)
async def record_bid(
    grant_id: GrantId,
    body: GrantOffer,
    request: Request,
    service: Service,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    given = trade.Offered(body.bidder.name, body.bidder.credit_code, body.amount_cny_10k, body.at)

    async def run(uow: UnitOfWork) -> dict[str, str]:
        offer = await trade.bid(service, uow, grant_id, given, principal)
        return {"grant_id": grant_id, "bid_id": offer.id}

    async def render(named: dict[str, str]) -> dict[str, Any]:
        async with service.runtime.sessions() as session:
            offer = await session.get(Bid, named["bid_id"])
        assert offer is not None  # committed with the answer's record
        return views.bid(offer)

    return await _once(request, uow, principal, idempotency_key, _bytes(body), 201, run, render)


@router.post(
    "/{grant_id}/conclude",
    dependencies=[OFFICER],
    summary="Draw the trade's result: concluded (成交) or failed (流拍)",
    response_model=GrantWithSteps,
    responses=problems(404, 409),
    response_model_exclude_unset=True,  # what a reader may not see is left out
)
async def conclude(
    grant_id: GrantId,
    body: GrantConclusion,
    request: Request,
    service: Service,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    on = body.concluded_on

    async def run(uow: UnitOfWork) -> dict[str, str]:
        await trade.conclude(service, uow, grant_id, on, principal)
        return {"grant_id": grant_id}

    render = _grant_view(service, principal)
    return await _once(request, uow, principal, idempotency_key, _bytes(body), 200, run, render)


@router.post(
    "/{grant_id}/contract",
    dependencies=[OFFICER],
    summary="Record the grant contract (出让合同) and its instalments (出让收益)",
    response_model=GrantWithSteps,
    responses=problems(404, 409),
    response_model_exclude_unset=True,  # what a reader may not see is left out
)
async def contract(
    grant_id: GrantId,
    body: GrantContract,
    request: Request,
    service: Service,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    given = grant_contract.Contract(
        body.signed_on,
        tuple(Instalment(i.due, i.amount_cny_10k) for i in body.instalments),
        body.contract_ref,
    )

    async def run(uow: UnitOfWork) -> dict[str, str]:
        await grant_contract.contract(uow, grant_id, given, principal)
        return {"grant_id": grant_id}

    render = _grant_view(service, principal)
    return await _once(request, uow, principal, idempotency_key, _bytes(body), 200, run, render)


@router.post(
    "/{grant_id}/cancel",
    dependencies=[OFFICER],
    summary="Cancel a draft or failed grant, with the reason",
    response_model=GrantWithSteps,
    responses=problems(404, 409),
    response_model_exclude_unset=True,  # what a reader may not see is left out
)
async def cancel(
    grant_id: GrantId,
    body: GrantCancellation,
    request: Request,
    service: Service,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def run(uow: UnitOfWork) -> dict[str, str]:
        await grant_contract.cancel(uow, grant_id, body.reason, principal)
        return {"grant_id": grant_id}

    render = _grant_view(service, principal)
    return await _once(request, uow, principal, idempotency_key, _bytes(body), 200, run, render)
