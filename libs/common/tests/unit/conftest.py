"""Fixtures of the lode_common unit tests: a database on each backend, a clean registry."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lode_common import auth
from lode_common.database import create_engine, session_factory
from lode_common.events import registry
from lode_common.events.catalog import ApplicationForwarded
from lode_common.events.envelope import Envelope
from lode_common.events.quantities import Quantity
from lode_common.http import CurrentPrincipal, UoW, create_service_app, requires
from lode_common.messaging.inprocess import InProcessTransport
from lode_common.messaging.tables import EventTables, event_tables
from lode_common.runtime import ServiceRuntime, ServiceSpec
from lode_common.testing.services import PostgresServer

from .support import JWT_SECRET, settings_for, sqlite_url, zoning_migrations

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file in tmp_path, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "unit.db")
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.url(server.create_database("lode_unit"))


@pytest.fixture
def clean_registry() -> Iterator[None]:
    """Types a test registers are forgotten afterwards (the registry is process-global)."""
    saved = dict(registry._REGISTRY)
    try:
        yield
    finally:
        registry._REGISTRY.clear()
        registry._REGISTRY.update(saved)


@dataclass
class EventDatabase:
    """A database with the event tables and a small state table, ``things``."""

    url: str
    engine: AsyncEngine
    tables: EventTables
    things: Table

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return session_factory(self.engine)

    async def count(self, table: Table, *where: Any) -> int:
        async with self.engine.connect() as conn:
            query = select(func.count()).select_from(table)
            for clause in where:
                query = query.where(clause)
            return int((await conn.execute(query)).scalar_one())

    async def outbox(self) -> list[dict[str, Any]]:
        o = self.tables.outbox
        async with self.engine.connect() as conn:
            rows = await conn.execute(select(o).order_by(o.c.seq))
            return [dict(r) for r in rows.mappings()]


@pytest.fixture
async def event_db(database_url: str) -> AsyncIterator[EventDatabase]:
    metadata = MetaData()
    tables = event_tables(metadata)
    things = Table(
        "things",
        metadata,
        Column("id", String(64), primary_key=True),
        Column("n", Integer, nullable=False),
    )
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    try:
        yield EventDatabase(database_url, engine, tables, things)
    finally:
        await engine.dispose()


# --- one service over HTTP: a real runtime (SQLite file, in-process bus) behind its app ----
class Probe(BaseModel):
    """The body of the probe route: enough fields to prove validation errors."""

    name: str
    area_ha: Quantity
    depth_m: list[int] = Field(min_length=2, max_length=2)


def probe_router() -> APIRouter:
    """Routes a test needs beside the shared ones (validation, roles, logs, unit of work)."""
    router = APIRouter(prefix="/zoning/v1/probe")

    @router.post("")
    async def echo(body: Probe) -> dict[str, Any]:
        return body.model_dump(mode="json")

    @router.post("/free")
    async def free(body: dict[str, Any]) -> dict[str, Any]:
        return body

    @router.post("/upload")
    async def upload(request: Request) -> dict[str, int]:
        return {"received": len(await request.body())}

    @router.get("/planner", dependencies=[Depends(requires(auth.PLANNER))])
    async def planner_only(principal: CurrentPrincipal) -> dict[str, str]:
        return {"subject": principal.subject}

    @router.get("/log")
    async def log_something() -> dict[str, str]:
        structlog.get_logger("lode.unit.probe").info("probe handled", answer=42)
        return {"logged": "yes"}

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("an unexpected bug")

    @router.post("/things/{thing_id}", status_code=201)
    async def create_thing(thing_id: str, uow: UoW) -> dict[str, str]:
        envelope = uow.emit(ApplicationForwarded(application_id=thing_id), thing_id)
        await uow.commit()
        return {"event_id": envelope.id}

    return router


@dataclass
class Service:
    """A running service: its HTTP client, its runtime and what its event handler did."""

    client: httpx.AsyncClient
    runtime: ServiceRuntime
    handled: list[Envelope]
    failing: set[str]
    asgi: Any  # the app inside its lifespan, for a client of one's own

    def client_seeing_500s(self) -> httpx.AsyncClient:
        """A client that gets the 500 answer of an unhandled error instead of the error."""
        transport = httpx.ASGITransport(self.asgi, raise_app_exceptions=False)
        return httpx.AsyncClient(transport=transport, base_url="http://zoning.test")

    def client_from(self, host: str) -> httpx.AsyncClient:
        """A client whose requests come from ``host`` (the peer address the app sees)."""
        transport = httpx.ASGITransport(self.asgi, client=(host, 40000))
        return httpx.AsyncClient(transport=transport, base_url="http://zoning.test")

    def headers(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def jwt(self, *roles: str) -> str:
        return auth.issue_token(JWT_SECRET, user="someone", roles=list(roles))


@asynccontextmanager
async def running_service(
    tmp_path: Path, *, max_body_bytes: int = 1024, **settings: Any
) -> AsyncIterator[Service]:
    """The probe service on a SQLite file and the in-process bus, inside its lifespan;
    ``settings`` override :func:`settings_for`'s."""
    handled: list[Envelope] = []
    failing: set[str] = set()

    async def on_licence(session: AsyncSession, envelope: Envelope, payload: Any) -> None:
        if envelope.subject in failing:
            raise ValueError(f"cannot use {envelope.subject} yet")
        handled.append(envelope)

    spec = ServiceSpec(
        name="zoning",
        migrations_dir=zoning_migrations(),
        consumes=("lode.licensing",),
        handlers={"lode.licensing.application.forwarded": on_licence},
    )
    transport = InProcessTransport(tmp_path / "bus.db", retry_backoff_s=0.01)
    runtime = ServiceRuntime(spec, settings_for(tmp_path, **settings), transport)
    runtime.inbox.retry_delay_s = 0.001
    app = create_service_app(
        runtime,
        title="zoning (unit)",
        description="the shared HTTP side under test",
        routers=[probe_router()],
        manage_lifecycle=True,
        max_body_bytes=max_body_bytes,
    )
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(manager.app), base_url="http://zoning.test"
        ) as client,
    ):
        yield Service(client, runtime, handled, failing, manager.app)


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Service]:
    """The probe service with a 1 KiB body limit."""
    async with running_service(tmp_path) as running:
        yield running


@pytest.fixture
async def roomy_service(tmp_path: Path) -> AsyncIterator[Service]:
    """The probe service with the production body limit (5 MiB), for bodies over 1 KiB."""
    async with running_service(tmp_path, max_body_bytes=5 * 1024 * 1024) as running:
        yield running


@pytest.fixture
def quiet_logs() -> Iterator[None]:
    """structlog renders nothing (its default pretty traceback takes seconds to render)."""
    saved = structlog.get_config()
    structlog.configure(
        processors=[structlog.processors.KeyValueRenderer()],
        logger_factory=structlog.ReturnLoggerFactory(),
        cache_logger_on_first_use=False,
    )
    try:
        yield
    finally:
        structlog.configure(**saved)
