"""Retention: what the event tables and the idempotency records may forget, and when.

* **outbox** — rows sent more than ``outbox_sent_days`` ago: the broker holds the events
  from then on (an unsent row is never deleted, however old);
* **inbox** — rows handled more than ``inbox_days`` ago (0 by default: kept). An event can
  come back as long as the broker holds it: Lode's topics keep every event, and a consumer
  group idle past the broker's ``offsets.retention.minutes`` starts again from the
  beginning, so only set this where offsets are known to outlive it (a parked event's row
  stays while its dead letter is parked);
* **idempotency records** — answers remembered more than ``idempotency_days`` ago: a client
  retries within minutes, not weeks.

Zero keeps a table forever. Rows go in batches, so a large backlog never holds a long lock.
The reporting journal is not touched: it is the trace of every figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Table, delete, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine

from lode_common.idempotency import IdempotencyRecord
from lode_common.messaging.tables import EventTables

BATCH = 5_000


@dataclass(frozen=True)
class RetentionPolicy:
    outbox_sent_days: float = 7
    inbox_days: float = 0
    idempotency_days: float = 7


@dataclass(frozen=True)
class Pruned:
    outbox: int = 0
    inbox: int = 0
    idempotency: int = 0


async def _delete_in_batches(
    engine: AsyncEngine, table: Table, key: str, where: ColumnElement[bool]
) -> int:
    column = table.c[key]
    total = 0
    while True:
        batch = select(column).where(where).limit(BATCH).scalar_subquery()
        async with engine.begin() as conn:
            gone = (await conn.execute(delete(table).where(column.in_(batch)))).rowcount
        total += gone
        if gone < BATCH:
            return total


async def _has_table(engine: AsyncEngine, name: str) -> bool:
    async with engine.connect() as conn:
        return bool(await conn.run_sync(lambda sync: inspect(sync).has_table(name)))


async def prune(
    engine: AsyncEngine, tables: EventTables, policy: RetentionPolicy, now: datetime
) -> Pruned:
    """Delete what ``policy`` lets go, as of ``now``; returns how many rows went."""
    outbox = inbox = remembered = 0
    if policy.outbox_sent_days > 0:
        before = now - timedelta(days=policy.outbox_sent_days)
        o = tables.outbox
        outbox = await _delete_in_batches(
            engine, o, "seq", o.c.sent_at.is_not(None) & (o.c.sent_at < before)
        )
    if policy.inbox_days > 0:
        before = now - timedelta(days=policy.inbox_days)
        i = tables.inbox
        old = (i.c.outcome == "handled") & (i.c.handled_at < before)
        async with engine.begin() as conn:  # composite key: no batches by one column
            inbox = (await conn.execute(delete(i).where(old))).rowcount
    if policy.idempotency_days > 0 and await _has_table(engine, IdempotencyRecord.__tablename__):
        before = now - timedelta(days=policy.idempotency_days)
        record: Table = IdempotencyRecord.__table__  # type: ignore[attr-defined]
        async with engine.begin() as conn:
            remembered = (
                await conn.execute(delete(record).where(record.c.created_at < before))
            ).rowcount
    return Pruned(outbox, inbox, remembered)
