"""``/monitoring/v1/rectifications``: rectification orders (责令限期整改). An inspector orders
the holder of a licence to remedy open findings by a due date; another inspector verifies
(整改核查); every staff role reads, a mine's key its own enterprise's orders only. Both
POSTs honour ``Idempotency-Key``: the same key and body give the first answer again.

The rectification errors are answered here (:func:`_answered`), the rest by
:mod:`.errors`."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema
from sqlalchemy import select
from sqlmodel import col

from lode_common.auth import Principal
from lode_common.errors import Conflict, Forbidden, NotFound
from lode_common.http import MAX_OFFSET, CurrentPrincipal, UoW
from lode_common.idempotency import IdempotencyKey
from lode_common.limits import STRICT_BODY, Text
from lode_common.messaging.outbox import UnitOfWork
from lode_common.openapi import problems
from lode_monitoring.adapters.rectification_tables import RectificationOrder
from lode_monitoring.api.deps import ANYONE, INSPECTOR, Service
from lode_monitoring.api.once import once
from lode_monitoring.api.schemas import LicenceNo
from lode_monitoring.api.visibility import page
from lode_monitoring.container import Monitoring
from lode_monitoring.domain import rectification as rules
from lode_monitoring.domain.periods import cst_date
from lode_monitoring.handlers import rectifications as orders

router = APIRouter(prefix="/monitoring/v1/rectifications", tags=["rectification orders"])

_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
FINDINGS_PER_ORDER_MAX = 100
"""Findings one order names (an inspection opens a handful): a bound of the body, not law."""


def _day_text(value: Any) -> Any:
    """ISO 8601 dates only (``2026-06-30``): no number read as seconds since 1970. Which
    days make sense is the domain's to say (:mod:`lode_monitoring.domain.rectification`)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DAY.match(value):
        raise ValueError("expected an ISO 8601 date, e.g. 2026-06-30")
    return value


Day = Annotated[
    date,
    BeforeValidator(_day_text),
    WithJsonSchema({"type": "string", "format": "date"}),
]
OrderId = Annotated[
    str, Path(max_length=36, pattern="^[A-Za-z0-9-]+$", description="the order's id")
]
FindingId = Annotated[str, Field(min_length=1, max_length=36)]


class OrderBody(BaseModel):
    """An order to rectify (责令限期整改通知)."""

    model_config = STRICT_BODY

    licence_no: LicenceNo
    finding_ids: list[FindingId] = Field(
        min_length=1,
        max_length=FINDINGS_PER_ORDER_MAX,
        description="open findings of this licence (GET /monitoring/v1/findings), each once",
    )
    due: Day = Field(description="the last day to rectify (整改期限, CST): after ordered_on")
    ordered_on: Day | None = Field(
        None, description="the order's date (责令日期); today (CST) when left out"
    )
    requirement: Text = Field(min_length=2, description="what must be done (整改要求)")


class VerificationBody(BaseModel):
    """A verification of an order (整改核查), by an inspector other than who ordered it."""

    model_config = STRICT_BODY

    outcome: rules.Outcome = Field(description="done (整改完成) or not_done (未完成)")
    note: Text = Field(min_length=2, description="what was found (核查情况)")
    verified_on: Day | None = Field(None, description="the day verified; today (CST) if left out")


class Holder(BaseModel):
    name: str
    credit_code: str = Field(description="统一社会信用代码")


class Verification(BaseModel):
    outcome: rules.Outcome
    note: str
    verified_on: date
    verified_by: str
    recorded_at: str = Field(json_schema_extra={"format": "date-time"})


class OrderView(BaseModel):
    """An order with its verifications and what may be done with it now."""

    id: str
    licence_no: str
    holder: Holder
    finding_ids: list[str]
    requirement: str
    ordered_on: date
    due: date
    status: rules.RectificationStatus
    ordered_by: str
    ordered_at: str = Field(json_schema_extra={"format": "date-time"})
    overdue_on: date | None
    done_on: date | None
    verifications: list[Verification]
    allowed_actions: list[rules.RectificationAction]


class OrderPage(BaseModel):
    items: list[OrderView]
    total: int


