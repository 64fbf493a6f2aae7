"""The guarantees of the event path, each proven on both runtimes.

Outbox on the way out, inbox on the way in: an event committed with a state change takes
effect exactly once, whatever fails in between; a rolled-back change publishes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import pytest
from sqlalchemy import func, select

from lode_common.messaging.relay import Relay
from lode_common.messaging.transport import Delivery, Message
from lode_common.testing import eventually

from .harness import EventPath

pytestmark = pytest.mark.timeout(120)


async def test_committed_event_takes_effect_once_and_rollback_publishes_nothing(
    path: EventPath,
) -> None:
    await path.subscribe()
    path.relay.start()

    rolled_back = path.event("agg-x", 1)

    async def refused_change() -> None:
        async with path.uow() as uow:
            uow.emit_envelope(rolled_back)
            raise RuntimeError("the change was refused")

    with pytest.raises(RuntimeError, match="refused"):
        await refused_change()

    events = [path.event(f"agg-{i % 4}", i) for i in range(20)]
    await path.commit_events(events)

    async def all_arrived() -> bool:
        return await path.effect_count() >= 20

    await eventually(all_arrived, what="20 effects")
    await asyncio.sleep(0.3)  # room for a wrong duplicate to show up
    by_event = await path.effects_by_event()
    assert by_event == {e.id: 1 for e in events}
    assert rolled_back.id not in by_event
    assert (
        await path.scalar(
            select(func.count()).where(path.tables.outbox.c.event_id == rolled_back.id)
        )
        == 0
    )
    assert await path.unsent() == 0
    assert await path.parked() == 0


async def test_outbox_holds_events_while_the_bus_is_down(path: EventPath) -> None:
    await path.subscribe()
    path.relay.start()
    await path.commit_events([path.event("warmup", 0)])

    async def warmed() -> bool:
        return await path.effect_count() == 1

    await eventually(warmed, what="the warm-up event")

    path.freeze()
    try:
        held = [path.event("agg-held", i) for i in range(1, 6)]
        failures = path.publish_failures()
        await path.commit_events(held)  # the change commits although the bus is down
        await eventually(
            lambda: path.publish_failures() >= failures + 2,
            what="the relay to try (and fail) to publish the held events twice",
        )
        assert await path.unsent() == 5, "the outbox must hold what the bus did not take"
        assert await path.effect_count() == 1
    finally:
        path.thaw()

    async def delivered() -> bool:
        return await path.effect_count() == 6

    await eventually(delivered, timeout_s=60, what="the held events after the bus came back")
    by_event = await path.effects_by_event()
    assert all(by_event[e.id] == 1 for e in held)

    async def drained() -> bool:
        return await path.unsent() == 0

    await eventually(drained, what="the outbox to drain")


class _RelayDyingBeforeMarkingSent(Relay):
    """Publishes, then dies before its mark-sent transaction commits."""

    async def _mark_sent(self, seqs: list[int]) -> None:
        await asyncio.Event().wait()  # never returns: the process is gone


async def test_republish_after_relay_crash_is_absorbed_by_the_inbox(path: EventPath) -> None:
    await path.subscribe()
    events = [path.event("agg-r", i) for i in range(5)]
    await path.commit_events(events)

    dying = path.new_relay(_RelayDyingBeforeMarkingSent)
    assert await dying.publish_pending() == 5
    for task in list(dying._marking):  # the process dies here
        task.cancel()
    assert await path.unsent() == 5  # published, but not marked

    async def first_copies_handled() -> bool:
        return await path.effect_count() == 5

    await eventually(first_copies_handled, what="the first copies")

    path.relay.start()  # a new relay republishes the same rows

    async def republished() -> bool:
        return await path.unsent() == 0 and len(path.deliveries) >= 10

    await eventually(republished, what="the republish")
    await asyncio.sleep(0.3)
    delivered_ids = [d.value for d in path.deliveries]
    assert len(delivered_ids) == 10, "every event went over the bus twice"
    assert await path.effects_by_event() == {e.id: 1 for e in events}
    assert await path.parked() == 0, "a duplicate is absorbed, not parked"


async def test_redelivery_after_consumer_crash_changes_nothing(path: EventPath) -> None:
    crashed = asyncio.Event()

    def dies_before_commit(
        handler: Callable[[Sequence[Delivery]], Awaitable[None]],
    ) -> Callable[[Sequence[Delivery]], Awaitable[None]]:
        async def wrapped(batch: Sequence[Delivery]) -> None:
            await handler(batch)  # the effect and the inbox row commit ...
            crashed.set()
            await asyncio.Event().wait()  # ... and the process dies before the offset commit

        return wrapped

    first = await path.subscribe(wrap=dies_before_commit)
    events = [path.event("agg-c", i) for i in range(5)]
    await path.commit_events(events)
    path.relay.start()
    await asyncio.wait_for(crashed.wait(), timeout=60)
    handled_before = await path.effect_count()
    assert handled_before >= 1
    await first.abort()  # gone without committing its offsets
    path.subscriptions.remove(first)
    delivered_before = len(path.deliveries)

    await path.subscribe()  # a new member of the same group takes over

    async def redelivered_all() -> bool:
        return len(path.deliveries) >= delivered_before + 5

    await eventually(redelivered_all, timeout_s=60, what="redelivery to the new member")
    await asyncio.sleep(0.3)
    redelivered = {d.value for d in path.deliveries[delivered_before:]}
    assert {d.value for d in path.deliveries[:delivered_before]} <= redelivered
    assert await path.effects_by_event() == {e.id: 1 for e in events}
    assert await path.parked() == 0, "a redelivery is absorbed, not parked"


async def test_order_per_aggregate_across_partitions_and_two_consumers(path: EventPath) -> None:
    a = await path.subscribe(path.inbox("a"))
    b = await path.subscribe(path.inbox("b"))

    async def both_assigned() -> bool:
        return bool(a.assigned()) and bool(b.assigned())

    await eventually(both_assigned, what="both members to get partitions")
    assert not (a.assigned() & b.assigned())
    assert len(a.assigned() | b.assigned()) == 3

    aggregates = [f"licence-{i}" for i in range(12)]
    path.relay.start()
    for seq in range(25):
        await path.commit_events([path.event(agg, seq) for agg in aggregates])

    total = len(aggregates) * 25

    async def all_handled() -> bool:
        return await path.effect_count() == total

    await eventually(all_handled, timeout_s=90, what=f"{total} effects")
    async with path.sessions() as session:
        rows = (
            await session.execute(
                select(
                    path.effects.c.aggregate, path.effects.c.seq, path.effects.c.consumer_tag
                ).order_by(path.effects.c.id)
            )
        ).all()
    seen: dict[str, list[int]] = {}
    for aggregate, seq, _tag in rows:
        seen.setdefault(aggregate, []).append(seq)
    assert seen == {agg: list(range(25)) for agg in aggregates}
    assert {tag for *_, tag in rows} == {"a", "b"}, "both consumers must have worked"


async def test_poison_message_is_parked_and_the_rest_keep_flowing(path: EventPath) -> None:
    inbox = path.inbox()
    await path.subscribe(inbox)
    path.relay.start()
    good_before = [path.event("agg-p", i) for i in range(3)]
    poison = path.event("agg-p", 3, poison=True)
    good_after = [path.event("agg-p", i) for i in range(4, 8)]
    await path.commit_events([*good_before, poison, *good_after])
    await path.transport.publish([Message(path.topic, "garbage", b"{not json")])

    async def rest_handled() -> bool:
        return await path.effect_count() == 7 and len(await inbox.dead_letters()) == 2

    await eventually(rest_handled, what="the good events and two dead letters")
    parked = await inbox.dead_letters()
    by_event = {row["event_id"]: row for row in parked}
    assert "poisoned" in by_event[poison.id]["error"]
    assert by_event[poison.id]["attempts"] == 2
    assert any("not a CloudEvents envelope" in row["error"] for row in parked)
    assert poison.id not in await path.effects_by_event()
    assert await inbox.refresh_dead_letter_gauge() == 2

    # a fixed handler takes the parked event on re-drive; the garbage stays parked
    path.poisoned = False
    assert await inbox.redrive(by_event[poison.id]["id"]) is True
    assert (await path.effects_by_event())[poison.id] == 1
    garbage = next(r for r in parked if r["event_id"] != poison.id)
    assert await inbox.redrive(garbage["id"]) is False
    assert [r["event_id"] for r in await inbox.dead_letters()] == [garbage["event_id"]]
