"""Transactional outbox: events are written in the unit of work of the state change.

:class:`UnitOfWork` is what handlers use: ``async with uow: ... uow.emit(payload, subject);
await uow.commit()``. The events become outbox rows inside the same transaction, so a
rolled-back change publishes nothing. The relay (``relay.py``) publishes them afterwards.

Rows are inserted last, after the state change, so for one aggregate (whose row the
change locks) the outbox order is the commit order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lode_common import telemetry
from lode_common.events.envelope import Envelope
from lode_common.events.registry import EventPayload
from lode_common.messaging.tables import EVENT_TABLES, EventTables
from lode_common.metrics import count_emitted

_STAGED = "lode_staged_event_types"  # session.info key: types staged, counted once committed


def outbox_rows(envelopes: Sequence[Envelope]) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [
        {
            "event_id": e.id,
            "topic": e.topic,
            "key": e.subject,
            "type": e.type,
            "envelope": e.to_json().decode(),
            "created_at": now,
        }
        for e in envelopes
    ]


async def stage(session: AsyncSession, tables: EventTables, envelopes: Sequence[Envelope]) -> None:
    """Insert outbox rows in the session's current transaction."""
    if envelopes:
        await session.execute(insert(tables.outbox), outbox_rows(envelopes))
        session.info.setdefault(_STAGED, []).extend(e.type for e in envelopes)


def committed(session: AsyncSession) -> None:
    """The session's transaction committed: count the events it staged (the
    ``lode_events_emitted_total`` metric); call after the commit, whoever committed."""
    staged = session.info.pop(_STAGED, None)
    if staged:
        count_emitted(staged)


def discarded(session: AsyncSession) -> None:
    """The session's transaction rolled back: what it staged was never emitted."""
    session.info.pop(_STAGED, None)


def traced(envelope: Envelope) -> Envelope:
    """``envelope`` with the current trace context as its CloudEvents Distributed Tracing
    extension (``traceparent``, ``tracestate``); as it is when tracing is off or it has one."""
    if envelope.traceparent is not None or not telemetry.tracing_enabled():
        return envelope
    extensions = telemetry.trace_extensions()
    if not extensions:
        return envelope
    return Envelope.model_validate({**envelope.model_dump(), **extensions})


async def emit(session: AsyncSession, payload: EventPayload, subject: str) -> Envelope:
    """Stage one event in the session's transaction (for event handlers that publish: the
    inbox commits their effect, their inbox row and these outbox rows together)."""
    envelope = traced(payload.envelope(subject))
    await stage(session, EVENT_TABLES, [envelope])
    return envelope


class UnitOfWork:
    """One transaction: the state change and the events it emits commit together."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        tables: EventTables,
        on_commit: Callable[[], None] = lambda: None,
        traceparent: Callable[[], str | None] | None = None,
    ) -> None:
        """``traceparent`` overrides where the events' trace context comes from (by default
        the current span, see :mod:`lode_common.telemetry`)."""
        self._sessions = sessions
        self._tables = tables
        self._on_commit = on_commit
        self._traceparent = traceparent
        self._pending: list[Envelope] = []
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("use the unit of work inside 'async with uow:'")
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        self._session = self._sessions()
        self._pending = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        try:
            await session.rollback()  # a no-op after commit; undoes anything uncommitted
        finally:
            await session.close()
            self._pending = []

    def emit(self, payload: EventPayload, subject: str) -> Envelope:
        """Stage an event about ``subject`` (the aggregate id); it is written on commit."""
        if self._traceparent is None:
            envelope = traced(payload.envelope(subject))
        else:
            envelope = payload.envelope(subject, traceparent=self._traceparent())
        self._pending.append(envelope)
        return envelope

    def emit_envelope(self, envelope: Envelope) -> None:
        self._pending.append(envelope)

    async def commit(self) -> None:
        pending, self._pending = self._pending, []
        await stage(self.session, self._tables, pending)
        await self.session.commit()
        committed(self.session)
        if pending:
            self._on_commit()

    async def rollback(self) -> None:
        self._pending = []
        await self.session.rollback()
        discarded(self.session)
