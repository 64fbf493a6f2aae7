"""The event tables: what the outbox, inbox and relay rely on, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import MetaData, insert, inspect
from sqlalchemy.exc import IntegrityError

from lode_common.messaging.tables import event_tables

from .conftest import EventDatabase


def test_tables_are_built_on_the_given_metadata() -> None:
    metadata = MetaData()
    tables = event_tables(metadata)
    assert set(metadata.tables) == {"outbox", "inbox", "dead_letter"}
    assert tables.all() == (tables.outbox, tables.inbox, tables.dead_letter)
    assert event_tables().metadata is not metadata  # a fresh one by default


async def test_the_inbox_key_refuses_a_second_row_for_one_consumer_and_event(
    event_db: EventDatabase,
) -> None:
    """A duplicate (consumer, event id) is how a repeated effect is detected."""
    inbox = event_db.tables.inbox
    row = {
        "consumer": "zoning",
        "event_id": "e1",
        "outcome": "handled",
        "handled_at": datetime.now(UTC),
    }
    async with event_db.engine.begin() as conn:
        await conn.execute(insert(inbox).values(row))
        await conn.execute(insert(inbox).values({**row, "consumer": "reporting"}))
    with pytest.raises(IntegrityError):
        async with event_db.engine.begin() as conn:
            await conn.execute(insert(inbox).values(row))
    assert await event_db.count(inbox) == 2


async def test_outbox_seq_grows_and_event_ids_are_unique(event_db: EventDatabase) -> None:
    outbox = event_db.tables.outbox
    now = datetime.now(UTC)

    def row(event_id: str) -> dict[str, object]:
        return {
            "event_id": event_id,
            "topic": "lode.t",
            "key": "k",
            "type": "lode.t.x.y.v1",
            "envelope": "{}",
            "created_at": now,
        }

    async with event_db.engine.begin() as conn:
        await conn.execute(insert(outbox), [row("e1"), row("e2"), row("e3")])
    seqs = [r["seq"] for r in await event_db.outbox()]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == 3
    with pytest.raises(IntegrityError):
        async with event_db.engine.begin() as conn:
            await conn.execute(insert(outbox).values(row("e1")))


async def test_the_unsent_index_is_partial(event_db: EventDatabase) -> None:
    async with event_db.engine.connect() as conn:
        indexes = await conn.run_sync(lambda c: inspect(c).get_indexes("outbox"))
    [unsent] = [i for i in indexes if i["name"] == "ix_outbox_unsent"]
    assert unsent["column_names"] == ["seq"]
    where = unsent.get("dialect_options", {})
    assert any("sent_at IS NULL" in str(v) for v in where.values())
