"""Monitoring's plan in force moves to the shared replica (migration monitoring_0005): the
version kept before the upgrade is the one reports are judged by after it, typed, with its
region and a stable event id; the downgrade gives the old table back. On SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from lode_common.database import alembic_config, create_engine, migrate
from lode_common.plan.data import PINGQUAN_PLAN_ID, bundled_documents
from lode_common.plan.replica import PLAN_REPLICA, PlanReplica
from lode_common.testing.services import PostgresServer
from lode_monitoring.bootstrap import SPEC
from lode_monitoring.handlers.standards import StandardsInForce

BEFORE = "monitoring_0004"
PLAN = PINGQUAN_PLAN_ID
RECEIVED = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
OLD = sa.table(
    "monitoring_plan",
    sa.column("plan_id", sa.String),
    sa.column("version", sa.Integer),
    sa.column("document", sa.JSON),
    sa.column("received_at", sa.DateTime(timezone=True)),
)


async def _downgrade(engine: AsyncEngine, revision: str) -> None:
    cfg = alembic_config(SPEC.migrations_dir, engine.url.render_as_string(hide_password=False))

    def downgrade(connection: Connection) -> None:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)

    async with engine.begin() as connection:
        await connection.run_sync(downgrade)


def _tables(connection: Connection) -> set[str]:
    return set(sa.inspect(connection).get_table_names())


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_the_plan_in_force_survives_the_move_to_the_shared_replica(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'monitoring.db'}"
    else:
        pg: PostgresServer = request.getfixturevalue("postgres_server")
        url = pg.url(pg.create_database("lode_monitoring_plan_replica"))
    document = bundled_documents().as_published()  # as the event carried it
    engine = create_engine(url)
    try:
        await migrate(engine, SPEC.migrations_dir, BEFORE)
        async with engine.begin() as conn:
            await conn.execute(
                OLD.insert().values(
                    plan_id=PLAN, version=3, document=document, received_at=RECEIVED
                )
            )
        await migrate(engine, SPEC.migrations_dir)
        await migrate(engine, SPEC.migrations_dir)  # a second start changes nothing
        async with engine.connect() as conn:
            tables = await conn.run_sync(_tables)
            copied = (await conn.execute(sa.select(PLAN_REPLICA.c.document))).scalar_one()
        replica = PlanReplica(async_sessionmaker(engine, expire_on_commit=False))
        plan = await replica.require(PLAN)
        standards = await StandardsInForce(replica).require(PLAN)

        await _downgrade(engine, BEFORE)
        async with engine.connect() as conn:
            after_downgrade = await conn.run_sync(_tables)
            kept = (await conn.execute(sa.select(OLD))).mappings().one()
    finally:
        await engine.dispose()

    assert "monitoring_plan" not in tables
    assert PLAN_REPLICA.name in tables
    assert (plan.plan_id, plan.version, plan.region_adcode) == (PLAN, 3, "130881")
    assert plan.parent_plan_id is None
    assert plan.event_id == f"migrated:{PLAN}:3"
    assert plan.received_at == RECEIVED
    assert copied == document  # the JSON as it was stored
    assert standards.plan_id == PLAN
    assert standards.scale_classes.working_days_per_year == 330

    assert PLAN_REPLICA.name not in after_downgrade
    assert "monitoring_plan" in after_downgrade
    assert (kept["plan_id"], kept["version"]) == (PLAN, 3)
    assert kept["document"] == document
    assert kept["received_at"].replace(tzinfo=kept["received_at"].tzinfo or UTC) == RECEIVED
