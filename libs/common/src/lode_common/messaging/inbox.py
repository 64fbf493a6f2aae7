"""The inbox: a consumer records each handled event id in the same transaction as its effect.

A batch is applied in one transaction (the fast path). If any event in it fails, the
batch is rolled back and replayed event by event: each failing event is retried, then
parked in ``dead_letter`` with its error (and an inbox row saying so, so redelivery
skips it), while the rest keep flowing. Parked events are re-driven by
:meth:`Inbox.redrive`. Database outages are not the event's fault: they propagate, the
transport does not commit its offsets, and the batch comes again later.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog
from pydantic import ValidationError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lode_common import telemetry
from lode_common.audit import context as audit_context
from lode_common.events.envelope import Envelope
from lode_common.events.registry import EventPayload, payload_class
from lode_common.messaging.outbox import committed
from lode_common.messaging.tables import EventTables
from lode_common.messaging.transport import Delivery
from lode_common.metrics import ServiceMetrics

log = structlog.get_logger(__name__)

EventHandler = Callable[[AsyncSession, Envelope, EventPayload | None], Awaitable[None]]
BatchEventHandler = Callable[
    [AsyncSession, Sequence[tuple[Envelope, EventPayload | None]]], Awaitable[None]
]


class Batched:
    """Marks a handler that takes a run of consecutive events of one type at once (one
    ``executemany`` or upsert per batch instead of a round trip per event)."""

    def __init__(self, handler: BatchEventHandler) -> None:
        self.handler = handler

    async def __call__(
        self, session: AsyncSession, envelope: Envelope, payload: EventPayload | None
    ) -> None:
        await self.handler(session, [(envelope, payload)])


def _unique(envelopes: Sequence[Envelope]) -> list[Envelope]:
    """First occurrence of each event id, in order (a batch may hold a republished copy)."""
    seen: set[str] = set()
    out = []
    for e in envelopes:
        if e.id not in seen:
            seen.add(e.id)
            out.append(e)
    return out


class PoisonMessage(Exception):
    """A message that can never be handled as it is (not an envelope, bad payload)."""


_SQLITE_OUTAGES = (
    "database is locked",
    "unable to open",
    "disk i/o",
    "readonly database",
    "database or disk is full",
    "busy",
)


def is_infrastructure_error(exc: BaseException) -> bool:
    """The database (not the event) is at fault: do not park, let the batch come again.

    SQLite reports SQL mistakes (no such column, syntax) as OperationalError too: those
    are the handler's bug, parked like any other failure."""
    if isinstance(exc, ConnectionError | OSError | InterfaceError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError):
        if "sqlite" in type(exc.orig).__module__:
            return any(marker in str(exc.orig).lower() for marker in _SQLITE_OUTAGES)
        return True
    return False


@dataclass(frozen=True)
class _Item:
    delivery: Delivery
    envelope: Envelope | None
    error: str | None


