"""Enterprises' API keys (企业接口密钥): issued once by an admin, stored hashed, listed by
prefix, revocable; a key reports only for its enterprise's licences."""

from __future__ import annotations

import time
import uuid
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


class KeyLookup:
    """The authenticator's look-up of a presented key: by prefix, hash compared in constant
    time, refused once revoked; records when it was last used."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._touched: dict[str, float] = {}

    async def __call__(self, prefix: str, key: str) -> Principal | None:
        query = select(
            col(ApiKey.id), col(ApiKey.key_hash), col(ApiKey.credit_code), col(ApiKey.revoked_at)
        ).where(col(ApiKey.prefix) == prefix)
        async with self._sessions() as session:
            row = (await session.execute(query)).first()
            if row is None or row.revoked_at is not None or not api_key_matches(key, row.key_hash):
                return None
            now = time.monotonic()
            if now - self._touched.get(prefix, float("-inf")) > LAST_USED_EVERY_S:
                self._touched[prefix] = now
                await session.execute(
                    update(ApiKey)
                    .where(col(ApiKey.id) == row.id)
                    .values(last_used_at=datetime.now(UTC))
                )
                await session.commit()
        return Principal(
            f"key:{prefix}", frozenset({MINE}), enterprise=row.credit_code, via="api_key"
        )
