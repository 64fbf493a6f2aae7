"""The figures of a run: the table, the target's verdict, the profile's tables, and what
is saved to bench/results/reports.json."""

from __future__ import annotations

import argparse
import os
from typing import Any

from bench.common import print_table, summary_ms
from bench.reports.drive import Run
from bench.reports.runs import Runs

TARGET_RATIO = 0.5
ISSUE_BARE_PER_S = 5400  # the issue's figures: the bare endpoint, one worker
ISSUE_ORM_PER_S = 1700  # an ORM session per row


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
        f"{sum(r['cpu_us'] for r in sql):,.0f} µs CPU (asyncpg, the event loop). The "
        "check-out and check-in of the intake's connection are in the intake's part; the "
        "context is read once a licence (then remembered while the write finds it current)."
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
