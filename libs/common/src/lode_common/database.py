"""Async database engines and sessions from a URL: SQLite (aiosqlite) or PostgreSQL (asyncpg).

Alembic migrations live in each service (``<service>/migrations``) and are applied at
start by :func:`migrate`, on the same engine the service then uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from lode_common.audit.recording import AuditedSession

_MIGRATION_LOCK = 0x10DE_0001  # advisory lock key held while a service migrates


def is_sqlite(engine_or_url: AsyncEngine | str) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, AsyncEngine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    """An async engine; SQLite gets WAL, a busy timeout and foreign keys on every connection."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url, echo=echo, connect_args={"timeout": 30}, pool_pre_ping=False
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=False
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions on ``engine`` whose transactions record what they change in the audit log
    (:mod:`lode_common.audit.recording`)."""
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=AuditedSession)


def alembic_config(migrations_dir: Path, url: str) -> Config:
    """An Alembic config for one service's migrations folder (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


async def migrate(engine: AsyncEngine, migrations_dir: Path, revision: str = "head") -> None:
    """Apply a service's migrations on ``engine`` (at start, before anything else runs)."""
    cfg = alembic_config(migrations_dir, engine.url.render_as_string(hide_password=False))

    def upgrade(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            # replicas starting together: one migrates, the others wait, then find it done
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with engine.begin() as connection:
        await connection.run_sync(upgrade)
