"""Licence footprints and block holders, kept from licensing's events.

Every licence event carries the licence's state after the change (event-carried state
transfer): the footprint is replaced by it, and the spatial generation moves so every
instance's index picks it up. A planning block gets the holder of the first active licence
of its right type that overlaps it (一个区块一个主体, 第三章第三节 六、七), announced with
``block.holder_assigned``; a transfer moves the block to the new holder; a licence that
ends releases its blocks.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.events.catalog import (
    LICENCE_EVENTS,
    BlockHolderAssigned,
    BlockHolderReleased,
    Holder,
    LicenceState,
    LicenceTransferred,
)
from lode_common.events.envelope import Envelope
from lode_common.messaging.consumers import Consumers
from lode_common.messaging.outbox import emit
from lode_zoning.adapters.spatial_index import bump_generation
from lode_zoning.adapters.tables import BlockHolder, LicenceFootprint, ZoneVersion

BLOCK_TYPE_BY_RIGHT = {"exploration": "exploration_block", "mining": "mining_block"}
ENDED = {"revoked", "expired", "cancelled"}


async def on_licence_event(
    session: AsyncSession, envelope: Envelope, licence: LicenceState
) -> None:
    """Keep the licence's footprint as the event states it, then its blocks' holder."""
    state: dict[str, Any] = {
        "right_type": licence.right_type,
        "holder_name": licence.holder.name,
        "holder_credit_code": licence.holder.credit_code,
        "mineral": licence.mineral,
        "status": licence.status,
        "geometry": licence.area,
        "illustrative": licence.illustrative,
        "updated_at": envelope.time,
    }
    footprint = await session.get(LicenceFootprint, licence.licence_no)
    if footprint is None:
        footprint = LicenceFootprint(licence_no=licence.licence_no, **state)
        session.add(footprint)
    elif _aware(footprint.updated_at) > envelope.time:
        return  # an older state arriving late (replay of an earlier event): keep the newer
    else:
        for key, value in state.items():
            setattr(footprint, key, value)
    await bump_generation(session)
    if footprint.status in ENDED:
        await _release_blocks(session, footprint)
    elif footprint.status == "active" and footprint.geometry:
        await _assign_blocks(session, footprint, isinstance(licence, LicenceTransferred))


consumers = Consumers()
consumers.on(*LICENCE_EVENTS)(on_licence_event)


def _aware(moment: datetime) -> datetime:
    """SQLite gives timestamps back without their zone; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def _assign_blocks(
    session: AsyncSession, footprint: LicenceFootprint, transferred: bool
) -> None:
    block_type = BLOCK_TYPE_BY_RIGHT.get(footprint.right_type)
    if block_type is None or footprint.geometry is None:
        return
    area = shape(footprint.geometry)
    query = select(ZoneVersion).where(
        col(ZoneVersion.is_current).is_(True),
        col(ZoneVersion.status) == "active",
        col(ZoneVersion.type) == block_type,
    )
    blocks = list((await session.execute(query)).scalars())
    for block in blocks:
        if shape(block.geometry).intersection(area).area <= 0:
            continue
        current = await session.get(BlockHolder, block.zone_id)
        if current is None:
            session.add(
                BlockHolder(
                    zone_id=block.zone_id,
                    holder_credit_code=footprint.holder_credit_code,
                    holder_name=footprint.holder_name,
                    licence_no=footprint.licence_no,
                    assigned_at=datetime.now(UTC),
                )
            )
        elif transferred and current.licence_no == footprint.licence_no:
            current.holder_credit_code = footprint.holder_credit_code
            current.holder_name = footprint.holder_name
            current.assigned_at = datetime.now(UTC)
        else:
            continue  # held already (by this holder, or by another: licensing reviews that)
        await emit(
            session,
            BlockHolderAssigned(
                zone_id=block.zone_id,
                plan_id=block.plan_id,
                code=block.code,
                holder=Holder(name=footprint.holder_name, credit_code=footprint.holder_credit_code),
                licence_no=footprint.licence_no,
            ),
            subject=block.zone_id,
        )


async def _release_blocks(session: AsyncSession, footprint: LicenceFootprint) -> None:
    held = (
        await session.execute(
            select(BlockHolder).where(col(BlockHolder.licence_no) == footprint.licence_no)
        )
    ).scalars()
    for holder in list(held):
        block = (
            await session.execute(
                select(ZoneVersion).where(
                    col(ZoneVersion.zone_id) == holder.zone_id,
                    col(ZoneVersion.is_current).is_(True),
                )
            )
        ).scalar_one_or_none()
        await session.delete(holder)
        await emit(
            session,
            BlockHolderReleased(
                zone_id=holder.zone_id,
                plan_id=block.plan_id if block else "",
                code=block.code if block else "",
                licence_no=footprint.licence_no,
                reason=footprint.status,
            ),
            subject=holder.zone_id,
        )
