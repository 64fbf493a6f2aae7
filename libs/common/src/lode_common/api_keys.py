"""Mines' API keys (企业接口密钥) recognised by every service, learnt from monitoring's events.

Monitoring issues and revokes the keys (its ``api_key`` table is the source) and stages
``lode.monitoring.api_key.issued.v1`` / ``api_key.revoked.v1`` in the same transaction.
Every other service keeps a replica of them (:data:`KEY_REPLICA`, ``api_key_replica``),
fed by those events through its inbox, and its authenticator looks a presented key up
there (:class:`ReplicaKeyLookup`). No service calls monitoring to check a key: a key that
monitoring issued is valid in the whole system, with the role ``mine`` for its own
enterprise, so a route the role may not use answers 403, not 401.

* **What travels.** The key's id, its public prefix, the SHA-256 of the whole key, the
  enterprise and the times; never the key. A key carries 256 random bits, so its hash
  reveals nothing usable: it cannot be reversed or guessed, and sending the hash as a key
  fails because the services hash what they are given (a slow password hash is for
  low-entropy secrets, not for these).
* **Constant time.** A presented key is found by its prefix (not secret: it is listed) and
  its SHA-256 compared with :func:`hmac.compare_digest`; a key with a known prefix and the
  wrong secret is refused like an unknown one.
* **Revocation delay.** A revoked key is refused by a service once the revoke event has
  reached it (the relay and the consumer: normally well under a second, longer while the
  bus or the service is down) and, in a process that did not apply the event itself (a
  second worker on the same database), within :data:`KEY_CACHE_TTL_S` more.
* **Replay.** The handlers are idempotent (an insert that ignores a duplicate, a revocation
  that keeps the first time) and commutative (a revoke seen before its issue still leaves
  the key revoked), so replaying ``lode.monitoring`` from its first message (what a consumer
  group new to the topic does) rebuilds the same replica.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Column, DateTime, Executable, MetaData, String, Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lode_common.auth import MINE, Authenticator, Principal, api_key_matches
from lode_common.events.catalog import ApiKeyIssued, ApiKeyRevoked
from lode_common.events.envelope import Envelope
from lode_common.events.registry import EventPayload
from lode_common.messaging.inbox import EventHandler
from lode_common.runtime import ServiceRuntime

TOPIC = "lode.monitoring"
"""Where the key events are published (monitoring's topic)."""

ISSUED = ApiKeyIssued.event_type.rsplit(".", 1)[0]
REVOKED = ApiKeyRevoked.event_type.rsplit(".", 1)[0]

KEY_CACHE_TTL_S = 5.0
"""How long a key's replica row is reused without reading it again (the hash is still
compared on every request). The bound on how late a revocation reaches a worker that did
not apply the revoke event itself; the worker that applied it forgets the row at once."""

METADATA = MetaData()
KEY_REPLICA = Table(
    "api_key_replica",
    METADATA,
    Column("key_id", String(36), primary_key=True),
    Column("prefix", String(8), nullable=False, unique=True),
    Column("key_sha256", String(64), nullable=False),
    Column("credit_code", String(18), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)
"""A service's copy of the keys monitoring issued (created by each consuming service's own
migration; monitoring keeps its ``api_key`` table instead)."""


# --- the replica, fed by the inbox ----------------------------------------------------------
def _insert_ignoring_duplicates(session: AsyncSession, values: dict[str, object]) -> Executable:
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    upsert = pg_insert if dialect == "postgresql" else sqlite_insert
    # no conflict target: a second copy of the event (same key id) and, defensively, a
    # prefix already taken are both left as they are
    return upsert(KEY_REPLICA).values(**values).on_conflict_do_nothing()


def _row(payload: ApiKeyIssued | ApiKeyRevoked) -> dict[str, object]:
    return {
        "key_id": payload.key_id,
        "prefix": payload.prefix,
        "key_sha256": payload.key_sha256,
        "credit_code": payload.credit_code,
        "issued_at": payload.issued_at,
    }


async def on_key_issued(
    session: AsyncSession, envelope: Envelope, payload: EventPayload | None
) -> None:
    """A key monitoring issued: recognise it from now on (a copy seen twice changes nothing;
    a key already revoked stays revoked)."""
    if not isinstance(payload, ApiKeyIssued):
        raise TypeError(f"{envelope.type} did not read as {ApiKeyIssued.event_type}")
    await session.execute(_insert_ignoring_duplicates(session, _row(payload)))


async def on_key_revoked(
    session: AsyncSession, envelope: Envelope, payload: EventPayload | None
) -> None:
    """A key monitoring revoked: refuse it from now on. The event carries the whole key
    record, so it applies even before (or without) its issue; the first revocation time is
    kept."""
    if not isinstance(payload, ApiKeyRevoked):
        raise TypeError(f"{envelope.type} did not read as {ApiKeyRevoked.event_type}")
    row = {**_row(payload), "revoked_at": payload.revoked_at}
    await session.execute(_insert_ignoring_duplicates(session, row))
    await session.execute(
        update(KEY_REPLICA)
        .where(KEY_REPLICA.c.key_id == payload.key_id, KEY_REPLICA.c.revoked_at.is_(None))
        .values(revoked_at=payload.revoked_at)
    )


REPLICA_HANDLERS: dict[str, EventHandler] = {ISSUED: on_key_issued, REVOKED: on_key_revoked}
"""The inbox handlers a service adds to its own (and :data:`TOPIC` to what it consumes);
every other event of the topic is skipped without touching the database."""


# --- the authenticator's look-up ------------------------------------------------------------
@dataclass(frozen=True)
class KeyRow:
    """What a look-up reads of a key: its id, SHA-256, enterprise and revocation."""

    key_id: str
    key_sha256: str
    credit_code: str
    revoked: bool


@dataclass(frozen=True)
class _Known:
    row: KeyRow
    read_at: float


class ReplicaKeyLookup:
    """The authenticator's look-up of a presented key over the replica: by prefix, the
    SHA-256 compared in constant time, refused once revoked.

    A known key's row is kept for ``ttl_s`` seconds; unknown and revoked keys are not kept
    (read again each time, so a key works as soon as its issue event has arrived).
    :meth:`on_committed` forgets the rows of keys whose revocation the inbox just
    committed, so the worker that applied a revocation refuses the key at once."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        ttl_s: float = KEY_CACHE_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._ttl_s = ttl_s
        self._clock = clock
        self._known: dict[str, _Known] = {}

    def forget(self, prefix: str) -> None:
        self._known.pop(prefix, None)

    def on_committed(self, envelopes: Sequence[Envelope]) -> None:
        """The inbox's after-commit callback: forget the keys just revoked."""
        for envelope in envelopes:
            if envelope.base_type == REVOKED:
                self.forget(ApiKeyRevoked.model_validate(envelope.data).prefix)

    async def __call__(self, prefix: str, key: str) -> Principal | None:
        now = self._clock()
        known = self._known.get(prefix)
        if known is None or now - known.read_at > self._ttl_s:
            known = await self._read(prefix, now)
            if known is None:
                return None
        if not api_key_matches(key, known.row.key_sha256):
            return None
        await self._used(known.row, now)
        return Principal(
            f"key:{prefix}", frozenset({MINE}), enterprise=known.row.credit_code, via="api_key"
        )

    async def _read(self, prefix: str, now: float) -> _Known | None:
        row = await self._row(prefix)
        if row is None or row.revoked:
            self._known.pop(prefix, None)
            return None
        known = _Known(row, now)
        self._known[prefix] = known
        return known

    async def _row(self, prefix: str) -> KeyRow | None:
        """The key's row by its prefix (here: the replica; monitoring reads its own table)."""
        r = KEY_REPLICA.c
        query = select(r.key_id, r.key_sha256, r.credit_code, r.revoked_at).where(
            r.prefix == prefix
        )
        async with self._sessions() as session:
            row = (await session.execute(query)).first()
        if row is None:
            return None
        return KeyRow(row.key_id, row.key_sha256, row.credit_code, row.revoked_at is not None)

    async def _used(self, row: KeyRow, now: float) -> None:
        """A matching key was presented (monitoring records when; the replicas do not)."""


def recognise_api_keys(runtime: ServiceRuntime) -> ReplicaKeyLookup:
    """Let ``runtime`` recognise mines' API keys from its replica: its authenticator looks
    keys up there, and the inbox tells the look-up which keys it has just revoked.

    The service's spec must consume :data:`TOPIC` with :data:`REPLICA_HANDLERS`."""
    missing = [t for t in REPLICA_HANDLERS if runtime.spec.handlers.get(t) is None]
    if TOPIC not in runtime.spec.consumes or missing:
        raise ValueError(
            f"{runtime.name} must consume {TOPIC} with lode_common.api_keys.REPLICA_HANDLERS "
            "to recognise API keys"
        )
    lookup = ReplicaKeyLookup(runtime.sessions)
    runtime.inbox.after_commit.append(lookup.on_committed)
    runtime.authenticator = Authenticator(
        admin_token=runtime.settings.admin_token,
        jwt_secret=runtime.settings.jwt_secret,
        api_keys=lookup,
    )
    return lookup
