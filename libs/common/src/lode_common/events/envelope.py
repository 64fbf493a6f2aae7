"""The CloudEvents 1.0 JSON envelope every message on the bus carries (structured mode)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class Envelope(BaseModel):
    """A CloudEvents 1.0 event; ``subject`` is the aggregate id and equals the message key."""

    model_config = ConfigDict(frozen=True, extra="allow")

    specversion: str = "1.0"
    id: str
    source: str
    type: str
    subject: str
    time: AwareDatetime
    datacontenttype: str = "application/json"
    traceparent: str | None = Field(None, description="W3C trace context (distributed tracing)")
    data: dict[str, Any]

    @property
    def topic(self) -> str:
        """``lode.<service>``, from the type ``lode.<service>.<aggregate>.<action>.vN``."""
        return topic_of(self.type)

    @property
    def base_type(self) -> str:
        """The type without its version: handlers match on it and read the fields they know."""
        return self.type.rsplit(".", 1)[0]

    @property
    def version(self) -> int:
        return int(self.type.rsplit(".v", 1)[1])

    def to_json(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()

    @classmethod
    def from_json(cls, raw: bytes | str) -> Envelope:
        return cls.model_validate_json(raw)


def topic_of(event_type: str) -> str:
    parts = event_type.split(".")
    if len(parts) < 4 or parts[0] != "lode":
        raise ValueError(f"event type {event_type!r} is not lode.<service>.<name>.vN")
    return f"{parts[0]}.{parts[1]}"


def new_envelope(
    *,
    event_type: str,
    subject: str,
    data: dict[str, Any],
    time: datetime | None = None,
    traceparent: str | None = None,
) -> Envelope:
    service = topic_of(event_type).split(".", 1)[1]
    return Envelope(
        id=str(uuid.uuid4()),
        source=f"lode/{service}",
        type=event_type,
        subject=subject,
        time=time or datetime.now(UTC),
        traceparent=traceparent,
        data=data,
    )
