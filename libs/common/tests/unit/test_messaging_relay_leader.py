"""The relay's leader on PostgreSQL: one statement a batch reads the next rows and marks the
batch before it sent, on the leader's own connection. Every event leaves, in order; what was
published and not marked goes out again (at least once), never lost."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from lode_common.messaging.inprocess import InProcessTransport
from lode_common.messaging.relay import Relay
from lode_common.messaging.transport import TransportUnavailable
from lode_common.testing import eventually

from .conftest import EventDatabase
from .test_messaging_relay import TOPIC, commit, new_relay, read_all, sample

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("database_url", ["postgres"], indirect=True),
]


@pytest.fixture
async def bus(tmp_path: Path) -> AsyncIterator[InProcessTransport]:
    # one partition: the order the relay publishes in is the order a consumer sees
    transport = InProcessTransport(tmp_path / "bus.db", partitions=1)
    await transport.start()
    await transport.ensure_topics([TOPIC])
    try:
        yield transport
    finally:
        await transport.stop()


async def sent(db: EventDatabase) -> list[bool]:
    """Each outbox row, in order: marked sent?"""
    return [row["sent_at"] is not None for row in await db.outbox()]


async def subjects(bus: InProcessTransport) -> list[str]:
    return [json.loads(d.value)["subject"] for d in await read_all(bus)]


async def lead(relay: Relay) -> None:
    assert await relay._lead()
    assert relay._lock_driver is not None, "the leader reads and marks on its lock connection"


async def kill_the_lock_connection(db: EventDatabase, relay: Relay) -> None:
    """The leader's connection dies (a restarted server, a cut network)."""
    pid = relay._lock_driver.get_server_pid()
    async with db.engine.connect() as conn:
        await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        await conn.commit()


