"""The in-process bus: Kafka's semantics (partitions, groups, commit after handler) in SQLite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from lode_common.messaging.inprocess import InProcessTransport, partition_for
from lode_common.messaging.transport import Delivery, Message, TransportUnavailable
from lode_common.testing import eventually

TOPIC = "lode.unittest"
ALL = {(TOPIC, 0), (TOPIC, 1), (TOPIC, 2)}


class Collector:
    """A batch handler that records what it got; it can be told to fail some batches."""

    def __init__(self, *, failures: int = 0) -> None:
        self.deliveries: list[Delivery] = []
        self.batches = 0
        self.failures = failures

    async def __call__(self, batch: Sequence[Delivery]) -> None:
        self.batches += 1
        if self.failures > 0:
            self.failures -= 1
            raise RuntimeError("the handler failed")
        self.deliveries.extend(batch)

    @property
    def values(self) -> list[str]:
        return [d.value.decode() for d in self.deliveries]

    async def has(self, n: int) -> bool:
        return len(self.deliveries) >= n


def messages(keys: Sequence[str], per_key: int, start: int = 0) -> list[Message]:
    return [
        Message(TOPIC, key, f"{key}:{seq}".encode())
        for seq in range(start, start + per_key)
        for key in keys
    ]


@pytest.fixture
async def bus(tmp_path: Path) -> AsyncIterator[InProcessTransport]:
    transport = InProcessTransport(tmp_path / "bus.db", partitions=3, retry_backoff_s=0.01)
    await transport.start()
    await transport.ensure_topics([TOPIC])
    try:
        yield transport
    finally:
        await transport.stop()


def test_partition_for_is_stable_and_in_range() -> None:
    # fixed values: a key must land on the same partition in every process and release
    assert partition_for("C1308812021017120000001", 3) == 2
    assert partition_for("zone-1", 3) == 0
    assert partition_for("zone-1", 12) == 6
    assert partition_for("a", 12) == 3
    for key in (f"licence-{i}" for i in range(200)):
        assert partition_for(key, 3) == partition_for(key, 3)
        assert 0 <= partition_for(key, 3) < 3
    assert {partition_for(f"licence-{i}", 3) for i in range(200)} == {0, 1, 2}


async def test_each_key_keeps_its_order_on_its_partition(bus: InProcessTransport) -> None:
    keys = [f"licence-{i}" for i in range(6)]
    await bus.publish(messages(keys, 10))
    await bus.publish(messages(keys, 5, start=10))
    got = Collector()
    sub = await bus.subscribe(group="g", topics=[TOPIC], handler=got)
    await eventually(lambda: got.has(90), timeout_s=5, what="90 deliveries")
    await sub.stop()
    for key in keys:
        mine = [d for d in got.deliveries if d.key == key]
        assert [d.value.decode() for d in mine] == [f"{key}:{s}" for s in range(15)]
        assert {d.partition for d in mine} == {partition_for(key, 3)}
    for part in range(3):
        offsets = [d.offset for d in got.deliveries if d.partition == part]
        assert offsets == list(range(len(offsets)))
    assert await bus.end_offsets(TOPIC) == {
        p: sum(1 for d in got.deliveries if d.partition == p) for p in range(3)
    }


async def test_headers_and_bytes_survive(bus: InProcessTransport) -> None:
    raw = "平泉 ✓".encode() + bytes([0, 255])
    await bus.publish([Message(TOPIC, "k", raw, (("traceparent", b"00-ab"), ("bin", b"\xff")))])
    got = Collector()
    sub = await bus.subscribe(group="g", topics=[TOPIC], handler=got)
    await eventually(lambda: got.has(1), timeout_s=5, what="the message")
    await sub.stop()
    [delivery] = got.deliveries
    assert delivery.value == raw
    assert delivery.headers == (("traceparent", b"00-ab"), ("bin", b"\xff"))


async def test_a_second_member_shares_the_partitions_and_gets_them_back_when_one_leaves(
    bus: InProcessTransport,
) -> None:
    a_got, b_got = Collector(), Collector()
    a = await bus.subscribe(group="g", topics=[TOPIC], handler=a_got)
    assert a.assigned() == ALL
    b = await bus.subscribe(group="g", topics=[TOPIC], handler=b_got)
    assert a.assigned()
    assert b.assigned()
    assert not (a.assigned() & b.assigned())
    assert a.assigned() | b.assigned() == ALL

    keys = [f"licence-{i}" for i in range(30)]
    await bus.publish(messages(keys, 2))
    await eventually(
        lambda: _total(a_got, b_got, 60),
        timeout_s=5,
        what="60 deliveries over both members",
    )
    assert {d.partition for d in a_got.deliveries} == {p for _, p in a.assigned()}
    assert {d.partition for d in b_got.deliveries} == {p for _, p in b.assigned()}

    b_partitions = {p for _, p in b.assigned()}
    await b.stop()  # leaves the group: a takes everything again
    assert a.assigned() == ALL
    before = len(a_got.deliveries)
    await bus.publish(messages(keys, 1, start=2))
    await eventually(
        lambda: a_got.has(before + 30), timeout_s=5, what="a to take over b's partitions"
    )
    taken_over = {d.partition for d in a_got.deliveries[before:]}
    assert b_partitions <= taken_over
    values = a_got.values + b_got.values
    assert sorted(values) == sorted(m.value.decode() for m in messages(keys, 3))
    await a.stop()


async def _total(a: Collector, b: Collector, n: int) -> bool:
    return len(a.deliveries) + len(b.deliveries) >= n


async def test_groups_are_independent(bus: InProcessTransport) -> None:
    await bus.publish(messages(["k1", "k2"], 3))
    first, second = Collector(), Collector()
    s1 = await bus.subscribe(group="one", topics=[TOPIC], handler=first)
    s2 = await bus.subscribe(group="two", topics=[TOPIC], handler=second)
    assert s1.assigned() == s2.assigned() == ALL
    await eventually(lambda: first.has(6), timeout_s=5, what="group one")
    await eventually(lambda: second.has(6), timeout_s=5, what="group two")
    await s1.stop()
    await s2.stop()
    assert sorted(first.values) == sorted(second.values)


async def test_committed_offsets_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "var" / "bus.db"
    bus = InProcessTransport(path, partitions=3)
    await bus.start()
    await bus.publish(messages(["k1", "k2", "k3"], 2))  # 6 messages
    got = Collector()
    sub = await bus.subscribe(group="g", topics=[TOPIC], handler=got)
    await eventually(lambda: got.has(6), timeout_s=5, what="the first six")
    await sub.stop()
    await bus.stop()

    bus = InProcessTransport(path, partitions=3)
    await bus.start()
    try:
        assert sum((await bus.end_offsets(TOPIC)).values()) == 6  # the log is kept
        await bus.publish(messages(["k1", "k2", "k3"], 1, start=2))  # 3 more
        again = Collector()
        sub = await bus.subscribe(group="g", topics=[TOPIC], handler=again)
        await eventually(lambda: again.has(3), timeout_s=5, what="the three new ones")
        await asyncio.sleep(0.05)
        await sub.stop()
        assert sorted(again.values) == ["k1:2", "k2:2", "k3:2"]  # from the committed offset
        assert all(d.offset >= 1 for d in again.deliveries)  # offsets continue, not reused

        replay = Collector()
        sub = await bus.subscribe(group="new-reader", topics=[TOPIC], handler=replay)
        await eventually(lambda: replay.has(9), timeout_s=5, what="a replay from the beginning")
        await sub.stop()
        assert len(replay.values) == 9
        assert sorted(replay.values) == sorted(got.values + again.values)
    finally:
        await bus.stop()


async def test_a_failing_handler_gets_the_batch_again(bus: InProcessTransport) -> None:
    await bus.publish([Message(TOPIC, "k", b"m1"), Message(TOPIC, "k", b"m2")])
    part = partition_for("k", 3)
    got = Collector(failures=2)
    sub = await bus.subscribe(group="g", topics=[TOPIC], handler=got)
    await eventually(lambda: got.has(2), timeout_s=5, what="the batch after two failures")
    await sub.stop()
    assert got.batches == 3
    assert got.values == ["m1", "m2"]  # delivered whole, in order, once handled
    assert bus.committed("g", TOPIC, part) == 2


async def test_a_failed_batch_comes_again_after_the_configured_back_off(tmp_path: Path) -> None:
    """Redelivery follows the back-off, not the idle wait: with an idle wait of a minute,
    three failures are retried within seconds only if the member does not sleep idle."""
    bus = InProcessTransport(
        tmp_path / "slow.db", partitions=3, retry_backoff_s=0.01, idle_wait_s=60
    )
    await bus.start()
    await bus.ensure_topics([TOPIC])
    await bus.publish([Message(TOPIC, "k", b"m1")])
    got = Collector(failures=3)
    sub = await bus.subscribe(group="g", topics=[TOPIC], handler=got)
    try:
        await eventually(lambda: got.has(1), timeout_s=20, what="the batch after three failures")
    finally:
        await sub.stop()
        await bus.stop()


async def test_nothing_is_committed_while_the_handler_fails(bus: InProcessTransport) -> None:
    await bus.publish([Message(TOPIC, "k", b"m1")])
    part = partition_for("k", 3)
    got = Collector(failures=1_000_000)
    sub = await bus.subscribe(group="g", topics=[TOPIC], handler=got)
    await eventually(lambda: _more_batches_than(got, 1), timeout_s=5, what="a redelivery")
    assert bus.committed("g", TOPIC, part) == 0
    assert sub.lag()[(TOPIC, part)] == 1
    await sub.stop()


async def _more_batches_than(got: Collector, n: int) -> bool:
    return got.batches > n


async def test_an_aborted_member_commits_nothing(bus: InProcessTransport) -> None:
    started = asyncio.Event()

    async def stuck(batch: Sequence[Delivery]) -> None:
        started.set()
        await asyncio.Event().wait()  # never returns: the process dies here

    await bus.publish([Message(TOPIC, "k", b"m1")])
    sub = await bus.subscribe(group="g", topics=[TOPIC], handler=stuck)
    await asyncio.wait_for(started.wait(), 5)
    await sub.abort()
    got = Collector()
    sub = await bus.subscribe(group="g", topics=[TOPIC], handler=got)
    await eventually(lambda: got.has(1), timeout_s=5, what="the redelivery")
    await sub.stop()
    assert got.values == ["m1"]


async def test_lag_counts_what_is_not_yet_committed(bus: InProcessTransport) -> None:
    gate = asyncio.Event()

    async def slow(batch: Sequence[Delivery]) -> None:
        await gate.wait()

    await bus.publish(messages(["k"], 4))
    part = partition_for("k", 3)
    sub = await bus.subscribe(group="g", topics=[TOPIC], handler=slow)
    assert sub.lag()[(TOPIC, part)] == 4
    gate.set()

    async def caught_up() -> bool:
        return sub.lag()[(TOPIC, part)] == 0

    await eventually(caught_up, timeout_s=5, what="lag 0")
    await sub.stop()


async def test_an_unavailable_bus_refuses_to_publish_and_stores_nothing(
    bus: InProcessTransport,
) -> None:
    bus.available = False
    with pytest.raises(TransportUnavailable, match="unavailable"):
        await bus.publish(messages(["k"], 3))
    assert await bus.end_offsets(TOPIC) == {0: 0, 1: 0, 2: 0}
    bus.available = True
    await bus.publish(messages(["k"], 3))
    assert (await bus.end_offsets(TOPIC))[partition_for("k", 3)] == 3


async def test_publishing_to_a_new_topic_creates_it(bus: InProcessTransport) -> None:
    await bus.publish([Message("lode.other", "k", b"v")])
    assert bus.partitions("lode.other") == 3
    assert sum((await bus.end_offsets("lode.other")).values()) == 1


async def test_an_in_memory_bus_works_and_a_stopped_one_refuses() -> None:
    bus = InProcessTransport(partitions=2)
    await bus.start()
    await bus.publish([Message(TOPIC, "k", b"v")])
    got = Collector()
    await bus.subscribe(group="g", topics=[TOPIC], handler=got)
    await eventually(lambda: got.has(1), timeout_s=5, what="the message")
    await bus.stop()  # stops its members too
    with pytest.raises(RuntimeError, match="not started"):
        await bus.subscribe(group="g", topics=["lode.new"], handler=got)
