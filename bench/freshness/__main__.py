"""Freshness of the reporting indicators: from a mine's report accepted (the 201 of
``POST /monitoring/v1/reports``) until reporting reflects it, on both runtimes, against
the bus's own delivery latency measured in the same run.

    python -m bench.freshness [--runtimes embedded,distributed,processes] [--mines 80]
                              [--warmup 20] [--gap-ms 40] [--profile-rounds 30] [--seed 2021]

The runtimes (see :mod:`bench.freshness.systems`): ``embedded`` (SQLite + the in-process
bus) and ``distributed`` (PostgreSQL + Kafka), each with monitoring and reporting in the
bench's own process as ``services_under_test`` builds them; ``processes``, the distributed
topology as real uvicorn processes over loopback HTTP (monitoring twice).

The plan (when no zoning runs) and ``--mines`` licences (each an underground iron mine of
30 万吨/年, as in bench/reports) are published on the bus as zoning and licensing do; the
admin issues each mine's enterprise an API key. Then, one at a time with ``--gap-ms`` of
quiet before each, every mine files its annual reports 2021–2025 (a new report each time,
every one valid and without findings), alternating how freshness is read:

(a) poll: ``GET /reporting/v1/indicators/iron_concentrate_output/sources?year=`` back to
    back (no sleep: the granularity is one request's duration, reported) until its items
    hold the report's ``output.reported`` event and ``actual`` is the expected sum; the
    latency runs to the end of that response;
(b) stream: one SSE connection to ``GET /reporting/v1/stream`` for the whole run; the
    latency runs to the arrival of the frame carrying the report's event.

Baseline, interleaved (one after each report, after the same gap): the bus's own delivery
latency through the runtime's transport, ``publish()`` → the consumer's batch handler, on a
probe topic and consumer group of the bench's own. The first ``--warmup`` reports and
probes are not counted. Where the time goes: see :mod:`bench.freshness.timeline` (stages)
and :mod:`bench.freshness.profile` (the polled request, part by part).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from bench.common import save
from bench.freshness.figures import Run, figures, show
from bench.freshness.profile import INDICATOR, PLAN, profile_sources, sources_url
from bench.freshness.systems import System, in_process, processes
from bench.freshness.timeline import (
    TIMEOUT_S,
    BusProbe,
    Timeline,
    instrument,
    observe,
    until,
)
from bench.reports.workload import Mine, licence_event, plan_event, report_body
from lode_common.credit_code import with_check_character
from lode_common.logging import configure_logging
from lode_common.messaging.transport import Message
from lode_common.plan.data import bundled_documents
from lode_common.plan.output import ReportedProduct, output_indicators
from lode_common.testing.services import (
    KafkaBroker,
    PostgresServer,
    find_or_start_postgres,
    start_kafka,
)

YEARS = (2021, 2022, 2023, 2024, 2025)
RUNTIMES = ("embedded", "distributed", "processes")


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


def concentrate(body: dict[str, Any]) -> float:
    """What the report adds to ``iron_concentrate_output``, as the plan counts it
    (`lode_common.plan.output`: 铁精粉 of grade ≥ 62 %)."""
    (iron,) = (o for o in output_indicators(bundled_documents()) if o.id == INDICATOR)
    products = [
        ReportedProduct(
            p["name"],
            Decimal(str(p["grade_pct"])) if p.get("grade_pct") is not None else None,
            Decimal(str(p["output_10kt"])),
        )
        for p in body["products"]
    ]
    return float(iron.amount(Decimal(str(body["ore_mined_10kt"])), products))


async def seed(system: System, fleet: Sequence[Mine]) -> list[str]:
    """The plan and the licences through the bus; one API key per mine. Returns the keys."""
    if system.publishes_plan:
        await system.bus.publish(
            [Message("lode.zoning", PLAN, plan_event().envelope(PLAN).to_json())]
        )
    await system.bus.publish(
        [
            Message(
                "lode.licensing", m.licence_no, licence_event(m).envelope(m.licence_no).to_json()
            )
            for m in fleet
        ]
    )
    monitoring = system.monitoring[0]

    async def monitoring_knows_them() -> bool:
        r = await monitoring.get("/monitoring/v1/mines?limit=1", headers=system.admin)
        return r.status_code == 200 and r.json()["total"] == len(fleet)

    async def reporting_knows_them() -> bool:
        r = await system.reporting.get("/reporting/v1/indicators?year=2025", headers=system.viewer)
        if r.status_code != 200:
            return False
        actual = {i["id"]: i["actual"] for i in r.json()["items"]}["total_mines_cap"]
        return actual is not None and float(actual) == len(fleet)

    await until(monitoring_knows_them, "monitoring to know the mines", 120)
    await until(reporting_knows_them, "reporting to know the plan and the mines", 120)
    keys = []
    for m in fleet:
        r = await monitoring.post(
            f"/monitoring/v1/enterprises/{m.credit_code}/api-keys",
            headers=system.admin,
            json={"label": "bench-freshness"},
        )
        if r.status_code != 201:
            raise AssertionError(f"issuing a key: {r.status_code} {r.text[:300]}")
        keys.append(r.json()["key"])
    return keys


def reflects(answer: httpx.Response, event_id: str, expected: float) -> bool:
    """Whether a sources answer holds the event (and then, that the figure is right)."""
    if answer.status_code != 200:
        raise AssertionError(f"sources: {answer.status_code} {answer.text[:300]}")
    body = answer.json()
    if not event_id or event_id not in {item["event_id"] for item in body["items"]}:
        return False
    actual = float(body["actual"])
    if abs(actual - expected) > 1e-3:
        raise AssertionError(f"the figure is {actual}, expected {expected}")
    return True


@asynccontextmanager
async def streaming(system: System, timeline: Timeline) -> AsyncIterator[None]:
    opened, closing = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(system.open_stream(timeline.frame, opened, closing))
    await asyncio.wait_for(opened.wait(), TIMEOUT_S)
    try:
        yield
    finally:
        closing.set()
        with suppress(TimeoutError):
            await asyncio.wait_for(task, 5)


async def measure(
    system: System, fleet: Sequence[Mine], *, warmup: int, gap_s: float, seed_value: int
) -> Run:
    run = Run(system.runtime)
    started = time.perf_counter()
    keys = await seed(system, fleet)
    run.seed_s = time.perf_counter() - started
    timeline = Timeline()
    if system.reporting_runtime is not None:
        instrument(timeline, system.bus, system.reporting_runtime)
    else:
        await observe(timeline, system.bus)
    probe = BusProbe(system.bus)
    await probe.start()
    rng = random.Random(seed_value)
    expected = dict.fromkeys(YEARS, 0.0)
    work = [(m, k, year) for year in YEARS for m, k in zip(fleet, keys, strict=True)]
    async with streaming(system, timeline):
        for i, (mine, key, year) in enumerate(work):
            body = report_body(mine, year, "annual", rng)
            expected[year] += concentrate(body)
            polling = i % 2 == 0
            instance = (i // 2) % len(system.monitoring)  # each way of reading sees each
            await asyncio.sleep(gap_s)
            posted = time.perf_counter()
            r = await system.monitoring[instance].post(
                "/monitoring/v1/reports", headers={"Authorization": f"Bearer {key}"}, json=body
            )
            accepted = time.perf_counter()
            if r.status_code != 201 or r.json()["findings"]:
                raise AssertionError(f"report {i}: {r.status_code} {r.text[:300]}")
            stamps = timeline.of(r.json()["id"])
            stamps.posted, stamps.accepted, stamps.instance = posted, accepted, instance
            async with asyncio.timeout(TIMEOUT_S):
                if polling:
                    while stamps.reflected is None:
                        asked = time.perf_counter()
                        answer = await system.reporting.get(
                            sources_url(year), headers=system.viewer
                        )
                        answered = time.perf_counter()
                        stamps.poll_requests.append(answered - asked)
                        if reflects(answer, stamps.event_id, expected[year]):
                            stamps.reflected, stamps.reflecting_asked = answered, asked
                else:
                    while stamps.streamed is None:
                        timeline.streamed.clear()
                        await timeline.streamed.wait()
                    answer = await system.reporting.get(sources_url(year), headers=system.viewer)
                    if not reflects(answer, stamps.event_id, expected[year]):
                        raise AssertionError(f"report {i} streamed but is not in the figure")
            await asyncio.sleep(gap_s)
            latency = await probe.send()
            if i >= warmup:
                (run.poll if polling else run.stream).append(stamps)
                run.bus.append(latency)
    return run


@asynccontextmanager
async def start(runtime: str, tmp: Path, servers: dict[str, Any]) -> AsyncIterator[System]:
    if runtime == "processes":
        async with processes(tmp) as system:
            yield system
        return
    postgres: PostgresServer | None = None
    kafka: KafkaBroker | None = None
    if runtime == "distributed":
        if "postgres" not in servers:
            servers["postgres"], servers["kafka"] = find_or_start_postgres(), start_kafka()
        postgres, kafka = servers["postgres"], servers["kafka"]
    async with in_process(runtime, tmp, postgres, kafka) as system:
        yield system


async def main(args: argparse.Namespace) -> dict[str, Any]:
    configure_logging("WARNING", json=False)
    fleet = mines(args.mines)
    results: dict[str, Any] = {}
    servers: dict[str, Any] = {}
    try:
        for runtime in args.runtimes:
            load = os.getloadavg()[0]
            with tempfile.TemporaryDirectory(prefix="bench-freshness-") as tmp:
                async with start(runtime, Path(tmp), servers) as system:
                    run = await measure(
                        system,
                        fleet,
                        warmup=args.warmup,
                        gap_s=args.gap_ms / 1000,
                        seed_value=args.seed,
                    )
                    f = {"runtime": system.description, **figures(run)}
                    f["settings"] = system.settings
                    f["polled_request_profile"] = await profile_sources(
                        system, YEARS[-1], args.profile_rounds
                    )
                    f["load_average_1min_before_after"] = [
                        round(load, 2),
                        round(os.getloadavg()[0], 2),
                    ]
            show(runtime, system.description, f)
            results[runtime] = f
    finally:
        for server in servers.values():
            server.stop()
    out = {
        "mines": args.mines,
        "reports_per_runtime": args.mines * len(YEARS),
        "warmup_reports": args.warmup,
        "gap_ms": args.gap_ms,
        "runtimes": results,
    }
    print(f"\nsaved {save('freshness', out)}")
    return out


def runtimes(value: str) -> list[str]:
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    unknown = sorted(set(chosen) - set(RUNTIMES))
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"runtimes are {', '.join(RUNTIMES)}; got {value!r}")
    return chosen


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--runtimes", type=runtimes, default=list(RUNTIMES))
    parser.add_argument("--mines", type=int, default=80, help="each files 5 annual reports")
    parser.add_argument("--warmup", type=int, default=20, help="reports not counted")
    parser.add_argument("--gap-ms", type=float, default=40, help="quiet before each send")
    parser.add_argument("--profile-rounds", type=int, default=30, help="requests profiled")
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()
    if args.mines < 1 or args.warmup < 0 or args.mines * len(YEARS) - args.warmup < 2:
        parser.error("--mines must leave at least two reports after --warmup (5 per mine)")
    if args.profile_rounds < 1:
        parser.error("--profile-rounds must be at least 1")
    asyncio.run(main(args))


if __name__ == "__main__":
    cli()
