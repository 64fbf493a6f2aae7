"""``Idempotency-Key`` on writes a client may retry (API.md, Conventions).

Scoped to the caller: the same key with the same body returns the first successful answer
again; the same key with a different body is 409; error answers are not stored, so a client
may fix its request and retry with the same key. The record is written in the unit of work
of the write itself, so an answer is remembered exactly when its effect is committed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Header
from sqlalchemy import JSON, Column, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from lode_common.errors import Conflict, InvalidInput
from lode_common.limits import IDEMPOTENCY_KEY_MAX

IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=IDEMPOTENCY_KEY_MAX,
        pattern=r"\S",
        description="retry safely: the same key and body, one effect",
    ),
]
"""The ``Idempotency-Key`` header of a route that honours it (a FastAPI parameter type)."""


class IdempotencyRecord(SQLModel, table=True):
    """The first successful answer to a write sent with an ``Idempotency-Key``."""

    __tablename__ = "idempotency_record"

    scope: str = Field(primary_key=True, max_length=200)  # who called
    key: str = Field(primary_key=True, max_length=IDEMPOTENCY_KEY_MAX)
    request_hash: str = Field(max_length=64)
    status_code: int
    response: dict[str, Any] = Field(
        sa_column=Column(JSON().with_variant(JSONB(), "postgresql"), nullable=False)
    )
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def checked_key(key: str | None) -> str | None:
    """The header's key without its surrounding white space, or None when it is not sent."""
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX:
        raise InvalidInput.field("Idempotency-Key", f"1 to {IDEMPOTENCY_KEY_MAX} characters")
    return key


async def replay(
    session: AsyncSession, *, scope: str, key: str, request_hash: str
) -> tuple[int, dict[str, Any]] | None:
    """The stored answer for this caller's key, or None; 409 when the body differs."""
    row = await session.get(IdempotencyRecord, (scope, key))
    if row is None:
        return None
    if row.request_hash != request_hash:
        raise Conflict(
            f"Idempotency-Key {key!r} was used with another request body; send a new key for "
            "a different request, or the same body to get the first answer again."
        )
    return row.status_code, row.response


def remember(
    session: AsyncSession,
    *,
    scope: str,
    key: str,
    request_hash: str,
    status_code: int,
    response: dict[str, Any],
) -> None:
    """Store the answer in the caller's transaction (committed with the write's effect)."""
    session.add(
        IdempotencyRecord(
            scope=scope,
            key=key,
            request_hash=request_hash,
            status_code=status_code,
            response=response,
            created_at=datetime.now(UTC),
        )
    )
