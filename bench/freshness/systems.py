"""The three ways the bench runs monitoring and reporting, behind one :class:`System`:

* ``embedded``: both services in the bench's process as ``services_under_test`` builds them,
  a SQLite file each, the in-process bus; HTTP through ``httpx.ASGITransport``;
* ``distributed``: the same in one process, on a PostgreSQL database each and the Tansu
  Kafka-protocol broker (every event goes through the broker);
* ``processes``: the distributed topology as real processes
  (``lode_common.testing.topology``: its own PostgreSQL cluster and broker, each service a
  uvicorn process configured as ``docker-compose.yml`` configures it, monitoring twice in one
  consumer group); HTTP over loopback, reports sent to the two monitoring instances in turn.
"""

from __future__ import annotations

import asyncio
import inspect
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx

from lode_common.messaging.kafka import KafkaConfig, KafkaTransport
from lode_common.messaging.relay import Relay
from lode_common.messaging.transport import Transport
from lode_common.runtime import ServiceRuntime
from lode_common.settings import LodeSettings
from lode_common.testing.apps import services_under_test
from lode_common.testing.services import KafkaBroker, PostgresServer
from lode_common.testing.topology import start_topology
from lode_monitoring.bootstrap import build as build_monitoring
from lode_monitoring.settings import MonitoringSettings
from lode_reporting.bootstrap import build as build_reporting
from lode_reporting.settings import ReportingSettings

STREAM = "/reporting/v1/stream"
OnFrame = Callable[[str, str], None]


class OpenStream(Protocol):
    def __call__(
        self, on_frame: OnFrame, opened: asyncio.Event, closing: asyncio.Event
    ) -> Coroutine[Any, Any, None]: ...


@dataclass
class System:
    runtime: str
    monitoring: list[httpx.AsyncClient]  # one per instance: reports go to each in turn
    reporting: httpx.AsyncClient
    admin: dict[str, str]
    viewer: dict[str, str]
    bus: Transport  # seeds the licences (and the plan), carries the probe
    open_stream: OpenStream
    publishes_plan: bool  # no zoning service: the bench publishes the plan
    settings: dict[str, Any]  # the waits on the path, as this runtime has them
    reporting_runtime: ServiceRuntime | None = None  # in this process: instrumented
    description: str = ""


@asynccontextmanager
async def in_process(
    runtime: str, tmp: Path, postgres: PostgresServer | None, kafka: KafkaBroker | None
) -> AsyncIterator[System]:
    async with services_under_test(
        {
            "monitoring": (build_monitoring, MonitoringSettings),
            "reporting": (build_reporting, ReportingSettings),
        },
        backend="sqlite" if runtime == "embedded" else "postgres",
        tmp_path=tmp,
        postgres=postgres,
        kafka=kafka,
    ) as services:
        monitoring, reporting = services["monitoring"], services["reporting"]
        viewer = reporting.auth("viewer")

        def open_stream(
            on_frame: OnFrame, opened: asyncio.Event, closing: asyncio.Event
        ) -> Coroutine[Any, Any, None]:
            return asgi_stream(reporting.app, viewer, on_frame, opened, closing)

        transport: Any = monitoring.transport
        reporting_settings = reporting.runtime.settings
        assert isinstance(reporting_settings, ReportingSettings)
        waits: dict[str, Any] = {
            "relay_idle_poll_s": monitoring.runtime.relay.idle_poll_s,
            "reporting_stream_poll_s": reporting_settings.stream_poll_s,
        }
        if runtime == "embedded":
            waits["inprocess_idle_wait_s"] = transport._idle_wait_s
            description = "monitoring + reporting in the bench's process, SQLite, in-process bus"
        else:
            waits["kafka_fetch_max_wait_ms"] = transport.config.fetch_max_wait_ms
            description = "monitoring + reporting in the bench's process, PostgreSQL, Kafka (Tansu)"
        yield System(
            runtime=runtime,
            monitoring=[monitoring.client],
            reporting=reporting.client,
            admin=monitoring.auth("admin-token"),
            viewer=viewer,
            bus=monitoring.transport,
            open_stream=open_stream,
            publishes_plan=True,
            settings=waits,
            reporting_runtime=reporting.runtime,
            description=description,
        )


