"""From the stamps to the figures: latencies, the ratio to the bus, the targets, the stages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.common import print_table
from bench.freshness.profile import INDICATORS, WHOLE, stats
from bench.freshness.timeline import Stamps

# issue #6: p99 under 50 ms embedded, under 100 ms on PostgreSQL + Kafka
TARGETS_MS = {"embedded": 50.0, "distributed": 100.0, "processes": 100.0}


@dataclass
class Run:
    runtime: str
    poll: list[Stamps] = field(default_factory=list)
    stream: list[Stamps] = field(default_factory=list)
    bus: list[float] = field(default_factory=list)
    seed_s: float = 0.0


def _deltas(reports: Sequence[Stamps], start: str, end: str) -> list[float]:
    out = []
    for s in reports:
        a, b = getattr(s, start), getattr(s, end)
        if a is not None and b is not None:
            out.append(b - a)
    return out


def _path(latencies: list[float], bus: dict[str, float], target: float) -> dict[str, Any]:
    s = stats(latencies)
    return {
        **s,
        "met": s["p99_ms"] < target,
        "ratio_p50_to_bus": round(s["p50_ms"] / bus["p50_ms"], 2),
        "ratio_p99_to_bus": round(s["p99_ms"] / bus["p99_ms"], 2),
    }


def figures(run: Run) -> dict[str, Any]:
    target = TARGETS_MS[run.runtime]
    every = [*run.poll, *run.stream]
    bus = stats(run.bus)
    polls = [d for s in run.poll for d in s.poll_requests]
    stages = {
        "POST → 201 (monitoring)": _deltas(every, "posted", "accepted"),
        # services in this process
        "201 → relay publish() (relay wake-up)": _deltas(every, "accepted", "publish_called"),
        "publish() call → return": _deltas(every, "publish_called", "publish_returned"),
        "publish() → reporting's handler (bus + inbox claim)": _deltas(
            every, "publish_called", "handler_entered"
        ),
        "handler → inbox commit (reporting)": _deltas(every, "handler_entered", "committed"),
        "inbox commit → SSE frame": _deltas(run.stream, "committed", "streamed"),
        "inbox commit → polled response": _deltas(run.poll, "committed", "reflected"),
        # services in other processes
        "201 → on the bus (a consumer of the bench's own)": _deltas(every, "accepted", "observed"),
        "on the bus → SSE frame": _deltas(run.stream, "observed", "streamed"),
        "on the bus → polled response": _deltas(run.poll, "observed", "reflected"),
        # polling
        "the reflecting poll: sent after the 201": _deltas(
            run.poll, "accepted", "reflecting_asked"
        ),
        "the reflecting poll itself": _deltas(run.poll, "reflecting_asked", "reflected"),
    }
    instances = sorted({s.instance for s in every})
    if len(instances) > 1:  # reports sent to each monitoring instance in turn
        for n in instances:
            mine = [s for s in every if s.instance == n]
            stages[f"201 → on the bus, sent to monitoring-{n + 1}"] = _deltas(
                mine, "accepted", "observed"
            )
            stages[f"(a) poll, sent to monitoring-{n + 1}"] = _deltas(
                [s for s in run.poll if s.instance == n], "accepted", "reflected"
            )
            stages[f"(b) SSE, sent to monitoring-{n + 1}"] = _deltas(
                [s for s in run.stream if s.instance == n], "accepted", "streamed"
            )
    return {
        "target_p99_ms": target,
        "seed_s": round(run.seed_s, 2),
        "poll": {
            **_path(_deltas(run.poll, "accepted", "reflected"), bus, target),
            "poll_request_ms": stats(polls),
            "polls_per_report_mean": round(len(polls) / max(1, len(run.poll)), 2),
        },
        "stream": _path(_deltas(run.stream, "accepted", "streamed"), bus, target),
        "bus_publish_to_handler": bus,
        "stages": {name: stats(values) for name, values in stages.items() if values},
    }


def show(runtime: str, description: str, f: dict[str, Any]) -> None:
    bus = f["bus_publish_to_handler"]

    def row(name: str, s: dict[str, Any]) -> tuple[str, ...]:
        verdict = ("met" if s["met"] else "NOT met") if "met" in s else ""
        ratio = f"{s['p99_ms'] / bus['p99_ms']:.2f}"
        return (
            name,
            str(s["n"]),
            str(s["p50_ms"]),
            str(s["p99_ms"]),
            str(s["max_ms"]),
            ratio,
            verdict,
        )

    print_table(
        f"bench/freshness — {runtime} ({description}): report accepted (201) → reporting "
        "reflects it",
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
    p = f["polled_request_profile"]
    rows = f", {p['rows_loaded']} read-model rows loaded" if "rows_loaded" in p else ""
    print_table(
        f"  the polled request on the final state, quiet{rows}",
        [
            ("part", "n", "p50 ms", "p99 ms"),
            *(
                (name, str(s["n"]), str(s["p50_ms"]), str(s["p99_ms"]))
                for name, s in p.items()
                if isinstance(s, dict)
            ),
        ],
    )
    if "rows_loaded" in p:
        parts = sum(
            s["p50_ms"]
            for name, s in p.items()
            if isinstance(s, dict) and name not in (WHOLE, INDICATORS)
        )
        whole = p[WHOLE]["p50_ms"]
        print(
            "  the rest of the request (ASGI client, authentication, FastAPI, response "
            f"model): about {whole - parts:.2f} of its {whole} ms p50"
        )
    print(f"  settings on the path: {f['settings']}")
    print(f"  load average (1 min) before / after: {f['load_average_1min_before_after']}")
