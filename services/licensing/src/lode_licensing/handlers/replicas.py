"""What licensing keeps from zoning's events: the plan in force and the block holders."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.events.envelope import Envelope
from lode_common.events.registry import EventPayload
from lode_licensing.adapters.tables import BlockHolderReplica, PlanInForce


async def on_plan_published(
    session: AsyncSession, envelope: Envelope, _payload: EventPayload | None
) -> None:
    data = envelope.data
    row = await session.get(PlanInForce, data["plan_id"])
    if row is not None and row.version >= data["version"]:
        return  # an older version replayed late: the newer one stays in force
    if row is None:
        session.add(
            PlanInForce(
                plan_id=data["plan_id"],
                version=data["version"],
                document=data["document"],
                received_at=datetime.now(UTC),
            )
        )
    else:
        row.version = data["version"]
        row.document = data["document"]
        row.received_at = datetime.now(UTC)


async def on_holder_assigned(
    session: AsyncSession, envelope: Envelope, _payload: EventPayload | None
) -> None:
    data = envelope.data
    row = await session.get(BlockHolderReplica, data["zone_id"])
    if row is None:
        session.add(
            BlockHolderReplica(
                zone_id=data["zone_id"],
                holder_credit_code=data["holder"]["credit_code"],
                licence_no=data["licence_no"],
            )
        )
    else:
        row.holder_credit_code = data["holder"]["credit_code"]
        row.licence_no = data["licence_no"]


async def on_holder_released(
    session: AsyncSession, envelope: Envelope, _payload: EventPayload | None
) -> None:
    row = await session.get(BlockHolderReplica, envelope.data["zone_id"])
    if row is not None and row.licence_no == envelope.data["licence_no"]:
        await session.delete(row)
