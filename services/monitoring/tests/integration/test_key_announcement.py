"""Keys issued before keys travelled as events are announced once by a migration, so that a
deployment upgrading keeps every key valid on every service."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from lode_common import api_keys
from lode_common.auth import generate_api_key
from lode_common.database import create_engine, migrate
from lode_common.events.envelope import Envelope
from lode_common.messaging.tables import EVENT_TABLES
from lode_common.testing.services import PostgresServer
from lode_monitoring.adapters.tables import ApiKey
from lode_monitoring.bootstrap import SPEC

A = "91130881MA0A000007"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_keys_issued_before_the_upgrade_are_announced_once(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'monitoring.db'}"
    else:
        pg: PostgresServer = request.getfixturevalue("postgres_server")
        url = pg.url(pg.create_database("lode_announce"))
    engine = create_engine(url)
    try:
        await migrate(engine, SPEC.migrations_dir, "monitoring_0003")
        active, revoked = generate_api_key(), generate_api_key()
        issued_at = datetime(2026, 3, 1, tzinfo=UTC)
        async with engine.begin() as conn:
            for key_id, (_, prefix, key_hash), revoked_at in (
                ("key-active", active, None),
                ("key-revoked", revoked, datetime(2026, 6, 1, tzinfo=UTC)),
            ):
                await conn.execute(
                    insert(ApiKey.__table__).values(  # type: ignore[attr-defined]
                        id=key_id,
                        prefix=prefix,
                        key_hash=key_hash,
                        credit_code=A,
                        created_by="admin",
                        created_at=issued_at,
                        revoked_at=revoked_at,
                    )
                )
        await migrate(engine, SPEC.migrations_dir)
        await migrate(engine, SPEC.migrations_dir)  # a second start announces nothing more
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(EVENT_TABLES.outbox.c.envelope).order_by(EVENT_TABLES.outbox.c.seq)
                )
            ).scalars()
            events = [Envelope.from_json(raw) for raw in rows]
    finally:
        await engine.dispose()
    assert [(e.base_type, e.subject) for e in events] == [
        (api_keys.ISSUED, "key-active"),
        (api_keys.ISSUED, "key-revoked"),
        (api_keys.REVOKED, "key-revoked"),
    ]
    assert events[0].data["key_sha256"] == active[2]
    assert events[0].data["credit_code"] == A
    assert events[2].data["revoked_at"].startswith("2026-06-01")
    assert all(active[0] not in e.to_json().decode() for e in events)
