"""The event journal: every event the reporting handlers accept, in commit order.

It is what the SSE stream tails (``Last-Event-ID`` resumes from it) and what ``as_of``
and the indicator sources refer to.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.events.envelope import Envelope
from lode_common.events.registry import EventPayload
from lode_common.messaging.inbox import EventHandler
from lode_reporting.adapters.tables import JournalEntry

Apply = Callable[[AsyncSession, Envelope], Awaitable[None]]


def licence_no_of(envelope: Envelope) -> str | None:
    value = envelope.data.get("licence_no")
    return value if isinstance(value, str) else None


def journaled(apply: Apply) -> EventHandler:
    """A handler that records the event in the journal, then applies it to the read models
    (one transaction: the inbox's)."""

    async def handler(
        session: AsyncSession, envelope: Envelope, _payload: EventPayload | None
    ) -> None:
        session.add(
            JournalEntry(
                event_id=envelope.id,
                type=envelope.type,
                subject=envelope.subject,
                licence_no=licence_no_of(envelope),
                time=envelope.time,
                envelope=envelope.model_dump(mode="json", exclude_none=True),
            )
        )
        await apply(session, envelope)

    handler.__name__ = f"journaled_{apply.__name__}"
    return handler


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
