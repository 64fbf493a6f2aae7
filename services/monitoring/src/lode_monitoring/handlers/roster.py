"""The inspector roster (检查人员名录) and the enterprises each inspector must not inspect
(回避): kept by an admin, read by draws and inspections."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.errors import Conflict, NotFound
from lode_common.messaging.outbox import UnitOfWork
from lode_monitoring.adapters.supervision_tables import Inspector, InspectorRelation
from lode_monitoring.domain.inspection import Roster


@dataclass(frozen=True)
class RosterEntry:
    """An inspector with the relations recorded for it."""

    inspector: Inspector
    relations: list[InspectorRelation]


async def save_inspector(
    uow: UnitOfWork,
    *,
    inspector_id: str | None,
    name: str,
    subject: str,
    active: bool,
    actor: str,
) -> tuple[Inspector, bool]:
    """Add an inspector, or change the one ``inspector_id`` names (its name, subject,
    whether active); returns the row and whether it is new. Conflict (409) when another
    inspector has the subject."""
    session = uow.session
    holder = (
        await session.execute(select(Inspector).where(col(Inspector.subject) == subject))
    ).scalar_one_or_none()
    if holder is not None and holder.id != inspector_id:
        raise Conflict(
            f"检查人员 {holder.id} 已使用该账号 — the subject {subject!r} is inspector "
            f"{holder.id}'s; change that one (POST with its id) instead.",
            inspector_id=holder.id,
        )
    row = await session.get(Inspector, inspector_id) if inspector_id else None
    if row is not None:
        row.name, row.subject, row.active = name, subject, active
        await session.flush()
        return row, False
    row = Inspector(
        id=inspector_id or str(uuid.uuid4()),
        name=name,
        subject=subject,
        active=active,
        created_by=actor,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    await session.flush()
    return row, True


async def add_relation(
    uow: UnitOfWork, *, inspector_id: str, credit_code: str, relation: str, actor: str
) -> InspectorRelation:
    """Record that the inspector must not inspect the enterprise (回避). NotFound (404) for
    an inspector not in the roster, Conflict (409) when the relation is recorded already."""
    session = uow.session
    if await session.get(Inspector, inspector_id) is None:
        raise NotFound(
            f"检查人员名录中没有 {inspector_id} — there is no inspector {inspector_id}; "
            "GET /monitoring/v1/inspectors lists them."
        )
    existing = (
        await session.execute(
            select(InspectorRelation).where(
                col(InspectorRelation.inspector_id) == inspector_id,
                col(InspectorRelation.credit_code) == credit_code,
            )
        )
    ).scalar_one_or_none()
    if existing is not None:
        raise Conflict(
            f"已登记 — inspector {inspector_id}'s relation to {credit_code} is recorded "
            f"already ({existing.relation}).",
        )
    row = InspectorRelation(
        inspector_id=inspector_id,
        credit_code=credit_code,
        relation=relation,
        recorded_by=actor,
        recorded_at=datetime.now(UTC),
    )
    session.add(row)
    await session.flush()
    return row


async def entries(session: AsyncSession) -> list[RosterEntry]:
    """The whole roster, by id, each inspector with its relations."""
    inspectors = (await session.execute(select(Inspector).order_by(col(Inspector.id)))).scalars()
    relations = (
        await session.execute(select(InspectorRelation).order_by(col(InspectorRelation.row_id)))
    ).scalars()
    by_inspector: dict[str, list[InspectorRelation]] = {}
    for relation in relations:
        by_inspector.setdefault(relation.inspector_id, []).append(relation)
    return [RosterEntry(i, by_inspector.get(i.id, [])) for i in inspectors]


async def roster(session: AsyncSession) -> Roster:
    """The roster as draws and inspections are checked against it."""
    listed = await entries(session)
    return Roster(
        active=frozenset(e.inspector.id for e in listed if e.inspector.active),
        known=frozenset(e.inspector.id for e in listed),
        related={e.inspector.id: frozenset(r.credit_code for r in e.relations) for e in listed},
    )
