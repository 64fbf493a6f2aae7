"""Composition helpers shared by the four services' ``bootstrap`` modules."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, FastAPI

from lode_common.container import ErrorPolicy
from lode_common.http import create_service_app
from lode_common.messaging.inprocess import InProcessTransport
from lode_common.messaging.kafka import KafkaConfig, KafkaTransport
from lode_common.messaging.transport import Transport
from lode_common.runtime import ServiceRuntime, ServiceSpec
from lode_common.settings import LodeSettings


def build_transport(settings: LodeSettings) -> Transport:
    """The bus named by ``LODE_BUS``: Kafka, or an in-process log under the data dir."""
    if settings.bus == "kafka":
        return KafkaTransport(
            KafkaConfig(
                bootstrap=settings.kafka_bootstrap,
                partitions=settings.kafka_partitions,
                replication=settings.kafka_replication,
                idempotence=settings.kafka_idempotence,
                session_timeout_ms=settings.kafka_session_timeout_ms,
                fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
                idle_fetch_max_wait_ms=settings.kafka_idle_fetch_max_wait_ms,
                idle_after_s=settings.kafka_idle_after_s,
                client_id=f"lode-{settings.service or 'lode'}",
            )
        )
    return InProcessTransport(settings.data_dir / "bus.db", partitions=settings.kafka_partitions)


def build_service(
    spec: ServiceSpec,
    settings: LodeSettings,
    *,
    transport: Transport | None,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    errors: ErrorPolicy | None = None,
) -> tuple[ServiceRuntime, FastAPI]:
    """A runtime and its app. Without a ``transport`` the service runs alone (distributed
    mode): it builds its own from settings and its app starts and stops everything.
    ``errors`` is the service's error policy, registered with the app once."""
    standalone = transport is None
    runtime = ServiceRuntime(spec, settings, transport or build_transport(settings))
    app = create_service_app(
        runtime,
        title=title,
        description=description,
        routers=routers,
        manage_lifecycle=standalone,
        errors=errors,
    )
    return runtime, app
