"""A service's runtime: its database, outbox relay and inbox on a given transport.

Embedded and distributed mode are two ways of building the same runtime: the transport
(in-process or Kafka) and the database URL come from settings; handlers, outbox, inbox
and projections are the same code.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog

from lode_common.audit.context import acting, for_system
from lode_common.audit.jobs import audit_daily, audit_sealer
from lode_common.auth import Authenticator
from lode_common.database import create_engine, migrate, session_factory
from lode_common.messaging.inbox import EventHandler, Inbox
from lode_common.messaging.outbox import UnitOfWork
from lode_common.messaging.relay import Relay
from lode_common.messaging.retention import Pruned, RetentionPolicy, prune
from lode_common.messaging.tables import EVENT_TABLES
from lode_common.messaging.transport import Subscription, Transport
from lode_common.metrics import ServiceMetrics
from lode_common.settings import LodeSettings

log = structlog.get_logger(__name__)


Job = Callable[["ServiceRuntime"], Coroutine[Any, Any, None]]


@dataclass
class ServiceSpec:
    """What a service is: its name, migrations, the topics it reads and how it handles them."""

    name: str
    migrations_dir: Path
    consumes: Sequence[str] = ()
    handlers: dict[str, EventHandler] = field(default_factory=dict)
    publishes: bool = True  # a service with no events of its own has no topic
    on_start: Sequence[Job] = ()
    background: Sequence[Job] = ()  # long-running tasks (daily jobs, re-checks)
    on_stop: Sequence[Job] = ()  # closing clients the service opened

    @property
    def topic(self) -> str:
        return f"lode.{self.name}"


class ServiceRuntime:
    def __init__(
        self,
        spec: ServiceSpec,
        settings: LodeSettings,
        transport: Transport,
    ) -> None:
        self.spec = spec
        self.name = spec.name
        self.settings = settings
        self.transport = transport
        self.metrics = ServiceMetrics(spec.name)
        self.engine = create_engine(settings.resolved_database_url())
        self.sessions = session_factory(self.engine)
        self.tables = EVENT_TABLES
        self.relay = Relay(
            service=spec.name,
            engine=self.engine,
            tables=self.tables,
            transport=transport,
            metrics=self.metrics,
            batch=settings.relay_batch,
            max_backoff_s=settings.relay_max_backoff_s,
        )
        self.inbox = Inbox(
            consumer=spec.name,
            sessions=self.sessions,
            tables=self.tables,
            handlers=spec.handlers,
            metrics=self.metrics,
            max_attempts=settings.inbox_max_attempts,
        )
        self.inbox.after_commit.append(lambda _handled: self.relay.notify())
        self.authenticator = Authenticator(
            admin_token=settings.admin_token, jwt_secret=settings.jwt_secret
        )
        """Tokens and JWTs; a service that recognises mines' API keys replaces it
        (``lode_common.api_keys.recognise_api_keys``)."""
        self.subscription: Subscription | None = None
        self._lag_task: asyncio.Task[None] | None = None
        self._jobs: list[asyncio.Task[None]] = []
        self.container: object | None = None
        """The service's typed parts (a ``lode_common.container.ServiceContainer``), attached
        by its bootstrap."""
        self.started = False

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.tables, on_commit=self.relay.notify)

    async def start(self, *, consume: bool = True) -> None:
        await migrate(self.engine, self.spec.migrations_dir)
        own = [self.spec.topic] if self.spec.publishes else []
        await self.transport.ensure_topics([*own, *self.spec.consumes])
        self.relay.start()
        self.relay.notify()  # publish what a previous run left behind
        await self.inbox.refresh_dead_letter_gauge()
        for hook in self.spec.on_start:  # seeding (the plan on first start, demo data)
            with acting(for_system(f"start:{hook.__name__}")):
                await hook(self)
        if consume and self.spec.consumes and self.spec.handlers:
            await self.subscribe()
        self._lag_task = asyncio.create_task(self._watch_lag(), name=f"lag-{self.name}")
        self._jobs = [
            asyncio.create_task(self._supervise(job), name=f"{self.name}-{job.__name__}")
            for job in (*self.spec.background, retention_job, audit_sealer, audit_daily)
        ]
        self.started = True
        log.info("service started", service=self.name)

    async def subscribe(self) -> Subscription:
        self.subscription = await self.transport.subscribe(
            group=self.name, topics=list(self.spec.consumes), handler=self.inbox.handle_batch
        )
        return self.subscription

    async def stop(self) -> None:
        """Stop consuming, drain the relay (nothing committed is lost), close the database."""
        for task in [*self._jobs, *([self._lag_task] if self._lag_task else [])]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._jobs = []
        self._lag_task = None
        if self.subscription is not None:
            await self.subscription.stop()
            self.subscription = None
        for hook in self.spec.on_stop:
            await hook(self)
        await self.relay.stop()
        await self.engine.dispose()
        self.started = False
        log.info("service stopped", service=self.name)

    async def _supervise(self, job: Job, restart_after_s: float = 5.0) -> None:
        """Run a background job; when it crashes, log it and start it again."""
        while True:
            try:
                with acting(for_system(job.__name__)):
                    await job(self)
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception(
                    "background job failed; restarting",
                    service=self.name,
                    job=job.__name__,
                    restart_in_s=restart_after_s,
                )
                await asyncio.sleep(restart_after_s)

    async def _watch_lag(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            if self.subscription is not None:
                for (topic, partition), lag in self.subscription.lag().items():
                    self.metrics.consumer_lag.labels(self.name, topic, str(partition)).set(lag)


def retention_policy(settings: LodeSettings) -> RetentionPolicy:
    return RetentionPolicy(
        outbox_sent_days=settings.retention_outbox_days,
        inbox_days=settings.retention_inbox_days,
        idempotency_days=settings.retention_idempotency_days,
    )


async def prune_once(runtime: ServiceRuntime, now: datetime | None = None) -> Pruned:
    """One pass of retention over the service's database (see ``messaging.retention``)."""
    pruned = await prune(
        runtime.engine,
        runtime.tables,
        retention_policy(runtime.settings),
        now or datetime.now(UTC),
    )
    for table, rows in (
        ("outbox", pruned.outbox),
        ("inbox", pruned.inbox),
        ("idempotency_record", pruned.idempotency),
    ):
        if rows:
            runtime.metrics.pruned.labels(runtime.name, table).inc(rows)
    if pruned != Pruned():
        log.info("retention pruned rows", service=runtime.name, **vars(pruned))
    return pruned


async def retention_job(runtime: ServiceRuntime) -> None:
    """Every ``LODE_RETENTION_EVERY_S``: let go what the retention settings allow (the first
    pass after one interval, so a start does no work for it)."""
    while True:
        await asyncio.sleep(runtime.settings.retention_every_s)
        await prune_once(runtime)
