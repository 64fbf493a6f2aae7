"""Composition: the transport named by settings, a standalone service managing itself."""

from __future__ import annotations

from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager

from lode_common.bootstrap import build_service, build_transport
from lode_common.messaging.inprocess import InProcessTransport
from lode_common.messaging.kafka import KafkaTransport
from lode_common.runtime import ServiceSpec

from .support import settings_for, zoning_migrations


async def test_memory_bus_is_an_in_process_log_in_the_data_dir(tmp_path: Path) -> None:
    transport = build_transport(settings_for(tmp_path, bus="memory", kafka_partitions=5))
    assert isinstance(transport, InProcessTransport)
    await transport.start()
    try:
        await transport.ensure_topics(["lode.zoning"])
        assert transport.partitions("lode.zoning") == 5
    finally:
        await transport.stop()
    assert (tmp_path / "bus.db").exists()


def test_kafka_bus_is_configured_from_settings(tmp_path: Path) -> None:
    settings = settings_for(
        tmp_path,
        bus="kafka",
        kafka_bootstrap="broker:19092",
        kafka_partitions=6,
        kafka_replication=3,
        kafka_idempotence=False,
    )
    transport = build_transport(settings)
    assert isinstance(transport, KafkaTransport)
    config = transport.config
    assert (config.bootstrap, config.partitions, config.replication, config.idempotence) == (
        "broker:19092",
        6,
        3,
        False,
    )
    assert config.client_id == "lode-lode"


async def test_a_standalone_service_starts_and_stops_its_own_bus(tmp_path: Path) -> None:
    spec = ServiceSpec(name="zoning", migrations_dir=zoning_migrations())
    runtime, app = build_service(
        spec, settings_for(tmp_path), transport=None, title="t", description="d", routers=[]
    )
    assert isinstance(runtime.transport, InProcessTransport)
    async with LifespanManager(app) as manager:
        assert runtime.started
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(manager.app), base_url="http://x"
        ) as client:
            assert (await client.get("/zoning/health")).status_code == 200
    assert not runtime.started
    assert (tmp_path / "bus.db").exists()


async def test_an_embedded_service_leaves_the_lifecycle_to_its_runner(tmp_path: Path) -> None:
    shared = InProcessTransport(tmp_path / "shared.db")
    spec = ServiceSpec(name="zoning", migrations_dir=zoning_migrations())
    runtime, app = build_service(
        spec, settings_for(tmp_path), transport=shared, title="t", description="d", routers=[]
    )
    assert runtime.transport is shared
    async with LifespanManager(app):
        assert not runtime.started  # the embedded runner starts it, not the app
    await runtime.engine.dispose()
