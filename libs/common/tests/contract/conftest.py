"""The event path on both runtimes: (SQLite + in-process bus) and (PostgreSQL + Kafka)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from lode_common.database import create_engine
from lode_common.messaging.inprocess import InProcessTransport
from lode_common.messaging.kafka import KafkaConfig, KafkaTransport
from lode_common.testing.services import KafkaBroker, PostgresServer

from .harness import EventPath, sqlite_engine


@pytest.fixture(params=["sqlite+inprocess", "postgres+kafka"])
async def path(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[EventPath]:
    if request.param == "sqlite+inprocess":
        bus = InProcessTransport(tmp_path / "bus.db", partitions=3, retry_backoff_s=0.02)

        def freeze() -> None:
            bus.available = False

        def thaw() -> None:
            bus.available = True

        p = EventPath(sqlite_engine(str(tmp_path / "svc.db")), bus, freeze, thaw)
    else:
        pg: PostgresServer = request.getfixturevalue("postgres_server")
        broker: KafkaBroker = request.getfixturevalue("kafka")
        database = pg.create_database("lode_contract")
        transport = KafkaTransport(
            KafkaConfig(
                bootstrap=broker.bootstrap,
                partitions=3,
                idempotence=False,
                session_timeout_ms=3000,
                request_timeout_ms=2000,
                publish_timeout_s=3,
                retry_backoff_s=0.05,
            )
        )
        p = EventPath(create_engine(pg.url(database)), transport, broker.freeze, broker.thaw)
    await p.setup()
    try:
        yield p
    finally:
        p.thaw()
        await p.teardown()
