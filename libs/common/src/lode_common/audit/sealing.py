"""Sealing (封链): the one writer that gives unsealed entries their place in the chain.

Entries are recorded unsealed (``seq`` NULL) by whatever transaction made the change, so the
hot path never waits on the chain's head. :func:`seal` takes them in (recorded_at, id) order
and gives each the next ``seq``, the previous entry's hash and its own, in one transaction
that holds the service's sealing lock — ``pg_advisory_xact_lock`` on PostgreSQL, SQLite's
write lock (taken up front) — so two instances of a service never fork the chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from lode_common.audit.chain import GENESIS, entry_hash, preferred_algorithm
from lode_common.audit.recording import AUDIT_ENTRY

SEALING_LOCK = 0x10DE_A0D1
"""The advisory lock key held by the sealer (PostgreSQL)."""
SEAL_BATCH = 1_000


@dataclass(frozen=True)
class Head:
    """The chain's last sealed entry (seq 0 and zeros: an empty chain)."""

    seq: int
    entry_hash: str
    algorithm: str | None = None


async def lock_chain(conn: AsyncConnection) -> None:
    """Hold the service's sealing lock until ``conn``'s transaction ends."""
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SEALING_LOCK})
    else:  # a write takes SQLite's one write lock now, before the head is read
        await conn.execute(update(AUDIT_ENTRY).where(text("0 = 1")).values(seq=None))


async def head_of(conn: AsyncConnection) -> Head:
    e = AUDIT_ENTRY.c
    row = (
        await conn.execute(
            select(e.seq, e.entry_hash, e.algorithm)
            .where(e.seq.is_not(None))
            .order_by(e.seq.desc())
            .limit(1)
        )
    ).first()
    return Head(0, GENESIS) if row is None else Head(int(row[0]), str(row[1]), row[2])


async def seal_locked(conn: AsyncConnection, *, algorithm: str, batch: int = SEAL_BATCH) -> int:
    """Seal up to ``batch`` entries on ``conn``, whose transaction holds the lock."""
    e = AUDIT_ENTRY.c
    head = await head_of(conn)
    rows = (
        (
            await conn.execute(
                select(AUDIT_ENTRY)
                .where(e.seq.is_(None))
                .order_by(e.recorded_at, e.id)
                .limit(batch)
            )
        )
        .mappings()
        .all()
    )
    if not rows:
        return 0
    now = datetime.now(UTC)
    sealed: list[dict[str, Any]] = []
    seq, prev = head.seq, head.entry_hash
    for row in rows:
        seq += 1
        digest = entry_hash(dict(row), seq=seq, prev_hash=prev, algorithm=algorithm)
        sealed.append(
            {"b_id": row["id"], "seq": seq, "prev_hash": prev, "entry_hash": digest}
            | {"algorithm": algorithm, "sealed_at": now}
        )
        prev = digest
    await conn.execute(
        update(AUDIT_ENTRY)
        .where(e.id == bindparam("b_id"))
        .values(
            seq=bindparam("seq"),
            prev_hash=bindparam("prev_hash"),
            entry_hash=bindparam("entry_hash"),
            algorithm=bindparam("algorithm"),
            sealed_at=bindparam("sealed_at"),
        ),
        sealed,
    )
    return len(sealed)


async def seal(engine: AsyncEngine, *, algorithm: str | None = None) -> int:
    """Seal every entry recorded so far (batch by batch); how many were sealed. Sealing
    again with nothing new changes nothing."""
    algorithm = algorithm or preferred_algorithm()
    total = 0
    while True:
        async with engine.begin() as conn:
            await lock_chain(conn)
            done = await seal_locked(conn, algorithm=algorithm)
        total += done
        if done < SEAL_BATCH:
            return total
