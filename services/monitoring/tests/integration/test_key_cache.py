"""A key's row is reused for a few seconds: revoked here it is refused at once, and another
worker (another look-up on the same database) refuses it once its bound has passed. Its last
use is written at most once a minute."""

from __future__ import annotations

from datetime import datetime

import pytest

from lode_common.testing.apps import ServiceUnderTest
from lode_monitoring.adapters.tables import ApiKey
from lode_monitoring.container import Monitoring
from lode_monitoring.handlers.api_keys import KEY_CACHE_TTL_S, LAST_USED_EVERY_S, KeyLookup

pytestmark = pytest.mark.timeout(120)
A = "91130881MA0A000007"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("reads", ["sessions", "intake connections"])
async def test_a_revoked_key_is_refused_here_at_once_and_elsewhere_within_the_bound(
    monitoring_both: ServiceUnderTest, reads: str
) -> None:
    """The other worker reads through an ORM session, or (on PostgreSQL) on the intake's
    own asyncpg connections as the service's look-up does."""
    m = monitoring_both
    clock = Clock()  # the other worker's only: the service's bus client keeps real time
    admin = m.auth("admin-token")
    issued = (await m.client.post(f"/monitoring/v1/enterprises/{A}/api-keys", headers=admin)).json()
    key, prefix = issued["key"], issued["prefix"]
    as_mine = {"Authorization": f"Bearer {key}"}
    assert (await m.client.get("/monitoring/v1/mines", headers=as_mine)).status_code == 200

    connections = Monitoring.of(m.runtime).intake if reads == "intake connections" else None
    other_worker = KeyLookup(m.runtime.sessions, clock=clock, connections=connections)
    seen = await other_worker(prefix, key)
    assert seen is not None
    assert seen.enterprise == A
    assert await other_worker(prefix, key + "x") is None  # the hash is compared every time

    revoked = await m.client.delete(
        f"/monitoring/v1/enterprises/{A}/api-keys/{issued['id']}", headers=admin
    )
    assert revoked.status_code == 200
    assert (await m.client.get("/monitoring/v1/mines", headers=as_mine)).status_code == 401

    clock.now += KEY_CACHE_TTL_S  # within the bound the other worker still has the row
    assert await other_worker(prefix, key) is not None
    clock.now += 0.001  # past it, the row is read again: revoked
    assert await other_worker(prefix, key) is None
    clock.now += 0.001
    assert await other_worker(prefix, key) is None  # and a revoked key is not kept


async def test_the_last_use_of_a_key_is_written_at_most_once_a_minute(
    monitoring_both: ServiceUnderTest,
) -> None:
    m = monitoring_both
    clock = Clock()
    issued = (
        await m.client.post(f"/monitoring/v1/enterprises/{A}/api-keys", headers=m.auth("admin"))
    ).json()
    lookup = KeyLookup(m.runtime.sessions, clock=clock, connections=Monitoring.of(m.runtime).intake)

    async def last_used() -> datetime | None:
        async with m.runtime.sessions() as session:
            row = await session.get(ApiKey, issued["id"], populate_existing=True)
            assert row is not None
            return row.last_used_at

    assert await last_used() is None
    assert await lookup(issued["prefix"], issued["key"]) is not None
    first = await last_used()
    assert first is not None
    clock.now += LAST_USED_EVERY_S  # within the minute: not written again
    assert await lookup(issued["prefix"], issued["key"]) is not None
    assert await last_used() == first
    clock.now += 1
    assert await lookup(issued["prefix"], issued["key"]) is not None
    later = await last_used()
    assert later is not None
    assert later > first
