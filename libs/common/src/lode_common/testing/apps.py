"""A service under test: its real runtime and app on a real database and bus, an HTTP client,
tokens for every role, and the events it published.

``backend`` is ``"sqlite"`` (SQLite file + in-process bus) or ``"postgres"`` (a fresh
PostgreSQL database + the Kafka-protocol broker).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import select

from lode_common.auth import issue_token
from lode_common.events.envelope import Envelope
from lode_common.messaging.inprocess import InProcessTransport
from lode_common.messaging.kafka import KafkaConfig, KafkaTransport
from lode_common.messaging.transport import Transport
from lode_common.runtime import ServiceRuntime
from lode_common.settings import LodeSettings
from lode_common.testing.eventually import eventually
from lode_common.testing.services import KafkaBroker, PostgresServer

ADMIN_TOKEN = "test-admin-token-0123456789abcdef-0123456789"
JWT_SECRET = "test-jwt-secret-0123456789abcdef-0123456789"

Build = Callable[..., tuple[ServiceRuntime, FastAPI]]


@dataclass
class ServiceUnderTest:
    runtime: ServiceRuntime
    app: FastAPI
    client: httpx.AsyncClient
    transport: Transport
    backend: str
    extra: dict[str, Any] = field(default_factory=dict)

    def auth(
        self, *roles: str, user: str = "tester", enterprise: str | None = None
    ) -> dict[str, str]:
        """Headers carrying a signed staff token with ``roles`` (or the admin token)."""
        if roles == ("admin-token",):
            return {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        token = issue_token(JWT_SECRET, user=user, roles=list(roles), enterprise=enterprise)
        return {"Authorization": f"Bearer {token}"}

    async def published(self, topic: str | None = None) -> list[Envelope]:
        """Every event this service has committed so far, as its topic holds them (once the
        relay has published them all; a copy published twice is shown once), in the order
        they were committed."""
        relay = self.runtime.relay
        relay.notify()

        async def outbox_published() -> None:
            unsent = (await relay.backlog())[0]
            assert not unsent, f"{unsent} rows unsent"
            assert not relay._in_flight, "a batch is in flight"

        await eventually(outbox_published, interval_s=0.02, what="the relay to publish the outbox")
        outbox = self.runtime.tables.outbox
        topic = topic or self.runtime.spec.topic
        async with self.runtime.sessions() as session:
            rows = (
                await session.execute(select(outbox.c.event_id, outbox.c.seq, outbox.c.topic))
            ).all()
        order = {event_id: seq for event_id, seq, _ in rows}
        wanted = {event_id for event_id, _, on in rows if on == topic}
        envelopes: dict[str, Envelope] = {}

        async def replayed() -> None:
            async for batch in self.transport.replay(topic):
                for delivery in batch:
                    envelope = Envelope.from_json(delivery.value)
                    if envelope.id in order:  # the broker outlives the test: others' too
                        envelopes.setdefault(envelope.id, envelope)
            missing = wanted - envelopes.keys()
            assert not missing, f"{len(missing)} committed events not on {topic} yet"

        # a broker may show the end of a partition a moment late
        await eventually(replayed, timeout_s=10, interval_s=0.1, what=f"the events on {topic}")
        return sorted(envelopes.values(), key=lambda e: order[e.id])  # commit order

    async def types_published(self, topic: str | None = None) -> list[str]:
        return [e.type for e in await self.published(topic)]


@asynccontextmanager
async def service_under_test(
    build: Build,
    settings_class: type[LodeSettings],
    *,
    backend: str,
    tmp_path: Path,
    postgres: PostgresServer | None = None,
    kafka: KafkaBroker | None = None,
    **overrides: Any,
) -> AsyncIterator[ServiceUnderTest]:
    settings_values: dict[str, Any] = {**_base_settings(tmp_path), **overrides}
    if backend == "sqlite":
        settings_values["database_url"] = f"sqlite+aiosqlite:///{tmp_path / 'service.db'}"
    elif backend == "postgres":
        settings_values["database_url"] = _pg(postgres).url(
            _pg(postgres).create_database("lode_svc")
        )
    else:
        raise ValueError(f"unknown backend {backend!r}")
    transport = _transport(backend, tmp_path, kafka)
    settings = settings_class(**settings_values)
    await transport.start()
    runtime, app = build(settings, transport=transport)
    await runtime.start()
    try:
        async with (
            LifespanManager(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://lode.test"
            ) as client,
        ):
            yield ServiceUnderTest(runtime, app, client, transport, backend)
    finally:
        await runtime.stop()
        await transport.stop()


@asynccontextmanager
async def services_under_test(
    builds: dict[str, tuple[Build, type[LodeSettings]]],
    *,
    backend: str,
    tmp_path: Path,
    postgres: PostgresServer | None = None,
    kafka: KafkaBroker | None = None,
    wiring: Callable[[dict[str, FastAPI]], dict[str, dict[str, Any]]] | None = None,
    **overrides: Any,
) -> AsyncIterator[dict[str, ServiceUnderTest]]:
    """Several services on one bus (as they run together), each with its own database.

    ``wiring`` receives the apps built so far (in ``builds`` order) and returns extra
    build arguments per service (e.g. licensing's in-process transport to zoning)."""
    transport = _transport(backend, tmp_path, kafka)
    await transport.start()
    started: list[ServiceRuntime] = []
    apps: dict[str, FastAPI] = {}
    result: dict[str, ServiceUnderTest] = {}
    try:
        for name, (build, settings_class) in builds.items():
            url = (
                f"sqlite+aiosqlite:///{tmp_path / f'{name}.db'}"
                if backend == "sqlite"
                else _pg(postgres).url(_pg(postgres).create_database(f"lode_{name}"))
            )
            settings = settings_class(
                **{**_base_settings(tmp_path), "database_url": url, **overrides}
            )
            extra = (wiring(apps) if wiring else {}).get(name, {})
            runtime, app = build(settings, transport=transport, **extra)
            apps[name] = app
            await runtime.start()
            started.append(runtime)
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://lode.test"
            )
            result[name] = ServiceUnderTest(runtime, app, client, transport, backend)
        yield result
    finally:
        for service in result.values():
            await service.client.aclose()
        for runtime in reversed(started):
            await runtime.stop()
        await transport.stop()


def _pg(postgres: PostgresServer | None) -> PostgresServer:
    if postgres is None:
        raise ValueError("the postgres backend needs the postgres fixture")
    return postgres


def _base_settings(tmp_path: Path) -> dict[str, Any]:
    return {
        "environment": "development",
        "admin_token": ADMIN_TOKEN,
        "jwt_secret": JWT_SECRET,
        "data_dir": tmp_path,
        "demo": False,
        "log_json": False,
    }


def _transport(backend: str, tmp_path: Path, kafka: KafkaBroker | None) -> Transport:
    if backend == "sqlite":
        return InProcessTransport(tmp_path / "bus.db", partitions=3, retry_backoff_s=0.02)
    if kafka is None:
        raise ValueError("the postgres backend needs the kafka fixture")
    return KafkaTransport(
        KafkaConfig(
            bootstrap=kafka.bootstrap,
            partitions=3,
            idempotence=False,
            session_timeout_ms=3000,
            request_timeout_ms=3000,
            publish_timeout_s=5,
            retry_backoff_s=0.05,
            client_id=f"test-{uuid.uuid4().hex[:6]}",
        )
    )