class Inbox:
    """The consuming side of one service: dispatches events by type to its handlers."""

    def __init__(
        self,
        *,
        consumer: str,
        sessions: async_sessionmaker[AsyncSession],
        tables: EventTables,
        handlers: dict[str, EventHandler],
        metrics: ServiceMetrics | None = None,
        max_attempts: int = 3,
        retry_delay_s: float = 0.05,
    ) -> None:
        """``handlers`` maps a base type (``lode.licensing.licence.issued``, no version) to
        a handler; unknown types are ignored (a consumer reads what it knows)."""
        self.consumer = consumer
        self.sessions = sessions
        self.tables = tables
        self.handlers = handlers
        self.metrics = metrics or ServiceMetrics(consumer)
        self.max_attempts = max_attempts
        self.retry_delay_s = retry_delay_s
        self.after_commit: list[Callable[[Sequence[Envelope]], None]] = []

    async def handle_batch(self, deliveries: Sequence[Delivery]) -> None:
        """The transport's batch handler. Returns once every delivery is handled or parked."""
        items = [self._parse(d) for d in deliveries]
        relevant = [i for i in items if i.error or self._handler_for(i.envelope)]
        if not relevant:
            return
        try:
            handled = await self._apply(relevant)
        except Exception as exc:
            if is_infrastructure_error(exc):
                raise
            log.warning("batch failed; isolating", consumer=self.consumer, error=repr(exc))
            handled = []
            for item in relevant:
                handled += await self._apply_one_with_retries(item)
        self.metrics.consumed.labels(self.consumer, "handled").inc(len(handled))
        for callback in self.after_commit:
            callback(handled)

    # --- the fast path: the whole batch in one transaction ---------------------------------
    async def _apply(self, items: Sequence[_Item]) -> list[Envelope]:
        for item in items:
            if item.error:
                raise PoisonMessage(item.error)
        envelopes = [i.envelope for i in items if i.envelope is not None]
        audit = audit_context.for_events(self.consumer)
        with audit_context.acting(audit):
            async with self.sessions() as session, session.begin():
                fresh = await self._claim(session, envelopes)
                done = [e for e in _unique(envelopes) if e.id in fresh]
                audit_context.handling(audit, [(e.type, e.id) for e in done])
                await self._dispatch_all(session, done)
        committed(session)
        return done

    async def _claim(self, session: AsyncSession, envelopes: Sequence[Envelope]) -> set[str]:
        """Insert the inbox rows first; the ids that were new are the ones to handle
        (one round trip instead of a look-up and an insert)."""
        if not envelopes:
            return set()
        now = datetime.now(UTC)
        rows = [
            {"consumer": self.consumer, "event_id": e.id, "outcome": "handled", "handled_at": now}
            for e in _unique(envelopes)
        ]
        dialect = session.bind.dialect.name if session.bind else "sqlite"
        upsert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            upsert(self.tables.inbox)
            .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
            .returning(self.tables.inbox.c.event_id)
        )
        return set((await session.execute(statement, rows)).scalars())

    # --- the slow path: one event at a time, retried, then parked --------------------------
    async def _apply_one_with_retries(self, item: _Item) -> list[Envelope]:
        error = item.error or ""
        attempts = 0
        if item.error is None:
            for attempts in range(1, self.max_attempts + 1):
                try:
                    return await self._apply([item])
                except Exception as exc:
                    if is_infrastructure_error(exc):
                        raise
                    error = f"{type(exc).__name__}: {exc}"
                    log.warning(
                        "event failed",
                        consumer=self.consumer,
                        attempt=attempts,
                        event_id=item.envelope.id if item.envelope else None,
                        error=error,
                    )
                    await asyncio.sleep(self.retry_delay_s * attempts)
        await self._park(item, error, max(attempts, 1))
        return []

    async def _park(self, item: _Item, error: str, attempts: int) -> None:
        d, e = item.delivery, item.envelope
        event_id = e.id if e else f"{d.topic}/{d.partition}/{d.offset}"
        now = datetime.now(UTC)
        async with self.sessions() as session, session.begin():
            existing = await session.execute(
                select(self.tables.inbox.c.event_id).where(
                    self.tables.inbox.c.consumer == self.consumer,
                    self.tables.inbox.c.event_id == event_id,
                )
            )
            if existing.first() is not None:
                return  # already parked on an earlier delivery
            await session.execute(
                insert(self.tables.dead_letter).values(
                    consumer=self.consumer,
                    event_id=event_id,
                    topic=d.topic,
                    key=d.key,
                    type=e.type if e else "?",
                    envelope=d.value.decode("utf-8", "replace"),
                    error=error[:4000],
                    attempts=attempts,
                    parked_at=now,
                    status="parked",
                )
            )
            await session.execute(
                insert(self.tables.inbox).values(
                    consumer=self.consumer, event_id=event_id, outcome="parked", handled_at=now
                )
            )
        self.metrics.consumed.labels(self.consumer, "parked").inc()
        await self.refresh_dead_letter_gauge()
        log.error(
            "event parked in dead_letter", consumer=self.consumer, event_id=event_id, error=error
        )

    # --- dead letters -------------------------------------------------------------------------
    async def dead_letters(self, *, status: str | None = "parked") -> list[dict[str, Any]]:
        dl = self.tables.dead_letter
        query = select(dl).where(dl.c.consumer == self.consumer).order_by(dl.c.id)
        if status:
            query = query.where(dl.c.status == status)
        async with self.sessions() as session:
            return [dict(r) for r in (await session.execute(query)).mappings()]

    async def redrive(self, dead_letter_id: int) -> bool:
        """Handle a parked event again; True if it went through (else it stays parked)."""
        dl, inbox = self.tables.dead_letter, self.tables.inbox
        async with self.sessions() as session:
            row = (
                (
                    await session.execute(
                        select(dl).where(dl.c.id == dead_letter_id, dl.c.consumer == self.consumer)
                    )
                )
                .mappings()
                .first()
            )
        if row is None or row["status"] != "parked":
            return False
        try:
            envelope = Envelope.from_json(row["envelope"])
            audit = audit_context.for_events(self.consumer, [(envelope.type, envelope.id)])
            with audit_context.acting(audit):
                async with self.sessions() as session, session.begin():
                    await session.execute(
                        delete(inbox).where(
                            inbox.c.consumer == self.consumer, inbox.c.event_id == row["event_id"]
                        )
                    )
                    await self._dispatch(session, envelope)
                    await session.execute(
                        insert(inbox).values(
                            consumer=self.consumer,
                            event_id=envelope.id,
                            outcome="handled",
                            handled_at=datetime.now(UTC),
                        )
                    )
                    await session.execute(
                        update(dl)
                        .where(dl.c.id == dead_letter_id)
                        .values(status="redriven", redriven_at=datetime.now(UTC))
                    )
            committed(session)
        except Exception as exc:
            if is_infrastructure_error(exc):
                raise
            async with self.sessions() as session, session.begin():
                await session.execute(
                    update(dl)
                    .where(dl.c.id == dead_letter_id)
                    .values(attempts=dl.c.attempts + 1, error=f"{type(exc).__name__}: {exc}")
                )
            return False
        await self.refresh_dead_letter_gauge()
        for callback in self.after_commit:
            callback([envelope])
        return True

    async def refresh_dead_letter_gauge(self) -> int:
        dl = self.tables.dead_letter
        async with self.sessions() as session:
            count = (
                await session.execute(
                    select(func.count()).where(
                        dl.c.consumer == self.consumer, dl.c.status == "parked"
                    )
                )
            ).scalar_one()
        self.metrics.dead_letters.labels(self.consumer).set(count)
        return int(count)

    # --- helpers ------------------------------------------------------------------------------
    def _parse(self, delivery: Delivery) -> _Item:
        try:
            return _Item(delivery, Envelope.from_json(delivery.value), None)
        except ValidationError as exc:
            return _Item(delivery, None, f"not a CloudEvents envelope: {exc}")

    def _handler_for(self, envelope: Envelope | None) -> EventHandler | None:
        return self.handlers.get(envelope.base_type) if envelope else None

    async def _dispatch_all(self, session: AsyncSession, envelopes: Sequence[Envelope]) -> None:
        """Handle in order; runs of one type with a :class:`Batched` handler go together.
        With tracing on, each handler call runs in a consumer span (see :mod:`.telemetry`)."""
        traced = telemetry.tracing_enabled()
        run: list[tuple[Envelope, EventPayload | None]] = []
        run_handler: Batched | None = None
        for envelope in envelopes:
            structlog.contextvars.bind_contextvars(event_id=envelope.id, event_type=envelope.type)
            handler = self._handler_for(envelope)
            if handler is None:
                continue
            if isinstance(handler, Batched):
                if run and handler is not run_handler:
                    await self._run_batched(session, run_handler, run, traced)
                    run = []
                run_handler = handler
                run.append((envelope, self._payload(envelope)))
                continue
            if run:
                await self._run_batched(session, run_handler, run, traced)
                run, run_handler = [], None
            if traced:
                with telemetry.consumer_span(self.consumer, [envelope]):
                    await handler(session, envelope, self._payload(envelope))
            else:
                await handler(session, envelope, self._payload(envelope))
        if run:
            await self._run_batched(session, run_handler, run, traced)
        structlog.contextvars.unbind_contextvars("event_id", "event_type")

    async def _run_batched(
        self,
        session: AsyncSession,
        handler: Batched | None,
        run: Sequence[tuple[Envelope, EventPayload | None]],
        traced: bool,
    ) -> None:
        assert handler is not None  # a run is only collected with its handler
        if not traced:
            await handler.handler(session, run)
            return
        with telemetry.consumer_span(self.consumer, [envelope for envelope, _ in run]):
            await handler.handler(session, run)

    @staticmethod
    def _payload(envelope: Envelope) -> EventPayload | None:
        model = payload_class(envelope.type)
        return model.model_validate(envelope.data) if model else None

    async def _dispatch(self, session: AsyncSession, envelope: Envelope) -> None:
        handler = self._handler_for(envelope)
        if handler is None:
            return
        model = payload_class(envelope.type)
        payload = model.model_validate(envelope.data) if model else None
        if not telemetry.tracing_enabled():
            await handler(session, envelope, payload)
            return
        with telemetry.consumer_span(self.consumer, [envelope]):
            await handler(session, envelope, payload)
