"""Each consumer of the plan moves its own copy of the plan in force into the shared replica
(``lode_common.plan.migration``): nothing is lost on the way up, and the way down restores
the old table, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from lode_common.database import alembic_config, create_engine, migrate
from lode_common.plan.data import PINGQUAN_PLAN_ID, bundled_documents
from lode_common.plan.migration import Kept, migrated_event_id
from lode_common.plan.replica import PLAN_REPLICA, PlanReplica
from lode_common.testing.services import PostgresServer

RECEIVED = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
EVENT_ID = "0193c1f2-7a40-7c3e-9f1a-5b2d4e6f8a90"

MOVES: list[tuple[str, str, str, Kept]] = [
    # (service, the revision before the move, its old table, what that table kept)
    ("licensing", "licensing_0005", "plan_in_force", "received_at"),
    ("monitoring", "monitoring_0004", "monitoring_plan", "received_at"),
    ("reporting", "reporting_0003", "reporting_plan", "event_id"),
]


def old_table(name: str, kept: Kept) -> sa.TableClause:
    kind = sa.DateTime(timezone=True) if kept == "received_at" else sa.String()
    return sa.table(
        name,
        sa.column("plan_id", sa.String),
        sa.column("version", sa.Integer),
        sa.column("document", sa.JSON),
        sa.column(kept, kind),
    )


async def downgrade(engine: AsyncEngine, migrations: Path, revision: str) -> None:
    cfg = alembic_config(migrations, engine.url.render_as_string(hide_password=False))

    def run(connection: Connection) -> None:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


def tables(connection: Connection) -> set[str]:
    return set(sa.inspect(connection).get_table_names())


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
@pytest.mark.parametrize(("service", "before", "old", "kept"), MOVES)
async def test_the_plan_in_force_survives_the_move_to_the_shared_replica(
    service: str,
    before: str,
    old: str,
    kept: Kept,
    backend: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    migrations = importlib.import_module(f"lode_{service}.bootstrap").SPEC.migrations_dir
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / f'{service}.db'}"
    else:
        pg: PostgresServer = request.getfixturevalue("postgres_server")
        url = pg.url(pg.create_database(f"lode_{service}_plan_replica"))
    document = bundled_documents().as_published()  # as the event carried it
    stored = RECEIVED if kept == "received_at" else EVENT_ID
    table = old_table(old, kept)
    engine = create_engine(url)
    try:
        await migrate(engine, migrations, before)
        async with engine.begin() as conn:
            values = {"plan_id": PINGQUAN_PLAN_ID, "version": 3, "document": document}
            await conn.execute(table.insert().values(**values, **{kept: stored}))
        await migrate(engine, migrations)
        await migrate(engine, migrations)  # a second start changes nothing
        async with engine.connect() as conn:
            after_upgrade = await conn.run_sync(tables)
            copied = (await conn.execute(sa.select(PLAN_REPLICA.c.document))).scalar_one()
        plan = await PlanReplica(async_sessionmaker(engine)).require(PINGQUAN_PLAN_ID)
        await downgrade(engine, migrations, before)
        async with engine.connect() as conn:
            after_downgrade = await conn.run_sync(tables)
            restored = (await conn.execute(sa.select(table))).mappings().one()
    finally:
        await engine.dispose()

    assert old not in after_upgrade
    assert PLAN_REPLICA.name in after_upgrade
    assert (plan.plan_id, plan.version, plan.region_adcode) == (PINGQUAN_PLAN_ID, 3, "130881")
    assert plan.parent_plan_id is None
    assert plan.document.plan.id == PINGQUAN_PLAN_ID
    assert copied == document  # the JSON as it was stored
    if kept == "received_at":
        assert plan.received_at == RECEIVED
        assert plan.event_id == migrated_event_id(PINGQUAN_PLAN_ID, 3)
    else:
        assert plan.event_id == EVENT_ID

    assert PLAN_REPLICA.name not in after_downgrade
    assert old in after_downgrade
    assert (restored["plan_id"], restored["version"], restored["document"]) == (
        PINGQUAN_PLAN_ID,
        3,
        document,
    )
    moment = restored[kept]
    if kept == "received_at":
        assert (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) == RECEIVED
    else:
        assert moment == EVENT_ID
