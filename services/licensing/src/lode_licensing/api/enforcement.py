"""``GET /licensing/v1/enforcement``: the list officers act from (执法监管清单), one list of two
kinds of item, newest first:

* ``kind: conflict``: a licence in force in conflict with the plan, with the rule, clause
  and zones (issue 15);
* ``kind: order``: a licence whose rectification order (责令限期整改) is overdue (逾期未整改,
  issue 17), with the order, the action an officer took citing it (暂扣 or 吊销) and the
  actions still open to them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import String, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common import auth
from lode_common.http import requires
from lode_licensing.adapters.tables import Licence, LicenceConflict, RectificationOrder
from lode_licensing.api.answers import Day, Holder
from lode_licensing.api.deps import Service
from lode_licensing.api.paging import Limit, Offset
from lode_licensing.domain.rectification import EnforcementAction, allowed_actions

router = APIRouter(prefix="/licensing/v1/enforcement", tags=["enforcement"])

STAFF_NOT_MINES = Depends(
    requires(auth.LICENSING_OFFICER, auth.INSPECTOR, auth.APPROVER, auth.PLANNER, auth.VIEWER)
)
Kind = Literal["conflict", "order"]


class Zone(BaseModel):
    zone_id: str
    type: str
    code: str
    name_zh: str
    overlap_ha: float | None


class ConflictItem(BaseModel):
    """A licence in force in conflict with the plan in force (与规划冲突)."""

    kind: Literal["conflict"] = Field(
        description="conflict: a licence in force in conflict with the plan"
    )
    id: str
    licence_no: str
    holder: Holder
    mineral: str
    rule_id: str
    clause: str
    outcome: Literal["fail", "review"]
    message: str
    zones: list[Zone]
    plan_id: str
    plan_version: int
    detected_on: str
    status: Literal["open", "resolved"]
    resolved_on: str | None
    reason: str | None = Field(description="why it was resolved")


class ActionTaken(BaseModel):
    """The suspension (暂扣) or revocation (吊销) that cited the order."""

    action: EnforcementAction
    on: Day
    by: str


class OrderItem(BaseModel):
    """A licence whose rectification order is overdue (整改逾期): open for suspension or
    revocation citing the order until verified done or the licence leaves force."""

    kind: Literal["order"] = Field(description="order: an overdue rectification order")
    id: str = Field(description="the order's id (order_id), to cite in suspend/revoke")
    licence_no: str
    holder: Holder
    mineral: str | None = Field(description="the licence's mineral (None: not registered here)")
    finding_ids: list[str]
    requirement: str = Field(description="what the order requires (整改要求)")
    ordered_on: Day
    due: Day
    overdue_on: Day
    status: Literal["open", "resolved"]
    resolved_on: Day | None
    reason: str | None = Field(description="why it was resolved")
    action: ActionTaken | None
    allowed_actions: list[EnforcementAction]


EnforcementItem = Annotated[ConflictItem | OrderItem, Field(discriminator="kind")]


class EnforcementList(BaseModel):
    """A page of the list, newest first."""

    items: list[EnforcementItem]
    total: int


def item(row: LicenceConflict) -> dict[str, Any]:
    return {
        "kind": "conflict",
        "id": row.id,
        "licence_no": row.licence_no,
        "holder": {"name": row.holder_name, "credit_code": row.holder_credit_code},
        "mineral": row.mineral,
        "rule_id": row.rule_id,
        "clause": row.clause,
        "outcome": row.outcome,
        "message": row.message,
        "zones": [
            {**z, "overlap_ha": float(z["overlap_ha"]) if z.get("overlap_ha") is not None else None}
            for z in row.zones
        ],
        "plan_id": row.plan_id,
        "plan_version": row.plan_version,
        "detected_on": row.detected_on.isoformat(),
        "status": row.status,
        "resolved_on": row.resolved_on.isoformat() if row.resolved_on else None,
        "reason": row.reason,
    }


def order_item(row: RectificationOrder, licence: Licence | None) -> dict[str, Any]:
    action = (
        {"action": row.action, "on": row.action_on.isoformat(), "by": row.action_by or ""}
        if row.action and row.action_on
        else None
    )
    return {
        "kind": "order",
        "id": row.order_id,
        "licence_no": row.licence_no,
        "holder": {"name": row.holder_name, "credit_code": row.holder_credit_code},
        "mineral": licence.mineral if licence else None,
        "finding_ids": list(row.finding_ids),
        "requirement": row.requirement,
        "ordered_on": row.ordered_on.isoformat(),
        "due": row.due.isoformat(),
        "overdue_on": row.overdue_on.isoformat() if row.overdue_on else None,
        "status": row.item_status,
        "resolved_on": row.resolved_on.isoformat() if row.resolved_on else None,
        "reason": row.reason,
        "action": action,
        "allowed_actions": allowed_actions(licence.status if licence else None, row.item_status),
    }


def _listed(
    kind: Kind | None, status: str, licence_no: str | None
) -> Any:  # a UNION ALL of (kind, id, at)
    parts: list[Any] = []
    if kind in (None, "conflict"):
        conflicts: Any = select(
            literal("conflict", String).label("kind"),
            col(LicenceConflict.id).label("id"),
            col(LicenceConflict.detected_at).label("at"),
        )
        if status != "all":
            conflicts = conflicts.where(col(LicenceConflict.status) == status)
        if licence_no:
            conflicts = conflicts.where(col(LicenceConflict.licence_no) == licence_no)
        parts.append(conflicts)
    if kind in (None, "order"):
        orders: Any = select(
            literal("order", String).label("kind"),
            col(RectificationOrder.order_id).label("id"),
            col(RectificationOrder.listed_at).label("at"),
        ).where(col(RectificationOrder.item_status).is_not(None))
        if status != "all":
            orders = orders.where(col(RectificationOrder.item_status) == status)
        if licence_no:
            orders = orders.where(col(RectificationOrder.licence_no) == licence_no)
        parts.append(orders)
    return union_all(*parts).subquery()


async def _rows(session: AsyncSession, keys: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """The items of the page's (kind, id), in that order."""
    keys = list(keys)
    conflict_ids = [i for k, i in keys if k == "conflict"]
    order_ids = [i for k, i in keys if k == "order"]
    conflicts = {
        r.id: r
        for r in (
            await session.execute(
                select(LicenceConflict).where(col(LicenceConflict.id).in_(conflict_ids))
            )
        ).scalars()
    }
    orders = {
        r.order_id: r
        for r in (
            await session.execute(
                select(RectificationOrder).where(col(RectificationOrder.order_id).in_(order_ids))
            )
        ).scalars()
    }
    numbers = {o.licence_no for o in orders.values()}
    licences = {
        r.licence_no: r
        for r in (
            await session.execute(select(Licence).where(col(Licence.licence_no).in_(numbers)))
        ).scalars()
    }
    return [
        item(conflicts[i])
        if k == "conflict"
        else order_item(orders[i], licences.get(orders[i].licence_no))
        for k, i in keys
    ]


@router.get(
    "",
    dependencies=[STAFF_NOT_MINES],
    summary="What officers act on: licences in conflict with the plan (与规划冲突) and "
    "overdue rectification orders (整改逾期)",
    response_model=EnforcementList,
)
async def enforcement(
    service: Service,
    status: Literal["open", "resolved", "all"] = "open",
    kind: Kind | None = None,
    licence_no: Annotated[
        str | None, Query(max_length=23, pattern="^[A-Za-z0-9]+$", description="one licence")
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    listed = _listed(kind, status, licence_no)
    async with service.runtime.sessions() as session:
        total = (await session.execute(select(func.count()).select_from(listed))).scalar_one()
        keys = (
            await session.execute(
                select(listed.c.kind, listed.c.id)
                .order_by(listed.c.at.desc(), listed.c.kind, listed.c.id)
                .offset(offset)
                .limit(limit)
            )
        ).all()
        items = await _rows(session, [(str(k), str(i)) for k, i in keys])
    return {"items": items, "total": total}
