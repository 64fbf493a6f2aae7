"""What licensing keeps from zoning's events besides the plan in force (the shared
:mod:`lode_common.plan.replica`): each planning block's one holder."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.events.catalog import BlockHolderAssigned, BlockHolderReleased
from lode_common.events.envelope import Envelope
from lode_common.messaging.consumers import Consumers
from lode_licensing.adapters.tables import BlockHolderReplica

consumers = Consumers()


@consumers.on(BlockHolderAssigned)
async def on_holder_assigned(
    session: AsyncSession, _envelope: Envelope, assigned: BlockHolderAssigned
) -> None:
    row = await session.get(BlockHolderReplica, assigned.zone_id)
    if row is None:
        session.add(
            BlockHolderReplica(
                zone_id=assigned.zone_id,
                holder_credit_code=assigned.holder.credit_code,
                licence_no=assigned.licence_no,
            )
        )
    else:
        row.holder_credit_code = assigned.holder.credit_code
        row.licence_no = assigned.licence_no


@consumers.on(BlockHolderReleased)
async def on_holder_released(
    session: AsyncSession, _envelope: Envelope, released: BlockHolderReleased
) -> None:
    row = await session.get(BlockHolderReplica, released.zone_id)
    if row is not None and row.licence_no == released.licence_no:
        await session.delete(row)
