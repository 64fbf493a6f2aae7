"""The audit log on both databases: recorded in the transaction of the change, sealed into
one chain, anchored, pruned, and checked by ``verify`` after rows are edited in SQL."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from lode_common import auth
from lode_common.audit import context
from lode_common.audit.chain import ANCHOR_ACTION, PRUNED_ACTION, Anchor
from lode_common.audit.jobs import anchor, prune_audit, seal_now
from lode_common.audit.recording import AUDIT_ENTRY
from lode_common.audit.sealing import seal
from lode_common.audit.verify import verify_database
from lode_common.database import create_engine, migrate
from lode_common.events.envelope import Envelope
from lode_common.http import CurrentPrincipal, UoW, create_service_app
from lode_common.messaging.inprocess import InProcessTransport
from lode_common.messaging.outbox import emit
from lode_common.runtime import ServiceRuntime, ServiceSpec

from .support import settings_for, zoning_migrations


class Base(DeclarativeBase):
    pass


class Gadget(Base):
    __tablename__ = "gadget"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    colour: Mapped[str] = mapped_column(String(20))


PLAIN = MetaData()
COUNTERS = Table("counter", PLAIN, Column("id", Integer, primary_key=True), Column("n", Integer))


@pytest.fixture
async def runtime(database_url: str, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    """A migrated service database (zoning's migrations: the audit log, the event path) with
    two tables of its own; the runtime is not started (tests seal and anchor by hand)."""
    spec = ServiceSpec(name="zoning", migrations_dir=zoning_migrations())
    transport = InProcessTransport(tmp_path / "bus.db")
    runtime = ServiceRuntime(spec, settings_for(tmp_path, database_url=database_url), transport)
    await migrate(runtime.engine, spec.migrations_dir)
    async with runtime.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
        await conn.run_sync(PLAIN.create_all)
    try:
        yield runtime
    finally:
        await runtime.engine.dispose()


async def entries(runtime: ServiceRuntime, *, sealed: bool | None = None) -> list[dict[str, Any]]:
    e = AUDIT_ENTRY.c
    query = select(AUDIT_ENTRY).order_by(e.seq, e.recorded_at)
    if sealed is not None:
        query = query.where(e.seq.is_not(None) if sealed else e.seq.is_(None))
    async with runtime.engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(query)).mappings()]


async def add_gadget(runtime: ServiceRuntime, gadget_id: str, *, who: str = "officer-1") -> None:
    acting = context.AuditContext(
        actor=who, roles=("licensing_officer",), action="POST /gadgets", request_id=f"req-{who}"
    )
    with context.acting(acting):
        async with runtime.uow() as uow:
            uow.session.add(Gadget(id=gadget_id, colour="red"))
            await uow.commit()


async def test_a_change_writes_one_entry_naming_who_and_what(runtime: ServiceRuntime) -> None:
    await add_gadget(runtime, "g1")
    (entry,) = await entries(runtime)
    assert (entry["actor"], entry["roles"], entry["action"], entry["request_id"]) == (
        "officer-1",
        "licensing_officer",
        "POST /gadgets",
        "req-officer-1",
    )
    assert json.loads(entry["subject"]) == {"gadget": {"inserted": ["g1"]}}
    assert entry["seq"] is None  # recorded unsealed; the sealer chains it

    with context.acting(context.for_system("daily_expiry")):  # an update and a Core statement
        async with runtime.uow() as uow:
            gadget = await uow.session.get(Gadget, "g1")
            assert gadget is not None
            gadget.colour = "blue"
            await uow.session.execute(insert(COUNTERS).values(id=1, n=1))
            await uow.commit()
    second = (await entries(runtime))[-1]
    assert second["actor"] == "system:daily_expiry"
    assert json.loads(second["subject"]) == {
        "gadget": {"updated": ["g1"]},
        "counter": {"statements": 1},
    }


async def test_rolled_back_reads_and_bookkeeping_write_nothing(runtime: ServiceRuntime) -> None:
    async with runtime.uow() as uow:
        uow.session.add(Gadget(id="never", colour="red"))
        await uow.session.flush()
        await uow.rollback()
    async with runtime.uow() as uow:
        await uow.session.execute(select(Gadget))
        await uow.commit()
    async with runtime.sessions() as session, session.begin():  # an event only: the outbox
        await emit(session, _any_event(), "subject-1")
    with context.unaudited():
        async with runtime.uow() as uow:
            uow.session.add(Gadget(id="replayed", colour="red"))
            await uow.commit()
    assert await entries(runtime) == []


def _any_event() -> Any:
    from lode_common.events.catalog import ApplicationForwarded

    return ApplicationForwarded(application_id="a-1")


async def test_concurrent_writers_and_sealers_make_one_chain(
    runtime: ServiceRuntime, database_url: str
) -> None:
    await asyncio.gather(*(add_gadget(runtime, f"g{i}", who=f"w{i}") for i in range(12)))
    other = create_engine(database_url)  # a second instance of the service
    try:
        sealed = await asyncio.gather(seal(runtime.engine), seal(other), seal(runtime.engine))
    finally:
        await other.dispose()
    assert sum(sealed) == 12
    chain = await entries(runtime, sealed=True)
    assert [e["seq"] for e in chain] == list(range(1, 13))
    assert all(b["prev_hash"] == a["entry_hash"] for a, b in itertools.pairwise(chain))
    assert {e["algorithm"] for e in chain} == {"sm3"}

    assert await seal_now(runtime) == 0  # sealing again changes nothing
    assert await entries(runtime, sealed=True) == chain
    report = await verify_database("zoning", runtime.engine)
    assert report.verdict.ok
    assert report.verdict.head_seq == 12
    assert report.unsealed == 0


async def _sealed_chain(runtime: ServiceRuntime, n: int, prefix: str = "g") -> None:
    for i in range(n):
        await add_gadget(runtime, f"{prefix}{i}")
    await seal_now(runtime)


@pytest.mark.parametrize(
    ("tamper", "seq", "kind"),
    [
        ("UPDATE audit_entry SET actor = 'nobody' WHERE seq = 3", 3, "edited"),
        ("DELETE FROM audit_entry WHERE seq = 3", 4, "deleted"),
        (
            "UPDATE audit_entry SET seq = CASE seq WHEN 3 THEN -4 ELSE -3 END"
            " WHERE seq IN (3, 4); UPDATE audit_entry SET seq = -seq WHERE seq < 0",
            3,
            "reordered",
        ),
    ],
    ids=["edited", "deleted", "reordered"],
)
async def test_verify_names_the_first_entry_tampered_with_in_sql(
    runtime: ServiceRuntime, tamper: str, seq: int, kind: str
) -> None:
    await _sealed_chain(runtime, 5)
    assert (await verify_database("zoning", runtime.engine)).verdict.ok
    async with runtime.engine.begin() as conn:
        for statement in tamper.split("; "):
            await conn.execute(text(statement))
    broken = (await verify_database("zoning", runtime.engine)).verdict.broken
    assert broken is not None
    assert (broken.seq, broken.kind) == (seq, kind), broken.reason


async def test_an_anchor_is_an_entry_and_an_event_and_a_rewrite_breaks_it(
    runtime: ServiceRuntime,
) -> None:
    await _sealed_chain(runtime, 3)
    now = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)  # 09:00 CST: anchors 2026-12-07
    anchored = await anchor(runtime, now)
    assert anchored is not None
    assert anchored.head.seq == 3
    assert await anchor(runtime, now) is None  # once a day
    last = (await entries(runtime, sealed=True))[-1]
    assert (last["seq"], last["action"], last["actor"]) == (4, ANCHOR_ACTION, "system:audit-anchor")
    async with runtime.engine.connect() as conn:
        (row,) = (await conn.execute(select(runtime.tables.outbox.c.envelope))).all()
    event = Envelope.from_json(row[0])
    assert event.type == "lode.zoning.audit.anchored.v1"
    assert event.topic == "lode.zoning"
    assert event.data["seq"] == 3
    assert event.data["day"] == "2026-12-07"
    assert event.data["entry_hash"] == anchored.head.entry_hash
    kept = Anchor(event.data["seq"], event.data["entry_hash"], event.data["day"])

    async with runtime.engine.begin() as conn:  # rewrite entry 2 and re-hash from there
        await conn.execute(text("UPDATE audit_entry SET actor = 'forger' WHERE seq = 2"))
        await conn.execute(update(AUDIT_ENTRY).where(AUDIT_ENTRY.c.seq >= 2).values(seq=None))
        await conn.execute(
            update(AUDIT_ENTRY).where(AUDIT_ENTRY.c.seq.is_(None)).values(prev_hash=None)
        )
    await seal_now(runtime)
    assert (await verify_database("zoning", runtime.engine)).verdict.ok  # consistent in itself
    broken = (await verify_database("zoning", runtime.engine, anchors=[kept])).verdict.broken
    assert broken is not None
    assert (broken.seq, broken.kind) == (3, "rewritten")


async def test_retention_prunes_only_up_to_an_anchor_and_verify_stays_green(
    runtime: ServiceRuntime,
) -> None:
    await _sealed_chain(runtime, 4)
    later = datetime.now(UTC) + timedelta(days=400)
    assert await prune_audit(runtime.engine, retention_days=184, now=later) is None  # no anchor
    await anchor(runtime, datetime.now(UTC) + timedelta(days=1))  # anchors seq 4
    await _sealed_chain(runtime, 2, "h")  # 6 and 7: after the anchor, never pruned with it
    through = await prune_audit(runtime.engine, retention_days=184, now=later)
    assert through == 4
    kept = await entries(runtime, sealed=True)
    assert [e["seq"] for e in kept] == [5, 6, 7, 8]
    assert kept[-1]["action"] == PRUNED_ACTION
    report = await verify_database("zoning", runtime.engine)
    assert report.verdict.ok, report.verdict.broken
    assert report.verdict.first_seq == 5
    assert report.verdict.head_seq == 8
    fresh = datetime.now(UTC)
    assert await prune_audit(runtime.engine, retention_days=184, now=fresh) is None


async def test_an_http_request_is_recorded_with_its_caller_route_and_request_id(
    runtime: ServiceRuntime,
) -> None:
    router = APIRouter(prefix="/zoning/v1/gadgets")

    @router.post("/{gadget_id}", status_code=201)
    async def create(gadget_id: str, uow: UoW, _: CurrentPrincipal) -> None:
        uow.session.add(Gadget(id=gadget_id, colour="green"))
        await uow.commit()

    app = create_service_app(
        runtime, title="t", description="d", routers=[router], manage_lifecycle=False
    )
    token = auth.issue_token(runtime.settings.jwt_secret, user="planner-7", roles=["planner"])
    headers = {"Authorization": f"Bearer {token}", "X-Request-ID": "req-43"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://zoning.test"
    ) as client:
        assert (await client.post("/zoning/v1/gadgets/g-9", headers=headers)).status_code == 201
    (entry,) = await entries(runtime)
    assert (entry["actor"], entry["roles"], entry["action"], entry["request_id"]) == (
        "planner-7",
        "planner",
        "POST /zoning/v1/gadgets/{gadget_id}",
        "req-43",
    )
