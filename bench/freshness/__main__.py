"""Freshness of the reporting indicators: from a mine's report accepted (the 201 of
``POST /monitoring/v1/reports``) until reporting reflects it, on both runtimes, against
the bus's own delivery latency measured in the same run.

    python -m bench.freshness [--mines 60] [--warmup 20] [--gap-ms 40]
                              [--runtime both|embedded|distributed] [--seed 2021]

Each runtime runs monitoring and reporting as ``services_under_test`` builds them: both
services in this one process, each with its own database, on one bus —

* embedded: a SQLite file per service + the in-process bus (``InProcessTransport``);
* distributed: a PostgreSQL database per service + the Tansu Kafka-protocol broker
  (``KafkaTransport``), still one process: no HTTP hop between the client and the services
  (``httpx.ASGITransport``), but every event goes through the broker.

The plan and ``--mines`` licences (each an underground iron mine of 30 万吨/年, as in
bench/reports) are published on the bus as zoning and licensing do; the admin issues each
mine's enterprise an API key. Then, one at a time with ``--gap-ms`` of quiet before each,
every mine files its annual reports 2021–2025 (a new report each time, every one valid and
without findings), alternating how freshness is read:

(a) poll: ``GET /reporting/v1/indicators/iron_concentrate_output/sources?year=`` back to
    back (no sleep: the granularity is one request's duration, reported) until its items
    hold the report's ``output.reported`` event and ``actual`` is the expected sum; the
    latency runs to the end of that response;
(b) stream: one SSE connection to ``GET /reporting/v1/stream`` for the whole run; the
    latency runs to the arrival of the frame carrying the report's event.

Baseline, interleaved (one after each report, after the same gap): the bus's own delivery
latency on the same transport, from ``publish()`` to the consumer's batch handler, for a
probe topic and consumer group of the bench's own. The first ``--warmup`` reports and
probes are not counted.

Where the time goes, per report (instrumentation from outside the library: the shared
transport's ``publish`` wrapped, reporting's ``output.reported`` handler wrapped, an
``Inbox.after_commit`` callback): the relay publishing after the 201, the publish itself,
the delivery to reporting's handler, reporting's inbox transaction, the read side.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bench.common import percentile, print_table, save
from bench.reports.__main__ import Mine, licence_event, plan_event, report_body
from lode_common.credit_code import with_check_character
from lode_common.events.envelope import Envelope
from lode_common.events.registry import EventPayload
from lode_common.logging import configure_logging
from lode_common.messaging.transport import Delivery, Message, Transport
from lode_common.testing.apps import ServiceUnderTest, services_under_test
from lode_common.testing.services import (
    KafkaBroker,
    PostgresServer,
    find_or_start_postgres,
    start_kafka,
)
from lode_monitoring.bootstrap import build as build_monitoring
from lode_monitoring.settings import MonitoringSettings
from lode_reporting.adapters.tables import JournalEntry
from lode_reporting.bootstrap import build as build_reporting
from lode_reporting.domain import plan as plan_rules
from lode_reporting.domain.evaluate import evaluate
from lode_reporting.projections.journal import position
from lode_reporting.queries.facts import load_facts, plan_in_force, snapshot
from lode_reporting.settings import ReportingSettings

PLAN = "pingquan-2021-2025"
YEARS = (2021, 2022, 2023, 2024, 2025)
OUTPUT = "lode.monitoring.output.reported.v1"
OUTPUT_BASE = "lode.monitoring.output.reported"
INDICATOR = "iron_concentrate_output"
PROBE_TOPIC = "bench.freshness.probe"
TARGETS_MS = {"embedded": 50.0, "distributed": 100.0}
BACKENDS = {"embedded": "sqlite", "distributed": "postgres"}
TIMEOUT_S = 10.0


# --- timing --------------------------------------------------------------------------------
@dataclass
class Stamps:
    """perf_counter() moments in the life of one report (seconds)."""

    posted: float = 0.0
    accepted: float = 0.0  # the 201 answer in the client's hands
    event_id: str = ""
    publish_called: float | None = None  # the monitoring relay's publish() with the event
    publish_returned: float | None = None
    handler_entered: float | None = None  # reporting's output.reported handler
    committed: float | None = None  # reporting's inbox transaction committed
    streamed: float | None = None  # the SSE frame arrived
    reflected: float | None = None  # a polled response held it (end of that response)
    reflecting_asked: float | None = None  # when that request was sent
    poll_requests: list[float] = field(default_factory=list)  # durations of the polls


class Instruments:
    """Times each report's event as it passes the relay, the bus and reporting's inbox."""

    def __init__(self, transport: Transport, reporting: ServiceUnderTest) -> None:
        self.reports: dict[str, Stamps] = {}  # by report id
        self._by_event: dict[str, Stamps] = {}
        self.streamed = asyncio.Event()
        publish = transport.publish

        async def timed_publish(messages: Sequence[Message]) -> None:
            called = time.perf_counter()
            await publish(messages)
            returned = time.perf_counter()
            for m in messages:
                if m.topic != "lode.monitoring":
                    continue
                envelope = json.loads(m.value)
                if envelope["type"] == OUTPUT:
                    stamps = self._stamps(envelope["data"]["report_id"])
                    stamps.event_id = envelope["id"]
                    self._by_event[envelope["id"]] = stamps
                    if stamps.publish_called is None:  # a republish keeps the first
                        stamps.publish_called, stamps.publish_returned = called, returned

        transport.publish = timed_publish  # type: ignore[method-assign]

        inbox = reporting.runtime.inbox
        handler = inbox.handlers[OUTPUT_BASE]

        async def timed_handler(
            session: AsyncSession, envelope: Envelope, payload: EventPayload | None
        ) -> None:
            stamps = self._by_event.get(envelope.id)
            if stamps is not None and stamps.handler_entered is None:
                stamps.handler_entered = time.perf_counter()
            await handler(session, envelope, payload)

        inbox.handlers = {**inbox.handlers, OUTPUT_BASE: timed_handler}

        def on_commit(handled: Sequence[Envelope]) -> None:
            now = time.perf_counter()
            for envelope in handled:
                stamps = self._by_event.get(envelope.id)
                if stamps is not None and stamps.committed is None:
                    stamps.committed = now

        inbox.after_commit.append(on_commit)

    def _stamps(self, report_id: str) -> Stamps:
        return self.reports.setdefault(report_id, Stamps())

    def frame(self, event_type: str, data: str) -> None:
        """An SSE frame arrived."""
        if event_type != OUTPUT:
            return
        stamps = self._stamps(json.loads(data)["data"]["report_id"])
        if stamps.streamed is None:
            stamps.streamed = time.perf_counter()
            self.streamed.set()


# --- the SSE stream, read as it arrives -----------------------------------------------------
async def read_stream(
    reporting: ServiceUnderTest,
    on_frame: Callable[[str, str], None],
    opened: asyncio.Event,
    closing: asyncio.Event,
) -> None:
    """Call the stream's ASGI app directly (httpx's ASGI transport would wait for the end of
    the body) and hand each frame to ``on_frame(event, data)`` the moment it is sent."""
    headers = {**reporting.auth("viewer"), "Accept": "text/event-stream"}
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/reporting/v1/stream",
        "raw_path": b"/reporting/v1/stream",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"lode.test"),
            *((k.lower().encode(), v.encode()) for k, v in headers.items()),
        ],
        "client": ("127.0.0.1", 1234),
        "server": ("lode.test", 80),
    }
    requested = False
    buffer = ""

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
        while "\r\n\r\n" in buffer:
            block, buffer = buffer.split("\r\n\r\n", 1)
            frame: dict[str, str] = {}
            for line in block.split("\r\n"):
                if line and not line.startswith(":"):
                    key, _, value = line.partition(":")
                    frame[key] = value.removeprefix(" ")
            if "event" in frame and "data" in frame:
                on_frame(frame["event"], frame["data"])

    await reporting.app(scope, receive, send)


# --- the bus baseline ----------------------------------------------------------------------
class BusProbe:
    """publish() → the consumer's batch handler, on the transport the services share."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.received: dict[int, float] = {}
        self._arrived = asyncio.Event()
        self._seq = 0

    async def start(self) -> None:
        async def handle(batch: Sequence[Delivery]) -> None:
            now = time.perf_counter()
            for d in batch:
                self.received.setdefault(int(d.value), now)
            self._arrived.set()

        await self.transport.ensure_topics([PROBE_TOPIC])
        subscription = await self.transport.subscribe(
            group=f"bench-freshness-{uuid.uuid4().hex[:6]}", topics=[PROBE_TOPIC], handler=handle
        )
        await until(lambda: _true(bool(subscription.assigned())), "the probe's assignment")
        await self.send()  # the first delivery (metadata, first fetch) is not measured

    async def send(self) -> float:
        """One message; returns its delivery latency in seconds."""
        self._seq += 1
        seq = self._seq
        key = f"probe-{seq % 7}"
        self._arrived.clear()
        start = time.perf_counter()
        await self.transport.publish([Message(PROBE_TOPIC, key, str(seq).encode())])
        async with asyncio.timeout(TIMEOUT_S):
            while seq not in self.received:
                await self._arrived.wait()
                self._arrived.clear()
        return self.received[seq] - start


