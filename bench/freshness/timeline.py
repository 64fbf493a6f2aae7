"""When each report's event passed each point on its way to reporting, and the bus's own
delivery latency (the baseline): perf_counter() seconds, all read in the bench's process."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.events.envelope import Envelope
from lode_common.events.registry import EventPayload
from lode_common.messaging.transport import Delivery, Message, Transport
from lode_common.runtime import ServiceRuntime

OUTPUT = "lode.monitoring.output.reported.v1"
OUTPUT_BASE = "lode.monitoring.output.reported"
PROBE_TOPIC = "bench.freshness.probe"
TIMEOUT_S = 10.0


@dataclass
class Stamps:
    """Moments in the life of one report."""

    posted: float = 0.0
    accepted: float = 0.0  # the 201 answer in the client's hands
    instance: int = 0  # which monitoring instance took the report
    event_id: str = ""
    # in-process runtimes: inside the services
    publish_called: float | None = None  # monitoring's relay calls publish() with the event
    publish_returned: float | None = None
    handler_entered: float | None = None  # reporting's output.reported handler runs
    committed: float | None = None  # reporting's inbox transaction committed
    # processes: a consumer of the bench's own on lode.monitoring received the event
    observed: float | None = None
    # the reader's side
    streamed: float | None = None  # the SSE frame arrived
    reflected: float | None = None  # a polled response held it (end of that response)
    reflecting_asked: float | None = None  # when that request was sent
    poll_requests: list[float] = field(default_factory=list)  # durations of the polls


class Timeline:
    """Stamps by report id; the SSE frames."""

    def __init__(self) -> None:
        self.reports: dict[str, Stamps] = {}
        self.by_event: dict[str, Stamps] = {}
        self.streamed = asyncio.Event()

    def of(self, report_id: str) -> Stamps:
        return self.reports.setdefault(report_id, Stamps())

    def event(self, envelope: dict[str, object], report_id: str) -> Stamps:
        stamps = self.of(report_id)
        stamps.event_id = str(envelope["id"])
        self.by_event[stamps.event_id] = stamps
        return stamps

    def frame(self, event_type: str, data: str) -> None:
        """An SSE frame arrived (called the moment it is read)."""
        if event_type != OUTPUT:
            return
        envelope = json.loads(data)
        stamps = self.event(envelope, envelope["data"]["report_id"])
        if stamps.streamed is None:
            stamps.streamed = time.perf_counter()
            self.streamed.set()


def instrument(timeline: Timeline, transport: Transport, reporting: ServiceRuntime) -> None:
    """From outside the library, on services running in this process: wrap the shared
    transport's ``publish`` (monitoring's relay calls it), reporting's ``output.reported``
    handler (runs inside the inbox's transaction, after the inbox row is claimed), and add an
    ``Inbox.after_commit`` callback."""
    publish = transport.publish

    async def timed_publish(messages: Sequence[Message]) -> None:
        called = time.perf_counter()
        await publish(messages)
        returned = time.perf_counter()
        for m in messages:
            if m.topic != "lode.monitoring":
                continue
            envelope = json.loads(m.value)
            if envelope["type"] == OUTPUT:
                stamps = timeline.event(envelope, envelope["data"]["report_id"])
                if stamps.publish_called is None:  # a republish keeps the first
                    stamps.publish_called, stamps.publish_returned = called, returned

    transport.publish = timed_publish  # type: ignore[method-assign]

    inbox = reporting.inbox
    handler = inbox.handlers[OUTPUT_BASE]

    async def timed_handler(
        session: AsyncSession, envelope: Envelope, payload: EventPayload | None
    ) -> None:
        stamps = timeline.by_event.get(envelope.id)
        if stamps is not None and stamps.handler_entered is None:
            stamps.handler_entered = time.perf_counter()
        await handler(session, envelope, payload)

    inbox.handlers = {**inbox.handlers, OUTPUT_BASE: timed_handler}

    def on_commit(handled: Sequence[Envelope]) -> None:
        now = time.perf_counter()
        for envelope in handled:
            stamps = timeline.by_event.get(envelope.id)
            if stamps is not None and stamps.committed is None:
                stamps.committed = now

    inbox.after_commit.append(on_commit)


async def observe(timeline: Timeline, transport: Transport) -> None:
    """Services in other processes: a consumer group of the bench's own on
    ``lode.monitoring`` notes when each output event can be read from the bus."""

    async def handle(batch: Sequence[Delivery]) -> None:
        now = time.perf_counter()
        for d in batch:
            envelope = json.loads(d.value)
            if envelope.get("type") == OUTPUT:
                stamps = timeline.event(envelope, envelope["data"]["report_id"])
                if stamps.observed is None:
                    stamps.observed = now

    subscription = await transport.subscribe(
        group=f"bench-freshness-observer-{uuid.uuid4().hex[:6]}",
        topics=["lode.monitoring"],
        handler=handle,
    )
    await until(lambda: _true(bool(subscription.assigned())), "the observer's assignment")


class BusProbe:
    """The baseline: ``publish()`` → the consumer's batch handler, on a probe topic and a
    consumer group of the bench's own, through the runtime's transport (its settings)."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.received: dict[int, float] = {}
        self._arrived = asyncio.Event()
        self._seq = 0

    async def start(self) -> None:
        async def handle(batch: Sequence[Delivery]) -> None:
            now = time.perf_counter()
            for d in batch:
                self.received.setdefault(int(d.value), now)
            self._arrived.set()

        await self.transport.ensure_topics([PROBE_TOPIC])
        subscription = await self.transport.subscribe(
            group=f"bench-freshness-probe-{uuid.uuid4().hex[:6]}",
            topics=[PROBE_TOPIC],
            handler=handle,
        )
        await until(lambda: _true(bool(subscription.assigned())), "the probe's assignment")
        await self.send()  # the first delivery (metadata, first fetch) is not measured

    async def send(self) -> float:
        """One message; returns its delivery latency in seconds."""
        self._seq += 1
        seq = self._seq
        self._arrived.clear()
        start = time.perf_counter()
        await self.transport.publish([Message(PROBE_TOPIC, f"probe-{seq % 7}", str(seq).encode())])
        async with asyncio.timeout(TIMEOUT_S):
            while seq not in self.received:
                await self._arrived.wait()
                self._arrived.clear()
        return self.received[seq] - start


async def _true(value: bool) -> bool:
    return value


async def until(predicate: Callable[[], Awaitable[bool]], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not await predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
