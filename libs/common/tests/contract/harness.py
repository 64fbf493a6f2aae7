"""An event path made of the real parts, on one runtime: a database (SQLite or PostgreSQL)
with the event tables and a small domain, a relay, an inbox and a transport."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lode_common.database import create_engine, session_factory
from lode_common.events.envelope import Envelope, new_envelope
from lode_common.messaging.inbox import EventHandler, Inbox
from lode_common.messaging.outbox import UnitOfWork
from lode_common.messaging.relay import Relay
from lode_common.messaging.tables import event_tables
from lode_common.messaging.transport import Delivery, Subscription, Transport


@dataclass
class EventPath:
    """One service's event path. ``service`` is unique per test, so is its topic."""

    engine: AsyncEngine
    transport: Transport
    freeze: Callable[[], None]
    thaw: Callable[[], None]
    service: str = field(default_factory=lambda: f"t{uuid.uuid4().hex[:12]}")

    def __post_init__(self) -> None:
        self.metadata = MetaData()
        self.tables = event_tables(self.metadata)
        self.things = Table(
            "things",
            self.metadata,
            Column("id", String(64), primary_key=True),
            Column("n", Integer, nullable=False),
        )
        self.effects = Table(
            "effects",
            self.metadata,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("event_id", String(64), nullable=False),
            Column("aggregate", String(64), nullable=False),
            Column("seq", Integer, nullable=False),
            Column("consumer_tag", String(20), nullable=False),
        )
        self.sessions = session_factory(self.engine)
        self.relay = self.new_relay()
        self.subscriptions: list[Subscription] = []
        self.poisoned = True
        self.deliveries: list[Delivery] = []

    @property
    def topic(self) -> str:
        return f"lode.{self.service}"

    @property
    def event_type(self) -> str:
        return f"lode.{self.service}.thing.counted.v1"

    async def setup(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(self.metadata.create_all)
        await self.transport.start()
        await self.transport.ensure_topics([self.topic])

    async def teardown(self) -> None:
        for sub in self.subscriptions:
            await sub.abort()
        await self.relay.stop(drain_timeout_s=0.5)
        await self.transport.stop()
        await self.engine.dispose()

    def new_relay(self, cls: type[Relay] = Relay) -> Relay:
        return cls(
            service=self.service,
            engine=self.engine,
            tables=self.tables,
            transport=self.transport,
            batch=200,
            idle_poll_s=0.05,
            min_backoff_s=0.05,
            max_backoff_s=0.5,
        )

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.tables, on_commit=self.relay.notify)

    def event(self, aggregate: str, seq: int, **data: Any) -> Envelope:
        return new_envelope(
            event_type=self.event_type,
            subject=aggregate,
            data={"aggregate": aggregate, "seq": seq, **data},
        )

    async def commit_events(self, events: Sequence[Envelope]) -> None:
        """One unit of work: a state change per event and the events themselves."""
        async with self.uow() as uow:
            for e in events:
                await uow.session.execute(insert(self.things).values(id=e.id, n=e.data["seq"]))
                uow.emit_envelope(e)
            await uow.commit()

    def inbox(self, tag: str = "a") -> Inbox:
        async def record(session: AsyncSession, envelope: Envelope, _payload: Any) -> None:
            if envelope.data.get("poison") and self.poisoned:
                raise ValueError(f"cannot count thing {envelope.data['seq']}: poisoned")
            await session.execute(
                insert(self.effects).values(
                    event_id=envelope.id,
                    aggregate=envelope.data["aggregate"],
                    seq=envelope.data["seq"],
                    consumer_tag=tag,
                )
            )

        handlers: dict[str, EventHandler] = {self.event_type.rsplit(".", 1)[0]: record}
        return Inbox(
            consumer="counter",
            sessions=self.sessions,
            tables=self.tables,
            handlers=handlers,
            max_attempts=2,
            retry_delay_s=0.01,
        )

    async def subscribe(
        self,
        inbox: Inbox | None = None,
        wrap: Callable[
            [Callable[[Sequence[Delivery]], Awaitable[None]]],
            Callable[[Sequence[Delivery]], Awaitable[None]],
        ]
        | None = None,
    ) -> Subscription:
        inbox = inbox or self.inbox()

        async def handler(batch: Sequence[Delivery]) -> None:
            await inbox.handle_batch(batch)
            self.deliveries.extend(batch)  # counted once handled, so waits see the effects

        sub = await self.transport.subscribe(
            group=f"{self.service}-counter",
            topics=[self.topic],
            handler=wrap(handler) if wrap else handler,
        )
        self.subscriptions.append(sub)
        return sub

    # --- reading the outcome ----------------------------------------------------------------
    async def scalar(self, query: Any) -> Any:
        async with self.sessions() as session:
            return (await session.execute(query)).scalar()

    async def effect_count(self) -> int:
        return int(await self.scalar(select(func.count()).select_from(self.effects)))

    async def effects_by_event(self) -> dict[str, int]:
        async with self.sessions() as session:
            rows = await session.execute(
                select(self.effects.c.event_id, func.count()).group_by(self.effects.c.event_id)
            )
            return {r[0]: r[1] for r in rows}

    async def parked(self) -> int:
        dl = self.tables.dead_letter
        return int(await self.scalar(select(func.count()).select_from(dl)))

    async def unsent(self) -> int:
        o = self.tables.outbox
        return int(await self.scalar(select(func.count()).where(o.c.sent_at.is_(None))))

    def publish_failures(self) -> float:
        """How often the relay has failed to publish (its counter)."""
        metrics = self.relay.metrics
        labels = {"service": self.service}
        return metrics.registry.get_sample_value("lode_relay_publish_failures_total", labels) or 0.0


def sqlite_engine(path: str) -> AsyncEngine:
    return create_engine(f"sqlite+aiosqlite:///{path}")
