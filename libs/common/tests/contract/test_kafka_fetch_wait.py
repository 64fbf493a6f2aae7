"""A Kafka consumer's fetch wait on a real broker: short while records come, long once it has
been idle (``idle_after_s``), short again as soon as a record arrives."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence

import pytest

from lode_common.messaging.kafka import KafkaConfig, KafkaTransport
from lode_common.messaging.transport import Delivery, Message, Subscription
from lode_common.testing import eventually
from lode_common.testing.services import KafkaBroker

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(60)]

BUSY_MS = 10
IDLE_MS = 250


@pytest.fixture
async def transport(kafka: KafkaBroker) -> AsyncIterator[KafkaTransport]:
    transport = KafkaTransport(
        KafkaConfig(
            bootstrap=kafka.bootstrap,
            partitions=1,
            idempotence=False,
            session_timeout_ms=3000,
            request_timeout_ms=2000,
            fetch_max_wait_ms=BUSY_MS,
            idle_fetch_max_wait_ms=IDLE_MS,
            idle_after_s=0.5,
        )
    )
    await transport.start()
    try:
        yield transport
    finally:
        await transport.stop()


def fetch_wait(member: Subscription) -> int:
    """The wait the member's next fetch asks the broker for (aiokafka's fetcher holds it)."""
    return int(member.consumer._fetcher._fetch_max_wait_ms)  # type: ignore[attr-defined]


async def test_the_fetch_wait_follows_the_traffic(transport: KafkaTransport) -> None:
    topic = f"lode.t{uuid.uuid4().hex[:12]}"
    await transport.ensure_topics([topic])
    got: list[Delivery] = []
    waits_at_delivery: list[int] = []

    async def handler(batch: Sequence[Delivery]) -> None:
        waits_at_delivery.append(fetch_wait(member))
        got.extend(batch)

    member = await transport.subscribe(group=f"g-{topic}", topics=[topic], handler=handler)
    assert fetch_wait(member) == BUSY_MS  # a new member starts busy

    async def idle() -> bool:
        return fetch_wait(member) == IDLE_MS

    await eventually(idle, timeout_s=10, what="the member to go idle after 0.5 s")

    # records again: the member is busy when it hands them over, and stays busy while they
    # keep coming (one every 50 ms, well inside the idle threshold)
    samples: list[int] = []
    sent = 0
    while len(samples) < 5 and sent < 200:  # until the member has been seen busy 5 times
        await transport.publish([Message(topic, "k", f"v{sent}".encode())])
        sent += 1
        await asyncio.sleep(0.05)
        if got:
            samples.append(fetch_wait(member))

    async def all_delivered() -> bool:
        return len(got) == sent

    await eventually(all_delivered, timeout_s=10, what=f"the {sent} records")
    assert [d.value for d in got] == [f"v{i}".encode() for i in range(sent)]
    assert set(waits_at_delivery) == {BUSY_MS}, "every batch is fetched with the busy wait"
    assert len(samples) == 5, "records arrived while they were still being sent"
    assert set(samples) == {BUSY_MS}, "busy while records keep coming"

    await eventually(idle, timeout_s=10, what="the member to go idle again")
