"""Rectification orders (责令限期整改) from monitoring, kept as ``rectification_order`` rows:
the overdue ones are what officers act on from the enforcement list (执法清单,
``kind: order``), and what a suspension or revocation may cite.

The consumers are idempotent (the inbox records each event once, and applying an event
again changes nothing) and never move an order backwards (:func:`.domain.rectification.advanced`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.events.catalog import (
    RectificationOrdered,
    RectificationOverdue,
    RectificationVerified,
)
from lode_common.events.envelope import Envelope
from lode_common.messaging.consumers import Consumers
from lode_licensing.adapters.tables import RectificationOrder
from lode_licensing.domain import rectification as domain
from lode_licensing.domain.errors import InvalidInput

consumers = Consumers()

Order = RectificationOrdered | RectificationVerified | RectificationOverdue


def _resolve(row: RectificationOrder, on: date, reason: str) -> None:
    if row.item_status == "open":
        row.item_status, row.resolved_on, row.reason = "resolved", on, reason


@consumers.on(RectificationOrdered, RectificationVerified, RectificationOverdue)
async def on_order(session: AsyncSession, _envelope: Envelope, order: Order) -> None:
    """Keep the order's facts and move its status forward by what the event says."""
    now = datetime.now(UTC)
    row = await session.get(RectificationOrder, order.order_id, with_for_update=True)
    if row is None:
        row = RectificationOrder(
            order_id=order.order_id,
            licence_no=order.licence_no,
            holder_name=order.holder_name,
            holder_credit_code=order.credit_code,
            requirement=order.requirement,
            ordered_on=order.ordered_on,
            due=order.due,
            status="ordered",
            updated_at=now,
        )
        session.add(row)
    row.licence_no = order.licence_no
    row.holder_name, row.holder_credit_code = order.holder_name, order.credit_code
    row.finding_ids = list(order.finding_ids)
    row.requirement, row.ordered_on, row.due = order.requirement, order.ordered_on, order.due
    row.updated_at = now
    if isinstance(order, RectificationOverdue):
        row.status = domain.advanced(row.status, "overdue")
        if row.overdue_on is None:
            row.overdue_on, row.listed_at = order.overdue_on, now
            # an overdue told after the done (out of order): listed, and resolved already
            row.item_status = "open"
            if row.done_on is not None:
                _resolve(row, row.done_on, domain.done_reason(row.done_on))
    elif isinstance(order, RectificationVerified) and order.outcome == "done":
        row.status = domain.advanced(row.status, "done")
        row.done_on = row.done_on or order.verified_on
        _resolve(row, row.done_on, domain.done_reason(row.done_on))


async def cite(
    session: AsyncSession, order_id: str, licence_no: str, action: str
) -> RectificationOrder:
    """The order a suspension or revocation of ``licence_no`` cites, locked; InvalidInput
    naming ``order_id`` unless it is an overdue order of that licence and ``action`` one
    that may cite it."""
    if action not in domain.ENFORCEMENT_ACTIONS:
        raise InvalidInput([domain.not_cited_by(action)])
    row = await session.get(RectificationOrder, order_id, with_for_update=True)
    cited = domain.CitedOrder(row.order_id, row.licence_no, row.status) if row is not None else None
    problem = domain.citation_problem(cited, order_id, licence_no)
    if problem is not None or row is None:
        raise InvalidInput([problem] if problem else [])
    return row


def record_action(row: RectificationOrder, action: str, on: date, actor: str) -> None:
    """The suspension or revocation that cited the order, shown on its enforcement item."""
    row.action, row.action_on, row.action_by = action, on, actor
    row.updated_at = datetime.now(UTC)


async def resolve_left_force(
    session: AsyncSession, licence_no: str, status: str, today: date
) -> None:
    """The licence left force (revoked, expired, cancelled): its open order items are
    resolved, saying so."""
    rows = (
        await session.execute(
            select(RectificationOrder)
            .where(
                col(RectificationOrder.licence_no) == licence_no,
                col(RectificationOrder.item_status) == "open",
            )
            .with_for_update()
        )
    ).scalars()
    for row in rows:
        _resolve(row, today, domain.left_force_reason(status, today))
        row.updated_at = datetime.now(UTC)
