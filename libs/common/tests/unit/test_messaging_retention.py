"""Retention: sent outbox rows, old inbox rows and old idempotency answers go; nothing that
is still needed does (unsent rows, recent rows, parked events), on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from lode_common.idempotency import IdempotencyRecord
from lode_common.messaging.retention import Pruned, RetentionPolicy, prune

from .conftest import EventDatabase

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def _outbox_row(event_id: str, created: datetime, sent: datetime | None) -> dict[str, object]:
    return {
        "event_id": event_id,
        "topic": "lode.licensing",
        "key": "k",
        "type": "lode.licensing.application.forwarded.v1",
        "envelope": "{}",
        "created_at": created,
        "sent_at": sent,
    }


async def test_what_is_old_and_done_goes_and_the_rest_stays(event_db: EventDatabase) -> None:
    t = event_db.tables
    record = IdempotencyRecord.__table__  # type: ignore[attr-defined]
    async with event_db.engine.begin() as conn:
        await conn.run_sync(lambda sync: record.create(sync))
        await conn.execute(
            insert(t.outbox),
            [
                _outbox_row("sent-old", NOW - timedelta(days=9), NOW - timedelta(days=8)),
                _outbox_row("sent-new", NOW - timedelta(days=2), NOW - timedelta(days=2)),
                _outbox_row("unsent-old", NOW - timedelta(days=40), None),
            ],
        )
        await conn.execute(
            insert(t.inbox),
            [
                {"consumer": "c", "event_id": "handled-old", "outcome": "handled",
                 "handled_at": NOW - timedelta(days=31)},
                {"consumer": "c", "event_id": "handled-new", "outcome": "handled",
                 "handled_at": NOW - timedelta(days=29)},
                {"consumer": "c", "event_id": "parked-old", "outcome": "parked",
                 "handled_at": NOW - timedelta(days=90)},
            ],
        )  # fmt: skip
        await conn.execute(
            insert(record),
            [
                {"scope": "s", "key": "old", "request_hash": "h", "status_code": 201,
                 "response": {}, "created_at": NOW - timedelta(days=8)},
                {"scope": "s", "key": "new", "request_hash": "h", "status_code": 201,
                 "response": {}, "created_at": NOW - timedelta(hours=1)},
            ],
        )  # fmt: skip

    policy = RetentionPolicy(inbox_days=30)
    assert await prune(event_db.engine, t, RetentionPolicy(), NOW) == Pruned(
        outbox=1, idempotency=1
    )  # the inbox is kept by default
    assert await prune(event_db.engine, t, policy, NOW) == Pruned(inbox=1)
    async with event_db.engine.connect() as conn:
        outbox = set((await conn.execute(select(t.outbox.c.event_id))).scalars())
        inbox = set((await conn.execute(select(t.inbox.c.event_id))).scalars())
        keys = set((await conn.execute(select(record.c.key))).scalars())
    assert outbox == {"sent-new", "unsent-old"}
    assert inbox == {"handled-new", "parked-old"}
    assert keys == {"new"}
    assert await prune(event_db.engine, t, policy, NOW) == Pruned()


async def test_zero_keeps_everything_and_a_database_without_idempotency_is_fine(
    event_db: EventDatabase,
) -> None:
    t = event_db.tables
    async with event_db.engine.begin() as conn:
        await conn.execute(
            insert(t.outbox),
            [_outbox_row("sent-old", NOW - timedelta(days=400), NOW - timedelta(days=400))],
        )
    keep = RetentionPolicy(outbox_sent_days=0, inbox_days=0, idempotency_days=0)
    assert await prune(event_db.engine, t, keep, NOW) == Pruned()
    assert await prune(event_db.engine, t, RetentionPolicy(), NOW) == Pruned(outbox=1)


async def test_a_large_backlog_goes_in_batches(event_db: EventDatabase) -> None:
    t = event_db.tables
    old = NOW - timedelta(days=30)
    async with event_db.engine.begin() as conn:
        await conn.execute(
            insert(t.outbox), [_outbox_row(f"e{i}", old, old) for i in range(12_001)]
        )
    pruned = await prune(event_db.engine, t, RetentionPolicy(), NOW)
    assert pruned.outbox == 12_001
