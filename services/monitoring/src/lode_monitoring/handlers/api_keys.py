"""Enterprises' API keys (企业接口密钥): issued once by an admin, stored hashed, listed by
prefix, revocable; a key reports only for its enterprise's licences."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from lode_common.auth import MINE, Principal, api_key_matches, generate_api_key
from lode_monitoring.adapters.tables import ApiKey

LAST_USED_EVERY_S = 60.0  # last-used time is written at most once a minute per key


async def issue(
    session: AsyncSession, *, credit_code: str, label: str | None, actor: str
) -> tuple[ApiKey, str]:
    key, prefix, key_hash = generate_api_key()
    row = ApiKey(
        id=str(uuid.uuid4()),
        prefix=prefix,
        key_hash=key_hash,
        credit_code=credit_code,
        label=label,
        created_by=actor,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    return row, key


async def of_enterprise(session: AsyncSession, credit_code: str) -> list[ApiKey]:
    query = (
        select(ApiKey)
        .where(col(ApiKey.credit_code) == credit_code)
        .order_by(col(ApiKey.created_at))
    )
    return list((await session.execute(query)).scalars())


async def revoke(session: AsyncSession, *, credit_code: str, key_id: str) -> ApiKey | None:
    row = await session.get(ApiKey, key_id)
    if row is None or row.credit_code != credit_code:
        return None
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
    return row


KEY_CACHE_TTL_S = 5.0
"""How long a key's row is reused without reading it again. A revocation takes effect at
once in the process that revokes; in any other worker within this bound."""


@dataclass(frozen=True)
class _Known:
    key_id: str
    key_hash: str
    credit_code: str
    read_at: float


class KeyLookup:
    """The authenticator's look-up of a presented key: by prefix, hash compared in constant
    time, refused once revoked; records when it was last used.

    A key's row is kept for :data:`KEY_CACHE_TTL_S` seconds (the hash is still compared on
    every request); :meth:`forget` drops it when the key is revoked here. Unknown and
    revoked keys are not kept: they are read again each time."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], ttl_s: float = KEY_CACHE_TTL_S
    ) -> None:
        self._sessions = sessions
        self._ttl_s = ttl_s
        self._touched: dict[str, float] = {}
        self._known: dict[str, _Known] = {}

    def forget(self, prefix: str) -> None:
        """Read this key's row again on its next use (it was revoked)."""
        self._known.pop(prefix, None)

    async def __call__(self, prefix: str, key: str) -> Principal | None:
        now = time.monotonic()
        known = self._known.get(prefix)
        if known is None or now - known.read_at > self._ttl_s:
            known = await self._read(prefix, now)
            if known is None:
                return None
        if not api_key_matches(key, known.key_hash):
            return None
        if now - self._touched.get(prefix, float("-inf")) > LAST_USED_EVERY_S:
            self._touched[prefix] = now
            async with self._sessions() as session:
                await session.execute(
                    update(ApiKey)
                    .where(col(ApiKey.id) == known.key_id)
                    .values(last_used_at=datetime.now(UTC))
                )
                await session.commit()
        return Principal(
            f"key:{prefix}", frozenset({MINE}), enterprise=known.credit_code, via="api_key"
        )

    async def _read(self, prefix: str, now: float) -> _Known | None:
        query = select(
            col(ApiKey.id), col(ApiKey.key_hash), col(ApiKey.credit_code), col(ApiKey.revoked_at)
        ).where(col(ApiKey.prefix) == prefix)
        async with self._sessions() as session:
            row = (await session.execute(query)).first()
        if row is None or row.revoked_at is not None:
            self._known.pop(prefix, None)
            return None
        known = _Known(row.id, row.key_hash, row.credit_code, now)
        self._known[prefix] = known
        return known


EXTENSION = "monitoring.api_keys"
"""Where the service's :class:`KeyLookup` is kept on its runtime (``runtime.extensions``)."""
