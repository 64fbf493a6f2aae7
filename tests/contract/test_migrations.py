"""Each service's migrations build exactly the tables its code declares, on both databases.

The tables are written by hand in Alembic revisions and declared again as SQLModel (or Core)
tables for the code: this test keeps the two from drifting apart.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from sqlalchemy import Table, inspect
from sqlalchemy.engine import Connection

from lode_common import api_keys
from lode_common.audit.recording import AUDIT_ENTRY
from lode_common.database import create_engine, migrate
from lode_common.messaging.tables import EVENT_TABLES
from lode_common.plan import replica
from lode_common.testing.services import PostgresServer

SERVICES = ("zoning", "licensing", "monitoring", "reporting")


def declared_tables(service: str) -> list[Table]:
    tables = [*EVENT_TABLES.all(), AUDIT_ENTRY]  # every service keeps its audit log
    spec = importlib.import_module(f"lode_{service}.bootstrap").SPEC
    if api_keys.ISSUED in spec.handlers:  # it recognises mines' keys from its replica
        tables.append(api_keys.KEY_REPLICA)
    if replica.PUBLISHED in spec.handlers:  # it keeps the plan in force in its replica
        tables.append(replica.PLAN_REPLICA)
    try:
        module = importlib.import_module(f"lode_{service}.adapters.tables")
    except ModuleNotFoundError:
        return tables
    for value in vars(module).values():
        table = getattr(value, "__table__", None)
        if isinstance(table, Table) and table not in tables:
            tables.append(table)  # its own models and the shared ones it uses
    return tables


def shared(table: Table) -> bool:
    shared_names = {t.name for t in EVENT_TABLES.all()} | {"idempotency_record", "audit_entry"}
    return table.name in shared_names | {api_keys.KEY_REPLICA.name, replica.PLAN_REPLICA.name}


def shape(conn: Connection) -> dict[str, dict[str, bool]]:
    inspector = inspect(conn)
    return {
        name: {c["name"]: bool(c["nullable"]) for c in inspector.get_columns(name)}
        for name in inspector.get_table_names()
        if name != "alembic_version"
    }


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_migrations_build_the_declared_tables(
    service: str, backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    else:
        pg: PostgresServer = request.getfixturevalue("postgres_server")
        url = pg.url(pg.create_database(f"lode_mig_{service}"))
    bootstrap = importlib.import_module(f"lode_{service}.bootstrap")
    engine = create_engine(url)
    try:
        await migrate(engine, bootstrap.SPEC.migrations_dir)
        await migrate(engine, bootstrap.SPEC.migrations_dir)  # a second start changes nothing
        async with engine.connect() as conn:
            built = await conn.run_sync(shape)
    finally:
        await engine.dispose()
    declared = {
        t.name: {c.name: bool(c.nullable) for c in t.columns} for t in declared_tables(service)
    }
    assert built == declared


def test_table_names_do_not_collide_across_services() -> None:
    """Embedded mode imports every service's models into one process."""
    seen: dict[str, str] = {}
    for service in SERVICES:
        for table in [t for t in declared_tables(service) if not shared(t)]:
            assert table.name not in seen, f"{table.name} in {service} and {seen[table.name]}"
            seen[table.name] = service
