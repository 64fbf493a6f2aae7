"""A service's runtime: migrate, publish, consume, stop without losing anything."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.events.catalog import ApplicationForwarded
from lode_common.events.envelope import Envelope
from lode_common.messaging.inprocess import InProcessTransport
from lode_common.runtime import ServiceRuntime, ServiceSpec, prune_once
from lode_common.testing import eventually

from .support import settings_for, zoning_migrations

FORWARDED = "lode.licensing.application.forwarded"


def spec(name: str, handlers: dict[str, Any] | None = None) -> ServiceSpec:
    return ServiceSpec(
        name=name,
        migrations_dir=zoning_migrations(),
        consumes=("lode.licensing",) if handlers else (),
        handlers=handlers or {},
    )


def test_spec_topic() -> None:
    assert spec("zoning").topic == "lode.zoning"


async def test_start_migrates_creates_topics_and_stop_closes(tmp_path: Path) -> None:
    bus = InProcessTransport(tmp_path / "bus.db")
    await bus.start()
    runtime = ServiceRuntime(spec("zoning"), settings_for(tmp_path), bus)
    try:
        await runtime.start()
        assert runtime.started
        assert runtime.subscription is None  # nothing to consume
        async with runtime.engine.connect() as conn:
            tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert {"outbox", "inbox", "dead_letter"} <= tables
        assert bus.partitions("lode.zoning") == 3
        await runtime.stop()
        assert not runtime.started
    finally:
        await bus.stop()


async def test_one_service_publishes_and_another_consumes(tmp_path: Path) -> None:
    """Two runtimes on one in-process bus, as in embedded mode."""
    bus = InProcessTransport(tmp_path / "bus.db", retry_backoff_s=0.01)
    await bus.start()
    seen: list[Envelope] = []

    async def on_forwarded(session: AsyncSession, envelope: Envelope, payload: Any) -> None:
        assert isinstance(payload, ApplicationForwarded)
        seen.append(envelope)

    licensing = ServiceRuntime(
        spec("licensing"),
        settings_for(tmp_path, database_url=f"sqlite+aiosqlite:///{tmp_path / 'lic.db'}"),
        bus,
    )
    reporting = ServiceRuntime(
        spec("reporting", {FORWARDED: on_forwarded}),
        settings_for(tmp_path, database_url=f"sqlite+aiosqlite:///{tmp_path / 'rep.db'}"),
        bus,
    )
    await licensing.start()
    await reporting.start()
    try:
        assert reporting.subscription is not None
        async with licensing.uow() as uow:
            sent = uow.emit(ApplicationForwarded(application_id="a1"), "a1")
            await uow.commit()

        async def arrived() -> bool:
            return [e.id for e in seen] == [sent.id]

        await eventually(arrived, timeout_s=5, what="the event in the other service")
    finally:
        await reporting.stop()
        await licensing.stop()
        await bus.stop()


async def test_what_the_bus_refused_before_a_stop_is_published_on_the_next_start(
    tmp_path: Path,
) -> None:
    bus = InProcessTransport(tmp_path / "bus.db")
    await bus.start()
    settings = settings_for(tmp_path)
    runtime = ServiceRuntime(spec("licensing"), settings, bus)
    await runtime.start(consume=False)
    bus.available = False  # the bus is down while the change commits and while stopping
    async with runtime.uow() as uow:
        uow.emit(ApplicationForwarded(application_id="a1"), "a1")
        await uow.commit()
    await runtime.stop()  # gives up draining at once: the bus refuses
    assert sum((await bus.end_offsets("lode.licensing")).values()) == 0

    bus.available = True
    again = ServiceRuntime(spec("licensing"), settings, bus)  # the next start
    await again.start()
    try:

        async def published() -> bool:
            return sum((await bus.end_offsets("lode.licensing")).values()) == 1

        await eventually(published, timeout_s=5, what="the leftover row to be published")
    finally:
        await again.stop()
        await bus.stop()


async def test_start_hooks_run_in_order_and_background_jobs_stop_with_the_service(
    tmp_path: Path,
) -> None:
    calls: list[str] = []
    running = asyncio.Event()
    cancelled = asyncio.Event()

    async def load_plan(runtime: ServiceRuntime) -> None:
        calls.append(f"load_plan started={runtime.started}")

    async def seed_demo(runtime: ServiceRuntime) -> None:
        calls.append("seed_demo")

    async def daily_check(runtime: ServiceRuntime) -> None:
        running.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    bus = InProcessTransport(tmp_path / "bus.db")
    await bus.start()
    service = ServiceSpec(
        name="zoning",
        migrations_dir=zoning_migrations(),
        on_start=(load_plan, seed_demo),
        background=(daily_check,),
    )
    runtime = ServiceRuntime(service, settings_for(tmp_path), bus)
    try:
        await runtime.start()
        assert calls == ["load_plan started=False", "seed_demo"]
        await asyncio.wait_for(running.wait(), 5)
        await runtime.stop()
        assert cancelled.is_set()
    finally:
        await bus.stop()


async def test_a_crashed_background_job_does_not_prevent_a_clean_stop(tmp_path: Path) -> None:
    async def crashes(runtime: ServiceRuntime) -> None:
        raise ValueError("the daily re-check failed")

    bus = InProcessTransport(tmp_path / "bus.db")
    await bus.start()
    service = ServiceSpec(
        name="licensing", migrations_dir=zoning_migrations(), background=(crashes,)
    )
    runtime = ServiceRuntime(service, settings_for(tmp_path), bus)
    try:
        await runtime.start()
        await asyncio.sleep(0.05)  # the job has died by now
        async with runtime.uow() as uow:
            uow.emit(ApplicationForwarded(application_id="a1"), "a1")
            await uow.commit()
        await runtime.stop()
        assert sum((await bus.end_offsets("lode.licensing")).values()) == 1
    finally:
        runtime._jobs.clear()  # finish a stop that failed half-way (no task may outlive us)
        await runtime.stop()
        await bus.stop()


async def test_the_retention_pass_forgets_sent_events_past_the_setting_and_counts_them(
    tmp_path: Path,
) -> None:
    bus = InProcessTransport(tmp_path / "bus.db")
    await bus.start()
    runtime = ServiceRuntime(spec("licensing"), settings_for(tmp_path), bus)
    try:
        await runtime.start()
        async with runtime.uow() as uow:
            uow.emit(ApplicationForwarded(application_id="a1"), "a1")
            await uow.commit()

        async def sent() -> bool:
            return (await runtime.relay.backlog())[0] == 0

        await eventually(sent, timeout_s=5, what="the event to be published")
        await runtime.relay.settle()
        assert (await prune_once(runtime)).outbox == 0  # sent today: kept for 7 days
        later = datetime.now(UTC) + timedelta(days=8)
        assert (await prune_once(runtime, now=later)).outbox == 1
        counted = runtime.metrics.registry.get_sample_value(
            "lode_rows_pruned_total", {"service": "licensing", "table": "outbox"}
        )
        assert counted == 1
    finally:
        await runtime.stop()
        await bus.stop()
