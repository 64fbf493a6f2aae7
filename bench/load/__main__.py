"""Load: mines reporting a simulated year at once while officers query, on the distributed
topology and on the embedded mode, measured in the same run; the ratios distributed/embedded.

    python -m bench.load [--mines 200] [--officer-rate 6] [--setup-concurrency 8]
                         [--monitoring-instances 2] [--visible-timeout 120]
                         [--only distributed|embedded] [--keep-logs]

For each deployment (:mod:`.targets`), one after the other, on fresh databases:

1. **licensing** (not timed as load): each mine gets a mining block from the planner, an
   application checked against the plan (every check passed but ``competitive_grant``, whose
   协议出让 basis the officer confirms in a review), the officer's decision with the upstream
   licence number, valid from 2021; once monitoring's replica has every
   licence, the admin issues each enterprise an API key.
2. **the simulated year** (:mod:`.workload`): every mine at once sends its annual report of
   2024 and its four quarterly reports of 2025, in order, each answer awaited (a closed loop
   per mine, on a connection of its own parsed by httptools as in bench/reports; mines
   alternate between the monitoring instances); one mine in ten opens a three-rate finding.
   Meanwhile officers query at a steady rate (an open loop: licences list, findings list,
   the year's indicators in turn), and every process's ``/metrics`` is read every second
   for the consumer lag and the outbox backlog; the CPU each process spends is read from
   /proc, and after the distributed run the rows and bytes of every table.
3. **nothing lost**: until every accepted report is a source of reporting's iron-concentrate
   figure of its year (``/reporting/v1/indicators/iron_concentrate_output/sources``) and
   every open finding is in ``/reporting/v1/compliance``; then monitoring's list of reports
   of each year is compared id by id with the accepted reports.

Throughput is accepted reports per second from the first report sent to the last accepted.
Latencies are of answered requests (p50/p99); errors are answers by status other than 2xx
(and connections cut, by exception). The client runs on the same 2 cores as the servers it
drives: the CPU seconds each process spent during the year are read from /proc (PostgreSQL's
processes summed, the machine's own server among them) to show where the cores went.
Results: ``bench/results/load.json``; exit status 1 when a report was lost or unanswered.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.common import print_table, save, summary_ms

from . import targets
from .drive import Year, license_mines, nothing_lost, progress, simulated_year, watch
from .storage import table_sizes
from .targets import Target
from .workload import LOW_RECOVERY_EVERY, PERIODS, YEAR, mines

ROOT = Path(__file__).resolve().parents[2]


async def measure(target: Target, args: argparse.Namespace) -> dict[str, Any]:
    fleet = mines(args.mines)
    limits = httpx.Limits(
        max_connections=args.mines + 50, max_keepalive_connections=args.mines + 50
    )
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        began = time.monotonic()
        progress(f"{target.name}: licensing {len(fleet)} mines")
        keys = await license_mines(http, target, fleet, args.setup_concurrency)
        setup_s = time.monotonic() - began
        progress(f"{target.name}: licensed in {setup_s:.1f} s; the simulated year")
        run = Year()
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch(http, target, run, stop))
        await simulated_year(http, target, fleet, keys, args.officer_rate, run)
        year_s = run.last_accepted - run.started
        progress(
            f"{target.name}: {len(run.accepted)} reports accepted in {year_s:.1f} s; "
            "waiting for reporting"
        )
        seen = await nothing_lost(http, target, run, args.visible_timeout)
        stop.set()
        await watcher
    result = figures(target, fleet_size=len(fleet), setup_s=setup_s, run=run, seen=seen)
    if target.databases:
        result["postgres_tables"] = await table_sizes(target.databases)
    return result


def figures(
    target: Target, *, fleet_size: int, setup_s: float, run: Year, seen: Any
) -> dict[str, Any]:
    years = sorted({y for _p, y in PERIODS})
    accepted = {y: {rid for (_n, _p, yr), rid in run.accepted.items() if yr == y} for y in years}
    lost_monitoring = sum(len(accepted[y] - seen.monitoring[y]) for y in years)
    lost_reporting = sum(len(accepted[y] - seen.reporting[y]) for y in years)
    unknown = sum(len((seen.monitoring[y] | seen.reporting[y]) - accepted[y]) for y in years)
    year_s = run.last_accepted - run.started
    errors: Counter[str] = Counter(
        {k: v for k, v in run.reports.answers.items() if not k.startswith("2")}
    )
    for timings in run.queries.values():
        errors.update({k: v for k, v in timings.answers.items() if not k.startswith("2")})
    all_queries = [s for t in run.queries.values() for s in t.latencies_s]
    return {
        "deployment": target.name,
        "mines": fleet_size,
        "reports_expected": fleet_size * len(PERIODS),
        "reports_accepted": len(run.accepted),
        "licensing_setup_s": round(setup_s, 2),
        "year_s": round(year_s, 2),
        "throughput_reports_per_s": round(len(run.accepted) / year_s, 1) if year_s else None,
        "report_latency": summary_ms(run.reports.latencies_s),
        "report_answers": dict(run.reports.answers),
        "query_latency": summary_ms(all_queries),
        "queries": {
            name: {**summary_ms(t.latencies_s), "answers": dict(t.answers)}
            for name, t in sorted(run.queries.items())
        },
        "errors_by_status": dict(errors),
        "unanswered": run.unanswered[:20],
        "consumer_lag_max": {k: int(v) for k, v in sorted(run.lag_max.items())},
        "consumer_lag_max_any": int(max(run.lag_max.values(), default=0)),
        "outbox_backlog_max": {k: int(v) for k, v in sorted(run.backlog_max.items())},
        "metrics_samples": run.samples,
        "cpu_s_during_year": run.cpu_s,
        "visible_in_reporting_after_s": (
            round(seen.visible_after_s, 2) if seen.visible_after_s is not None else None
        ),
        "lost_in_monitoring": lost_monitoring,
        "lost_in_reporting": lost_reporting,
        "not_accepted_but_stored": unknown,
        "findings": {
            "answered": run.findings_answered,
            "expected": len(range(0, fleet_size, LOW_RECOVERY_EVERY)),
            "open_in_monitoring": seen.findings_monitoring,
            "open_in_reporting": seen.findings_reporting,
        },
    }


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.2f}"


def print_results(results: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    names = list(results)
    both = len(names) == 2 and names == ["distributed", "embedded"]

    def row(
        label: str, get: Callable[[dict[str, Any]], Any], fmt: str = "{}", *, compare: bool = True
    ) -> tuple[str, ...]:
        values = [get(results[n]) for n in names]
        cells = [fmt.format(v) if v is not None else "–" for v in values]
        return (label, *cells, ratio(values[0], values[1]) if both and compare else "")

    def query_p99(name: str) -> Callable[[dict[str, Any]], Any]:
        return lambda r: r["queries"].get(name, {}).get("p99_ms")

    rows = [
        ("figure", *names, "distributed/embedded" if both else ""),
        row("accepted reports", lambda r: r["reports_accepted"]),
        row("throughput, reports/s", lambda r: r["throughput_reports_per_s"], "{:.1f}"),
        row("report p50 ms", lambda r: r["report_latency"]["p50_ms"], "{:.1f}"),
        row("report p99 ms", lambda r: r["report_latency"]["p99_ms"], "{:.1f}"),
        row("officer query p50 ms", lambda r: r["query_latency"]["p50_ms"], "{:.1f}"),
        row("officer query p99 ms", lambda r: r["query_latency"]["p99_ms"], "{:.1f}"),
    ]
    for query in ("licences", "findings", "indicators"):
        rows.append(row(f"  {query} p99 ms", query_p99(query), "{:.1f}"))
    rows += [
        row("consumer lag max, messages", lambda r: r["consumer_lag_max_any"]),
        row("outbox backlog max, rows", lambda r: max(r["outbox_backlog_max"].values(), default=0)),
        row(
            "all visible in reporting after s",
            lambda r: r["visible_in_reporting_after_s"],
            "{:.2f}",
        ),
        row("errors (non-2xx, cut)", lambda r: sum(r["errors_by_status"].values())),
        row(
            "lost (monitoring / reporting)",
            lambda r: f"{r['lost_in_monitoring']} / {r['lost_in_reporting']}",
            compare=False,
        ),
        row("licensing setup s (not load)", lambda r: r["licensing_setup_s"], "{:.1f}"),
    ]
    rows = [r[:-1] if not both else r for r in rows]
    mines_ = next(iter(results.values()))["mines"]
    print_table(
        f"bench/load — {mines_} mines × {len(PERIODS)} reports (annual {YEAR - 1}, Q1–Q4 {YEAR})",
        rows,
    )
    for name, r in results.items():
        print(
            f"  {name}: errors by status {r['errors_by_status'] or '{}'}; "
            f"lag max by group {r['consumer_lag_max']}; findings {r['findings']}"
        )
        print(f"  {name}: CPU s during the year {r['cpu_s_during_year']}")
    if not both:
        return {}
    d, e = results["distributed"], results["embedded"]
    return {
        "throughput": _num(ratio(d["throughput_reports_per_s"], e["throughput_reports_per_s"])),
        "report_p50": _num(ratio(d["report_latency"]["p50_ms"], e["report_latency"]["p50_ms"])),
        "report_p99": _num(ratio(d["report_latency"]["p99_ms"], e["report_latency"]["p99_ms"])),
        "query_p50": _num(ratio(d["query_latency"]["p50_ms"], e["query_latency"]["p50_ms"])),
        "query_p99": _num(ratio(d["query_latency"]["p99_ms"], e["query_latency"]["p99_ms"])),
    }


def _num(text: str) -> float | None:
    return None if text == "–" else float(text)


def failures(result: dict[str, Any]) -> list[str]:
    out = []
    if result["reports_accepted"] != result["reports_expected"]:
        out.append(
            f"{result['reports_expected'] - result['reports_accepted']} reports not accepted"
        )
    if result["lost_in_monitoring"] or result["lost_in_reporting"]:
        out.append(
            f"lost: {result['lost_in_monitoring']} in monitoring, "
            f"{result['lost_in_reporting']} in reporting"
        )
    if result["not_accepted_but_stored"]:
        out.append(f"{result['not_accepted_but_stored']} stored that nobody was told of")
    findings = result["findings"]
    if not findings["expected"] == findings["open_in_monitoring"] == findings["open_in_reporting"]:
        out.append(f"findings differ: {findings}")
    return out


def deployments(
    args: argparse.Namespace, log_dir: Path
) -> Iterator[tuple[str, AbstractContextManager[Target]]]:
    if args.only in (None, "distributed"):
        yield (
            "distributed",
            targets.distributed(
                log_dir / "distributed", monitoring_instances=args.monitoring_instances
            ),
        )
    if args.only in (None, "embedded"):
        yield "embedded", targets.embedded(log_dir / "embedded")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mines", type=int, default=200)
    parser.add_argument("--officer-rate", type=float, default=6.0, help="queries per second")
    parser.add_argument("--setup-concurrency", type=int, default=8)
    parser.add_argument("--monitoring-instances", type=int, default=2)
    parser.add_argument("--visible-timeout", type=float, default=120.0)
    parser.add_argument("--only", choices=("distributed", "embedded"))
    parser.add_argument("--keep-logs", action="store_true")
    args = parser.parse_args()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    log_dir = ROOT / "var" / "bench-load" / stamp
    results: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    began = time.monotonic()
    for name, deployment in deployments(args, log_dir):
        started = time.monotonic()
        progress(f"{name}: starting")
        with deployment as target:
            progress(f"{name}: up in {time.monotonic() - started:.1f} s")
            results[name] = asyncio.run(measure(target, args))
        problems += [f"{name}: {p}" for p in failures(results[name])]
    ratios = print_results(results)
    path = save(
        "load",
        {
            "command": (
                "python -m bench.load "
                + (f"--mines {args.mines} " if args.mines != 200 else "")
                + (f"--only {args.only}" if args.only else "")
            ).strip(),
            "mines": args.mines,
            "officer_rate_per_s": args.officer_rate,
            "monitoring_instances": args.monitoring_instances,
            "simulated_year": f"annual report {YEAR - 1} and Q1-Q4 {YEAR} per mine",
            "wall_s": round(time.monotonic() - began, 1),
            "results": results,
            "ratios_distributed_over_embedded": ratios,
            "problems": problems,
        },
    )
    print(f"\nresults in {path.relative_to(ROOT)}; whole run {time.monotonic() - began:.0f} s")
    if problems:
        print("\nPROBLEMS:\n  " + "\n  ".join(problems))
        print(f"logs kept in {log_dir}")
        return 1
    if not args.keep_logs:
        shutil.rmtree(log_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
