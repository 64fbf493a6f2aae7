"""Throughput and delivery latency of outbox → relay → Kafka → inbox on PostgreSQL, against
raw aiokafka produce+consume of the same messages on the same broker, in the same run.

    python -m bench.bus [--events 30000] [--rate 2000] [--seconds 5]

Starts (or finds) PostgreSQL and a Tansu broker like the test harness does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.common import print_table, save, summary_ms
from lode_common.database import create_engine, session_factory
from lode_common.events.envelope import Envelope, new_envelope
from lode_common.messaging.inbox import Batched, EventHandler, Inbox
from lode_common.messaging.kafka import KafkaConfig, KafkaTransport
from lode_common.messaging.outbox import UnitOfWork
from lode_common.messaging.relay import Relay
from lode_common.messaging.tables import event_tables
from lode_common.messaging.transport import Delivery
from lode_common.testing.services import find_or_start_postgres, start_kafka

PARTITIONS = 3
WARMUP_S = 1.0
FETCH_WAIT_MS = 5


def payload(i: int) -> dict[str, Any]:
    """A payload the size of a typical output report event."""
    return {
        "licence_no": f"C13088120210171200{i % 100000:05d}",
        "year": 2024,
        "ore_mined_10kt": 52.0,
        "mining_recovery_pct": 91.0,
        "processing_recovery_pct": 88.0,
        "seq": i,
    }


# --- raw aiokafka -------------------------------------------------------------------------
async def create_topic(bootstrap: str, topic: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, PARTITIONS, 1)])
    finally:
        await admin.close()


async def raw_run(
    bootstrap: str, values: Sequence[bytes], keys: Sequence[bytes], rate: float | None
) -> tuple[float, list[float]]:
    """Produce and consume ``values``; returns (seconds for all, per-message latencies)."""
    topic = f"bench.raw.{uuid.uuid4().hex[:8]}"
    await create_topic(bootstrap, topic)
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=False,
        linger_ms=2,
        max_batch_size=256 * 1024,
    )
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=topic,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=FETCH_WAIT_MS,
        max_poll_records=2000,
    )
    await producer.start()
    await consumer.start()
    sent_at: dict[int, float] = {}
    latencies: list[float] = []
    done = asyncio.Event()
    n = len(values)

    async def consume() -> None:
        received = 0
        while received < n:
            batches = await consumer.getmany(timeout_ms=100, max_records=2000)
            now = time.perf_counter()
            for tp, records in batches.items():
                for r in records:
                    sent = sent_at[int(r.headers[0][1])]
                    if sent - start >= WARMUP_S:
                        latencies.append(now - sent)
                received += len(records)
                if records:
                    await consumer.commit({tp: records[-1].offset + 1})
        done.set()

    # warm the group up before timing
    await asyncio.sleep(1.5)
    task = asyncio.create_task(consume())
    start = time.perf_counter()
    futures = []
    for i, (k, v) in enumerate(zip(keys, values, strict=True)):
        if rate:
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        sent_at[i] = time.perf_counter()
        futures.append(await producer.send(topic, v, key=k, headers=[("i", str(i).encode())]))
    await asyncio.gather(*futures)
    await asyncio.wait_for(done.wait(), timeout=300)
    elapsed = time.perf_counter() - start
    await task
    await consumer.stop()
    await producer.stop()
    return elapsed, latencies


# --- the Lode path: a producing service and a consuming service, each its own process -----
def effects_table(metadata: MetaData) -> Table:
    return Table(
        "effects",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("event_id", String(40)),
        Column("latency_s", Float),
    )


def kafka_config(bootstrap: str) -> KafkaConfig:
    return KafkaConfig(
        bootstrap=bootstrap,
        partitions=PARTITIONS,
        idempotence=False,
        fetch_max_wait_ms=FETCH_WAIT_MS,
        session_timeout_ms=6000,
    )


class Producer:
    """The producing service: units of work write state and outbox; its relay publishes."""

    def __init__(self, pg_url: str, bootstrap: str, service: str) -> None:
        self.service = service
        self.engine = create_engine(pg_url, pool_size=20)
        self.sessions = session_factory(self.engine)
        self.metadata = MetaData()
        self.tables = event_tables(self.metadata)
        effects_table(self.metadata)
        self.transport = KafkaTransport(kafka_config(bootstrap))
        self.relay = Relay(
            service=service,
            engine=self.engine,
            tables=self.tables,
            transport=self.transport,
            batch=1000,
            idle_poll_s=0.2,
        )
        self.committed_at: dict[str, float] = {}

    async def start(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(self.metadata.create_all)
        await self.transport.start()
        await self.transport.ensure_topics([f"lode.{self.service}"])
        self.relay.start()

    async def stop(self) -> None:
        await self.relay.stop()
        await self.transport.stop()
        await self.engine.dispose()

    def event(self, i: int) -> Envelope:
        data = payload(i)
        return new_envelope(
            event_type=f"lode.{self.service}.output.reported.v1",
            subject=data["licence_no"],
            data=data,
        )

    async def write(
        self, n: int, *, per_uow: int, writers: int, rate: float | None, first: int = 0
    ) -> float:
        """Commit ``n`` events; each carries its commit wall-clock time. Returns the start."""
        chunks = [range(i, min(i + per_uow, n)) for i in range(0, n, per_uow)]
        queue: asyncio.Queue[tuple[int, range]] = asyncio.Queue()
        for j, chunk in enumerate(chunks):
            queue.put_nowait((j, chunk))
        start = time.perf_counter()
        wall_start = time.time()

        async def writer() -> None:
            while not queue.empty():
                j, chunk = queue.get_nowait()
                if rate:
                    delay = start + j * per_uow / rate - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                async with UnitOfWork(
                    self.sessions, self.tables, on_commit=self.relay.notify
                ) as uow:
                    ids = []
                    for i in chunk:
                        e = self.event(first + i)
                        uow.emit_envelope(e)
                        ids.append(e.id)
                    await uow.commit()
                    stamp = time.time()  # the moment the change (and its events) committed
                    for event_id in ids:
                        self.committed_at[event_id] = stamp

        await asyncio.gather(*(writer() for _ in range(writers)))
        return wall_start


async def consume(pg_url: str, bootstrap: str, service: str, expected: int, out: str) -> None:
    """The consuming service (run in its own process): inbox + effect, latency per event."""
    engine = create_engine(pg_url, pool_size=5)
    sessions = session_factory(engine)
    metadata = MetaData()
    tables = event_tables(metadata)
    effects = effects_table(metadata)
    transport = KafkaTransport(kafka_config(bootstrap))
    effected_at: dict[str, float] = {}
    done = asyncio.Event()
    last = 0.0

    async def on_events(session: AsyncSession, batch: Sequence[tuple[Envelope, Any]]) -> None:
        await session.execute(insert(effects), [{"event_id": e.id} for e, _ in batch])

    def after_commit(envelopes: Sequence[Envelope]) -> None:
        nonlocal last
        last = time.time()
        for e in envelopes:
            effected_at[e.id] = last
        if len(effected_at) >= expected:
            done.set()

    handlers: dict[str, EventHandler] = {f"lode.{service}.output.reported": Batched(on_events)}
    inbox = Inbox(consumer="bench", sessions=sessions, tables=tables, handlers=handlers)
    inbox.after_commit.append(after_commit)
    stages: dict[str, tuple[float, float]] = {}  # event id -> (sent by relay, fetched)

    async def handle(batch: Sequence[Delivery]) -> None:
        fetched = time.time()
        for d in batch:
            stages[json.loads(d.value)["id"]] = ((d.timestamp_ms or 0) / 1000, fetched)
        await inbox.handle_batch(batch)

    await transport.start()
    await transport.ensure_topics([f"lode.{service}"])
    sub = await transport.subscribe(
        group=f"bench-{service}", topics=[f"lode.{service}"], handler=handle, max_batch=2000
    )
    while not sub.assigned():
        await asyncio.sleep(0.05)
    print("ready", flush=True)
    await asyncio.wait_for(done.wait(), timeout=600)
    async with sessions() as session:
        count = (await session.execute(select(func.count()).select_from(effects))).scalar_one()
    await transport.stop()
    await engine.dispose()
    Path(out).write_text(
        json.dumps({"effected_at": effected_at, "last": last, "count": count, "stages": stages})
    )


async def lode_run(
    pg_url: str, bootstrap: str, n: int, *, per_uow: int, writers: int, rate: float | None
) -> tuple[float, list[float], dict[str, dict[str, float]]]:
    """Returns (seconds from the first commit to the last effect, latencies from commit to
    effect, and where they go)."""
    service = f"b{uuid.uuid4().hex[:8]}"
    producer = Producer(pg_url, bootstrap, service)
    await producer.start()
    out = Path(tempfile.mkstemp(suffix=".json")[1])
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.bus",
        "--consume",
        service,
        "--expected",
        str(n),
        "--pg",
        pg_url,
        "--bootstrap",
        bootstrap,
        "--out",
        str(out),
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), timeout=60)
    if line.strip() != b"ready":
        raise RuntimeError(f"the consumer did not start: {line!r}")
    wall_start = await producer.write(n, per_uow=per_uow, writers=writers, rate=rate)
    await asyncio.wait_for(proc.wait(), timeout=600)
    await producer.stop()
    result = json.loads(out.read_text())
    out.unlink()
    if result["count"] < n:
        raise AssertionError(f"only {result['count']} of {n} events took effect")
    # the first second is warm-up (prepared statements, first fetches): not measured
    cut = min(producer.committed_at.values()) + WARMUP_S
    committed = {i: t for i, t in producer.committed_at.items() if t >= cut}
    effected = result["effected_at"]
    latencies = [effected[i] - committed[i] for i in committed]
    stages = {i: (sent, fetched) for i, (sent, fetched) in result["stages"].items()}
    breakdown = {
        "relay (commit → sent)": summary_ms([stages[i][0] - committed[i] for i in committed]),
        "bus (sent → fetched)": summary_ms([stages[i][1] - stages[i][0] for i in committed]),
        "inbox (fetched → committed)": summary_ms([effected[i] - stages[i][1] for i in committed]),
    }
    return result["last"] - wall_start, latencies, breakdown


async def main(events: int, rate: float, seconds: float, per_uow: int) -> dict[str, Any]:
    pg = find_or_start_postgres()
    broker = start_kafka()
    database = pg.create_database("lode_bench")
    url = pg.url(database)
    try:
        sample = Producer(url, broker.bootstrap, "sample")
        values = [sample.event(i).to_json() for i in range(events)]
        keys = [payload(i)["licence_no"].encode() for i in range(events)]
        await sample.engine.dispose()

        raw_s, _ = await raw_run(broker.bootstrap, values, keys, rate=None)
        lode_s, _, _ = await lode_run(
            url, broker.bootstrap, events, per_uow=50, writers=8, rate=None
        )
        paced = int(rate * seconds)
        _, raw_lat = await raw_run(broker.bootstrap, values[:paced], keys[:paced], rate=rate)
        _, lode_lat, breakdown = await lode_run(
            url, broker.bootstrap, paced, per_uow=per_uow, writers=8, rate=rate
        )
    finally:
        broker.stop()
        pg.stop()

    raw_rate, lode_rate = events / raw_s, events / lode_s
    raw_sum, lode_sum = summary_ms(raw_lat), summary_ms(lode_lat)
    figures = {
        "events": events,
        "partitions": PARTITIONS,
        "paced_rate_per_s": rate,
        "throughput_per_s": {"raw_aiokafka": round(raw_rate), "lode_path": round(lode_rate)},
        "throughput_ratio_lode_over_raw": round(lode_rate / raw_rate, 3),
        "latency_raw": raw_sum,
        "latency_lode": lode_sum,
        "p99_ratio_lode_over_raw": round(lode_sum["p99_ms"] / raw_sum["p99_ms"], 2),
        "p50_ratio_lode_over_raw": round(lode_sum["p50_ms"] / raw_sum["p50_ms"], 2),
    }
    print_table(
        f"bench/bus — {events} events, {PARTITIONS} partitions, PostgreSQL + Tansu",
        [
            ("path", "events/s", f"p50 ms @{rate:g}/s", "p99 ms"),
            (
                "raw aiokafka produce+consume",
                f"{raw_rate:,.0f}",
                f"{raw_sum['p50_ms']}",
                f"{raw_sum['p99_ms']}",
            ),
            (
                "outbox→relay→Kafka→inbox",
                f"{lode_rate:,.0f}",
                f"{lode_sum['p50_ms']}",
                f"{lode_sum['p99_ms']}",
            ),
            (
                "ratio lode/raw",
                f"{figures['throughput_ratio_lode_over_raw']}",
                f"{figures['p50_ratio_lode_over_raw']}",
                f"{figures['p99_ratio_lode_over_raw']}",
            ),
        ],
    )
    figures["latency_breakdown_lode"] = breakdown
    print_table(
        "where the Lode path's latency goes",
        [
            ("stage", "p50 ms", "p99 ms"),
            *((name, str(v["p50_ms"]), str(v["p99_ms"])) for name, v in breakdown.items()),
        ],
    )
    print(f"\nsaved {save('bus', figures)}")
    return figures


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--events", type=int, default=30_000)
    parser.add_argument("--rate", type=float, default=2000)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument(
        "--per-uow", type=int, default=10, help="events per unit of work in the paced run"
    )
    parser.add_argument("--consume", help=argparse.SUPPRESS)  # the consumer process
    parser.add_argument("--expected", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--pg", help=argparse.SUPPRESS)
    parser.add_argument("--bootstrap", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.consume:
        asyncio.run(consume(args.pg, args.bootstrap, args.consume, args.expected, args.out))
    else:
        asyncio.run(main(args.events, args.rate, args.seconds, args.per_uow))


if __name__ == "__main__":
    cli()
