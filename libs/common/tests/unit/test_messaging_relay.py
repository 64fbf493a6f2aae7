"""The relay: outbox rows leave in order, are marked sent, and wait while the bus is down."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from lode_common.events.catalog import ApplicationForwarded
from lode_common.events.envelope import Envelope
from lode_common.messaging.inprocess import InProcessTransport
from lode_common.messaging.outbox import UnitOfWork, outbox_rows
from lode_common.messaging.relay import Relay
from lode_common.messaging.transport import Delivery, TransportUnavailable
from lode_common.metrics import ServiceMetrics
from lode_common.testing import eventually

from .conftest import EventDatabase

TOPIC = "lode.licensing"


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


def new_relay(db: EventDatabase, bus: InProcessTransport, **options: float) -> Relay:
    settings: dict[str, float] = {
        "idle_poll_s": 0.05,
        "min_backoff_s": 0.02,
        "max_backoff_s": 0.1,
    }
    settings.update(options)
    return Relay(
        service="licensing",
        engine=db.engine,
        tables=db.tables,
        transport=bus,
        metrics=ServiceMetrics("licensing"),
        **settings,  # type: ignore[arg-type]
    )


async def commit(db: EventDatabase, *ids: str, relay: Relay | None = None) -> list[Envelope]:
    uow = UnitOfWork(db.sessions, db.tables, on_commit=relay.notify if relay else lambda: None)
    async with uow:
        envelopes = [uow.emit(ApplicationForwarded(application_id=i), i) for i in ids]
        await uow.commit()
    return envelopes


async def read_all(bus: InProcessTransport) -> list[Delivery]:
    got: list[Delivery] = []

    async def collect(batch: Sequence[Delivery]) -> None:
        got.extend(batch)

    expected = sum((await bus.end_offsets(TOPIC)).values())
    sub = await bus.subscribe(group=f"reader-{id(got)}", topics=[TOPIC], handler=collect)

    async def complete() -> bool:
        return len(got) >= expected

    await eventually(complete, timeout_s=5, what=f"{expected} messages")
    await sub.stop()
    return got


def sample(metrics: ServiceMetrics, name: str) -> float:
    value = metrics.registry.get_sample_value(name, {"service": "licensing"})
    return value or 0.0


async def test_publish_pending_sends_in_seq_order_and_marks_sent(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    first = await commit(event_db, "a1", "a2", "a3")
    second = await commit(event_db, "a4", "a2")
    relay = new_relay(event_db, bus)
    assert await relay.publish_pending() == 5
    assert await relay.publish_pending() == 0  # the rows being marked are not read again
    await relay.settle()  # marking sent runs in the background
    delivered = await read_all(bus)
    assert [Envelope.from_json(d.value).id for d in delivered] == [e.id for e in first + second]
    assert [d.key for d in delivered] == ["a1", "a2", "a3", "a4", "a2"]
    assert all(row["sent_at"] is not None for row in await event_db.outbox())
    assert sample(relay.metrics, "lode_events_published_total") == 5
    assert await relay.backlog() == (0, 0.0)


async def test_a_pass_publishes_at_most_one_batch(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    await commit(event_db, *(f"a{i}" for i in range(7)))
    relay = new_relay(event_db, bus)
    relay.batch = 3
    assert [await relay.publish_pending() for _ in range(4)] == [3, 3, 1, 0]
    await relay.settle()
    assert await relay.backlog() == (0, 0.0)
    delivered = await read_all(bus)
    assert [json.loads(d.value)["subject"] for d in delivered] == [f"a{i}" for i in range(7)]


async def test_an_unreachable_bus_keeps_the_rows_unsent(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    await commit(event_db, "a1", "a2")
    relay = new_relay(event_db, bus)
    bus.available = False
    with pytest.raises(TransportUnavailable):
        await relay.publish_pending()
    assert [r["sent_at"] for r in await event_db.outbox()] == [None, None]
    assert sum((await bus.end_offsets(TOPIC)).values()) == 0


async def test_run_backs_off_while_the_bus_is_down_then_delivers(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    relay = new_relay(event_db, bus, min_backoff_s=0.02, max_backoff_s=0.08)
    bus.available = False
    await commit(event_db, "a1", "a2", "a3", relay=relay)
    relay.start()
    try:

        async def failing_repeatedly() -> bool:
            return sample(relay.metrics, "lode_relay_publish_failures_total") >= 3

        await eventually(failing_repeatedly, timeout_s=5, what="three failed attempts")
        await asyncio.sleep(0.3)
        failures = sample(relay.metrics, "lode_relay_publish_failures_total")
        # backing off (0.02, 0.04, 0.08, 0.08 ...): a handful of attempts, not a busy loop
        assert 3 <= failures <= 15
        assert (await relay.backlog())[0] == 3
        assert sum((await bus.end_offsets(TOPIC)).values()) == 0

        bus.available = True

        async def all_sent() -> bool:
            return (await relay.backlog())[0] == 0

        await eventually(all_sent, timeout_s=5, what="the rows to leave once the bus is back")
    finally:
        await relay.stop()
    assert [json.loads(d.value)["subject"] for d in await read_all(bus)] == ["a1", "a2", "a3"]


async def test_backlog_reports_count_and_age_of_the_oldest(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    relay = new_relay(event_db, bus)
    assert await relay.backlog() == (0, 0.0)
    old = ApplicationForwarded(application_id="old").envelope("old")
    new = ApplicationForwarded(application_id="new").envelope("new")
    rows = outbox_rows([old, new])
    rows[0]["created_at"] = datetime.now(UTC) - timedelta(seconds=90)
    async with event_db.engine.begin() as conn:
        await conn.execute(insert(event_db.tables.outbox), rows)
    count, age = await relay.backlog()
    assert count == 2
    assert 89 <= age < 120
    assert sample(relay.metrics, "lode_outbox_backlog") == 2
    assert 89 <= sample(relay.metrics, "lode_outbox_oldest_age_seconds") < 120
    await relay.publish_pending()
    await relay.settle()
    assert await relay.backlog() == (0, 0.0)


async def test_notify_publishes_without_waiting_for_the_poll(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    relay = new_relay(event_db, bus, idle_poll_s=30)
    relay.start()
    try:
        await asyncio.sleep(0.05)  # the relay is idle, waiting up to 30 s
        await commit(event_db, "a1", relay=relay)

        async def sent() -> bool:
            return (await relay.backlog())[0] == 0

        await eventually(sent, timeout_s=2, what="the notified relay to publish")
    finally:
        await relay.stop()


async def test_stop_drains_what_is_pending(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    relay = new_relay(event_db, bus, idle_poll_s=30)
    relay.start()
    await asyncio.sleep(0.05)
    await commit(event_db, "a1", "a2")  # no notify: the relay would only see them in 30 s
    await relay.stop()
    assert (await relay.backlog())[0] == 0
    assert len(await read_all(bus)) == 2


async def test_stop_gives_up_draining_when_the_bus_is_down(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    relay = new_relay(event_db, bus, idle_poll_s=30)
    relay.start()
    await asyncio.sleep(0.05)
    bus.available = False
    await commit(event_db, "a1")
    await asyncio.wait_for(relay.stop(drain_timeout_s=1), timeout=5)
    assert (await relay.backlog())[0] == 1  # kept for the next start


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_on_postgres_one_relay_per_service_publishes(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    """Two relays of one service (two replicas): the advisory lock elects one."""
    first = new_relay(event_db, bus)
    second = new_relay(event_db, bus)
    first.start()
    second.start()
    try:
        for i in range(10):
            await commit(event_db, *(f"a{i}-{j}" for j in range(5)), relay=first)
            await commit(event_db, *(f"b{i}-{j}" for j in range(5)), relay=second)

        async def all_sent() -> bool:
            return (await first.backlog())[0] == 0

        await eventually(all_sent, timeout_s=5, what="the outbox to drain")
    finally:
        await first.stop()
        await second.stop()
    delivered = await read_all(bus)
    assert len(delivered) == 100, "each row published once: only the leader publishes"
    published = [sample(r.metrics, "lode_events_published_total") for r in (first, second)]
    assert sorted(published) == [0, 100]


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_on_postgres_a_commit_in_another_instance_wakes_the_leader(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    """The leader polls only every 30 s here: the rows another instance commits reach the
    bus at once because that instance's notify reaches the leader through PostgreSQL."""
    leader = new_relay(event_db, bus, idle_poll_s=30)
    other = new_relay(event_db, bus, idle_poll_s=30)
    leader.start()

    async def elected() -> bool:
        return leader._lock_conn is not None

    await eventually(elected, timeout_s=5, what="the first relay to lead")
    other.start()  # it finds the lock taken, and waits
    try:
        await asyncio.sleep(0.05)
        for i in range(3):
            await commit(event_db, f"o{i}", relay=other)

            async def sent() -> bool:
                return (await leader.backlog())[0] == 0

            await eventually(sent, timeout_s=10, what="the leader, woken by NOTIFY, to publish")
    finally:
        await other.stop()
        await leader.stop()
    assert len(await read_all(bus)) == 3
    assert sample(other.metrics, "lode_events_published_total") == 0


class _MarkFailsOnce(Relay):
    failed = False

    async def _mark_sent(self, seqs: list[int]) -> None:
        if not self.failed:
            self.failed = True
            raise ConnectionResetError("the database went away while marking")
        await super()._mark_sent(seqs)


async def test_rows_whose_marking_failed_are_published_again(
    event_db: EventDatabase, bus: InProcessTransport
) -> None:
    await commit(event_db, "a1", "a2")
    relay = _MarkFailsOnce(
        service="licensing", engine=event_db.engine, tables=event_db.tables, transport=bus
    )
    assert await relay.publish_pending() == 2
    await relay.settle()
    assert (await relay.backlog())[0] == 2  # published, but not marked: still pending
    assert await relay.publish_pending() == 2  # so they go out again
    await relay.settle()
    assert (await relay.backlog())[0] == 0
    subjects = [json.loads(d.value)["subject"] for d in await read_all(bus)]
    assert subjects == ["a1", "a2", "a1", "a2"]  # a duplicate the inboxes absorb