@asynccontextmanager
async def processes(tmp: Path) -> AsyncIterator[System]:
    topology = await asyncio.to_thread(start_topology, tmp / "topology", monitoring_instances=2)
    fetch_wait_ms = int(LodeSettings.model_fields["kafka_fetch_max_wait_ms"].default)
    bus = KafkaTransport(
        KafkaConfig(
            bootstrap=topology.kafka.bootstrap,
            idempotence=False,
            fetch_max_wait_ms=fetch_wait_ms,
            session_timeout_ms=6000,
            client_id=f"bench-freshness-{uuid.uuid4().hex[:6]}",
        )
    )
    clients = [
        httpx.AsyncClient(base_url=p.url, timeout=httpx.Timeout(10.0, read=None))
        for p in topology.instances("monitoring")
    ]
    reporting = httpx.AsyncClient(
        base_url=topology.url("reporting"), timeout=httpx.Timeout(10.0, read=None)
    )
    viewer = topology.auth("viewer")

    def open_stream(
        on_frame: OnFrame, opened: asyncio.Event, closing: asyncio.Event
    ) -> Coroutine[Any, Any, None]:
        return http_stream(reporting, viewer, on_frame, opened, closing)

    await bus.start()
    try:
        yield System(
            runtime="processes",
            monitoring=clients,
            reporting=reporting,
            admin=topology.admin,
            viewer=viewer,
            bus=bus,
            open_stream=open_stream,
            publishes_plan=False,
            settings={
                "relay_idle_poll_s": inspect.signature(Relay).parameters["idle_poll_s"].default,
                "reporting_stream_poll_s": ReportingSettings.model_fields["stream_poll_s"].default,
                "kafka_fetch_max_wait_ms": fetch_wait_ms,
                "monitoring_instances": len(clients),
            },
            description=(
                "zoning, licensing, monitoring ×2, reporting as uvicorn processes on their own "
                "PostgreSQL cluster and broker (lode_common.testing.topology), HTTP on loopback"
            ),
        )
    finally:
        for client in [*clients, reporting]:
            await client.aclose()
        await bus.stop()
        await asyncio.to_thread(topology.stop)


# --- the SSE stream, each frame handed over the moment it is read --------------------------
class _Frames:
    """Splits an SSE body into frames (blank-line separated ``field: value`` lines)."""

    def __init__(self, on_frame: OnFrame) -> None:
        self.on_frame = on_frame
        self.fields: dict[str, str] = {}

    def line(self, line: str) -> None:
        if not line:
            if "event" in self.fields and "data" in self.fields:
                self.on_frame(self.fields["event"], self.fields["data"])
            self.fields = {}
        elif not line.startswith(":"):
            key, _, value = line.partition(":")
            self.fields[key] = value.removeprefix(" ")


async def asgi_stream(
    app: Callable[..., Awaitable[None]],
    headers: dict[str, str],
    on_frame: OnFrame,
    opened: asyncio.Event,
    closing: asyncio.Event,
) -> None:
    """Call the stream's ASGI app directly: httpx's ASGI transport would hand the body over
    only once the response ended."""
    frames = _Frames(on_frame)
    buffer = ""
    requested = False
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": STREAM,
        "raw_path": STREAM.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"lode.test"),
            (b"accept", b"text/event-stream"),
            *((k.lower().encode(), v.encode()) for k, v in headers.items()),
        ],
        "client": ("127.0.0.1", 1234),
        "server": ("lode.test", 80),
    }

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await closing.wait()
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal buffer
        if message["type"] == "http.response.start":
            if message["status"] != 200:
                raise RuntimeError(f"the stream answered {message['status']}")
            opened.set()
            return
        buffer += message.get("body", b"").decode()
        *lines, buffer = buffer.split("\r\n")
        for line in lines:
            frames.line(line)

    await app(scope, receive, send)


async def http_stream(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    on_frame: OnFrame,
    opened: asyncio.Event,
    closing: asyncio.Event,
) -> None:
    """The stream over real HTTP, as a browser's ``fetch()`` reads it."""
    frames = _Frames(on_frame)
    async with client.stream(
        "GET", STREAM, headers={**headers, "Accept": "text/event-stream"}
    ) as response:
        if response.status_code != 200:
            raise RuntimeError(f"the stream answered {response.status_code}")
        opened.set()

        async def read() -> None:
            async for line in response.aiter_lines():
                frames.line(line)

        reader = asyncio.create_task(read())
        await closing.wait()
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
