"""Rebuild the read models from the beginning of the topics (``lode reporting rebuild``).

Fresh tables are made in a new database (a sibling SQLite file, or a new PostgreSQL
database on the same server), every topic reporting consumes is replayed from its first
message with :meth:`Transport.replay` through the same inbox and handlers as the live
service, and the result is compared with the live read models (:func:`compare`). With
``swap`` (SQLite, service stopped), the rebuilt file takes the live one's place and the
live one is kept beside it; otherwise the result says where the rebuilt models are, to be
put in service by pointing ``LODE_REPORTING_DATABASE_URL`` at them. Reporting's own data
(staff accounts and sessions) is not a read model: it is copied over, not replayed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lode_common.audit.context import for_system, unaudited
from lode_common.audit.recording import entry_row
from lode_common.audit.tables import audit_table
from lode_common.bootstrap import build_transport
from lode_common.database import create_engine, is_sqlite, migrate, session_factory
from lode_common.messaging.inbox import Inbox
from lode_common.messaging.tables import EVENT_TABLES
from lode_common.messaging.transport import Transport
from lode_common.plan.replica import PLAN_REPLICA
from lode_reporting.accounts.tables import KEPT_TABLES
from lode_reporting.adapters.tables import READ_MODELS, JournalEntry
from lode_reporting.bootstrap import SPEC
from lode_reporting.settings import ReportingSettings

Progress = Callable[[str, int, int], None]
"""(topic, messages replayed so far, messages in the topic)."""

IGNORED_COLUMNS = {"seq", "received_at"}
"""Not part of the content: the journal's position (commit order) and when the plan replica
received a version."""
READ_TABLES: tuple[Table, ...] = (
    *(model.__table__ for model in READ_MODELS),  # type: ignore[attr-defined]
    PLAN_REPLICA,
)
"""Everything the consumers write: the journal, the read models and the plan in force."""


@dataclass
class RebuildResult:
    database_url: str
    replayed: dict[str, int] = field(default_factory=dict)
    journaled: int = 0
    parked: int = 0
    differences: list[str] | None = None
    swapped_into: str | None = None


def fresh_database_url(live_url: str, stamp: str) -> str:
    """Where the rebuilt models go: beside the live database, named by ``stamp``."""
    url = make_url(live_url)
    if is_sqlite(live_url):
        path = Path(url.database or "reporting.db")
        return url.set(
            database=str(path.with_name(f"{path.stem}.rebuild-{stamp}{path.suffix}"))
        ).render_as_string(hide_password=False)
    return url.set(database=f"{url.database}_rebuild_{stamp}").render_as_string(hide_password=False)


async def _create_database(live_url: str, target_url: str) -> None:
    if is_sqlite(target_url):
        return
    engine = create_engine(live_url)
    try:
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            name = make_url(target_url).database
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()


async def replay_into(
    sessions: async_sessionmaker[AsyncSession],
    transport: Transport,
    *,
    topics: Sequence[str] = SPEC.consumes,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Replay every message of ``topics`` from the beginning through reporting's inbox."""
    inbox = Inbox(
        consumer=SPEC.name, sessions=sessions, tables=EVENT_TABLES, handlers=SPEC.handlers
    )
    replayed: dict[str, int] = {}
    for topic in topics:
        total = sum((await transport.end_offsets(topic)).values())
        done = 0
        if progress:
            progress(topic, done, total)
        async for batch in transport.replay(topic):
            await inbox.handle_batch(batch)
            done += len(batch)
            if progress:
                progress(topic, done, max(total, done))
        replayed[topic] = done
    return replayed


async def rebuild(
    settings: ReportingSettings,
    *,
    transport: Transport | None = None,
    target_url: str | None = None,
    compare_with_live: bool = True,
    swap: bool = False,
    progress: Progress | None = None,
) -> RebuildResult:
    """Rebuild into fresh tables; compare with the live ones; optionally swap (SQLite)."""
    live_url = settings.resolved_database_url()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target_url = target_url or fresh_database_url(live_url, stamp)
    if swap and not is_sqlite(live_url):
        raise ValueError(
            "swap: only a SQLite file can be swapped in place; for PostgreSQL point "
            "LODE_REPORTING_DATABASE_URL at the rebuilt database"
        )
    await _create_database(live_url, target_url)
    engine = create_engine(target_url)
    own_transport = transport is None
    bus = transport or build_transport(settings)
    result = RebuildResult(database_url=target_url)
    try:
        if own_transport:
            await bus.start()
        await migrate(engine, SPEC.migrations_dir)
        await _carry_own_tables(live_url, engine)  # staff accounts: no event rebuilds them
        sessions = session_factory(engine)
        with unaudited():  # a replay of what the services' own logs already hold
            result.replayed = await replay_into(sessions, bus, progress=progress)
        async with sessions() as session:
            count = select(func.count()).select_from(JournalEntry)
            result.journaled = int((await session.execute(count)).scalar_one())
            dead = EVENT_TABLES.dead_letter
            parked = select(func.count()).where(dead.c.status == "parked")
            result.parked = int((await session.execute(parked)).scalar_one())
        if compare_with_live:
            live = create_engine(live_url)
            try:
                result.differences = await compare(session_factory(live), sessions)
            finally:
                await live.dispose()
    finally:
        await engine.dispose()
        if own_transport:
            await bus.stop()
    if swap:
        await _carry_audit_log(live_url, target_url, result)
        result.swapped_into = _swap_sqlite(live_url, target_url, stamp)
    return result


