"""Engines and migrations on SQLite files and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, inspect, text
from sqlalchemy.exc import IntegrityError

from lode_common.database import alembic_config, create_engine, is_sqlite, migrate, session_factory

from .support import migrations_head, sqlite_url, zoning_migrations


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_migrate_applies_a_service_folder_and_is_idempotent(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate(engine, zoning_migrations())
        await migrate(engine, zoning_migrations())  # a restart: nothing to do, no error
        async with engine.connect() as conn:
            versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
    finally:
        await engine.dispose()
    assert [v[0] for v in versions] == [migrations_head(zoning_migrations())]
    assert {"outbox", "inbox", "dead_letter", "alembic_version"} <= await _tables(database_url)


async def test_migrated_tables_have_the_event_path_columns(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate(engine, zoning_migrations())
        async with engine.connect() as conn:

            def columns(c: object) -> dict[str, set[str]]:
                insp = inspect(c)
                return {
                    t: {col["name"] for col in insp.get_columns(t)}
                    for t in ("outbox", "inbox", "dead_letter")
                }

            found = await conn.run_sync(columns)
    finally:
        await engine.dispose()
    assert {"seq", "event_id", "topic", "key", "type", "envelope", "sent_at"} <= found["outbox"]
    assert {"consumer", "event_id", "outcome", "handled_at"} <= found["inbox"]
    assert {"status", "attempts", "error", "redriven_at"} <= found["dead_letter"]


async def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = create_engine(sqlite_url(tmp_path / "pragmas.db"))
    try:
        async with engine.connect() as conn:
            journal = (await conn.execute(text("PRAGMA journal_mode"))).scalar()
            foreign_keys = (await conn.execute(text("PRAGMA foreign_keys"))).scalar()
            busy = (await conn.execute(text("PRAGMA busy_timeout"))).scalar()
    finally:
        await engine.dispose()
    assert journal == "wal"
    assert foreign_keys == 1
    assert busy == 30000


async def test_sqlite_enforces_foreign_keys(tmp_path: Path) -> None:
    metadata = MetaData()
    Table("parent", metadata, Column("id", Integer, primary_key=True))
    child = Table(
        "child",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("parent_id", Integer, ForeignKey("parent.id"), nullable=False),
    )
    engine = create_engine(sqlite_url(tmp_path / "fk.db"))
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        sessions = session_factory(engine)
        async with sessions() as session:
            with pytest.raises(IntegrityError, match="FOREIGN KEY"):
                await session.execute(child.insert().values(id=1, parent_id=42))
    finally:
        await engine.dispose()


async def test_sqlite_engine_creates_the_parent_folder(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "deeper" / "svc.db"
    engine = create_engine(sqlite_url(path))
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    finally:
        await engine.dispose()
    assert path.exists()


def test_is_sqlite() -> None:
    assert is_sqlite("sqlite+aiosqlite:///x.db")
    assert is_sqlite("sqlite+aiosqlite:///:memory:")
    assert not is_sqlite("postgresql+asyncpg://u@h/db")


def test_alembic_config_keeps_a_percent_in_the_url(tmp_path: Path) -> None:
    url = "postgresql+asyncpg://lode:p%40ss%25word@db/lode"
    cfg = alembic_config(tmp_path, url)
    assert cfg.get_main_option("sqlalchemy.url") == url
    assert cfg.get_main_option("script_location") == str(tmp_path)


async def test_session_factory_keeps_objects_readable_after_commit(tmp_path: Path) -> None:
    engine = create_engine(sqlite_url(tmp_path / "s.db"))
    sessions = session_factory(engine)
    try:
        async with sessions() as session:
            assert session.sync_session.expire_on_commit is False
    finally:
        await engine.dispose()
