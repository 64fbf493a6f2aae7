"""A service's event consumers, each receiving the payload already validated as its model.

The inbox reads every event it handles into its registered payload class (``catalog``)
before dispatching it; a consumer declared here takes that typed payload, never the
envelope's raw ``data``::

    consumers = Consumers()

    @consumers.on(LicenceIssued, LicenceRenewed)
    async def on_licence(
        session: AsyncSession, envelope: Envelope, licence: LicenceIssued | LicenceRenewed
    ) -> None: ...

    SPEC = ServiceSpec(..., handlers=consumers.handlers)

A consumer is registered by base type (``lode.licensing.licence.issued``, no version), so a
newer ``.v2`` of the same event reaches it read as the highest version known here. An
event whose payload is not of the declared class (a type registered to another model) is
a programming error: it raises, and the inbox parks the event in ``dead_letter``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar, overload

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.events.envelope import Envelope
from lode_common.events.registry import EventPayload
from lode_common.messaging.inbox import Batched, EventHandler

P = TypeVar("P", bound=EventPayload)
P1 = TypeVar("P1", bound=EventPayload)
P2 = TypeVar("P2", bound=EventPayload)
P3 = TypeVar("P3", bound=EventPayload)

Consumer = Callable[[AsyncSession, Envelope, P], Awaitable[None]]
"""A consumer of one event: the session of the inbox's transaction, the envelope (id, time,
subject) and the typed payload."""

BatchConsumer = Callable[[AsyncSession, Sequence[tuple[Envelope, P]]], Awaitable[None]]
"""A consumer of a run of consecutive events of one type, applied in one statement."""


def base_type(kind: type[EventPayload]) -> str:
    """``lode.licensing.licence.issued`` for ``LicenceIssued`` (``...issued.v1``)."""
    return kind.event_type.rsplit(".", 1)[0]


def typed(kinds: tuple[type[P], ...], payload: EventPayload | None, envelope: Envelope) -> P:
    """``payload`` as one of ``kinds``; raises (the event is parked) if it is not."""
    if not isinstance(payload, kinds):
        names = ", ".join(k.__name__ for k in kinds)
        raise TypeError(f"{envelope.type} did not read as {names} (got {type(payload).__name__})")
    return payload


class Consumers:
    """The consumers of one service, by base event type (``ServiceSpec.handlers``)."""

    def __init__(self) -> None:
        self._handlers: dict[str, EventHandler] = {}

    @property
    def handlers(self) -> dict[str, EventHandler]:
        return dict(self._handlers)

    def _register(self, kinds: Sequence[type[EventPayload]], handler: EventHandler) -> None:
        for kind in kinds:
            name = base_type(kind)
            if name in self._handlers:
                raise ValueError(f"{name} has two consumers")
            self._handlers[name] = handler

    @overload
    def on(self, kind: type[P1], /) -> Callable[[Consumer[P1]], Consumer[P1]]: ...
    @overload
    def on(
        self, kind: type[P1], other: type[P2], /
    ) -> Callable[[Consumer[P1 | P2]], Consumer[P1 | P2]]: ...
    @overload
    def on(
        self, kind: type[P1], other: type[P2], third: type[P3], /
    ) -> Callable[[Consumer[P1 | P2 | P3]], Consumer[P1 | P2 | P3]]: ...
    @overload
    def on(self, *kinds: type[P]) -> Callable[[Consumer[P]], Consumer[P]]: ...
    def on(self, *kinds: type[Any]) -> Callable[[Consumer[Any]], Consumer[Any]]:
        """Register the decorated consumer for every event of ``kinds`` (the payload's type
        is the union of the kinds named)."""

        def register(consumer: Consumer[Any]) -> Consumer[Any]:
            async def handle(
                session: AsyncSession, envelope: Envelope, payload: EventPayload | None
            ) -> None:
                await consumer(session, envelope, typed(kinds, payload, envelope))

            handle.__name__ = handle.__qualname__ = consumer.__name__
            self._register(kinds, handle)
            return consumer

        return register

    def on_batch(self, *kinds: type[P]) -> Callable[[BatchConsumer[P]], BatchConsumer[P]]:
        """Register the decorated consumer for runs of consecutive events of ``kinds``."""

        def register(consumer: BatchConsumer[P]) -> BatchConsumer[P]:
            async def handle(
                session: AsyncSession, items: Sequence[tuple[Envelope, EventPayload | None]]
            ) -> None:
                await consumer(session, [(e, typed(kinds, p, e)) for e, p in items])

            self._register(kinds, Batched(handle))
            return consumer

        return register

    def include(self, handlers: Mapping[str, EventHandler]) -> None:
        """Add handlers built elsewhere (the shared replicas: ``plan.replica``,
        ``api_keys``)."""
        for name, handler in handlers.items():
            if name in self._handlers:
                raise ValueError(f"{name} has two consumers")
            self._handlers[name] = handler
