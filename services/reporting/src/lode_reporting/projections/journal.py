"""The event journal: every event the reporting handlers accept, in commit order.

It is what the SSE stream tails (``Last-Event-ID`` resumes from it) and what ``as_of``
and the indicator sources refer to.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.events.envelope import Envelope
from lode_common.events.registry import EventPayload
from lode_common.messaging.consumers import Consumer
from lode_reporting.adapters.tables import JournalEntry

P = TypeVar("P", bound=EventPayload)


def licence_no_of(payload: EventPayload) -> str | None:
    """The licence an event is about, when its payload names one (licence states, reports,
    findings): the journal is indexed by it."""
    value = getattr(payload, "licence_no", None)
    return value if isinstance(value, str) else None


def record(session: AsyncSession, envelope: Envelope, payload: EventPayload) -> None:
    """Add the event to the journal (in the inbox's transaction)."""
    session.add(
        JournalEntry(
            event_id=envelope.id,
            type=envelope.type,
            subject=envelope.subject,
            licence_no=licence_no_of(payload),
            time=envelope.time,
            envelope=envelope.model_dump(mode="json", exclude_none=True),
        )
    )


def journaled(project: Consumer[P]) -> Consumer[P]:
    """A consumer that records the event in the journal, then projects it onto the read
    models (one transaction: the inbox's), so that the journal holds every event behind
    every row."""

    async def consume(session: AsyncSession, envelope: Envelope, payload: P) -> None:
        record(session, envelope, payload)
        await project(session, envelope, payload)

    consume.__name__ = consume.__qualname__ = project.__name__
    return consume


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def position(session: AsyncSession) -> dict[str, Any]:
    """``as_of``: the latest journal entry the read models include (its time, position and
    event id); ``None`` values when nothing has arrived yet."""
    seq = (await session.execute(select(func.max(col(JournalEntry.seq))))).scalar_one_or_none()
    if seq is None:
        return {"as_of": None, "as_of_position": 0, "as_of_event_id": None}
    entry = await session.get(JournalEntry, seq)
    assert entry is not None
    return {
        "as_of": aware(entry.time),
        "as_of_position": seq,
        "as_of_event_id": entry.event_id,
    }
