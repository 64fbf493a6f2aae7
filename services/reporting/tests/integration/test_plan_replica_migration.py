"""Migration ``reporting_0004`` moves the plan in force from ``reporting_plan`` to the shared
``plan_replica`` on both databases: the row keeps its document, version and event id, the
region's code comes from the document, the replica reads it as a typed document, and the
downgrade brings the old table back with the same row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from lode_common.database import alembic_config, create_engine, migrate, session_factory
from lode_common.plan.data import bundled_documents
from lode_common.plan.replica import PLAN_REPLICA, PlanReplica
from lode_common.testing.services import PostgresServer
from lode_reporting.bootstrap import SPEC

PLAN_ID = "pingquan-2021-2025"
BEFORE = "reporting_0003"
OLD = sa.table(
    "reporting_plan",
    sa.column("plan_id", sa.String),
    sa.column("version", sa.Integer),
    sa.column("document", sa.JSON),
    sa.column("event_id", sa.String),
)


async def _downgrade(engine: AsyncEngine, revision: str) -> None:
    cfg = alembic_config(SPEC.migrations_dir, engine.url.render_as_string(hide_password=False))

    def run(connection: Connection) -> None:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))


async def _old_rows(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with engine.connect() as connection:
        return [dict(r) for r in (await connection.execute(sa.select(OLD))).mappings()]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'reporting.db'}"
    pg: PostgresServer = request.getfixturevalue("postgres_server")
    return pg.url(pg.create_database("lode_reporting_0004"))


async def test_the_plan_in_force_moves_to_the_shared_replica_and_back(database_url: str) -> None:
    document = bundled_documents().as_published()
    engine = create_engine(database_url)
    try:
        await migrate(engine, SPEC.migrations_dir, BEFORE)
        async with engine.begin() as connection:
            await connection.execute(
                OLD.insert().values(
                    plan_id=PLAN_ID, version=3, document=document, event_id="e-plan-3"
                )
            )

        await migrate(engine, SPEC.migrations_dir)
        tables = await _tables(engine)
        assert "plan_replica" in tables
        assert "reporting_plan" not in tables
        async with engine.connect() as connection:
            rows = (await connection.execute(sa.select(PLAN_REPLICA))).mappings().all()
        assert [(r["plan_id"], r["version"], r["region_adcode"], r["event_id"]) for r in rows] == [
            (PLAN_ID, 3, document["region"]["adcode"], "e-plan-3")
        ]
        assert rows[0]["parent_plan_id"] == document["plan"].get("parent_plan_id")
        assert rows[0]["document"] == document
        in_force = await PlanReplica(session_factory(engine)).require(PLAN_ID)
        assert in_force.version == 3
        assert in_force.document == bundled_documents()

        await _downgrade(engine, BEFORE)
        tables = await _tables(engine)
        assert "plan_replica" not in tables
        assert await _old_rows(engine) == [
            {"plan_id": PLAN_ID, "version": 3, "document": document, "event_id": "e-plan-3"}
        ]
    finally:
        await engine.dispose()


async def test_a_database_without_a_plan_migrates_to_an_empty_replica(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate(engine, SPEC.migrations_dir)
        assert await PlanReplica(session_factory(engine)).in_force(PLAN_ID) is None
        await _downgrade(engine, BEFORE)
        assert await _old_rows(engine) == []
    finally:
        await engine.dispose()
