"""Throughput of mines' output reports (``POST /monitoring/v1/reports`` with a mine's API
key) on PostgreSQL, against a bare FastAPI endpoint inserting the same row with raw asyncpg,
measured in the same run.

    python -m bench.reports [--mines 50] [--reports 4000] [--seconds 20] [--warmup 500]
                            [--profile-reports 500] [--no-profile] [--httpcore] [--seed 2021]

Starts (or finds) PostgreSQL and a Tansu broker like the test harness does. Each server
runs alone, one uvicorn worker (uvloop, httptools) in a subprocess on a free loopback port,
driven over real HTTP by ``--mines`` concurrent mines, one ``httpx.AsyncClient`` each (on a
lean httptools transport, see :class:`LeanTransport`; ``--httpcore`` for httpx's own), in a
closed loop: a mine sends its next report when the answer to the last one came. Each run
sends ``--warmup`` reports untimed, then up to ``--reports`` reports, none after
``--seconds``:

0. HTTP only: the bare server's no-op endpoint (reads the JSON body, answers 201, no
   database): the ceiling of this client and uvicorn on this machine;
a. the baseline: a bare FastAPI endpoint inserting the report row into ``bench_report``
   (shaped like monitoring's ``report``, checked column by column) with raw asyncpg from a
   pool of 20 connections, one autocommitted INSERT, no authentication, no validation;
b. the monitoring service as deployed: ``lode_monitoring.bootstrap.build(settings)``
   standalone (its own Kafka transport; the app's lifespan starts everything) on a fresh
   database and the broker, JSON request logs to a file, seeded through the bus
   (``PlanPublished`` on ``lode.zoning``, one ``LicenceIssued`` per mine on
   ``lode.licensing``), one API key per mine issued with the admin token.

Each mine holds one licence (an underground iron mine of 30 万吨/年) and reports its
periods in order, Q1–Q4 then the annual report of each year from the licence's first year
on: every report distinct and valid, without findings. Every answer must be 201; afterwards
every accepted report must be in the database, and (b)'s events in its outbox, published.
CPU per report is read from /proc for the server, PostgreSQL, the broker, this client and
the other processes on the machine.

Then the endpoint is profiled in-process (``httpx.ASGITransport``, a fresh database seeded
through the service's own event handlers, each licence's history as deep as in (b)): the
wall and CPU time of each part of a report sent one at a time, with the SQL statements it
sends; then the mines at once, the process's CPU per report, and cProfile's own time (CPU)
by package and by function.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import functools
import json
import logging
import math
import os
import pstats
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from unittest.mock import patch

import asyncpg
import fastapi.routing
import httptools
import httpx
import structlog
import uvicorn
from asgi_lifespan import LifespanManager
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from prometheus_client.metrics import Counter as Counter_
from prometheus_client.metrics import Histogram, MetricWrapperBase
from sqlalchemy import event, insert
from sqlmodel import SQLModel
from starlette.types import ASGIApp, Receive, Scope, Send

from bench.common import print_table, save, summary_ms
from lode_common import idempotency
from lode_common.auth import Authenticator
from lode_common.credit_code import with_check_character
from lode_common.events.catalog import Capacity, Holder, LicenceIssued, PlanPublished
from lode_common.logging import configure_logging
from lode_common.messaging.kafka import KafkaConfig, KafkaTransport
from lode_common.messaging.transport import Message
from lode_common.runtime import ServiceRuntime
from lode_common.testing.services import (
    KafkaBroker,
    PostgresServer,
    find_or_start_postgres,
    free_port,
    start_kafka,
)
from lode_monitoring.adapters.report_store import PostgresReportStore
from lode_monitoring.adapters.tables import Report
from lode_monitoring.bootstrap import build
from lode_monitoring.domain.periods import Period, cst_date, period_bounds
from lode_monitoring.domain.report import parse_output_report
from lode_monitoring.handlers import intake, replicas
from lode_monitoring.handlers.api_keys import KeyLookup
from lode_monitoring.settings import MonitoringSettings
from lode_zoning.plan_data import bundled_documents

ROOT = Path(__file__).resolve().parents[2]
PLAN = "pingquan-2021-2025"
REPORTS = "/monitoring/v1/reports"
ADMIN_TOKEN = "bench-admin-token-0123456789abcdef-0123456789"  # noqa: S105
JWT_SECRET = "bench-jwt-secret-0123456789abcdef-0123456789"  # noqa: S105
BARE_POOL = 20  # the service's engine: pool_size 10 + max_overflow 10
PERIOD_ORDER: tuple[Period, ...] = ("Q1", "Q2", "Q3", "Q4", "annual")
TARGET_RATIO = 0.5
ISSUE_BARE_PER_S = 5400  # the issue's figures: the bare endpoint, one worker
ISSUE_ORM_PER_S = 1700  # an ORM session per row
PROFILE_SEQUENTIAL = 250  # reports one at a time (after PROFILE_WARMUP), timed part by part
PROFILE_WARMUP = 50
IDLE_S = 1.0  # the service left alone in the profile: its background tasks' CPU
TICK = os.sysconf("SC_CLK_TCK")
REPORT_TABLE = SQLModel.metadata.tables[Report.__tablename__]

T = TypeVar("T")


# --- the mines and their reports ---------------------------------------------------------
@dataclass(frozen=True)
class Mine:
    index: int
    credit_code: str
    licence_no: str
    valid_from: date
    valid_to: date

    @property
    def holder(self) -> str:
        return f"平泉市示意铁矿{self.index:02d}有限公司"


def make_mines(n: int, per_mine: int, today: date) -> list[Mine]:
    """``n`` mines whose licences are valid long enough for ``per_mine`` reports each."""
    first_year = today.year - math.ceil(per_mine / len(PERIOD_ORDER))
    while len(slots(date(first_year, 1, 1), today)) < per_mine:
        first_year -= 1
    return [
        Mine(
            index=i,
            credit_code=with_check_character(f"91130881MA{i:07d}"),
            licence_no=f"C1308812010{i:012d}",
            valid_from=date(first_year, 1, 1),
            valid_to=date(today.year + 5, 12, 31),
        )
        for i in range(n)
    ]


def slots(valid_from: date, today: date) -> list[tuple[int, Period]]:
    """(year, period) of every period begun by ``today`` (CST) from ``valid_from``, in order."""
    return [
        (year, period)
        for year in range(valid_from.year, today.year + 1)
        for period in PERIOD_ORDER
        if period_bounds(year, period)[0] <= today
    ]


def report_body(mine: Mine, year: int, period: Period, rng: random.Random) -> dict[str, Any]:
    """A valid report without findings: under a quarter of the capacity in a quarter (all of
    it in a year), rates above the national minimums for underground iron."""
    ore = round(rng.uniform(20.0, 29.5) if period == "annual" else rng.uniform(4.0, 7.4), 2)
    return {
        "licence_no": mine.licence_no,
        "year": year,
        "period": period,
        "ore_mined_10kt": ore,
        "products": [
            {
                "name": "铁精粉",
                "grade_pct": round(rng.uniform(62.0, 67.0), 1),
                "output_10kt": round(ore * 0.32, 2),
            }
        ],
        "mining_recovery_pct": round(rng.uniform(90.0, 96.0), 1),
        "processing_recovery_pct": round(rng.uniform(92.0, 96.0), 1),
        "comprehensive_utilization_pct": round(rng.uniform(35.0, 45.0), 1),
        "disturbed_area_ha": round(rng.uniform(0.2, 3.0), 2),
        "restored_area_ha": round(rng.uniform(0.1, 2.0), 2),
        "output_value_cny_10k": round(ore * rng.uniform(220.0, 260.0)),
    }


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


@dataclass
class Workload:
    """Per mine, its report bodies (JSON) in order; phases take consecutive slices."""

    mines: list[Mine]
    bodies: list[list[bytes]]

    def phase(self, counts: Sequence[int], offsets: Sequence[int]) -> list[list[bytes]]:
        return [b[o : o + c] for b, o, c in zip(self.bodies, offsets, counts, strict=True)]


def workload(n_mines: int, per_mine: int, seed: int) -> Workload:
    today = cst_date(datetime.now(UTC))
    mines = make_mines(n_mines, per_mine, today)
    rng = random.Random(seed)
    bodies = []
    for mine in mines:
        mine_slots = slots(mine.valid_from, today)[:per_mine]
        bodies.append(
            [
                json.dumps(report_body(mine, y, p, rng), ensure_ascii=False).encode()
                for y, p in mine_slots
            ]
        )
    return Workload(mines, bodies)


def plan_event() -> PlanPublished:
    return PlanPublished(
        plan_id=PLAN,
        version=1,
        region_adcode="130881",
        document=bundled_documents().as_published(),
    )


def licence_event(mine: Mine) -> LicenceIssued:
    return LicenceIssued(
        licence_no=mine.licence_no,
        right_type="mining",
        holder=Holder(name=mine.holder, credit_code=mine.credit_code),
        mineral="铁矿",
        mining_method="underground",
        capacity=Capacity(value=Decimal(30), unit="万吨/年"),
        scale="medium",
        valid_from=mine.valid_from,
        valid_to=mine.valid_to,
        status="active",
    )


# --- the servers (each in its own process: python -m bench.reports --serve ...) ----------
BARE_DDL = """
CREATE TABLE bench_report (
    row_id serial PRIMARY KEY,
    id varchar(36) NOT NULL,
    version integer NOT NULL,
    is_current boolean NOT NULL,
    licence_no varchar(23) NOT NULL,
    year integer NOT NULL,
    period varchar(10) NOT NULL,
    body jsonb NOT NULL,
    ore_mined_10kt numeric(18, 4),
    reason varchar,
    submitted_by varchar(200) NOT NULL,
    submitted_at timestamp with time zone NOT NULL,
    illustrative boolean NOT NULL,
    CONSTRAINT uq_bench_report_version UNIQUE (licence_no, year, period, version)
);
CREATE INDEX ix_bench_report_id ON bench_report (id);
CREATE INDEX ix_bench_report_current ON bench_report (licence_no, year, period, is_current);
"""
BARE_INSERT = """
INSERT INTO bench_report (id, version, is_current, licence_no, year, period, body,
                          ore_mined_10kt, reason, submitted_by, submitted_at, illustrative)