def _instant(moment: datetime) -> str:
    """ISO 8601 with the offset (SQLite gives back the UTC reading without it)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def view(row: RectificationOrder) -> dict[str, Any]:
    status = orders.status_of(row)
    return {
        "id": row.id,
        "licence_no": row.licence_no,
        "holder": {"name": row.holder_name, "credit_code": row.holder_credit_code},
        "finding_ids": list(row.finding_ids),
        "requirement": row.requirement,
        "ordered_on": row.ordered_on.isoformat(),
        "due": row.due.isoformat(),
        "status": status,
        "ordered_by": row.ordered_by,
        "ordered_at": _instant(row.ordered_at),
        "overdue_on": row.overdue_on.isoformat() if row.overdue_on else None,
        "done_on": row.done_on.isoformat() if row.done_on else None,
        "verifications": list(row.verifications),
        "allowed_actions": rules.allowed_actions(status),
    }


@contextmanager
def _answered() -> Iterator[None]:
    """The rectification errors as problem details (the field errors are :mod:`.errors`')."""
    try:
        yield
    except rules.IllegalMove as error:
        raise Conflict(
            f"{error}.", current_state=error.current_state, allowed_actions=list(error.allowed)
        ) from error
    except rules.NotAnotherInspector as error:
        raise Forbidden(str(error)) from error
    except orders.UnknownOrder as error:
        raise NotFound(
            f"没有该整改通知 — there is no rectification order {str(error)[:36]}; "
            "GET /monitoring/v1/rectifications lists them."
        ) from error


Run = Callable[[UnitOfWork], Awaitable[str]]
"""A write staged in the unit of work; returns the order's id."""


async def _once(
    request: Request,
    service: Monitoring,
    uow: UnitOfWork,
    principal: Principal,
    idempotency_key: str | None,
    body: BaseModel,
    status: int,
    run: Run,
) -> JSONResponse:
    """Run a write once per ``Idempotency-Key`` (:func:`.once.once`): a retry with the same
    key and body gets the order as it stands now; another body with the same key is 409."""

    async def write() -> tuple[int, dict[str, Any]]:
        with _answered():
            return status, {"order_id": await run(uow)}

    async def show(kept: dict[str, Any]) -> dict[str, Any]:
        return await _current(service, kept["order_id"], principal)

    return await once(request, uow, principal, idempotency_key, body, write, show)


async def _current(service: Monitoring, order_id: str, principal: Principal) -> dict[str, Any]:
    async with service.runtime.sessions() as session:
        with _answered():
            return view(await orders.load(session, order_id, principal))


def _today() -> date:
    return cst_date(datetime.now(UTC))


@router.post(
    "",
    dependencies=[INSPECTOR],
    status_code=201,
    response_model=OrderView,
    responses=problems(409, 413, 415),
    summary="Order the holder to rectify open findings by a due date (责令限期整改)",
)
async def create_order(
    body: OrderBody,
    request: Request,
    service: Service,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def run(uow: UnitOfWork) -> str:
        row = await orders.order(
            uow,
            licence_no=body.licence_no,
            finding_ids=body.finding_ids,
            due=body.due,
            ordered_on=body.ordered_on,
            requirement=body.requirement,
            principal=principal,
            today=_today(),
        )
        return row.id

    return await _once(request, service, uow, principal, idempotency_key, body, 201, run)


@router.post(
    "/{order_id}/verify",
    dependencies=[INSPECTOR],
    response_model=OrderView,
    responses=problems(404, 409, 413, 415),
    summary="Verify the rectification (整改核查): another inspector than who ordered",
)
async def verify_order(
    order_id: OrderId,
    body: VerificationBody,
    request: Request,
    service: Service,
    uow: UoW,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """``done`` closes the order and its findings still open; ``not_done`` keeps it open
    (overdue once due). The inspector who ordered gets 403."""

    async def run(uow: UnitOfWork) -> str:
        row = await orders.verify(
            uow,
            order_id,
            outcome=body.outcome,
            note=body.note,
            verified_on=body.verified_on,
            principal=principal,
            today=_today(),
        )
        return row.id

    return await _once(request, service, uow, principal, idempotency_key, body, 200, run)


@router.get(
    "",
    dependencies=[ANYONE],
    response_model=OrderPage,
    summary="Rectification orders, the latest first (a mine's key sees its own)",
)
async def list_orders(
    service: Service,
    principal: CurrentPrincipal,
    status: rules.RectificationStatus | None = None,
    licence_no: Annotated[str | None, Query(max_length=23)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    query = select(RectificationOrder)
    if status:
        query = query.where(col(RectificationOrder.status) == status)
    if licence_no:
        query = query.where(col(RectificationOrder.licence_no) == licence_no)
    if not principal.is_staff:
        query = query.where(col(RectificationOrder.holder_credit_code) == principal.enterprise)
    rows, total = await page(
        service,
        query,
        col(RectificationOrder.ordered_at).desc(),
        col(RectificationOrder.id),
        offset=offset,
        limit=limit,
    )
    return {"items": [view(r) for r in rows], "total": total}


@router.get(
    "/{order_id}",
    dependencies=[ANYONE],
    response_model=OrderView,
    responses=problems(404),
    summary="One rectification order with its verifications",
)
async def get_order(
    order_id: OrderId, service: Service, principal: CurrentPrincipal
) -> dict[str, Any]:
    return await _current(service, order_id, principal)
