"""Seeding (b) through the bus, and the checks after each run: every accepted report
stored, its events published, the baseline's table shaped like the service's."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

import asyncpg
import httpx

from bench.reports.servers import ADMIN_TOKEN
from bench.reports.workload import PLAN, Mine, licence_event, plan_event
from lode_common.messaging.kafka import KafkaConfig, KafkaTransport
from lode_common.messaging.transport import Message


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
                "SELECT (SELECT count(*) FROM plan_replica), (SELECT count(*) FROM mine)"
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