VALUES ($1, 1, true, $2, $3, $4, $5, $6, NULL, $7, $8, false)
"""


def bare_app(dsn: str) -> FastAPI:
    """(0) and (a): read the body, insert the row (or not), answer as monitoring does."""
    pools: list[Any] = []

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        pools.append(await asyncpg.create_pool(dsn, min_size=BARE_POOL, max_size=BARE_POOL))
        yield
        await pools[0].close()

    app = FastAPI(lifespan=lifespan)

    def answer(report_id: str, body: dict[str, Any]) -> JSONResponse:
        return JSONResponse(
            {
                "id": report_id,
                "version": 1,
                "licence_no": body["licence_no"],
                "year": body["year"],
                "period": body["period"],
                "findings": [],
            },
            status_code=201,
        )

    @app.get("/bare/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/bare/noop", status_code=201)
    async def noop(request: Request) -> JSONResponse:
        return answer(str(uuid.uuid4()), json.loads(await request.body()))

    @app.post("/bare/reports", status_code=201)
    async def insert(request: Request) -> JSONResponse:
        raw = await request.body()
        body = json.loads(raw)
        report_id = str(uuid.uuid4())
        await pools[0].execute(
            BARE_INSERT,
            report_id,
            body["licence_no"],
            body["year"],
            body["period"],
            raw.decode(),
            Decimal(str(body["ore_mined_10kt"])),
            "bare",
            datetime.now(UTC),
        )
        return answer(report_id, body)

    return app


def monitoring_settings(database_url: str, bootstrap: str, data_dir: Path) -> MonitoringSettings:
    return MonitoringSettings(
        database_url=database_url,
        bus="kafka",
        kafka_bootstrap=bootstrap,
        kafka_idempotence=False,
        admin_token=ADMIN_TOKEN,
        jwt_secret=JWT_SECRET,
        demo=False,
        log_json=True,
        data_dir=data_dir,
    )


def serve(kind: str, port: int, database_url: str, bootstrap: str) -> None:
    """The server process: one uvicorn worker (uvloop, httptools) as ``lode up`` runs it."""
    if kind == "bare":
        app = bare_app(database_url)
    else:
        settings = monitoring_settings(database_url, bootstrap, Path(tempfile.mkdtemp()))
        configure_logging(settings.log_level, json=settings.log_json)  # as lode_monitoring.main
        _runtime, app = build(settings)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        lifespan="on",
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=15,
    )
    uvicorn.Server(config).run()


@dataclass
class Server:
    kind: str
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    @classmethod
    def start(cls, kind: str, database_url: str, bootstrap: str = "") -> Server:
        port = free_port()
        log_path = Path(tempfile.mkstemp(prefix=f"bench-reports-{kind}-", suffix=".log")[1])
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bench.reports",
                    "--serve",
                    kind,
                    "--port",
                    str(port),
                    "--database-url",
                    database_url,
                    "--bootstrap",
                    bootstrap,
                ],
                cwd=ROOT,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        return cls(kind, process, f"http://127.0.0.1:{port}", log_path)

    async def ready(self, health: str, timeout_s: float = 120) -> None:
        deadline = time.monotonic() + timeout_s
        async with httpx.AsyncClient(base_url=self.base_url, timeout=5) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the {self.kind} server exited:\n{self.tail()}")
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(health)).status_code == 200:
                        return
                await asyncio.sleep(0.1)
        raise TimeoutError(f"the {self.kind} server did not answer in {timeout_s}s:\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log_path.unlink(missing_ok=True)


# --- CPU spent, by process, from /proc ----------------------------------------------------
def process_cpu_s(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def postgres_cpu_s() -> dict[int, float]:
    """CPU seconds of every PostgreSQL process (the server's and its backends)."""
    found: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "postgres":
                    found[int(entry.name)] = process_cpu_s(int(entry.name))
    return found


def machine_ticks() -> tuple[int, int]:
    """(busy, total) ticks of every CPU since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


@dataclass
class CpuSample:
    server: float
    postgres: dict[int, float]
    broker: float
    client: float
    machine: tuple[int, int]

    @classmethod
    def take(cls, server_pid: int | None, broker_pid: int) -> CpuSample:
        return cls(
            process_cpu_s(server_pid) if server_pid else 0.0,
            postgres_cpu_s(),
            process_cpu_s(broker_pid),
            time.process_time(),
            machine_ticks(),
        )

    def used_since(self, before: CpuSample, n: int) -> dict[str, float]:
        """µs of CPU per report by process, and how busy the machine was (%)."""
        pg = sum(v - before.postgres.get(pid, 0.0) for pid, v in self.postgres.items())
        server = self.server - before.server
        client = self.client - before.client
        broker = self.broker - before.broker
        busy = self.machine[0] - before.machine[0]
        total = self.machine[1] - before.machine[1]
        others = max(0.0, busy / TICK - server - pg - client - broker)
        return {
            "server_us": round(server / n * 1e6),
            "postgres_us": round(pg / n * 1e6),
            "client_us": round(client / n * 1e6),
            "broker_us": round(broker / n * 1e6),
            "others_us": round(others / n * 1e6),
            "machine_busy_pct": round(100 * busy / total, 1) if total else float("nan"),
        }


# --- the mines sending -------------------------------------------------------------------
@dataclass
class Run:
    label: str
    n: int
    seconds: float
    latencies: list[float]
    completed_at: list[float]  # seconds from the start, in completion order
    ids: list[str]
    findings: int
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.n / self.seconds

    def quarter_rates(self) -> list[float]:
        """Reports/s in each quarter of the run (by count of answers)."""
        done = sorted(self.completed_at)
        edges = [0.0] + [done[round(q * len(done) / 4) - 1] for q in (1, 2, 3, 4)]
        sizes = split(len(done), 4)
        return [
            round(size / (b - a)) if b > a else float("nan")
            for size, a, b in zip(sizes, edges, edges[1:], strict=False)
        ]


class _Response:
    """httptools' callbacks: one HTTP response."""

    __slots__ = ("body", "done", "headers")

    def __init__(self) -> None:
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.done = False

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.done = True


class LeanTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 over one kept-alive loopback connection, the answer parsed by httptools (C).

    httpx's default transport (httpcore + h11, pure Python) spends about 600 µs of CPU per
    request on this 2-CPU machine, more than the bare server itself: the client would set
    (0)'s and (a)'s rates. Under httpx.AsyncClient this one spends about a third of that.
    One request at a time (one mine, one connection)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        head = [f"{request.method} {request.url.raw_path.decode()} HTTP/1.1".encode()]
        head += [name + b": " + value for name, value in request.headers.raw]
        writer.write(b"\r\n".join(head) + b"\r\n\r\n" + request.content)
        response = _Response()
        parser = httptools.HttpResponseParser(response)
        while not response.done:
            data = await reader.read(65536)
            if not data:
                self.streams = None
                raise httpx.RemoteProtocolError("the server closed the connection")
            parser.feed_data(data)
        return httpx.Response(
            parser.get_status_code(), headers=response.headers, content=b"".join(response.body)
        )

    async def aclose(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


def mine_clients(
    base_url: str, keys: Sequence[str], *, app: ASGIApp | None = None, httpcore: bool = False
) -> list[httpx.AsyncClient]:
    """One client (one connection) per mine, its key in every request."""
    url = httpx.URL(base_url)
    clients = []
    for key in keys:
        transport: httpx.AsyncBaseTransport | None = None
        if app is not None:
            transport = httpx.ASGITransport(app=app)
        elif not httpcore:
            transport = LeanTransport(url.host, url.port or 80)
        clients.append(
            httpx.AsyncClient(
                base_url=base_url,
                headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
                limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                timeout=120,
                transport=transport,
            )
        )
    return clients


async def drive(
    label: str,
    clients: Sequence[httpx.AsyncClient],
    path: str,
    bodies: Sequence[Sequence[bytes]],
    *,
    seconds: float | None = None,
) -> Run:
    """Every mine sends its bodies one after the other, all mines at once, and none after
    ``seconds``. Any answer but 201 fails the run (after it, with the first few answers)."""
    latencies: list[float] = []
    completed: list[float] = []
    ids: list[str] = []
    problems: list[str] = []
    findings = 0
    clock = time.perf_counter
    start = clock()
    deadline = start + seconds if seconds else math.inf

    async def mine(client: httpx.AsyncClient, contents: Sequence[bytes]) -> None:
        nonlocal findings
        for content in contents:
            t0 = clock()
            if t0 > deadline:
                return
            r = await client.post(path, content=content)
            t1 = clock()
            if r.status_code != 201:
                problems.append(f"{r.status_code} {r.text[:400]}")
                continue
            latencies.append(t1 - t0)
            completed.append(t1 - start)
            answer = r.json()
            ids.append(answer["id"])
            findings += len(answer["findings"])

    await asyncio.gather(*(mine(c, b) for c, b in zip(clients, bodies, strict=True)))
    elapsed = clock() - start
    if problems:
        shown = "\n  ".join(problems[:5])
        raise AssertionError(f"{label}: {len(problems)} answers were not 201:\n  {shown}")
    return Run(label, len(ids), elapsed, latencies, completed, ids, findings)


async def timed(
    label: str,
    server: Server,
    broker: KafkaBroker,
    clients: Sequence[httpx.AsyncClient],
    path: str,
    bodies: Sequence[Sequence[bytes]],
    seconds: float,
) -> Run:
    before = CpuSample.take(server.process.pid, broker.process.pid)
    run = await drive(label, clients, path, bodies, seconds=seconds)
    run.cpu = CpuSample.take(server.process.pid, broker.process.pid).used_since(before, run.n)
    return run


# --- seeding and checks (b) --------------------------------------------------------------
async def seed_through_the_bus(bootstrap: str, mines: Sequence[Mine], dsn: str) -> float:
    """Publish the plan and the licences as zoning and licensing do; wait until monitoring
    has them all. Returns the seconds it took."""
    start = time.perf_counter()
    transport = KafkaTransport(
        KafkaConfig(bootstrap=bootstrap, idempotence=False, client_id="bench-reports-seed")
    )
    await transport.start()
    try:
        await transport.ensure_topics(["lode.zoning", "lode.licensing"])
        await transport.publish(
            [Message("lode.zoning", PLAN, plan_event().envelope(PLAN).to_json())]
        )
        await transport.publish(
            [
                Message(
                    "lode.licensing",
                    m.licence_no,
                    licence_event(m).envelope(m.licence_no).to_json(),
                )
                for m in mines
            ]
        )
    finally:
        await transport.stop()
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + 60
        while True:
            plans, known = await conn.fetchrow(
                "SELECT (SELECT count(*) FROM monitoring_plan), (SELECT count(*) FROM mine)"
            )
            if plans == 1 and known == len(mines):
                return time.perf_counter() - start
            if time.monotonic() > deadline:
                raise TimeoutError(f"monitoring has {plans} plan(s) and {known} mines after 60 s")
            await asyncio.sleep(0.1)
    finally:
        await conn.close()


async def issue_keys(client: httpx.AsyncClient, mines: Sequence[Mine]) -> list[str]:
    """One API key per mine's enterprise, issued by the admin (shown once)."""
    keys = []
    for m in mines:
        r = await client.post(
            f"/monitoring/v1/enterprises/{m.credit_code}/api-keys",
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            json={"label": "bench"},
        )
        if r.status_code != 201:
            raise AssertionError(f"issuing a key: {r.status_code} {r.text[:300]}")
        keys.append(r.json()["key"])
    return keys


async def stored_ids(dsn: str, table: str) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        return [r[0] for r in await conn.fetch(f"SELECT id FROM {table}")]  # noqa: S608
    finally:
        await conn.close()


def check_stored(label: str, accepted: Sequence[str], stored: Sequence[str]) -> None:
    if len(stored) != len(accepted) or set(stored) != set(accepted):
        missing = len(set(accepted) - set(stored))
        raise AssertionError(
            f"{label}: {len(accepted)} reports accepted, {len(stored)} rows stored, "
            f"{missing} accepted reports missing"
        )


async def wait_published(client: httpx.AsyncClient, timeout_s: float = 60) -> float:
    """Seconds until the service's relay has published its whole outbox."""
    start = time.perf_counter()
    while True:
        r = await client.get(
            "/monitoring/v1/admin/outbox", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        )
        if r.json()["unsent"] == 0:
            return time.perf_counter() - start
        if time.perf_counter() - start > timeout_s:
            raise AssertionError(f"the outbox still holds {r.json()['unsent']} unsent events")
        await asyncio.sleep(0.05)


async def check_outbox(dsn: str, expected: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        reported, unsent, findings = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM outbox WHERE type LIKE "
            "'lode.monitoring.output.reported.%'), "
            "(SELECT count(*) FROM outbox WHERE sent_at IS NULL), (SELECT count(*) FROM finding)"
        )
    finally:
        await conn.close()
    if reported != expected or unsent or findings:
        raise AssertionError(
            f"outbox: {reported} output.reported events for {expected} reports, {unsent} "
            f"unsent; {findings} findings"
        )


async def check_same_shape(dsn: str) -> None:
    """``bench_report`` has ``report``'s columns, types, lengths and nullability."""
    conn = await asyncpg.connect(dsn)
    try:
        shapes = {}
        for table in ("report", "bench_report"):
            shapes[table] = [
                tuple(r)
                for r in await conn.fetch(
                    "SELECT column_name, data_type, character_maximum_length, "
                    "numeric_precision, numeric_scale, is_nullable FROM information_schema.columns"
                    " WHERE table_name = $1 ORDER BY ordinal_position",
                    table,
                )
            ]
    finally:
        await conn.close()
    if shapes["report"] != shapes["bench_report"]:
        raise AssertionError(f"bench_report is not shaped like report: {shapes}")


# --- the profile: in-process, the service's own code timed part by part -------------------
class PartTimer:
    """Wall and CPU time of the parts of a request, each part's own (its timed children
    taken off). One request at a time (a stack), only in the request's task; the CPU is this
    thread's, so it includes what other tasks (the relay, the Kafka consumer) ran while the
    request waited."""

    def __init__(self) -> None:
        self.wall_s: defaultdict[str, float] = defaultdict(float)
        self.cpu_s: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self.order: dict[str, None] = {}
        self.parent: dict[str, str] = {}
        self.stack: list[list[Any]] = []  # [name, wall at start, cpu at start, children's]
        self.task: asyncio.Task[Any] | None = None
        self.requests = 0

    def reset(self) -> None:
        self.wall_s.clear()
        self.cpu_s.clear()
        self.calls.clear()
        self.requests = 0

    def current(self) -> str | None:
        return self.stack[-1][0] if self.stack else None

    def mine(self) -> bool:
        try:
            return self.task is not None and asyncio.current_task() is self.task
        except RuntimeError:
            return False

    def enter(self, name: str) -> None:
        parent = self.current()
        if parent is not None:
            self.parent.setdefault(name, parent)
        self.order.setdefault(name, None)
        self.stack.append([name, time.perf_counter(), time.thread_time(), 0.0, 0.0])

    def leave(self) -> None:
        name, wall0, cpu0, child_wall, child_cpu = self.stack.pop()
        wall = time.perf_counter() - wall0
        cpu = time.thread_time() - cpu0
        self.wall_s[name] += wall - child_wall
        self.cpu_s[name] += cpu - child_cpu
        self.calls[name] += 1
        if self.stack:
            self.stack[-1][3] += wall
            self.stack[-1][4] += cpu

    @contextlib.contextmanager
    def part(self, name: str) -> Iterator[None]:
        if not self.mine():
            yield
            return
        self.enter(name)
        try:
            yield
        finally:
            self.leave()


def timed_async(
    timer: PartTimer, name: str, fn: Callable[..., Awaitable[T]]
) -> Callable[..., Awaitable[T]]:
    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> T:
        with timer.part(name):
            return await fn(*args, **kwargs)

    return wrapper


def timed_sync(timer: PartTimer, name: str, fn: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        with timer.part(name):
            return fn(*args, **kwargs)

    return wrapper


class TimedApp:
    """The ASGI app, each HTTP request one part (what no other part covers: Starlette,
    FastAPI's routing and dependencies, the middleware, reading the body, the answer)."""

    def __init__(self, app: ASGIApp, timer: PartTimer) -> None:
        self.app = app
        self.timer = timer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != REPORTS:
            await self.app(scope, receive, send)
            return
        self.timer.task = asyncio.current_task()
        self.timer.requests += 1
        with self.timer.part("FastAPI, middleware, body, answer (the rest)"):
            await self.app(scope, receive, send)


SQL_IN = " @ "  # a statement's part: its label, then the part that sent it


def statement_label(sql: str) -> str:
    text = " ".join(sql.split())
    write = re.match(r"(INSERT INTO|UPDATE|DELETE FROM) (\w+)", text)
    if write:
        return f"{write.group(1).split()[0]} {write.group(2)}"
    read = re.search(r" FROM (\w+)", text)
    return f"SELECT {read.group(1)}" if read else text[:40]


@contextlib.contextmanager
def parts_timed(timer: PartTimer, runtime: ServiceRuntime) -> Iterator[None]:
    """Time the service's parts (module attributes and methods wrapped, restored after) and
    each SQL statement (a child part of whichever part sent it)."""
    i = intake
    LOGGER_CLASS = structlog.get_config()["wrapper_class"]
    wraps: list[tuple[Any, str, str, bool]] = [
        (fastapi.routing, "solve_dependencies", "FastAPI: the endpoint's dependencies", True),
        (Authenticator, "authenticate", "authentication: the Authorization header", True),
        (KeyLookup, "__call__", "authentication: API key look-up (kept 5 s)", True),
        (KeyLookup, "_read", "authentication: the key's row read (own session)", True),
        (Request, "body", "request body read", True),
        (idempotency, "checked_key", "idempotency: key check, body fingerprint", False),
        (idempotency, "fingerprint", "idempotency: key check, body fingerprint", False),
        (i, "submit_report", "intake: pooled connection, submit, relay woken", True),
        (i, "submit", "submit: judge the report, build its rows and events", True),
        (PostgresReportStore, "context", "SQL context: plan version, mine, history", True),
        (PostgresReportStore, "plan_document", "SQL the plan document (once a version)", True),
        (i, "view_from", "licence view", False),
        (i, "evaluate", "evaluate: finding rules", False),
        (i, "event_fields", "event: OutputReported fields", False),
        (i, "outbox_rows", "outbox rows: envelopes as JSON", False),
        (PostgresReportStore, "write", "SQL write: report, outbox, findings (one statement)", True),
        (JSONResponse, "render", "answer rendered (JSON)", False),
        (LOGGER_CLASS, "info", "request log line (structlog, JSON)", False),
        (MetricWrapperBase, "labels", "request metrics (prometheus)", False),
        (Counter_, "inc", "request metrics (prometheus)", False),
        (Histogram, "observe", "request metrics (prometheus)", False),
    ]
    parse = parse_output_report

    def parse_timed(*args: Any, **kwargs: Any) -> Any:
        with timer.part("validation: parse"):
            return parse(*args, **kwargs)

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if timer.mine():
            timer.enter(f"SQL {statement_label(statement)}{SQL_IN}{timer.current()}")

    def after(_conn: Any, _cursor: Any, _statement: str, *_args: Any) -> None:
        if timer.mine() and timer.current() and str(timer.current()).startswith("SQL "):
            timer.leave()

    with contextlib.ExitStack() as stack:
        for owner, attr, name, is_async in wraps:
            fn = getattr(owner, attr, None)
            if fn is None:  # the service changed: that part is timed with its caller
                continue
            wrapped = timed_async(timer, name, fn) if is_async else timed_sync(timer, name, fn)
            stack.enter_context(patch.object(owner, attr, wrapped))
        stack.enter_context(patch.object(i, "parse_output_report", parse_timed))
        sync_engine = runtime.engine.sync_engine
        event.listen(sync_engine, "before_cursor_execute", before)
        event.listen(sync_engine, "after_cursor_execute", after)
        stack.callback(event.remove, sync_engine, "before_cursor_execute", before)
        stack.callback(event.remove, sync_engine, "after_cursor_execute", after)
        yield


def part_rows(timer: PartTimer) -> list[dict[str, Any]]:
    """The parts in the order a request meets them, SQL statements under their part."""
    n = timer.requests
    children: defaultdict[str | None, list[str]] = defaultdict(list)
    for name in timer.order:
        if timer.calls[name]:
            children[timer.parent.get(name)].append(name)
    rows: list[dict[str, Any]] = []

    def walk(parent: str | None, depth: int) -> None:
        for name in children[parent]:
            rows.append(
                {
                    "part": name.split(SQL_IN)[0],
                    "depth": depth,
                    "wall_us": round(timer.wall_s[name] / n * 1e6, 1),
                    "cpu_us": round(timer.cpu_s[name] / n * 1e6, 1),
                    "calls_per_report": round(timer.calls[name] / n, 2),
                }
            )
            walk(name, depth + 1)

    walk(None, 0)
    return rows


# cProfile's own time, by where the code lives: its cumulative times are no use here, since
# SQLAlchemy's asyncio layer runs the ORM in greenlets, whose switches the profiler does
# not see (returns are matched to the wrong calls); each function's own time still counts
# once. The own time of code outside these packages (built-ins, generated code, the standard
# library) goes to its callers' packages.
BUCKETS: list[tuple[str, tuple[str, ...]]] = [
    ("monitoring domain: parse (validation, history), rules", ("lode_monitoring/domain/",)),
    ("monitoring handlers, API", ("lode_monitoring/",)),
    ("lode_common: middleware, auth, outbox, relay, events", ("lode_common/",)),
    ("SQLAlchemy ORM + Core, SQLModel", ("sqlalchemy/", "sqlmodel/")),
    ("asyncpg", ("asyncpg/",)),
    ("pydantic (event models, answers)", ("pydantic", "annotated_types")),
    ("FastAPI, Starlette", ("fastapi/", "starlette/")),
    ("structlog, logging (the request log line)", ("structlog/", "/logging/")),
    ("json (the plan document, bodies)", ("/json/",)),
    ("aiokafka (relay's producer, the consumer)", ("aiokafka/", "kafka")),
    ("the client: httpx, ASGITransport, anyio", ("httpx/", "httpcore/", "anyio/", "sniffio")),
    ("asyncio, greenlet switching", ("asyncio/", "greenlet", "concurrent/")),
    ("this bench", ("bench/",)),
]


def bucket_of(filename: str) -> str:
    for label, patterns in BUCKETS:
        if any(p in filename for p in patterns):
            return label
    return "other: generated code, the standard library"


def own_time_by_bucket(stats: pstats.Stats, n: float) -> list[dict[str, Any]]:
    seconds: defaultdict[str, float] = defaultdict(float)
    for (filename, _line, _function), value in stats.stats.items():  # type: ignore[attr-defined]
        own, callers = value[2], value[4]
        bucket = bucket_of(filename)
        if (
            bucket.startswith("other") and callers
        ):  # built-ins, generated code, the standard library
            for (caller_file, _l, _f), caller_value in callers.items():
                seconds[bucket_of(caller_file)] += caller_value[2]
        else:
            seconds[bucket] += own
    whole = sum(seconds.values())
    return [
        {
            "bucket": label,
            "cprofile_us_per_report": round(s / n * 1e6),
            "share_pct": round(100 * s / whole, 1),
        }
        for label, s in sorted(seconds.items(), key=lambda kv: -kv[1])
    ]


def top_functions(stats: pstats.Stats, n_reports: int, count: int) -> list[dict[str, Any]]:
    rows = sorted(
        stats.stats.items(),  # type: ignore[attr-defined]
        key=lambda kv: kv[1][2],
        reverse=True,
    )[:count]
    out = []
    for (filename, line, function), value in rows:
        short = "/".join(Path(filename).parts[-2:]) if filename != "~" else ""
        out.append(
            {
                "function": f"{short}:{line}({function})" if short else function,
                "own_us_per_report": round(value[2] / n_reports * 1e6, 1),
            }
        )
    return out


async def from_the_loop(call: Callable[[], Any]) -> None:
    """Run ``call`` as a callback of the event loop, no coroutine on the stack: cProfile
    switched on or off there sees every coroutine step's call and return (switched on
    inside a coroutine, it sees returns without calls and adds up nonsense)."""
    asyncio.get_running_loop().call_soon(call)
    await asyncio.sleep(0)


async def quiet_relay(runtime: ServiceRuntime) -> None:
    """Between reports sent one at a time: let the relay publish the last one's event, so
    its work does not land in the next report's parts."""
    relay = runtime.relay
    await asyncio.sleep(0.002)
    for _ in range(200):
        if not relay._wake.is_set() and not relay._marking and not relay._in_flight:
            return
        await asyncio.sleep(0.001)


@contextlib.contextmanager
def logs_discarded(settings: MonitoringSettings) -> Iterator[None]:
    """Logging as ``lode_monitoring.main`` sets it up (JSON at INFO: every request is
    logged), written to the null device instead of the terminal."""
    configure_logging(settings.log_level, json=settings.log_json)
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    with open(os.devnull, "w") as devnull:
        for handler in handlers:
            handler.setStream(devnull)
        try:
            yield
        finally:
            for handler in handlers:
                handler.setStream(sys.stderr)


async def prefill(runtime: ServiceRuntime, load: Workload, depth: int) -> None:
    """Each licence's first ``depth`` reports straight into ``report``, as ``submit`` writes
    them: the history the reports profiled next find, as deep as in (b)."""
    now = datetime.now(UTC)
    rows = []
    for bodies in load.bodies:
        for raw in bodies[:depth]:
            body = json.loads(raw)
            rows.append(
                {
                    "id": str(uuid.uuid4()),
                    "version": 1,
                    "is_current": True,
                    "licence_no": body["licence_no"],
                    "year": body["year"],
                    "period": body["period"],
                    "body": body,
                    "ore_mined_10kt": Decimal(str(body["ore_mined_10kt"])),
                    "reason": None,
                    "submitted_by": "key:prefill0",
                    "submitted_at": now,
                    "illustrative": False,
                }
            )
    if rows:
        async with runtime.engine.begin() as conn:
            await conn.execute(insert(REPORT_TABLE), rows)


async def idle_cpu(runtime: ServiceRuntime) -> dict[str, Any]:
    """The CPU the service spends a second when nothing happens, where it goes, and without
    its Kafka consumer, which is then stopped for the rest of the profile (nothing reaches
    it here): its polls are a cost per second, not per report, and would land in whichever
    part of a report was waiting."""

    async def per_s(profiler: cProfile.Profile | None = None) -> float:
        cpu0 = time.process_time()
        if profiler is not None:
            await from_the_loop(profiler.enable)
        await asyncio.sleep(IDLE_S)
        if profiler is not None:
            await from_the_loop(profiler.disable)
        return (time.process_time() - cpu0) / IDLE_S

    plain = await per_s()
    profiler = cProfile.Profile(time.thread_time)
    await per_s(profiler)
    if runtime.subscription is not None:
        await runtime.subscription.stop()
        runtime.subscription = None
    return {
        "cpu_us_per_s": round(plain * 1e6),
        "by_bucket": own_time_by_bucket(pstats.Stats(profiler), 1.0)[:3],
        "without_consumer_cpu_us_per_s": round(await per_s() * 1e6),
    }


async def profile_endpoint(
    pg: PostgresServer, broker: KafkaBroker, load: Workload, n_concurrent: int, depth: int
) -> dict[str, Any]:
    """The service in this process on a fresh database: the same plan, mines and keys, each
    licence's history ``depth`` reports deep, then the next reports."""
    database = pg.create_database("lode_bench_reports_profile")
    settings = monitoring_settings(pg.url(database), broker.bootstrap, Path(tempfile.mkdtemp()))
    runtime, app = build(settings)
    timer = PartTimer()
    n_mines = len(load.mines)
    with logs_discarded(settings):
        async with LifespanManager(app, startup_timeout=120, shutdown_timeout=60):
            async with runtime.sessions() as session:  # the handlers the bus would run
                await replicas.on_plan_published(session, plan_event().envelope(PLAN), None)
                for m in load.mines:
                    envelope = licence_event(m).envelope(m.licence_no)
                    await replicas.on_licence_event(session, envelope, None)
                await session.commit()
            await prefill(runtime, load, depth)
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://lode.test"
            ) as admin:
                keys = await issue_keys(admin, load.mines)
            idle = await idle_cpu(runtime)
            timed_app = TimedApp(app, timer)
            clients = mine_clients("http://lode.test", keys, app=timed_app)
            try:
                # one report at a time, the mines in turn: the wall time of each part
                sequence = [
                    (j % n_mines, depth + j // n_mines)
                    for j in range(PROFILE_WARMUP + PROFILE_SEQUENTIAL)
                ]
                depths: list[int] = []
                with parts_timed(timer, runtime):
                    for j, (i, k) in enumerate(sequence):
                        if j == PROFILE_WARMUP:
                            timer.reset()
                            depths = []
                        run = await drive("profile", [clients[i]], REPORTS, [[load.bodies[i][k]]])
                        if run.findings:
                            raise AssertionError("a report opened findings")
                        depths.append(k)
                        await quiet_relay(runtime)
                rows = part_rows(timer)
                # the mines at once: the CPU of this process, then the same under cProfile
                used = Counter(i for i, _ in sequence)
                counts = split(n_concurrent, n_mines)
                plain_from = [depth + used[i] for i in range(n_mines)]
                profiled_from = [s + c for s, c in zip(plain_from, counts, strict=True)]
                cpu0 = time.process_time()
                plain = await drive("profile", clients, REPORTS, load.phase(counts, plain_from))
                cpu_plain = (time.process_time() - cpu0) / plain.n
                profiler = cProfile.Profile(time.thread_time)  # CPU, not waiting
                cpu0 = time.process_time()
                await from_the_loop(profiler.enable)
                profiled = await drive(
                    "profile", clients, REPORTS, load.phase(counts, profiled_from)
                )
                await from_the_loop(profiler.disable)
                cpu_profiled = (time.process_time() - cpu0) / profiled.n
            finally:
                for c in clients:
                    await c.aclose()
    stats = pstats.Stats(profiler)
    profiled_depth = sum(s + c / 2 for s, c in zip(profiled_from, counts, strict=True)) / n_mines
    return {
        "sequential_reports": PROFILE_SEQUENTIAL,
        "idle": idle,
        "sequential_mean_history_depth": round(sum(depths) / len(depths), 1),
        "parts_one_at_a_time": rows,
        "concurrent_reports": plain.n,
        "concurrent_rate_in_process_per_s": round(plain.rate),
        "cpu_us_per_report_in_process": round(cpu_plain * 1e6),
        "cpu_us_per_report_under_cprofile": round(cpu_profiled * 1e6),
        "concurrent_mean_history_depth": round(profiled_depth, 1),
        "cprofile_own_time_by_bucket": own_time_by_bucket(stats, profiled.n),
        "top_functions_own_time": top_functions(stats, profiled.n, 25),
    }


# --- the run -----------------------------------------------------------------------------
def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def run_row(label: str, run: Run, base: Run) -> tuple[str, ...]:
    s = summary_ms(run.latencies)
    return (
        label,
        f"{run.n:,}",
        f"{run.rate:,.0f}",
        f"{s['p50_ms']:.2f}",
        f"{s['p99_ms']:.2f}",
        f"{run.rate / base.rate:.3f}",
        f"{run.cpu['server_us']:,.0f}",
        f"{run.cpu['postgres_us']:,.0f}",
        f"{run.cpu['client_us']:,.0f}",
        f"{run.cpu['broker_us']:,.0f}",
        f"{run.cpu['others_us']:,.0f}",
        f"{run.cpu['machine_busy_pct']:.0f}",
    )


def run_figures(run: Run, base: Run | None) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "reports": run.n,
        "seconds": round(run.seconds, 3),
        "reports_per_s": round(run.rate),
        "latency": summary_ms(run.latencies),
        "cpu_per_report": run.cpu,
        "reports_per_s_by_quarter_of_the_run": run.quarter_rates(),
    }
    if base is not None:
        figures["rate_ratio_over_a"] = round(run.rate / base.rate, 3)
    return figures


@dataclass
class Runs:
    http_only: Run
    bare: Run
    real: Run
    depth: tuple[float, float]  # (b)'s licences' earlier reports: at the start, at the end
    drain_s: float


async def run_servers(args: argparse.Namespace, load: Workload, warm: list[int]) -> Runs:
    """(0) and (a) on the bare server, then (b) on the monitoring service, each alone."""
    n_mines = len(load.mines)
    warm_bodies = load.phase(warm, [0] * n_mines)
    timed_bodies = load.phase(split(args.reports, n_mines), warm)
    pg = find_or_start_postgres()
    broker = start_kafka()
    database = pg.create_database("lode_bench_reports")
    dsn = f"postgresql://{pg.user}@{pg.host}:{pg.port}/{database}"
    servers: list[Server] = []
    try:
        conn = await asyncpg.connect(dsn)
        await conn.execute(BARE_DDL)
        await conn.close()

        bare = Server.start("bare", dsn)
        servers.append(bare)
        await bare.ready("/bare/health")
        dummy = [f"lode_{i:08d}_{'x' * 43}" for i in range(n_mines)]  # not looked at
        clients = mine_clients(bare.base_url, dummy, httpcore=args.httpcore)
        try:
            await drive("(0) warm-up", clients, "/bare/noop", warm_bodies)
            http_only = await timed(
                "(0)", bare, broker, clients, "/bare/noop", timed_bodies, args.seconds
            )
            warm_a = await drive("(a) warm-up", clients, "/bare/reports", warm_bodies)
            base = await timed(
                "(a)", bare, broker, clients, "/bare/reports", timed_bodies, args.seconds
            )
        finally:
            for c in clients:
                await c.aclose()
        bare.stop()
        check_stored("(a)", warm_a.ids + base.ids, await stored_ids(dsn, "bench_report"))
        print(f"  (a): {len(warm_a.ids) + len(base.ids)} rows in bench_report, as accepted")

        service = Server.start("monitoring", pg.url(database), broker.bootstrap)
        servers.append(service)
        await service.ready("/monitoring/health")
        seed_s = await seed_through_the_bus(broker.bootstrap, load.mines, dsn)
        async with httpx.AsyncClient(base_url=service.base_url, timeout=30) as admin:
            keys = await issue_keys(admin, load.mines)
            print(
                f"  (b): the plan and {n_mines} licences came through the bus in {seed_s:.1f} s;"
                f" {n_mines} keys issued"
            )
            clients = mine_clients(service.base_url, keys, httpcore=args.httpcore)
            try:
                warm_b = await drive("(b) warm-up", clients, REPORTS, warm_bodies)
                await wait_published(admin)
                real = await timed(
                    "(b)", service, broker, clients, REPORTS, timed_bodies, args.seconds
                )
            finally:
                for c in clients:
                    await c.aclose()
            drain_s = await wait_published(admin)
        service.stop()
        accepted = warm_b.ids + real.ids
        check_stored("(b)", accepted, await stored_ids(dsn, "report"))
        await check_outbox(dsn, len(accepted))
        await check_same_shape(dsn)
        print(
            f"  (b): {len(accepted)} rows in report, as accepted, as many output.reported events "
            f"published (the relay's backlog after the last answer: {drain_s:.2f} s), no "
            "findings; bench_report has report's columns"
        )
    finally:
        for server in servers:
            with contextlib.suppress(Exception):
                server.stop()
        broker.stop()
        pg.stop()
    mean_warm = sum(warm) / n_mines
    return Runs(http_only, base, real, (mean_warm, mean_warm + real.n / n_mines), drain_s)


async def run_profile(args: argparse.Namespace, load: Workload, depth: int) -> dict[str, Any]:
    pg = find_or_start_postgres()
    broker = start_kafka()
    try:
        return await profile_endpoint(pg, broker, load, args.profile_reports, depth)
    finally:
        broker.stop()
        pg.stop()


def print_runs(args: argparse.Namespace, runs: Runs) -> float:
    base, real = runs.bare, runs.real
    print_table(
        f"bench/reports — {args.mines} mines at once, up to {args.reports:,} reports or "
        f"{args.seconds:g} s per run, PostgreSQL, one uvicorn worker; CPU µs per report by "
        f"process, and how busy the machine's {os.cpu_count()} CPUs were",
        [
            (
                "",
                "reports",
                "reports/s",
                "p50 ms",
                "p99 ms",
                "rate / (a)",
                "server",
                "postgres",
                "client",
                "broker",
                "others",
                "busy %",
            ),
            run_row("(0) HTTP only: no-op endpoint", runs.http_only, base),
            run_row("(a) bare FastAPI + asyncpg INSERT", base, base),
            run_row("(b) POST /monitoring/v1/reports", real, base),
        ],
    )
    quarters = ", ".join(f"{r:,.0f}" for r in real.quarter_rates())
    print(
        f"  (b) by quarter of the run: {quarters} reports/s, while each licence's history grew "
        f"from {runs.depth[0]:.0f} to about {runs.depth[1]:.0f} earlier reports"
    )
    ratio = real.rate / base.rate
    print(
        f"\ntarget: (b) at least {TARGET_RATIO:g}× the bare endpoint's rate: "
        f"{ratio:.3f}× — {verdict(ratio >= TARGET_RATIO)} "
        f"(it needs {TARGET_RATIO * base.rate:,.0f} reports/s here; the issue measured about "
        f"{ISSUE_BARE_PER_S:,}/s bare, {ISSUE_ORM_PER_S:,}/s with an ORM session per row)"
    )
    return ratio


async def main(args: argparse.Namespace) -> dict[str, Any]:
    n_mines = args.mines
    warm = split(args.warmup, n_mines)
    per_run = [w + c for w, c in zip(warm, split(args.reports, n_mines), strict=True)]
    per_profile = (
        max(per_run)
        + math.ceil((PROFILE_WARMUP + PROFILE_SEQUENTIAL) / n_mines)
        + 2 * math.ceil(args.profile_reports / n_mines)
        + 1
    )
    load = workload(n_mines, max(*per_run, per_profile), args.seed)
    print(
        f"{n_mines} mines, one licence each (valid from {load.mines[0].valid_from}), "
        f"{args.warmup} reports to warm up, then up to {args.reports} or {args.seconds:g} s"
    )
    runs = await run_servers(args, load, warm)
    profile: dict[str, Any] | None = None
    if not args.no_profile:
        print("profiling the endpoint in-process …")
        sequential = (PROFILE_WARMUP + PROFILE_SEQUENTIAL) / n_mines
        depth = max(0, round(sum(runs.depth) / 2 - sequential / 2))
        profile = await run_profile(args, load, depth)
    ratio = print_runs(args, runs)
    figures: dict[str, Any] = {
        "mines": n_mines,
        "max_reports_per_run": args.reports,
        "max_seconds_per_run": args.seconds,
        "warmup_per_run": args.warmup,
        "seed": args.seed,
        "cpus": os.cpu_count(),
        "client": "httpx.AsyncClient, " + ("httpcore" if args.httpcore else "httptools transport"),
        "b_bus": "kafka (Tansu), built by build(settings)",
        "b_history_depth": [round(d, 1) for d in runs.depth],
        "http_only_0": run_figures(runs.http_only, runs.bare),
        "bare_a": run_figures(runs.bare, None),
        "monitoring_b": run_figures(runs.real, runs.bare),
        "rate_ratio_b_over_a": round(ratio, 3),
        "target_ratio": TARGET_RATIO,
        "target_met": ratio >= TARGET_RATIO,
        "relay_backlog_after_last_answer_s": round(runs.drain_s, 3),
    }
    if profile is not None:
        print_profile(profile, runs.real.cpu["server_us"])
        figures["profile"] = profile
    print(f"\nsaved {save('reports', figures)}")
    return figures


def print_profile(profile: dict[str, Any], server_us: float) -> None:
    rows = profile["parts_one_at_a_time"]
    wall = sum(r["wall_us"] for r in rows)
    cpu = sum(r["cpu_us"] for r in rows)
    sql = [r for r in rows if r["part"].startswith("SQL ")]
    print_table(
        "where one report's time goes: one at a time, in-process (ASGITransport), µs per "
        "report, each part without the parts under it; the licences' history "
        f"{profile['sequential_mean_history_depth']} reports deep on average",
        [
            ("part", "wall µs", "CPU µs", "waiting", "calls"),
            *(
                (
                    "  " * r["depth"] + r["part"],
                    f"{r['wall_us']:,.0f}",
                    f"{r['cpu_us']:,.0f}",
                    f"{r['wall_us'] - r['cpu_us']:,.0f}",
                    f"{r['calls_per_report']:g}",
                )
                for r in rows
            ),
            ("total", f"{wall:,.0f}", f"{cpu:,.0f}", f"{wall - cpu:,.0f}", ""),
        ],
    )
    print(
        f"  {sum(r['calls_per_report'] for r in sql):g} SQL statements per report: "
        f"{sum(r['wall_us'] for r in sql):,.0f} µs wall, "
        f"{sum(r['cpu_us'] for r in sql):,.0f} µs CPU (the driver, SQLAlchemy's execution). "
        "A session's BEGIN goes with its first statement, its COMMIT or ROLLBACK and the "
        "pool's check-out and check-in in the part that holds the session."
    )
    print(
        f"  One at a time the parts add up to {cpu:,.0f} µs of CPU; the server spent "
        f"{server_us:,.0f} µs per report in (b), the mines at once (its event loop never idle, "
        "the relay batching): read the parts as shares of that."
    )
    idle = profile["idle"]
    where = ", ".join(f"{b['bucket']} {b['share_pct']:.0f} %" for b in idle["by_bucket"])
    print(
        f"  Left alone, the service spends {idle['cpu_us_per_s']:,} µs of CPU a second ({where})"
        f"; {idle['without_consumer_cpu_us_per_s']:,} µs without its Kafka consumer, stopped "
        "for this profile (nothing reaches it here)."
    )
    print_table(
        f"CPU per report with the mines at once ({profile['concurrent_reports']} reports, "
        f"{profile['concurrent_rate_in_process_per_s']:,}/s in-process, history "
        f"{profile['concurrent_mean_history_depth']} deep; this process spent "
        f"{profile['cpu_us_per_report_in_process']:,} µs a report, under cProfile "
        f"{profile['cpu_us_per_report_under_cprofile']:,}): cProfile's own time by package",
        [
            ("where", "cProfile µs", "%"),
            *(
                (r["bucket"], f"{r['cprofile_us_per_report']:,}", f"{r['share_pct']}")
                for r in profile["cprofile_own_time_by_bucket"]
            ),
        ],
    )
    print_table(
        "the functions with the most own time (cProfile, µs per report)",
        [
            ("function", "own µs"),
            *(
                (r["function"], f"{r['own_us_per_report']:,}")
                for r in profile["top_functions_own_time"][:15]
            ),
        ],
    )


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--mines", type=int, default=50, help="concurrent mines (keys, licences)")
    parser.add_argument("--reports", type=int, default=4000, help="timed reports per run")
    parser.add_argument("--warmup", type=int, default=500, help="reports before the timing")
    parser.add_argument(
        "--seconds", type=float, default=20.0, help="no report is sent after this in a run"
    )
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument(
        "--profile-reports",
        type=int,
        default=500,
        help="reports sent at once in the profile (twice: plain and under cProfile)",
    )
    parser.add_argument("--no-profile", action="store_true", help="skip the in-process profile")
    parser.add_argument(
        "--httpcore",
        action="store_true",
        help="the clients on httpx's default transport (httpcore + h11) instead of httptools",
    )
    parser.add_argument("--serve", choices=["bare", "monitoring"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--bootstrap", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.database_url, args.bootstrap)
        return
    structlog.contextvars.clear_contextvars()
    try:
        import uvloop
    except ImportError:
        asyncio.run(main(args))
    else:
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.run(main(args))


if __name__ == "__main__":
    cli()
