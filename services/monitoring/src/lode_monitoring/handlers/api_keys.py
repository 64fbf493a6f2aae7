"""Enterprises' API keys (企业接口密钥): issued once by an admin, stored hashed, listed by
prefix, revocable; a key reports only for its enterprise's licences.

Issuing and revoking stage ``lode.monitoring.api_key.issued.v1`` / ``revoked.v1`` in the
same unit of work (the key's id as the subject, so both travel on one partition in order):
every other service recognises the key from them (:mod:`lode_common.api_keys`)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from lode_common import api_keys as shared_keys
from lode_common.audit.context import unaudited
from lode_common.auth import generate_api_key
from lode_common.events.catalog import ApiKeyIssued, ApiKeyRevoked
from lode_common.messaging.outbox import UnitOfWork
from lode_monitoring.adapters.report_store import IntakeConnections, answered_or_dropped
from lode_monitoring.adapters.tables import ApiKey

LAST_USED_EVERY_S = 60.0  # last-used time is written at most once a minute per key


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive times: they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _key_record(row: ApiKey) -> dict[str, object]:
    """What every service needs to recognise the key: never the key, only its hash."""
    return {
        "key_id": row.id,
        "prefix": row.prefix,
        "key_sha256": row.key_hash,
        "credit_code": row.credit_code,
        "issued_at": _aware(row.created_at),
    }


async def issue(
    uow: UnitOfWork, *, credit_code: str, label: str | None, actor: str
) -> tuple[ApiKey, str]:
    """A new key for the enterprise and its ``api_key.issued`` event, in ``uow`` (the caller
    commits); returns the row and the key, which is shown once and stored nowhere."""
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
    uow.session.add(row)
    uow.emit(ApiKeyIssued.model_validate(_key_record(row)), subject=row.id)
    return row, key


async def of_enterprise(session: AsyncSession, credit_code: str) -> list[ApiKey]:
    query = (
        select(ApiKey)
        .where(col(ApiKey.credit_code) == credit_code)
        .order_by(col(ApiKey.created_at))
    )
    return list((await session.execute(query)).scalars())


async def revoke(uow: UnitOfWork, *, credit_code: str, key_id: str) -> ApiKey | None:
    """Revoke the enterprise's key in ``uow`` (the caller commits) with its
    ``api_key.revoked`` event; a key revoked before is left as it was, with no new event.
    None when the enterprise has no such key."""
    row = await uow.session.get(ApiKey, key_id)
    if row is None or row.credit_code != credit_code:
        return None
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        uow.emit(
            ApiKeyRevoked.model_validate({**_key_record(row), "revoked_at": row.revoked_at}),
            subject=row.id,
        )
    return row


KEY_CACHE_TTL_S = shared_keys.KEY_CACHE_TTL_S
"""How long a key's row is reused without reading it again (the bound every service
shares). A revocation takes effect at once in the process that revokes; in any other
monitoring worker within this bound."""


class KeyLookup(shared_keys.ReplicaKeyLookup):
    """The authenticator's look-up of a presented key over monitoring's own ``api_key``
    table (the source the replicas are fed from): by prefix, hash compared in constant
    time, refused once revoked; records when it was last used, at most once a minute.

    A key's row is kept for :data:`KEY_CACHE_TTL_S` seconds (the hash is still compared on
    every request); :meth:`forget` drops it when the key is revoked here. Unknown and
    revoked keys are not kept: they are read again each time. On PostgreSQL, given the
    intake's ``connections``, the row is read and the last use written by one asyncpg
    statement each, on the connections the report that follows uses (no ORM session)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        ttl_s: float = KEY_CACHE_TTL_S,
        *,
        clock: Callable[[], float] = time.monotonic,
        connections: IntakeConnections | None = None,
    ) -> None:
        super().__init__(sessions, ttl_s=ttl_s, clock=clock)
        self._touched: dict[str, float] = {}
        self._raw = connections if connections is not None and connections.on_postgres else None

    async def _row(self, prefix: str) -> shared_keys.KeyRow | None:
        if self._raw is not None:
            async with self._raw.connection() as conn:
                found = await answered_or_dropped(conn, conn.fetchrow(_PG_KEY, prefix))
            if found is None:
                return None
            return shared_keys.KeyRow(*found)
        query = select(
            col(ApiKey.id), col(ApiKey.key_hash), col(ApiKey.credit_code), col(ApiKey.revoked_at)
        ).where(col(ApiKey.prefix) == prefix)
        async with self._sessions() as session:
            row = (await session.execute(query)).first()
        if row is None:
            return None
        return shared_keys.KeyRow(row.id, row.key_hash, row.credit_code, row.revoked_at is not None)

    async def _used(self, row: shared_keys.KeyRow, now: float) -> None:
        if now - self._touched.get(row.key_id, float("-inf")) <= LAST_USED_EVERY_S:
            return
        self._touched[row.key_id] = now
        if self._raw is not None:
            async with self._raw.connection() as conn:
                await answered_or_dropped(
                    conn, conn.execute(_PG_USED, row.key_id, datetime.now(UTC))
                )
            return
        # bookkeeping before the caller is known, not a decision: not in the audit log (the
        # PostgreSQL branch's raw statement above is not either)
        with unaudited():
            async with self._sessions() as session:
                await session.execute(
                    update(ApiKey)
                    .where(col(ApiKey.id) == row.key_id)
                    .values(last_used_at=datetime.now(UTC))
                )
                await session.commit()


_PG_KEY = "SELECT id, key_hash, credit_code, revoked_at IS NOT NULL FROM api_key WHERE prefix = $1"
_PG_USED = "UPDATE api_key SET last_used_at = $2 WHERE id = $1"
