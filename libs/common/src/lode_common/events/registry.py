"""Versioned event payloads, registered by CloudEvents type.

Every integration event is a pydantic model subclassing :class:`EventPayload` with a
``event_type`` like ``lode.licensing.licence.issued.v1``. Declaring the class registers
it; :func:`payload_class` finds it again for a consumer, and ``lode docs`` exports the
JSON Schemas and an AsyncAPI document from the registry.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from lode_common.events.envelope import Envelope, new_envelope, topic_of

_REGISTRY: dict[str, type[EventPayload]] = {}


class EventPayload(BaseModel):
    """Base of integration event payloads. Unknown fields are kept, so a consumer reading
    a newer minor shape of the same type sees the fields it knows."""

    model_config = ConfigDict(extra="allow", frozen=True)

    event_type: ClassVar[str]
    summary: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        event_type = cls.__dict__.get("event_type")
        if event_type is None:
            return
        topic_of(event_type)  # validates the shape
        version = event_type.rsplit(".", 1)[-1]
        if not (version.startswith("v") and version[1:].isdigit()):
            raise ValueError(f"{event_type}: the type must end with its version, .vN")
        existing = _REGISTRY.get(event_type)
        if existing is not None and existing.__qualname__ != cls.__qualname__:
            raise ValueError(f"{event_type} is registered twice ({existing.__qualname__})")
        _REGISTRY[event_type] = cls

    def envelope(self, subject: str, *, traceparent: str | None = None) -> Envelope:
        return new_envelope(
            event_type=self.event_type,
            subject=subject,
            data=self.model_dump(mode="json"),
            traceparent=traceparent,
        )


def payload_class(event_type: str) -> type[EventPayload] | None:
    """The registered payload for a type; a higher version falls back to the highest known."""
    if event_type in _REGISTRY:
        return _REGISTRY[event_type]
    base, _, version = event_type.rpartition(".v")
    if not version.isdigit():
        return None
    known = [t for t in _REGISTRY if t.rpartition(".v")[0] == base]
    if not known:
        return None
    highest = max(known, key=lambda t: int(t.rpartition(".v")[2]))
    # a newer version than we know: read the fields we know; an older unknown one: no guess
    return _REGISTRY[highest] if int(version) > int(highest.rpartition(".v")[2]) else None


def registered_types() -> dict[str, type[EventPayload]]:
    return dict(sorted(_REGISTRY.items()))
