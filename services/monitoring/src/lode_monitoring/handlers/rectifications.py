"""Rectification orders (责令限期整改): ordering, verifying (整改核查) and the daily job that
marks an order past its due date overdue (逾期未整改), each move with its event in the
same unit of work. A ``done`` verification closes the order's findings that are still open
(``finding.closed``, the note citing the order)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, cast

import structlog
from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.auth import Principal
from lode_common.events import catalog
from lode_common.messaging.outbox import UnitOfWork
from lode_common.runtime import ServiceRuntime
from lode_monitoring.adapters.rectification_tables import RectificationOrder
from lode_monitoring.adapters.tables import Finding, Mine
from lode_monitoring.container import Monitoring
from lode_monitoring.domain import rectification as rules
from lode_monitoring.domain.errors import FieldError
from lode_monitoring.domain.periods import cst_date
from lode_monitoring.handlers.finding_store import close_finding

log = structlog.get_logger(__name__)
ACTOR = "system:rectification"


class UnknownOrder(Exception):
    """No order with this id, or none the caller may see (answered alike: 404)."""


def status_of(row: RectificationOrder) -> rules.RectificationStatus:
    return cast(rules.RectificationStatus, row.status)


def _event_fields(row: RectificationOrder) -> dict[str, Any]:
    return {
        "order_id": row.id,
        "licence_no": row.licence_no,
        "credit_code": row.holder_credit_code,
        "holder_name": row.holder_name,
        "finding_ids": list(row.finding_ids),
        "requirement": row.requirement,
        "ordered_on": row.ordered_on,
        "due": row.due,
    }


async def _open_findings(session: AsyncSession, licence_no: str) -> frozenset[str]:
    query = select(col(Finding.id)).where(
        col(Finding.licence_no) == licence_no, col(Finding.status) == "open"
    )
    return frozenset((await session.execute(query)).scalars())


async def order(
    uow: UnitOfWork,
    *,
    licence_no: str,
    finding_ids: Sequence[str],
    due: date,
    ordered_on: date | None,
    requirement: str,
    principal: Principal,
    today: date,
) -> RectificationOrder:
    """A new order for open findings of ``licence_no`` (``rectification.ordered``);
    InvalidRectification names every offending field (an unknown licence, a finding that is
    not an open one of the licence by its index, the dates)."""
    session = uow.session
    mine = await session.get(Mine, licence_no)
    errors: list[FieldError] = []
    if mine is None:
        errors.append(
            FieldError(
                "licence_no",
                f"未知许可证 — no licence {licence_no} has reached monitoring "
                "(GET /monitoring/v1/mines lists them)",
            )
        )
    on, last_day = today, due
    try:
        on, last_day = rules.order_dates(due=due, ordered_on=ordered_on, today=today)
    except rules.InvalidRectification as invalid:
        errors.extend(invalid.errors)
    findings: list[str] = []
    if mine is not None:  # which findings are the licence's is moot for an unknown licence
        try:
            findings = rules.check_findings(finding_ids, await _open_findings(session, licence_no))
        except rules.InvalidRectification as invalid:
            errors.extend(invalid.errors)
    if errors or mine is None:
        raise rules.InvalidRectification(errors)
    row = RectificationOrder(
        id=str(uuid.uuid4()),
        licence_no=licence_no,
        holder_name=mine.holder_name,
        holder_credit_code=mine.holder_credit_code,
        finding_ids=findings,
        requirement=requirement,
        ordered_on=on,
        due=last_day,
        status="ordered",
        revision=0,
        ordered_by=principal.subject,
        ordered_at=datetime.now(UTC),
        overdue_on=None,
        done_on=None,
        verifications=[],
    )
    session.add(row)
    uow.emit(catalog.RectificationOrdered(**_event_fields(row)), subject=row.licence_no)
    return row


async def load(session: AsyncSession, order_id: str, principal: Principal) -> RectificationOrder:
    """The order ``order_id`` as the caller may see it: a mine's key only its own
    enterprise's (UnknownOrder otherwise, as for an order that does not exist)."""
    row = await session.get(RectificationOrder, order_id)
    if row is None or not (principal.is_staff or row.holder_credit_code == principal.enterprise):
        raise UnknownOrder(order_id)
    return row


