"""The plan in force as every consumer keeps it: the shared replica, fed by the inbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lode_common.database import create_engine, session_factory
from lode_common.events.catalog import PlanPublished
from lode_common.events.envelope import Envelope
from lode_common.messaging.inbox import Inbox
from lode_common.messaging.tables import EVENT_TABLES
from lode_common.messaging.transport import Delivery
from lode_common.plan import replica
from lode_common.plan.data import bundled_raw_document
from lode_common.plan.document import PlanDocument
from lode_common.plan.replica import PLAN_REPLICA, PlanNotLoaded, PlanReplica

PLAN = "pingquan-2021-2025"


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(EVENT_TABLES.metadata.create_all)
        await conn.run_sync(PLAN_REPLICA.metadata.create_all)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


def published(version: int, **changes: Any) -> Envelope:
    document = bundled_raw_document()
    document["plan"] = {**document["plan"], **changes}
    payload = PlanPublished.model_validate(
        {"plan_id": PLAN, "version": version, "region_adcode": "130881", "document": document}
    )
    return payload.envelope(PLAN)


def inbox(sessions: async_sessionmaker[AsyncSession]) -> Inbox:
    return Inbox(
        consumer="licensing",
        sessions=sessions,
        tables=EVENT_TABLES,
        handlers=dict(replica.REPLICA_HANDLERS),
        max_attempts=1,
    )


def deliveries(*envelopes: Envelope) -> list[Delivery]:
    return [
        Delivery(replica.TOPIC, 0, offset, e.subject, e.to_json())
        for offset, e in enumerate(envelopes)
    ]


async def test_nothing_published_yet_is_plan_not_loaded(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    plans = PlanReplica(sessions)
    assert await plans.in_force(PLAN) is None
    assert await plans.version_of(PLAN) is None
    with pytest.raises(PlanNotLoaded) as caught:
        await plans.require(PLAN)
    assert caught.value.plan_id == PLAN


async def test_the_latest_version_wins_whatever_order_the_events_come_in(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    second = published(2, title_en="Second")
    await inbox(sessions).handle_batch(deliveries(published(1), second, published(1)))
    plan = await PlanReplica(sessions).require(PLAN)
    assert (plan.version, plan.region_adcode, plan.event_id) == (2, "130881", second.id)
    assert isinstance(plan.document, PlanDocument)
    assert plan.document.plan.title_en == "Second"
    assert plan.received_at.tzinfo is not None
    async with sessions() as session:
        rows = (await session.execute(select(func.count()).select_from(PLAN_REPLICA))).scalar()
    assert rows == 1


async def test_the_document_is_typed_and_parsed_once_per_version(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await inbox(sessions).handle_batch(deliveries(published(1)))
    plans = PlanReplica(sessions)
    first = await plans.require(PLAN)
    async with sessions() as session:
        again = await plans.require(PLAN, session)
    assert again.document is first.document  # a version never changes once published
    standards = first.document.standards
    iron = standards.mineral("铁矿")
    assert iron is not None
    assert iron.code
    await inbox(sessions).handle_batch(deliveries(published(2)))
    newer = await plans.require(PLAN)
    assert newer.version == 2
    assert newer.document is not first.document
    assert [p.plan_id for p in await plans.all_in_force()] == [PLAN]


async def test_a_payload_of_another_model_is_parked_not_applied(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    wrong = Envelope.from_json(published(1).to_json())
    handler = replica.REPLICA_HANDLERS[replica.PUBLISHED]
    async with sessions() as session:
        with pytest.raises(TypeError, match="did not read as"):
            await handler(session, wrong, None)