async def test_each_statement_marks_the_batch_before_it(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    await commit(event_db, *(f"a{i}" for i in range(7)))
    relay = new_relay(event_db, bus, batch=3)
    await lead(relay)
    try:
        assert await relay.publish_pending() == 3
        assert await sent(event_db) == [False] * 7  # published, marked by the next statement
        assert await relay.publish_pending() == 3
        assert await sent(event_db) == [True] * 3 + [False] * 4
        assert await relay.publish_pending() == 1
        assert await sent(event_db) == [True] * 6 + [False]
        assert await relay.publish_pending() == 0  # the read that finds nothing marks the last
        assert await sent(event_db) == [True] * 7
    finally:
        await relay._release_leadership()
    assert await subjects(bus) == [f"a{i}" for i in range(7)]  # each once, in order
    assert sample(relay.metrics, "lode_events_published_total") == 7


async def test_a_failed_publish_leaves_its_batch_unsent_and_marks_the_one_before(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    await commit(event_db, *(f"a{i}" for i in range(5)))
    relay = new_relay(event_db, bus, batch=2)
    await lead(relay)
    assert await relay.publish_pending() == 2
    bus.available = False
    with pytest.raises(TransportUnavailable):
        await relay.publish_pending()  # marks a0, a1; a2, a3 do not go out
    await relay._release_leadership()  # what the loop does after a failure
    assert await sent(event_db) == [True, True, False, False, False]
    bus.available = True
    await lead(relay)
    try:
        assert [await relay.publish_pending() for _ in range(3)] == [2, 1, 0]
    finally:
        await relay._release_leadership()
    assert await sent(event_db) == [True] * 5
    assert await subjects(bus) == [f"a{i}" for i in range(5)]  # nothing lost, nothing twice


async def test_a_batch_whose_mark_failed_is_published_again(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    await commit(event_db, "a0", "a1", "a2")
    relay = new_relay(event_db, bus, batch=2)
    await lead(relay)
    assert await relay.publish_pending() == 2
    await kill_the_lock_connection(event_db, relay)
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever asyncpg raises for a dead link
        await relay.publish_pending()  # the statement that would mark a0, a1 fails
    await relay._release_leadership()
    assert await sent(event_db) == [False] * 3
    await lead(relay)
    try:
        assert [await relay.publish_pending() for _ in range(3)] == [2, 1, 0]
    finally:
        await relay._release_leadership()
    assert await sent(event_db) == [True] * 3
    # at least once: a0 and a1 went out twice (the inboxes absorb it), in order each time
    assert await subjects(bus) == ["a0", "a1", "a0", "a1", "a2"]


async def test_a_failed_mark_before_idling_gives_up_the_connection(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    """The loop marks what it published before it waits; when that fails the leader closes
    its connection (dead, or mid-protocol) instead of sending the next read on it."""
    await commit(event_db, "a0", "a1")
    relay = new_relay(event_db, bus)
    await lead(relay)
    assert await relay.publish_pending() == 2
    await kill_the_lock_connection(event_db, relay)
    await relay._flush_marks()  # what the loop does before it idles
    assert relay._lock_conn is None, "the connection is given up"
    assert relay._in_flight == set()
    assert await sent(event_db) == [False, False]
    await lead(relay)
    try:
        assert [await relay.publish_pending() for _ in range(2)] == [2, 0]
    finally:
        await relay._release_leadership()
    assert await sent(event_db) == [True, True]
    assert await subjects(bus) == ["a0", "a1", "a0", "a1"]  # at least once


async def test_stop_drains_on_a_new_connection_when_the_leaders_died(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    """The leader's connection dies while it waits (a database restart, say); stopping still
    publishes what is pending, on a connection of its own."""
    relay = new_relay(event_db, bus, idle_poll_s=30)
    relay.start()
    try:

        async def leading() -> bool:
            return relay._lock_driver is not None

        await eventually(leading, timeout_s=5, what="the relay to lead")
        await commit(event_db, "a1", "a2")  # no notify: only the drain will see them
        await kill_the_lock_connection(event_db, relay)
    finally:
        await relay.stop()
    assert await sent(event_db) == [True, True]
    assert await subjects(bus) == ["a1", "a2"]


async def test_the_running_leader_survives_losing_its_connection(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    relay = new_relay(event_db, bus, batch=2)
    relay.start()
    try:
        for i in range(4):
            await commit(event_db, f"a{i}", f"b{i}", f"c{i}", relay=relay)

            async def leading() -> bool:
                return relay._lock_driver is not None

            await eventually(leading, timeout_s=5, what="the relay to lead")
            await kill_the_lock_connection(event_db, relay)

        async def drained() -> bool:
            return (await relay.backlog())[0] == 0

        await eventually(drained, timeout_s=10, what="the outbox to drain after the failures")
    finally:
        await relay.stop()
    got = await subjects(bus)
    expected = [f"{x}{i}" for i in range(4) for x in "abc"]
    assert set(got) == set(expected), "nothing lost"
    first_seen = list(dict.fromkeys(got))
    assert first_seen == expected, "in order (a republished row only repeats)"


async def test_going_idle_marks_what_was_published(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    """With a poll of 30 s the leader sends no further read before the next commit: the
    rows it published are marked before it waits."""
    relay = new_relay(event_db, bus, idle_poll_s=30)
    relay.start()
    try:
        await asyncio.sleep(0.05)
        await commit(event_db, "a1", "a2", relay=relay)

        async def marked() -> bool:
            return await sent(event_db) == [True, True]

        await eventually(marked, timeout_s=5, what="the published rows to be marked")
        assert relay._lock_driver is not None, "marked by the leader, still leading"
        assert relay._in_flight == set()
        await commit(event_db, "a3", relay=relay)

        async def marked_again() -> bool:
            return await sent(event_db) == [True, True, True]

        await eventually(marked_again, timeout_s=5, what="the next row to be marked")
    finally:
        await relay.stop()
    assert await subjects(bus) == ["a1", "a2", "a3"]
    assert sample(relay.metrics, "lode_relay_publish_failures_total") == 0


async def test_settle_marks_what_the_leader_published(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    """What ``stop`` relies on: settling marks the rows no read has marked yet."""
    relay = new_relay(event_db, bus, idle_poll_s=30)
    await lead(relay)
    try:
        await commit(event_db, "a1", "a2")
        assert await relay.publish_pending() == 2
        assert await sent(event_db) == [False, False]
        await relay.settle()
        assert await sent(event_db) == [True, True]
    finally:
        await relay._release_leadership()
    assert await subjects(bus) == ["a1", "a2"]
