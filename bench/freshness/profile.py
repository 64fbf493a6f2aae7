"""The polled request, part by part: what a ``sources`` poll costs once the run is over and
the system is quiet."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from bench.common import percentile
from bench.freshness.systems import System
from lode_reporting.adapters.tables import JournalEntry
from lode_reporting.container import Reporting
from lode_reporting.domain import plan as plan_rules
from lode_reporting.domain.evaluate import evaluate
from lode_reporting.projections.journal import position
from lode_reporting.queries.facts import snapshot

PLAN = "pingquan-2021-2025"
INDICATOR = "iron_concentrate_output"
WHOLE = "whole request"
INDICATORS = "GET /indicators?year= (all 12), whole request"


def stats(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "max_ms": round(max(ms), 2),
    }


def sources_url(year: int) -> str:
    return f"/reporting/v1/indicators/{INDICATOR}/sources?year={year}"


async def profile_sources(system: System, year: int, rounds: int) -> dict[str, Any]:
    """The sources request whole, and the indicators list; with the services in this
    process, also the route's parts done as ``api/indicators.py`` does them."""
    timings: dict[str, list[float]] = {WHOLE: [], INDICATORS: []}
    rows = 0
    for _ in range(rounds):
        start = time.perf_counter()
        r = await system.reporting.get(sources_url(year), headers=system.viewer)
        timings[WHOLE].append(time.perf_counter() - start)
        assert r.status_code == 200, r.text
        start = time.perf_counter()
        r = await system.reporting.get(
            f"/reporting/v1/indicators?year={year}", headers=system.viewer
        )
        timings[INDICATORS].append(time.perf_counter() - start)
        assert r.status_code == 200, r.text
        if system.reporting_runtime is not None:
            rows = await _parts(system, year, timings)
    out: dict[str, Any] = {name: stats(values) for name, values in timings.items()}
    if rows:
        out["rows_loaded"] = rows
    return out


async def _parts(system: System, year: int, timings: dict[str, list[float]]) -> int:
    runtime = system.reporting_runtime
    assert runtime is not None
    reporting = Reporting.of(runtime)
    start = time.perf_counter()
    async with snapshot(runtime.sessions) as session:
        plan = await reporting.plans.require(PLAN, session)
        await position(session)
        opened = time.perf_counter()
        facts = await reporting.facts.load(session, plan.document)
        loaded = time.perf_counter()
        definition = plan_rules.definition(plan.document, INDICATOR)
        evaluation = evaluate(definition, facts, year, reporting.rules)
        evaluated = time.perf_counter()
        ids = [c.event_id for c in evaluation.figure.contributions]
        entries = await session.execute(
            select(JournalEntry).where(col(JournalEntry.event_id).in_(ids))
        )
        assert len(entries.scalars().all()) == len(ids)
        looked_up = time.perf_counter()
    for name, seconds in (
        ("snapshot + plan + as_of", opened - start),
        ("load_facts (every read model row)", loaded - opened),
        ("evaluate", evaluated - loaded),
        ("journal rows of the contributions", looked_up - evaluated),
    ):
        timings.setdefault(name, []).append(seconds)
    return len(facts.outputs) + len(facts.licences) + len(facts.versions)
