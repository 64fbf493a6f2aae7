"""Rebuilding the read models from the topics gives the live ones exactly.

A rebuild replays whole topics, so the PostgreSQL + Kafka variant runs on a broker of its
own: the session's shared broker holds other tests' events too."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete
from sqlmodel import col

from lode_common.database import create_engine, session_factory
from lode_common.testing.apps import ServiceUnderTest, service_under_test
from lode_common.testing.plugin import missing
from lode_common.testing.services import KafkaBroker, Unavailable, start_kafka
from lode_reporting.adapters.decisions import PublicDecision
from lode_reporting.adapters.supervision import AuditAnchor, ListingRecord, RectificationRecord
from lode_reporting.adapters.tables import GrantRecord, ReportingOutput, ReportingReserves
from lode_reporting.bootstrap import build
from lode_reporting.rebuild import compare, rebuild
from lode_reporting.settings import ReportingSettings
from services.reporting.tests.integration.events import (
    at,
    finding,
    grant_announced,
    grant_concluded,
    grant_contracted,
    grant_failed,
    licence,
    output,
    plan_published,
    progress,
    reserves,
    send,
)
from services.reporting.tests.integration.public_events import decided, submitted
from services.reporting.tests.integration.supervision_events import (
    anchored,
    drawn,
    item,
    listed,
    order,
    recorded,
    released,
)

C1 = "C1308812018019900000001"
C2 = "C1308812021019900000002"
E2 = "91130881MA0A000002"


@pytest.fixture(scope="module")
def own_kafka() -> Iterator[KafkaBroker]:
    try:
        broker = start_kafka()
    except Unavailable as exc:
        missing("Kafka-protocol broker", str(exc))
        raise
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture(params=["sqlite", "postgres"])
async def isolated(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[ServiceUnderTest]:
    extra = {}
    if request.param == "postgres":
        extra = {
            "postgres": request.getfixturevalue("postgres_server"),
            "kafka": request.getfixturevalue("own_kafka"),
        }
    async with service_under_test(
        build, ReportingSettings, backend=request.param, tmp_path=tmp_path, **extra
    ) as service:
        yield service


async def test_rebuilt_read_models_equal_the_live_ones(isolated: ServiceUnderTest) -> None:
    r = isolated
    await send(r, plan_published())
    await send(
        r,
        licence(C1, scale="medium"),
        licence(
            C2, scale="small", mineral="建筑石料", valid_from=date(2021, 3, 1), green_mine=True
        ),
        output("rep-1", C1, disturbed="2", restored="1.5", value="6800"),
        output("rep-2", C2, ore="12.25", concentrate="0", disturbed="1", restored="1"),
        reserves("res-1", C1, opening="1000", extracted="100", lost="10"),
        reserves("res-2", C2, mineral="建筑石料", opening="80.5", extracted="12.25", lost="0"),
        progress("p-1", "geochem_survey", 2022, completed_sheets=2),
        finding("f-1", C1),
    )
    await send(
        r,
        output("rep-1", C1, version=2, concentrate="31", value="7100.25"),
        reserves("res-1", C1, version=2, opening="1000", extracted="100", lost="12"),
        finding("f-1", C1, "closed"),
        licence(C2, "suspended", status="suspended", scale="small", time=at(2024)),
    )
    # grants: one contracted, one failed and announced again, one whose result came first
    await send(
        r,
        grant_announced("g-1"),
        grant_concluded("g-1"),
        grant_contracted("g-1"),
        grant_announced("g-2", mineral="建筑石料", on=date(2024, 2, 1)),
        grant_failed("g-2", mineral="建筑石料", on=date(2024, 3, 1)),
        grant_announced("g-2", mineral="建筑石料", on=date(2024, 3, 20), announcement=2),
        grant_concluded("g-3", on=date(2024, 7, 1), price="99"),
        grant_announced("g-3", on=date(2024, 6, 1)),
    )
    # supervision: an overdue order whose not-done verification arrives late, a listing and
    # its release, and audit anchors on zoning's and reporting's own topics (one published
    # twice)
    overdue: dict[str, Any] = {"ordered_on": date(2024, 5, 1), "due": date(2024, 6, 30)}
    zoning_anchor = anchored("zoning", date(2024, 6, 1), 10, "ab" * 32)
    await send(
        r,
        drawn("d-1", [C1, C2], [C2], on=date(2024, 3, 1)),
        recorded("i-1", C2, E2, on=date(2024, 4, 1), items=[item("output", False)]),
        order("ordered", "o-1", C2, E2, **overdue),
        order("overdue", "o-1", C2, E2, **overdue, on=date(2024, 7, 1)),
        order("verified", "o-1", C2, E2, **overdue, on=date(2024, 6, 20), outcome="not_done"),
        listed("a-1", E2, on=date(2024, 7, 10)),
        released("a-1", E2, on=date(2024, 9, 1)),
        zoning_anchor,
        anchored("zoning", date(2024, 6, 1), 10, "ab" * 32, at=datetime(2024, 6, 2, tzinfo=UTC)),
        anchored("reporting", date(2024, 6, 1), 4, "cd" * 32),
    )
    # public decisions: one submitted then decided, one whose decision arrived first
    await send(
        r,
        submitted("a-1", at=at(2024, 4)),
        decided("a-1", "approved", at=at(2024, 5), licence_no=C1),
        decided("a-2", "rejected", at=at(2024, 5, 2), reason="材料不全"),
        submitted("a-2", at=at(2024, 4, 2), kind="renewal", licence_no=C2),
    )
    settings = r.runtime.settings
    assert isinstance(settings, ReportingSettings)
    seen: list[tuple[str, int, int]] = []
    result = await rebuild(settings, transport=r.transport, progress=lambda *p: seen.append(p))
    assert result.differences == []
    assert result.journaled == 35
    assert result.parked == 0
    assert result.database_url != settings.resolved_database_url()
    assert {topic for topic, _, _ in seen} == {
        "lode.zoning",
        "lode.licensing",
        "lode.monitoring",
        "lode.reporting",
    }

    engine = create_engine(result.database_url)
    try:
        rebuilt = session_factory(engine)
        async with rebuilt() as session, session.begin():
            await session.execute(
                delete(ReportingOutput).where(ReportingOutput.report_id == "rep-2")
            )  # type: ignore[arg-type]
            corrected = await session.get(ReportingReserves, "res-1")
            assert corrected is not None
            assert (corrected.version, corrected.lost_10kt) == (2, 12)
            corrected.closing_10kt += 1
            value = await session.get(ReportingOutput, "rep-1")
            assert value is not None
            assert value.output_value_cny_10k == Decimal("7100.25")
            announced_again = await session.get(GrantRecord, "g-2")
            assert announced_again is not None
            assert (announced_again.status, announced_again.announcement) == ("announced", 2)
            result_first = await session.get(GrantRecord, "g-3")
            assert result_first is not None
            assert (result_first.status, result_first.announcement) == ("concluded", 1)
            contracted = await session.get(GrantRecord, "g-1")
            assert contracted is not None
            contracted.status = "concluded"
            order_row = await session.get(RectificationRecord, "o-1")
            assert order_row is not None
            assert (order_row.status, order_row.verification) == ("overdue", "not_done")
            anchor_row = await session.get(AuditAnchor, ("zoning", date(2024, 6, 1), 10, "ab" * 32))
            assert anchor_row is not None
            assert anchor_row.event_id == zoning_anchor.id
            release_gone = delete(ListingRecord).where(col(ListingRecord.listing_id) == "a-1")
            await session.execute(release_gone)
            decided_first = await session.get(PublicDecision, "a-2")
            assert decided_first is not None
            assert (decided_first.decision, decided_first.kind, decided_first.licence_no) == (
                "rejected",
                "renewal",
                C2,
            )
            approval = await session.get(PublicDecision, "a-1")
            assert approval is not None
            assert (approval.licence_no, approval.decided_on) == (C1, date(2024, 5, 1))
            approval.decision = "rejected"
        differences = await compare(r.runtime.sessions, rebuilt)
    finally:
        await engine.dispose()
    assert differences == [
        "reporting_output ('rep-2',): only in the first",
        "reporting_reserves ('res-1',): closing_10kt differ",
        "grant_record ('g-1',): status differ",
        "listing_record ('a-1',): only in the first",
        "public_decision ('a-1',): decision differ",
    ]
