"""The report intake's own asyncpg connections on PostgreSQL: opened with the database URL's
options, as many as the settings allow, closed when the service stops; a connection a
statement was cut off on is dropped, one that merely answered an error is kept."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from lode_common.database import create_engine
from lode_common.testing import eventually
from lode_common.testing.plugin import service_on
from lode_common.testing.services import PostgresServer
from lode_monitoring.adapters.report_store import IntakeConnections
from lode_monitoring.bootstrap import build
from lode_monitoring.container import Monitoring
from lode_monitoring.settings import MonitoringSettings

from .test_reports import IRON, post, ready, report

pytestmark = [pytest.mark.timeout(120), pytest.mark.postgres]


async def backend_pid(intake: IntakeConnections) -> int:
    async with intake.connection() as conn:
        pid: int = await conn.fetchval("SELECT pg_backend_pid()")
    return pid


async def connections_to(postgres: PostgresServer, database: str) -> int:
    conn = await asyncpg.connect(postgres.url("postgres").replace("+asyncpg", ""))
    try:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            database,
        )
    finally:
        await conn.close()
    return count


async def test_the_pool_is_sized_from_settings_and_closed_on_stop(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_server: PostgresServer
) -> None:
    async with service_on(
        build, MonitoringSettings, request, tmp_path, "postgres", intake_pool_size=2
    ) as m:
        keys = await ready(m)
        r = await post(m, keys["a"], report())
        assert r.status_code == 201, r.text
        intake = Monitoring.of(m.runtime).intake
        pool = intake._pool
        assert pool is not None
        assert pool.get_max_size() == 2
        database = m.runtime.engine.url.database
        assert database is not None
    assert pool.is_closing()
    assert intake._pool is None
    assert await connections_to(postgres_server, database) == 0, "nothing left open"


async def test_the_connections_follow_the_database_url(postgres_server: PostgresServer) -> None:
    database = postgres_server.create_database("lode_intake_url")
    url = postgres_server.url(database)
    engine = create_engine(f"{url}?command_timeout=0.3&prepared_statement_cache_size=0")
    intake = IntakeConnections(engine, size=1)
    try:
        async with intake.connection() as conn:
            assert await conn.fetchval("SELECT current_database()") == database
            with pytest.raises(TimeoutError):  # the URL's command_timeout
                await conn.execute("SELECT pg_sleep(2)")
    finally:
        await intake.close()
        await engine.dispose()


async def test_a_statement_cut_off_drops_its_connection_and_an_error_keeps_it(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_server: PostgresServer
) -> None:
    async with service_on(
        build, MonitoringSettings, request, tmp_path, "postgres", intake_pool_size=1
    ) as m:
        keys = await ready(m)
        intake = Monitoring.of(m.runtime).intake
        assert (await post(m, keys["a"], report(year=2022))).status_code == 201
        first = await backend_pid(intake)

        invalid = await post(m, keys["a"], report(year=2023, ore_mined_10kt=-1))
        assert invalid.status_code == 422
        taken = await post(m, keys["a"], report(year=2022))
        assert taken.status_code == 409
        assert await backend_pid(intake) == first, "answers do not cost the connection"

        database = m.runtime.engine.url.database
        assert database is not None
        blocker = await asyncpg.connect(postgres_server.url(database).replace("+asyncpg", ""))
        try:
            locked = blocker.transaction()
            await locked.start()
            await blocker.execute("LOCK TABLE mine IN ACCESS EXCLUSIVE MODE")
            with pytest.raises(TimeoutError):  # the request gives up mid-statement
                await asyncio.wait_for(post(m, keys["a"], report(year=2023)), timeout=0.5)
            await locked.rollback()
        finally:
            await blocker.close()
        # the statement cut off may have been written by the server meanwhile, whole or not
        # at all: the mine's retry is accepted or told the period is reported
        again = await post(m, keys["a"], report(year=2023))
        assert again.status_code in (201, 409), again.text
        assert await backend_pid(intake) != first, "the cut-off connection was not reused"
        reports = await m.client.get(
            f"/monitoring/v1/reports?licence_no={IRON}", headers=m.auth("viewer")
        )
        assert sorted(r["year"] for r in reports.json()["items"]) == [2022, 2023]


async def test_closing_cuts_a_connection_never_given_back(postgres_server: PostgresServer) -> None:
    database = postgres_server.create_database("lode_intake")
    engine = create_engine(postgres_server.url(database))
    intake = IntakeConnections(engine, size=1)
    try:
        async with intake.connection() as conn:
            assert await conn.fetchval("SELECT 1") == 1
            await intake.close(timeout_s=0.2)  # the service stops while a request hangs

        async def gone() -> bool:
            return await connections_to(postgres_server, database) == 0

        await eventually(gone, timeout_s=5, what="the connection to be cut")
    finally:
        await engine.dispose()