async def _carry_own_tables(live_url: str, target: AsyncEngine) -> None:
    """Reporting's own data, which no event feeds and no replay could make again (the staff
    accounts and their sessions: :data:`~lode_reporting.accounts.tables.KEPT_TABLES`), is
    copied as it is from the live database into the rebuilt one. A rebuild put in service
    later by pointing the database URL at it (PostgreSQL) has the accounts as they were
    when it ran."""
    live = create_engine(live_url)
    try:
        for model in KEPT_TABLES:
            table: Table = model.__table__  # type: ignore[attr-defined]
            async with live.connect() as source:
                if not await source.run_sync(_has_table, table.name):
                    continue  # a live database from before accounts existed
                rows = [dict(r) for r in (await source.execute(select(table))).mappings()]
            async with target.begin() as conn:
                await conn.execute(delete(table))
                for chunk in range(0, len(rows), 1000):
                    await conn.execute(insert(table), rows[chunk : chunk + 1000])
    finally:
        await live.dispose()


def _has_table(connection: Connection, name: str) -> bool:
    return bool(inspect(connection).has_table(name))


async def _carry_audit_log(live_url: str, target_url: str, result: RebuildResult) -> None:
    """The live database's audit log goes with the swap (its chain continues: ``lode audit
    verify`` stays green), and the swap itself is its next entry."""
    audit = audit_table()
    live, target = create_engine(live_url), create_engine(target_url)
    try:
        async with live.connect() as source:
            rows = [dict(r) for r in (await source.execute(select(audit))).mappings()]
        swapped = entry_row(
            for_system("rebuild", action="reporting.rebuild.swap"),
            {"database": ["reporting"]},
            detail={"replayed": result.replayed, "differences": len(result.differences or ())},
        )
        async with target.begin() as conn:
            await conn.execute(delete(audit))
            for chunk in range(0, len(rows), 1000):
                await conn.execute(insert(audit), rows[chunk : chunk + 1000])
            await conn.execute(insert(audit), [swapped])
    finally:
        await live.dispose()
        await target.dispose()


def _swap_sqlite(live_url: str, target_url: str, stamp: str) -> str:
    live = Path(make_url(live_url).database or "")
    rebuilt = Path(make_url(target_url).database or "")
    if live.exists():
        kept = live.with_name(f"{live.stem}.replaced-{stamp}{live.suffix}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{live}{suffix}")
            if source.exists():
                shutil.move(source, f"{kept}{suffix}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{rebuilt}{suffix}")
        if source.exists():
            shutil.move(source, f"{live}{suffix}")
    return str(live)


# --- comparing two sets of read models ---------------------------------------------------------
def _normal(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, float):
        return Decimal(repr(value)).normalize()
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


async def _rows(
    sessions: async_sessionmaker[AsyncSession], table: Table
) -> dict[tuple[Any, ...], dict[str, Any]]:
    key_columns = [c.name for c in table.primary_key.columns if c.name not in IGNORED_COLUMNS]
    if not key_columns:  # the journal: keyed by its event id
        key_columns = ["event_id"]
    async with sessions() as session:
        rows = (await session.execute(select(table))).mappings().all()
    out = {}
    for row in rows:
        values = {k: _normal(v) for k, v in row.items() if k not in IGNORED_COLUMNS}
        out[tuple(values[k] for k in key_columns)] = values
    return out


async def compare(
    a: async_sessionmaker[AsyncSession], b: async_sessionmaker[AsyncSession]
) -> list[str]:
    """What differs between two sets of read models (empty when they are equal): rows
    missing on either side and columns with other values, by table and key."""
    differences = []
    for table in READ_TABLES:
        name = table.name
        left, right = await _rows(a, table), await _rows(b, table)
        for key in sorted(left.keys() - right.keys(), key=str):
            differences.append(f"{name} {key}: only in the first")
        for key in sorted(right.keys() - left.keys(), key=str):
            differences.append(f"{name} {key}: only in the second")
        for key in sorted(left.keys() & right.keys(), key=str):
            changed = [c for c in left[key] if left[key][c] != right[key].get(c)]
            if changed:
                differences.append(f"{name} {key}: {', '.join(changed)} differ")
    return differences
