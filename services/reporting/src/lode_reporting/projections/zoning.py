"""The zones, from ``lode.zoning`` (the plan in force is kept by the shared replica,
:mod:`lode_common.plan.replica`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.events.catalog import ZoneChanged, ZoneCreated, ZoneRetired
from lode_common.events.envelope import Envelope
from lode_reporting.adapters.tables import ReportingZone


async def zone_event(
    session: AsyncSession, envelope: Envelope, zone: ZoneCreated | ZoneChanged | ZoneRetired
) -> None:
    row = await session.get(ReportingZone, zone.zone_id)
    state: dict[str, Any] = {
        "plan_id": zone.plan_id,
        "type": zone.type,
        "code": zone.code,
        "name_zh": zone.name_zh,
        "version": zone.version,
        "geometry": zone.geometry,
        "illustrative": zone.illustrative,
        "retired": isinstance(zone, ZoneRetired),
        "event_id": envelope.id,
    }
    if row is None:
        session.add(ReportingZone(zone_id=zone.zone_id, **state))
        return
    newer = zone.version > row.version
    retiring = zone.version == row.version and state["retired"] and not row.retired
    if newer or retiring:
        for key, value in state.items():
            setattr(row, key, value)
