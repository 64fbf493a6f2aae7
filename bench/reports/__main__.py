"""Throughput of mines' output reports (``POST /monitoring/v1/reports`` with a mine's API
key) on PostgreSQL, against a bare FastAPI endpoint inserting the same row with raw asyncpg,
measured in the same run.

    python -m bench.reports [--mines 50] [--reports 4000] [--seconds 20] [--warmup 500]
                            [--profile-reports 500] [--no-profile] [--httpcore] [--seed 2021]

Starts (or finds) PostgreSQL and a Tansu broker like the test harness does. Each server
runs alone, one uvicorn worker (uvloop, httptools) in a subprocess on a free loopback port,
driven over real HTTP by ``--mines`` concurrent mines, one ``httpx.AsyncClient`` each (on a
lean httptools transport, see :class:`bench.reports.drive.LeanTransport`; ``--httpcore`` for
httpx's own), in a closed loop: a mine sends its next report when the answer to the last one
came. Each run sends ``--warmup`` reports untimed, then up to ``--reports`` reports, none after
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

The modules: :mod:`~bench.reports.workload` (the mines and their report bodies),
:mod:`~bench.reports.servers` (the server processes), :mod:`~bench.reports.drive` (the mines
sending), :mod:`~bench.reports.cpu` (CPU by process), :mod:`~bench.reports.checks` (seeding
and the checks), :mod:`~bench.reports.runs` (the timed runs), :mod:`~bench.reports.parts` and
:mod:`~bench.reports.profile` (the in-process profile), :mod:`~bench.reports.figures` (the
tables and the saved figures).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
from typing import Any

import structlog

from bench.common import save
from bench.reports.figures import TARGET_RATIO, print_profile, print_runs, run_figures
from bench.reports.profile import PROFILE_SEQUENTIAL, PROFILE_WARMUP
from bench.reports.runs import run_profile, run_servers
from bench.reports.servers import serve
from bench.reports.workload import split, workload


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
