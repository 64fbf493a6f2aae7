"""Conflicts of licences in force with the plan (与规划冲突), as recorded: the ``licence_conflict``
rows, their events and history, and the durable request for a sweep.

Zoning's events only *request* a sweep (:func:`request_sweep`, in the inbox's transaction:
a counter bumped, nothing asked over HTTP there); the background job
(:mod:`.conflict_sweep`) evaluates the licences with zoning's analysis and records here what
:func:`lode_licensing.domain.conflicts.reconcile` decides. A licence that leaves force has
its open conflicts resolved in the same unit of work (:func:`resolve_left_force`).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.events import catalog
from lode_common.events.catalog import PlanPublished, ZoneChanged, ZoneCreated, ZoneRetired
from lode_common.events.envelope import Envelope
from lode_common.events.registry import EventPayload
from lode_common.jsonable import jsonable
from lode_common.messaging.consumers import Consumers
from lode_common.messaging.inbox import EventHandler
from lode_common.messaging.outbox import UnitOfWork
from lode_common.plan import replica
from lode_licensing.adapters.tables import ConflictSweep, LicenceConflict, LicenceHistory
from lode_licensing.domain.checks.result import CheckResult
from lode_licensing.domain.conflicts import conflict_zones

SWEEP = "licences"
"""The one row of ``conflict_sweep``."""
SYSTEM = "system:conflicts"

consumers = Consumers()


async def request_sweep(session: AsyncSession, reason: str) -> None:
    """Ask the background job to check the licences in force again (durably)."""
    bumped = await session.execute(
        update(ConflictSweep)
        .where(col(ConflictSweep.id) == SWEEP)
        .values(
            requested=ConflictSweep.requested + 1,
            reason=reason[:300],
            requested_at=datetime.now(UTC),
        )
    )
    if getattr(bumped, "rowcount", 1) == 0:
        session.add(
            ConflictSweep(
                id=SWEEP, requested=1, reason=reason[:300], requested_at=datetime.now(UTC)
            )
        )


@consumers.on(ZoneCreated, ZoneChanged, ZoneRetired)
async def on_zone(
    session: AsyncSession, _envelope: Envelope, zone: ZoneCreated | ZoneChanged | ZoneRetired
) -> None:
    await request_sweep(session, f"{zone.event_type}: {zone.type} {zone.code or zone.zone_id}")


async def on_plan_published(
    session: AsyncSession, envelope: Envelope, payload: EventPayload | None
) -> None:
    """Keep the version (the shared replica) and ask for a sweep: the version, or a
    successor, may be the plan in force now."""
    await replica.on_plan_published(session, envelope, payload)
    if isinstance(payload, PlanPublished):
        await request_sweep(session, f"plan {payload.plan_id} version {payload.version}")


PLAN_HANDLERS: dict[str, EventHandler] = {replica.PUBLISHED: on_plan_published}
"""The plan's replica handler, with the sweep request (in place of ``REPLICA_HANDLERS``)."""


async def sweep_wanted(session: AsyncSession) -> int | None:
    """The request count to sweep for, or None when every request was swept."""
    row = await session.get(ConflictSweep, SWEEP)
    if row is None or row.requested <= row.done:
        return None
    return row.requested


async def sweep_done(session: AsyncSession, requested: int) -> None:
    await session.execute(
        update(ConflictSweep)
        .where(col(ConflictSweep.id) == SWEEP, col(ConflictSweep.done) < requested)
        .values(done=requested)
    )


async def open_conflicts(session: AsyncSession) -> list[LicenceConflict]:
    return list(
        (
            await session.execute(
                select(LicenceConflict)
                .where(col(LicenceConflict.status) == "open")
                .with_for_update()
            )
        ).scalars()
    )


def _history(
    uow: UnitOfWork, licence_no: str, action: str, note: str, state: dict[str, Any]
) -> None:
    uow.session.add(
        LicenceHistory(
            licence_no=licence_no,
            action=action,
            actor=SYSTEM,
            at=datetime.now(UTC),
            note=note,
            state=jsonable(state),
        )
    )


NAMED_BY = ("licence_no", "plan_id", "plan_version", "rule_id", "clause")
"""The columns both conflict events name a conflict by, with its id (their common part)."""


def _named(row: LicenceConflict) -> dict[str, Any]:
    """The conflict as ``licence.conflict_detected`` and ``licence.conflict_resolved`` both
    name it: its id, the licence, the plan version and the rule it is in conflict with."""
    return {"conflict_id": row.id, **{column: getattr(row, column) for column in NAMED_BY}}


def detect(
    uow: UnitOfWork,
    *,
    licence_state: dict[str, Any],
    result: CheckResult,
    plan_id: str,
    plan_version: int,
    today: date,
) -> LicenceConflict:
    """Record a new conflict, its history row and ``licence.conflict_detected``."""
    holder = licence_state["holder"]
    zones = conflict_zones(result)
    row = LicenceConflict(
        id=str(uuid.uuid4()),
        licence_no=licence_state["licence_no"],
        holder_name=holder["name"],
        holder_credit_code=holder["credit_code"],
        mineral=licence_state["mineral"],
        plan_id=plan_id,
        plan_version=plan_version,
        rule_id=result.rule_id,
        clause=result.clause,
        outcome=result.outcome,
        message=result.message,
        zones=jsonable(zones),
        detected_on=today,
        detected_at=datetime.now(UTC),
        status="open",
    )
    uow.session.add(row)
    _history(
        uow,
        row.licence_no,
        "conflict_detected",
        f"与规划冲突 ({plan_id} v{plan_version}) {result.rule_id} [{result.clause}]: "
        f"{result.message}",
        licence_state,
    )
    uow.emit(
        catalog.LicenceConflictDetected(
            **_named(row),
            holder=catalog.Holder(name=row.holder_name, credit_code=row.holder_credit_code),
            mineral=row.mineral,
            outcome=row.outcome,
            message=row.message,
            zones=[catalog.ConflictZone(**z) for z in zones],
            detected_on=today,
        ),
        subject=row.licence_no,
    )
    return row


def resolve(
    uow: UnitOfWork,
    row: LicenceConflict,
    *,
    reason: str,
    today: date,
    licence_state: dict[str, Any] | None,
) -> None:
    """Resolve an open conflict with why; history (when the licence is known) and
    ``licence.conflict_resolved``."""
    row.status = "resolved"
    row.resolved_on = today
    row.reason = reason
    if licence_state is not None:
        _history(
            uow, row.licence_no, "conflict_resolved", f"{row.rule_id}: {reason}", licence_state
        )
    uow.emit(
        catalog.LicenceConflictResolved(**_named(row), reason=reason, resolved_on=today),
        subject=row.licence_no,
    )


async def resolve_left_force(
    uow: UnitOfWork, licence_no: str, status: str, licence_state: dict[str, Any], today: date
) -> None:
    """A licence left force (expired, revoked, cancelled): its open conflicts end with it."""
    rows = (
        await uow.session.execute(
            select(LicenceConflict).where(
                col(LicenceConflict.licence_no) == licence_no,
                col(LicenceConflict.status) == "open",
            )
        )
    ).scalars()
    for row in rows:
        resolve(
            uow,
            row,
            reason=f"许可证已{_LEFT_ZH.get(status, status)}，不再持证 — the licence is {status}",
            today=today,
            licence_state=licence_state,
        )


_LEFT_ZH = {"expired": "到期", "revoked": "吊销", "cancelled": "注销"}
