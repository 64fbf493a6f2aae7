"""What monitoring keeps from other services' events (never from their tables): the mines
(licences) with their status history, and the plan in force."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.events.envelope import Envelope
from lode_common.events.registry import EventPayload
from lode_monitoring.adapters.tables import Mine, MonitoringPlan


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def on_licence_event(
    session: AsyncSession, envelope: Envelope, _payload: EventPayload | None
) -> None:
    data: dict[str, Any] = envelope.data
    capacity = data.get("capacity") or {}
    state = {
        "right_type": data["right_type"],
        "holder_name": data["holder"]["name"],
        "holder_credit_code": data["holder"]["credit_code"],
        "mineral": data["mineral"],
        "mining_method": data.get("mining_method"),
        "capacity_value": Decimal(repr(capacity["value"]))
        if capacity.get("value") is not None
        else None,
        "capacity_unit": capacity.get("unit"),
        "scale": data.get("scale"),
        "valid_from": date.fromisoformat(data["valid_from"]),
        "valid_to": date.fromisoformat(data["valid_to"]),
        "status": data["status"],
        "phase_out": bool(data.get("phase_out", False)),
        "illustrative": bool(data.get("illustrative", False)),
        "restoration_plan": [
            {"year": int(m["year"]), "restored_area_ha": m["restored_area_ha"]}
            for m in data.get("restoration_plan") or ()
        ],
        "green_mine": bool(data.get("green_mine", False)),
        "updated_at": envelope.time,
    }
    # the day the status took effect: issue → valid_from; later changes → the event's day
    since = (
        state["valid_from"] if envelope.type.endswith(".issued.v1") else envelope.time.date()
    ).isoformat()
    mine = await session.get(Mine, data["licence_no"])
    if mine is None:
        session.add(
            Mine(
                licence_no=data["licence_no"],
                status_history=[{"status": data["status"], "from": since}],
                **state,
            )
        )
        return
    if _aware(mine.updated_at) > envelope.time:
        return  # an older state replayed late
    history = list(mine.status_history)
    if not history or history[-1]["status"] != data["status"]:
        history.append({"status": data["status"], "from": since})
    for key, value in state.items():
        setattr(mine, key, value)
    mine.status_history = history


async def on_plan_published(
    session: AsyncSession, envelope: Envelope, _payload: EventPayload | None
) -> None:
    data = envelope.data
    row = await session.get(MonitoringPlan, data["plan_id"])
    if row is not None and row.version >= data["version"]:
        return
    if row is None:
        session.add(
            MonitoringPlan(
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