async def _true(value: bool) -> bool:
    return value


async def until(predicate: Callable[[], Awaitable[bool]], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not await predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


# --- the system ------------------------------------------------------------------------------
def mines(n: int) -> list[Mine]:
    """``n`` mines licensed from 2020 to 2030: annual reports 2021–2025 are all due."""
    return [
        Mine(
            index=i,
            credit_code=with_check_character(f"91130881MF{i:07d}"),
            licence_no=f"C1308812020{i:012d}",
            valid_from=date(2020, 1, 1),
            valid_to=date(2030, 12, 31),
        )
        for i in range(n)
    ]


@asynccontextmanager
async def running(
    runtime: str, tmp: Path, postgres: PostgresServer | None, kafka: KafkaBroker | None
) -> AsyncIterator[dict[str, ServiceUnderTest]]:
    async with services_under_test(
        {
            "monitoring": (build_monitoring, MonitoringSettings),
            "reporting": (build_reporting, ReportingSettings),
        },
        backend=BACKENDS[runtime],
        tmp_path=tmp,
        postgres=postgres,
        kafka=kafka,
    ) as services:
        yield services


async def seed(services: dict[str, ServiceUnderTest], fleet: Sequence[Mine]) -> list[str]:
    """The plan and the licences through the bus; one API key per mine. Returns the keys."""
    monitoring, reporting = services["monitoring"], services["reporting"]
    bus = monitoring.transport
    await bus.publish([Message("lode.zoning", PLAN, plan_event().envelope(PLAN).to_json())])
    await bus.publish(
        [
            Message(
                "lode.licensing", m.licence_no, licence_event(m).envelope(m.licence_no).to_json()
            )
            for m in fleet
        ]
    )
    admin = monitoring.auth("admin-token")

    async def monitoring_knows_them() -> bool:
        r = await monitoring.client.get("/monitoring/v1/mines?limit=1", headers=admin)
        return r.status_code == 200 and r.json()["total"] == len(fleet)

    async def reporting_knows_them() -> bool:
        r = await reporting.client.get(
            "/reporting/v1/indicators?year=2025", headers=reporting.auth("viewer")
        )
        if r.status_code != 200:
            return False
        counts = {i["id"]: i["actual"] for i in r.json()["items"]}
        return counts["total_mines_cap"] is not None and float(counts["total_mines_cap"]) == len(
            fleet
        )

    await until(monitoring_knows_them, "monitoring to know the mines")
    await until(reporting_knows_them, "reporting to know the plan and the mines")
    keys = []
    for m in fleet:
        r = await monitoring.client.post(
            f"/monitoring/v1/enterprises/{m.credit_code}/api-keys",
            headers=admin,
            json={"label": "bench-freshness"},
        )
        if r.status_code != 201:
            raise AssertionError(f"issuing a key: {r.status_code} {r.text[:300]}")
        keys.append(r.json()["key"])
    return keys


def concentrate(body: dict[str, Any]) -> float:
    return sum(
        float(p["output_10kt"])
        for p in body["products"]
        if p["name"] == "铁精粉" and float(p["grade_pct"]) >= 62
    )


@dataclass
class Run:
    runtime: str
    poll: list[Stamps] = field(default_factory=list)
    stream: list[Stamps] = field(default_factory=list)
    bus: list[float] = field(default_factory=list)
    seed_s: float = 0.0


async def measure(
    runtime: str,
    services: dict[str, ServiceUnderTest],
    fleet: Sequence[Mine],
    *,
    warmup: int,
    gap_s: float,
    seed_value: int,
) -> Run:
    monitoring, reporting = services["monitoring"], services["reporting"]
    run = Run(runtime)
    started = time.perf_counter()
    keys = await seed(services, fleet)
    run.seed_s = time.perf_counter() - started
    instruments = Instruments(monitoring.transport, reporting)
    probe = BusProbe(monitoring.transport)
    await probe.start()
    opened, closing = asyncio.Event(), asyncio.Event()
    stream = asyncio.create_task(read_stream(reporting, instruments.frame, opened, closing))
    await asyncio.wait_for(opened.wait(), TIMEOUT_S)

    rng = random.Random(seed_value)
    viewer = reporting.auth("viewer")
    expected = dict.fromkeys(YEARS, 0.0)
    work = [(m, k, year) for year in YEARS for m, k in zip(fleet, keys, strict=True)]
    try:
        for i, (mine, key, year) in enumerate(work):
            body = report_body(mine, year, "annual", rng)
            expected[year] += concentrate(body)
            polling = i % 2 == 0
            await asyncio.sleep(gap_s)
            posted = time.perf_counter()
            r = await monitoring.client.post(
                "/monitoring/v1/reports", headers={"Authorization": f"Bearer {key}"}, json=body
            )
            accepted = time.perf_counter()
            if r.status_code != 201 or r.json()["findings"]:
                raise AssertionError(f"report {i}: {r.status_code} {r.text[:300]}")
            stamps = instruments._stamps(r.json()["id"])
            stamps.posted, stamps.accepted = posted, accepted
            url = f"/reporting/v1/indicators/{INDICATOR}/sources?year={year}"
            async with asyncio.timeout(TIMEOUT_S):
                if polling:
                    while True:
                        asked = time.perf_counter()
                        answer = await reporting.client.get(url, headers=viewer)
                        answered = time.perf_counter()
                        stamps.poll_requests.append(answered - asked)
                        if reflects(answer, stamps.event_id, expected[year]):
                            stamps.reflected, stamps.reflecting_asked = answered, asked
                            break
                else:
                    while stamps.streamed is None:
                        instruments.streamed.clear()
                        await instruments.streamed.wait()
                    answer = await reporting.client.get(url, headers=viewer)
                    if not reflects(answer, stamps.event_id, expected[year]):
                        raise AssertionError(f"report {i} streamed but not in the figure")
            await asyncio.sleep(gap_s)
            latency = await probe.send()
            if i >= warmup:
                (run.poll if polling else run.stream).append(stamps)
                run.bus.append(latency)
    finally:
        closing.set()
        with suppress(TimeoutError):
            await asyncio.wait_for(stream, 5)
    return run


def reflects(answer: httpx.Response, event_id: str, expected: float) -> bool:
    if answer.status_code != 200:
        raise AssertionError(f"sources: {answer.status_code} {answer.text[:300]}")
    body = answer.json()
    if not event_id or event_id not in {item["event_id"] for item in body["items"]}:
        return False
    actual = float(body["actual"])
    if abs(actual - expected) > 1e-3:
        raise AssertionError(f"the figure is {actual}, expected {expected}")
    return True


# --- the polled request, part by part -------------------------------------------------------
async def profile_sources(reporting: ServiceUnderTest, year: int, rounds: int) -> dict[str, Any]:
    """On the final state, quiet: the sources request whole over the ASGI client, then its
    parts done as the route does them (``api/indicators.py``), and the indicators list."""
    viewer = reporting.auth("viewer")
    runtime = reporting.runtime
    settings = runtime.settings
    assert isinstance(settings, ReportingSettings)
    rules = settings.status_rules()
    timings: dict[str, list[float]] = {
        "whole request (ASGI client)": [],
        "snapshot + plan + as_of": [],
        "load_facts (every read model row)": [],
        "evaluate": [],
        "journal rows of the contributions": [],
        "GET /indicators?year= (all 12), whole request": [],
    }
    rows = 0
    for _ in range(rounds):
        start = time.perf_counter()
        r = await reporting.client.get(
            f"/reporting/v1/indicators/{INDICATOR}/sources?year={year}", headers=viewer
        )
        timings["whole request (ASGI client)"].append(time.perf_counter() - start)
        assert r.status_code == 200, r.text
        start = time.perf_counter()
        async with snapshot(runtime.sessions) as session:
            plan_row = await plan_in_force(session, PLAN)
            assert plan_row is not None
            await position(session)
            opened = time.perf_counter()
            facts = await load_facts(session, plan_row.document)
            loaded = time.perf_counter()
            definition = next(
                d for d in plan_rules.definitions(plan_row.document) if d.id == INDICATOR
            )
            evaluation = evaluate(definition, facts, year, rules)
            evaluated = time.perf_counter()
            ids = [c.event_id for c in evaluation.figure.contributions]
            entries = await session.execute(
                select(JournalEntry).where(col(JournalEntry.event_id).in_(ids))
            )
            assert len(entries.scalars().all()) == len(ids)
            looked_up = time.perf_counter()
        timings["snapshot + plan + as_of"].append(opened - start)
        timings["journal rows of the contributions"].append(looked_up - evaluated)
        timings["load_facts (every read model row)"].append(loaded - opened)
        timings["evaluate"].append(evaluated - loaded)
        rows = len(facts.outputs) + len(facts.licences) + len(facts.versions)
        start = time.perf_counter()
        r = await reporting.client.get(f"/reporting/v1/indicators?year={year}", headers=viewer)
        timings["GET /indicators?year= (all 12), whole request"].append(time.perf_counter() - start)
        assert r.status_code == 200, r.text
    out: dict[str, Any] = {name: stats(values) for name, values in timings.items()}
    out["rows_loaded"] = rows
    return out


# --- figures -------------------------------------------------------------------------------
def stats(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "max_ms": round(max(ms), 2) if ms else float("nan"),
    }


def _deltas(reports: Sequence[Stamps], start: str, end: str) -> list[float]:
    out = []
    for s in reports:
        a, b = getattr(s, start), getattr(s, end)
        if a is not None and b is not None:
            out.append(b - a)
    return out


def figures(run: Run) -> dict[str, Any]:
    target = TARGETS_MS[run.runtime]
    everything = [*run.poll, *run.stream]
    poll = stats(_deltas(run.poll, "accepted", "reflected"))
    stream = stats(_deltas(run.stream, "accepted", "streamed"))
    bus = stats(run.bus)
    polls = [d for s in run.poll for d in s.poll_requests]
    return {
        "target_p99_ms": target,
        "seed_s": round(run.seed_s, 2),
        "poll": {
            **poll,
            "met": poll["p99_ms"] < target,
            "ratio_p50_to_bus": round(poll["p50_ms"] / bus["p50_ms"], 2),
            "ratio_p99_to_bus": round(poll["p99_ms"] / bus["p99_ms"], 2),
            "poll_request_ms": stats(polls),
            "polls_per_report_mean": round(len(polls) / max(1, len(run.poll)), 2),
        },
        "stream": {
            **stream,
            "met": stream["p99_ms"] < target,
            "ratio_p50_to_bus": round(stream["p50_ms"] / bus["p50_ms"], 2),
            "ratio_p99_to_bus": round(stream["p99_ms"] / bus["p99_ms"], 2),
        },
        "bus_publish_to_handler": bus,
        "stages": {
            "POST → 201 (monitoring)": stats(_deltas(everything, "posted", "accepted")),
            "201 → relay publish() (relay wake-up)": stats(
                _deltas(everything, "accepted", "publish_called")
            ),
            "publish() call → return": stats(
                _deltas(everything, "publish_called", "publish_returned")
            ),
            "publish() → reporting handler (delivery)": stats(
                _deltas(everything, "publish_called", "handler_entered")
            ),
            "handler → inbox commit (reporting)": stats(
                _deltas(everything, "handler_entered", "committed")
            ),
            "inbox commit → SSE frame": stats(_deltas(run.stream, "committed", "streamed")),
            "inbox commit → polled response": stats(_deltas(run.poll, "committed", "reflected")),
            "  of which: commit → the reflecting poll sent": stats(
                _deltas(run.poll, "committed", "reflecting_asked")
            ),
            "  of which: the reflecting poll itself": stats(
                _deltas(run.poll, "reflecting_asked", "reflected")
            ),
        },
    }


def show(runtime: str, f: dict[str, Any]) -> None:
    bus = f["bus_publish_to_handler"]

    def row(name: str, s: dict[str, Any]) -> tuple[str, ...]:
        return (
            name,
            str(s["n"]),
            f"{s['p50_ms']}",
            f"{s['p99_ms']}",
            f"{s['max_ms']}",
            f"{s['p99_ms'] / bus['p99_ms']:.2f}",
            ("met" if s["p99_ms"] < f["target_p99_ms"] else "NOT met") if "met" in s else "",
        )

    print_table(
        f"bench/freshness — {runtime}: report accepted (201) → reporting reflects it",
        [
            (
                "path",
                "n",
                "p50 ms",
                "p99 ms",
                "max ms",
                "p99/bus",
                f"p99 < {f['target_p99_ms']:g} ms",
            ),
            row("(a) poll sources until the event is in", f["poll"]),
            row("(b) SSE stream frame", f["stream"]),
            row("bus baseline: publish() → handler", bus),
        ],
    )
    g = f["poll"]["poll_request_ms"]
    print(
        f"  polling granularity: one request {g['p50_ms']} ms p50 / {g['p99_ms']} ms p99, "
        f"{f['poll']['polls_per_report_mean']} requests per report"
    )
    print_table(
        "  where the time goes (each stage alone)",
        [
            ("stage", "n", "p50 ms", "p99 ms", "max ms"),
            *(
                (name, str(s["n"]), str(s["p50_ms"]), str(s["p99_ms"]), str(s["max_ms"]))
                for name, s in f["stages"].items()
            ),
        ],
    )


def show_profile(f: dict[str, Any]) -> None:
    p = f["polled_request_profile"]
    print_table(
        f"  the polled request on the final state, quiet ({p['rows_loaded']} rows loaded)",
        [
            ("part", "n", "p50 ms", "p99 ms"),
            *(
                (name, str(s["n"]), str(s["p50_ms"]), str(s["p99_ms"]))
                for name, s in p.items()
                if isinstance(s, dict)
            ),
        ],
    )
    parts = sum(
        s["p50_ms"]
        for name, s in p.items()
        if isinstance(s, dict) and not name.startswith(("whole", "GET"))
    )
    whole = p["whole request (ASGI client)"]["p50_ms"]
    print(
        f"  the rest of the request (ASGI client, authentication, FastAPI, response model): "
        f"about {whole - parts:.2f} ms of the {whole} ms p50"
    )
    print(f"  settings: {f['settings']}")
    print(f"  load average (1 min) before / after: {f['load_average_1min_before_after']}")


def settings_in_effect(runtime: str, services: dict[str, ServiceUnderTest]) -> dict[str, Any]:
    """The waits on the path, as the runtime under test has them."""
    monitoring, reporting = services["monitoring"], services["reporting"]
    relay = monitoring.runtime.relay
    transport: Any = monitoring.transport
    settings = reporting.runtime.settings
    assert isinstance(settings, ReportingSettings)
    out: dict[str, Any] = {
        "relay_idle_poll_s": relay.idle_poll_s,
        "relay_batch": relay.batch,
        "reporting_stream_poll_s": settings.stream_poll_s,
    }
    if runtime == "embedded":
        out["inprocess_idle_wait_s"] = transport._idle_wait_s
    else:
        config = transport.config
        out["kafka_fetch_max_wait_ms"] = config.fetch_max_wait_ms
        out["kafka_consumer_getmany_timeout_ms"] = 200
        out["kafka_producer_linger_ms"] = 1
    return out


async def main(args: argparse.Namespace) -> dict[str, Any]:
    configure_logging("WARNING", json=False)
    fleet = mines(args.mines)
    runtimes = ["embedded", "distributed"] if args.runtime == "both" else [args.runtime]
    results: dict[str, Any] = {}
    postgres: PostgresServer | None = None
    kafka: KafkaBroker | None = None
    try:
        for runtime in runtimes:
            if runtime == "distributed":
                postgres, kafka = find_or_start_postgres(), start_kafka()
            load = os.getloadavg()[0]
            with tempfile.TemporaryDirectory(prefix="bench-freshness-") as tmp:
                async with running(runtime, Path(tmp), postgres, kafka) as services:
                    run = await measure(
                        runtime,
                        services,
                        fleet,
                        warmup=args.warmup,
                        gap_s=args.gap_ms / 1000,
                        seed_value=args.seed,
                    )
                    f = figures(run)
                    f["settings"] = settings_in_effect(runtime, services)
                    f["polled_request_profile"] = await profile_sources(
                        services["reporting"], YEARS[-1], args.profile_rounds
                    )
                    f["load_average_1min_before_after"] = [
                        round(load, 2),
                        round(os.getloadavg()[0], 2),
                    ]
            show(runtime, f)
            show_profile(f)
            results[runtime] = f
    finally:
        if kafka is not None:
            kafka.stop()
        if postgres is not None:
            postgres.stop()
    out = {
        "mines": args.mines,
        "reports_per_runtime": args.mines * len(YEARS),
        "warmup_reports": args.warmup,
        "gap_ms": args.gap_ms,
        "process": "monitoring and reporting in this one process (services_under_test)",
        "runtimes": results,
    }
    print(f"\nsaved {save('freshness', out)}")
    return out


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--mines", type=int, default=60, help="each files 5 annual reports")
    parser.add_argument("--warmup", type=int, default=20, help="reports not counted")
    parser.add_argument("--gap-ms", type=float, default=40, help="quiet before each send")
    parser.add_argument("--runtime", choices=["both", "embedded", "distributed"], default="both")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument(
        "--profile-rounds", type=int, default=30, help="timed requests in the profile"
    )
    asyncio.run(main(parser.parse_args()))


if __name__ == "__main__":
    cli()
