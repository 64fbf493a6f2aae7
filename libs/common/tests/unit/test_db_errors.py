"""Database errors mean 503 (retry), 422 (the value sent) or 500 (ours), from real errors of
a real PostgreSQL, raised through SQLAlchemy and straight from asyncpg."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from lode_common.db_errors import meaning
from lode_common.errors import install_error_handlers
from lode_common.testing.services import PostgresServer

pytestmark = pytest.mark.postgres

TERMINATE_MYSELF = text("select pg_terminate_backend(pg_backend_pid())")


@pytest.fixture
async def engine(postgres_server: PostgresServer) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(postgres_server.url(postgres_server.create_database()))
    yield engine
    await engine.dispose()


def _asyncpg_dsn(server: PostgresServer) -> str:
    return f"postgresql://{server.user}@{server.host}:{server.port}/postgres"


async def _raised(action: Callable[[], Awaitable[object]]) -> BaseException:
    try:
        await action()
    except Exception as error:
        return error
    raise AssertionError("no error raised")


async def test_a_number_past_int32_is_the_callers_value_through_sqlalchemy_and_asyncpg(
    engine: AsyncEngine, postgres_server: PostgresServer
) -> None:
    async with engine.connect() as connection:
        wrapped = await _raised(
            lambda: connection.execute(text("select CAST(:v AS int4)"), {"v": 6300336902})
        )
        assert meaning(wrapped) == "bad_value"
    async with engine.connect() as connection:
        server_side = await _raised(lambda: connection.execute(text("select 'x'::int")))
        assert meaning(server_side) == "bad_value"  # 22P02, raised by the server
    raw = await asyncpg.connect(_asyncpg_dsn(postgres_server))
    try:
        client_side = await _raised(lambda: raw.fetchval("select $1::int4", 6300336902))
        assert meaning(client_side) == "bad_value"
    finally:
        await raw.close()


async def test_a_connection_cut_by_the_server_or_refused_means_retry_later(
    engine: AsyncEngine, postgres_server: PostgresServer
) -> None:
    async with engine.connect() as connection:
        cut = await _raised(
            lambda: connection.execute(text("select pg_terminate_backend(pg_backend_pid())"))
        )
        assert meaning(cut) == "unavailable"  # 57P01, or the connection closed mid-operation
    raw = await asyncpg.connect(_asyncpg_dsn(postgres_server))
    await raw.close()
    closed = await _raised(lambda: raw.fetchval("select 1"))
    assert meaning(closed) == "unavailable"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refused = await _raised(lambda: asyncpg.connect(host="127.0.0.1", port=port, user="x"))
    assert meaning(refused) == "unavailable"


async def test_an_integrity_error_is_not_the_callers_to_retry(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("create table t (id int primary key)"))
        await connection.execute(text("insert into t values (1)"))
    async with engine.connect() as connection:
        duplicate = await _raised(lambda: connection.execute(text("insert into t values (1)")))
    assert meaning(duplicate) is None


async def test_the_api_answers_503_with_retry_after_422_or_500(engine: AsyncEngine) -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/cut")
    async def cut() -> None:
        async with engine.connect() as connection:
            await connection.execute(TERMINATE_MYSELF)

    @app.get("/number")
    async def number(v: int) -> None:
        async with engine.connect() as connection:
            await connection.execute(text("select CAST(:v AS int4)"), {"v": v})

    @app.get("/duplicate")
    async def duplicate() -> None:
        async with engine.begin() as connection:
            await connection.execute(text("create temporary table d (id int primary key)"))
            await connection.execute(text("insert into d values (1), (1)"))

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        down = await client.get("/cut")
        assert down.status_code == 503
        assert down.headers["retry-after"].isdigit()
        assert down.headers["content-type"] == "application/problem+json"
        assert "nothing was saved" in down.json()["detail"]
        bad = await client.get("/number", params={"v": 6300336902})
        assert bad.status_code == 422
        assert "int32" in bad.json()["errors"][0]["message"]
        ours = await client.get("/duplicate")
        assert ours.status_code == 500


def test_a_connection_left_mid_protocol_means_retry_later() -> None:
    """What asyncpg raises on a pooled connection the server closed under it during a
    restart, before anyone noticed (seen in the system tests' PostgreSQL restart)."""
    stale = asyncpg.exceptions.InternalClientError(
        "cannot switch to state 12; another operation (2) is in progress"
    )
    assert meaning(stale) == "unavailable"


async def test_the_api_answers_503_for_a_connection_left_mid_protocol() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/stale")
    async def stale() -> None:
        raise asyncpg.exceptions.InternalClientError(
            "cannot switch to state 12; another operation (2) is in progress"
        )

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        answer = await client.get("/stale")
    assert answer.status_code == 503
    assert answer.headers["retry-after"].isdigit()