async def _claim(
    session: AsyncSession, row: RectificationOrder, target: rules.RectificationStatus
) -> bool:
    """Move the order read as ``row`` to ``target`` if nobody moved it since (one conditional
    UPDATE of the revision read): False when someone did."""
    claimed = await session.execute(
        update(RectificationOrder)
        .where(
            col(RectificationOrder.id) == row.id,
            col(RectificationOrder.revision) == row.revision,
        )
        .values(status=target, revision=row.revision + 1)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], claimed).rowcount == 1


async def verify(
    uow: UnitOfWork,
    order_id: str,
    *,
    outcome: rules.Outcome,
    note: str,
    verified_on: date | None,
    principal: Principal,
    today: date,
) -> RectificationOrder:
    """Record ``principal``'s verification (``rectification.verified``): ``done`` closes the
    order and its findings still open; ``not_done`` keeps it open. IllegalMove (a done
    order, or one verified by someone else meanwhile), NotAnotherInspector (who ordered)."""
    session = uow.session
    row = await load(session, order_id, principal)
    target = rules.verify(
        status_of(row), outcome, ordered_by=row.ordered_by, verifier=principal.subject
    )
    on = rules.verification_date(given=verified_on, ordered_on=row.ordered_on, today=today)
    if not await _claim(session, row, target):
        await session.refresh(row)
        raise rules.IllegalMove(
            current_state=status_of(row),
            action="verify",
            allowed=rules.allowed_actions(status_of(row)),
        )
    row.status, row.revision = target, row.revision + 1
    row.verifications = [
        *row.verifications,
        {
            "outcome": outcome,
            "note": note,
            "verified_on": on.isoformat(),
            "verified_by": principal.subject,
            "recorded_at": datetime.now(UTC).isoformat(),
        },
    ]
    if target == "done":
        row.done_on = on
        await _close_findings(uow, row, actor=principal.subject, note=note)
    uow.emit(
        catalog.RectificationVerified(**_event_fields(row), outcome=outcome, verified_on=on),
        subject=row.licence_no,
    )
    return row


async def _close_findings(
    uow: UnitOfWork, row: RectificationOrder, *, actor: str, note: str
) -> None:
    """Close the order's findings still open (one closed meanwhile stays as it is)."""
    closing = (
        f"整改已核查完成（整改通知 {row.id}）— rectification verified done under order "
        f"{row.id}: {note}"
    )
    query = (
        select(Finding)
        .where(col(Finding.id).in_(row.finding_ids), col(Finding.status) == "open")
        .order_by(col(Finding.id))
        .with_for_update()
    )
    for finding in (await uow.session.execute(query)).scalars():
        close_finding(uow, finding, actor=actor, note=closing)


async def mark_overdue(runtime: ServiceRuntime, today: date | datetime | None = None) -> int:
    """One pass of the daily job: every ``ordered`` order whose due date (CST) has passed
    becomes ``overdue`` once, with ``rectification.overdue``; returns how many did. Two
    instances running it at once mark each order once (a conditional update)."""
    day = cst_date(today or datetime.now(UTC))
    async with runtime.uow() as uow:
        session = uow.session
        late = (
            await session.execute(
                select(RectificationOrder)
                .where(
                    col(RectificationOrder.status).in_(sorted(rules.sources("lapse"))),
                    col(RectificationOrder.due) < day,
                )
                .order_by(col(RectificationOrder.due), col(RectificationOrder.id))
            )
        ).scalars()
        marked = 0
        for row in list(late):
            if not rules.is_past_due(row.due, day):
                continue
            target = rules.lapse(status_of(row))
            if not await _claim(session, row, target):
                continue  # another instance marked it (or someone verified it) meanwhile
            row.status, row.revision, row.overdue_on = target, row.revision + 1, day
            uow.emit(
                catalog.RectificationOverdue(**_event_fields(row), overdue_on=day),
                subject=row.licence_no,
            )
            marked += 1
        await uow.commit()
    if marked:
        log.info("rectification orders overdue", marked=marked, day=day.isoformat())
    return marked


async def daily_overdue(runtime: ServiceRuntime) -> None:
    """Background job: at start, then every ``daily_pass_interval_s`` (an hour by default;
    the due date is a date)."""
    interval = Monitoring.of(runtime).settings.daily_pass_interval_s
    while True:
        await mark_overdue(runtime)
        await asyncio.sleep(interval)
