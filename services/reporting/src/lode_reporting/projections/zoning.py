"""The plan in force and the zones, from ``lode.zoning``."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.events.envelope import Envelope
from lode_reporting.adapters.tables import ReportingPlan, ReportingZone


async def plan_published(session: AsyncSession, envelope: Envelope) -> None:
    data = envelope.data
    row = await session.get(ReportingPlan, data["plan_id"])
    if row is None:
        session.add(
            ReportingPlan(
                plan_id=data["plan_id"],
                version=data["version"],
                document=data["document"],
                event_id=envelope.id,
            )
        )
    elif data["version"] > row.version:
        row.version, row.document, row.event_id = data["version"], data["document"], envelope.id


async def zone_event(session: AsyncSession, envelope: Envelope) -> None:
    data = envelope.data
    row = await session.get(ReportingZone, data["zone_id"])
    state = {
        "plan_id": data["plan_id"],
        "type": data["type"],
        "code": data["code"],
        "name_zh": data["name_zh"],
        "version": data["version"],
        "geometry": data.get("geometry"),
        "illustrative": bool(data.get("illustrative", False)),
        "retired": envelope.base_type.endswith(".retired"),
        "event_id": envelope.id,
    }
    if row is None:
        session.add(ReportingZone(zone_id=data["zone_id"], **state))
        return
    newer = data["version"] > row.version
    retiring = data["version"] == row.version and state["retired"] and not row.retired
    if newer or retiring:
        for key, value in state.items():
            setattr(row, key, value)
