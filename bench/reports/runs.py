"""The timed runs over real HTTP: (0) and (a) on the bare server, then (b) on the
monitoring service, each alone, with the checks after each."""

from __future__ import annotations

import argparse
import contextlib
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx

from bench.reports.checks import (
    check_outbox,
    check_same_shape,
    check_stored,
    issue_keys,
    seed_through_the_bus,
    stored_ids,
    wait_published,
)
from bench.reports.drive import Run, drive, mine_clients, timed
from bench.reports.profile import profile_endpoint
from bench.reports.servers import BARE_DDL, Server
from bench.reports.workload import REPORTS, Workload, split
from lode_common.testing.services import find_or_start_postgres, start_kafka


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
