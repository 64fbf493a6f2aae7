"""The bus port: what the relay publishes to and what consumers subscribe through.

Two adapters implement it: :mod:`inprocess` (embedded mode and fast tests) and
:mod:`kafka` (aiokafka). Both give the same guarantees the event path relies on:

* ``publish`` returns only when every message is stored by the bus (or raises
  :class:`TransportUnavailable`); messages with one key keep their order.
* a subscription in a consumer group gets each partition's messages in order, hands
  them to its handler in batches, and commits the offsets only after the handler
  returned; when the handler raises, the batch is delivered again after a back-off.
* a message's headers travel with it (the relay's events carry the CloudEvents binding's,
  :func:`cloudevent_message`).
"""

from __future__ import annotations

import abc
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field


class TransportError(Exception):
    """Base of the bus errors."""


class TransportUnavailable(TransportError):
    """The bus cannot be reached now; the caller keeps its messages and retries."""


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    key: str
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True, slots=True)
class Delivery:
    topic: str
    partition: int
    offset: int
    key: str
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = field(default=())
    timestamp_ms: int | None = None  # when the bus stored it (Kafka CreateTime)


BatchHandler = Callable[[Sequence[Delivery]], Awaitable[None]]

CLOUDEVENTS_CONTENT_TYPE = b"application/cloudevents+json; charset=UTF-8"
"""The ``content-type`` header of a CloudEvent in the Kafka protocol binding's structured
mode: the whole event (attributes and data) is the JSON value."""
_TRACEPARENT = re.compile(r"[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")


def cloudevent_message(topic: str, key: str, envelope: bytes) -> Message:
    """The message of one event envelope (CloudEvents JSON), as the CloudEvents Kafka
    protocol binding has it in structured mode: ``content-type:
    application/cloudevents+json; charset=UTF-8``, and the event's W3C trace context
    (``traceparent``, ``tracestate``) copied to headers of those names, so a generic consumer
    knows the mode and a tracing agent the trace without reading the value."""
    headers: list[tuple[str, bytes]] = [("content-type", CLOUDEVENTS_CONTENT_TYPE)]
    if b'"traceparent"' in envelope:  # only a traced event is parsed (tracing is optional)
        event = json.loads(envelope)
        traceparent = event.get("traceparent")
        if isinstance(traceparent, str) and _TRACEPARENT.fullmatch(traceparent):
            headers.append(("traceparent", traceparent.encode()))
            tracestate = event.get("tracestate")
            if isinstance(tracestate, str) and tracestate.isascii():
                headers.append(("tracestate", tracestate.encode()))
    return Message(topic, key, envelope, tuple(headers))


class Subscription(abc.ABC):
    """A running consumer-group member."""

    @abc.abstractmethod
    async def stop(self) -> None:
        """Finish the batch in hand, commit, leave the group."""

    @abc.abstractmethod
    async def abort(self) -> None:
        """Leave at once without committing (a crash, as seen by the bus)."""

    @abc.abstractmethod
    def assigned(self) -> set[tuple[str, int]]:
        """The (topic, partition) pairs this member consumes now."""

    @abc.abstractmethod
    def lag(self) -> dict[tuple[str, int], int]:
        """Messages not yet committed, per (topic, partition) assigned to this member."""


class Transport(abc.ABC):
    @abc.abstractmethod
    async def start(self) -> None: ...

    @abc.abstractmethod
    async def stop(self) -> None: ...

    @abc.abstractmethod
    async def ensure_topics(self, topics: Sequence[str]) -> None:
        """Create the topics (with the configured partition count) if they do not exist."""

    @abc.abstractmethod
    async def publish(self, messages: Sequence[Message]) -> None: ...

    @abc.abstractmethod
    async def subscribe(
        self,
        *,
        group: str,
        topics: Sequence[str],
        handler: BatchHandler,
        max_batch: int = 500,
    ) -> Subscription: ...

    @abc.abstractmethod
    async def end_offsets(self, topic: str) -> dict[int, int]:
        """The next offset of each partition (for replays and lag)."""

    @abc.abstractmethod
    def replay(self, topic: str, *, batch: int = 1000) -> AsyncIterator[list[Delivery]]:
        """Every message of ``topic`` from the beginning up to its end now, in batches,
        each partition in order (rebuilding read models; outside any consumer group)."""
