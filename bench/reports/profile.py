"""The in-process profile of the endpoint: reports one at a time timed part by part, then
the mines at once, plain and under cProfile (own time by package and by function)."""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import json
import logging
import os
import pstats
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy import insert
from sqlmodel import SQLModel

from bench.reports.checks import issue_keys
from bench.reports.drive import drive, mine_clients
from bench.reports.parts import PartTimer, TimedApp, part_rows, parts_timed
from bench.reports.servers import monitoring_settings
from bench.reports.workload import PLAN, REPORTS, Workload, licence_event, plan_event, split
from lode_common.logging import configure_logging
from lode_common.plan import replica as plan_replica
from lode_common.runtime import ServiceRuntime
from lode_common.testing.services import KafkaBroker, PostgresServer
from lode_monitoring.adapters.tables import Report
from lode_monitoring.bootstrap import build
from lode_monitoring.handlers import replicas
from lode_monitoring.settings import MonitoringSettings

PROFILE_SEQUENTIAL = 250  # reports one at a time (after PROFILE_WARMUP), timed part by part
PROFILE_WARMUP = 50
IDLE_S = 1.0  # the service left alone in the profile: its background tasks' CPU
REPORT_TABLE = SQLModel.metadata.tables[Report.__tablename__]


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
    logged), written to the null device instead of the terminal: structlog's lines go to
    ``sys.stderr`` as it is when they are written, the standard library's to its handler's
    stream."""
    configure_logging(settings.log_level, json=settings.log_json)
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    streams = [h.stream for h in handlers]
    with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):
        for handler in handlers:
            handler.setStream(devnull)
        try:
            yield
        finally:
            for handler, stream in zip(handlers, streams, strict=True):
                handler.setStream(stream)


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
                plan = plan_event()
                await plan_replica.on_plan_published(session, plan.envelope(PLAN), plan)
                for m in load.mines:
                    licence = licence_event(m)
                    envelope = licence.envelope(m.licence_no)
                    await replicas.on_licence_event(session, envelope, licence)
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
