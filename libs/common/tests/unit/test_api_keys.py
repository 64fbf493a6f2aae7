"""Mines' API keys learnt from events: the replica, its handlers and the look-up over it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lode_common import api_keys
from lode_common.api_keys import KEY_CACHE_TTL_S, KEY_REPLICA, ReplicaKeyLookup
from lode_common.auth import MINE, generate_api_key, hash_api_key
from lode_common.database import create_engine, session_factory
from lode_common.events.catalog import ApiKeyIssued, ApiKeyRevoked, FindingOpened
from lode_common.events.envelope import Envelope
from lode_common.messaging.inbox import Inbox
from lode_common.messaging.inprocess import InProcessTransport
from lode_common.messaging.tables import EVENT_TABLES
from lode_common.messaging.transport import Delivery
from lode_common.runtime import ServiceRuntime, ServiceSpec

from .support import settings_for, zoning_migrations

A = "91130881MA0A000007"
ISSUED_AT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Key:
    """A key as monitoring would issue it, and its two events."""

    def __init__(self, key_id: str = "key-1") -> None:
        self.key, self.prefix, self.sha256 = generate_api_key()
        self.key_id = key_id

    def _record(self) -> dict[str, object]:
        return {
            "key_id": self.key_id,
            "prefix": self.prefix,
            "key_sha256": self.sha256,
            "credit_code": A,
            "issued_at": ISSUED_AT,
        }

    def issued(self) -> Envelope:
        return ApiKeyIssued.model_validate(self._record()).envelope(self.key_id)

    def revoked(self, at: datetime) -> Envelope:
        payload = ApiKeyRevoked.model_validate({**self._record(), "revoked_at": at})
        return payload.envelope(self.key_id)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(EVENT_TABLES.metadata.create_all)
        await conn.run_sync(KEY_REPLICA.metadata.create_all)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


def inbox(sessions: async_sessionmaker[AsyncSession]) -> Inbox:
    return Inbox(
        consumer="zoning",
        sessions=sessions,
        tables=EVENT_TABLES,
        handlers=dict(api_keys.REPLICA_HANDLERS),
        max_attempts=1,
    )


def deliveries(*envelopes: Envelope) -> list[Delivery]:
    return [
        Delivery("lode.monitoring", 0, offset, e.subject, e.to_json())
        for offset, e in enumerate(envelopes)
    ]


async def replica(sessions: async_sessionmaker[AsyncSession]) -> list[dict[str, object]]:
    async with sessions() as session:
        rows = await session.execute(select(KEY_REPLICA).order_by(KEY_REPLICA.c.key_id))
        return [dict(r) for r in rows.mappings()]


def aware(moment: object) -> datetime:
    assert isinstance(moment, datetime)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def test_the_events_carry_the_hash_and_never_the_key() -> None:
    key = Key()
    raw = key.issued().to_json().decode()
    assert key.key not in raw
    assert key.key.split("_", 2)[2] not in raw  # not the secret either
    assert key.issued().data["key_sha256"] == hash_api_key(key.key)
    assert key.issued().subject == key.key_id  # issue and revoke share a partition


async def test_replaying_the_events_in_any_order_and_twice_leaves_one_revoked_key(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    key = Key()
    first, later = ISSUED_AT + timedelta(days=1), ISSUED_AT + timedelta(days=2)
    # a revoke ahead of its issue (a redriven event), copies, a second revocation
    await inbox(sessions).handle_batch(deliveries(key.revoked(first), key.issued()))
    await inbox(sessions).handle_batch(deliveries(key.issued(), key.revoked(later)))
    [row] = await replica(sessions)
    assert row["prefix"] == key.prefix
    assert row["key_sha256"] == key.sha256
    assert row["credit_code"] == A
    assert aware(row["revoked_at"]) == first
    assert await ReplicaKeyLookup(sessions)(key.prefix, key.key) is None


async def test_an_issued_key_is_a_mine_of_its_enterprise_and_nothing_else_passes(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    key = Key()
    await inbox(sessions).handle_batch(deliveries(key.issued()))
    lookup = ReplicaKeyLookup(sessions)
    principal = await lookup(key.prefix, key.key)
    assert principal is not None
    assert principal.roles == {MINE}
    assert principal.enterprise == A
    assert principal.via == "api_key"
    assert not principal.is_staff
    forged = f"lode_{key.prefix}_" + "A" * 43
    assert await lookup(key.prefix, forged) is None  # the known prefix proves nothing
    assert await lookup(key.prefix, f"lode_{key.prefix}_{key.sha256}") is None  # nor the hash
    assert await lookup("0badc0de", "lode_0badc0de_" + "x" * 43) is None


async def test_a_revocation_reaches_the_worker_that_applied_it_at_once_and_others_within_the_bound(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    key = Key()
    consumer = inbox(sessions)
    await consumer.handle_batch(deliveries(key.issued()))
    clock = Clock()
    here = ReplicaKeyLookup(sessions, clock=clock)  # the worker whose inbox applies it
    consumer.after_commit.append(here.on_committed)
    elsewhere = ReplicaKeyLookup(sessions, clock=clock)  # another worker, same database
    assert await here(key.prefix, key.key) is not None
    assert await elsewhere(key.prefix, key.key) is not None

    await consumer.handle_batch(deliveries(key.revoked(ISSUED_AT + timedelta(hours=1))))
    assert await here(key.prefix, key.key) is None
    clock.now += KEY_CACHE_TTL_S
    assert await elsewhere(key.prefix, key.key) is not None  # its row is still fresh
    clock.now += 0.001
    assert await elsewhere(key.prefix, key.key) is None


async def test_the_topics_other_events_are_skipped_without_an_inbox_row(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    key = Key()
    finding = FindingOpened(
        finding_id="f-1",
        licence_no="C1308812021017120000001",
        code="over_capacity",
        severity="violation",
        message="超能力开采",
        standard="许可证",
    ).envelope("C1308812021017120000001")
    issued = key.issued()
    await inbox(sessions).handle_batch(deliveries(finding, issued, issued))  # a copy too
    async with sessions() as session:
        handled = (await session.execute(select(EVENT_TABLES.inbox.c.event_id))).scalars().all()
        replicated = (
            await session.execute(select(func.count()).select_from(KEY_REPLICA))
        ).scalar_one()
    assert handled == [issued.id]  # no row for the finding: skipped before the database
    assert replicated == 1


def test_a_service_recognises_keys_only_when_it_consumes_their_events(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    bare = ServiceSpec(name="zoning", migrations_dir=zoning_migrations())
    runtime = ServiceRuntime(bare, settings, InProcessTransport())
    with pytest.raises(ValueError, match=r"lode\.monitoring"):
        api_keys.recognise_api_keys(runtime)
    wired = ServiceSpec(
        name="zoning",
        migrations_dir=zoning_migrations(),
        consumes=(api_keys.TOPIC,),
        handlers=dict(api_keys.REPLICA_HANDLERS),
    )
    runtime = ServiceRuntime(wired, settings, InProcessTransport())
    lookup = api_keys.recognise_api_keys(runtime)
    assert runtime.authenticator.api_keys is lookup
    assert lookup.on_committed in runtime.inbox.after_commit
