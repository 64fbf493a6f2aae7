"""Licences by status, mineral and scale, with a version per state event, from
``lode.licensing`` (event-carried state: each event holds the licence's whole state)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.events.envelope import Envelope
from lode_reporting.adapters.tables import ReportingLicence, ReportingLicenceVersion
from lode_reporting.domain.dates import cst_date
from lode_reporting.projections.journal import aware

ACTIONS = (
    "issued",
    "renewed",
    "changed",
    "transferred",
    "suspended",
    "revoked",
    "expired",
    "cancelled",
)


def effective_on(envelope: Envelope, valid_from: date, valid_to: date) -> date:
    """The day the state took effect: an issue on ``valid_from``, a lapse the day after
    ``valid_to``, any other change on the event's day (China Standard Time)."""
    action = envelope.base_type.rsplit(".", 1)[1]
    if action == "issued":
        return valid_from
    if action == "expired":
        return valid_to + timedelta(days=1)
    return cst_date(envelope.time)


def _restoration_plan(data: dict[str, Any]) -> list[dict[str, Any]]:
    plan = data.get("restoration_plan") or []
    return [
        {"year": int(step["year"]), "restored_area_ha": step["restored_area_ha"]}
        for step in plan
        if isinstance(step, dict) and "year" in step and "restored_area_ha" in step
    ]


async def licence_event(session: AsyncSession, envelope: Envelope) -> None:
    data = envelope.data
    licence_no = data["licence_no"]
    valid_from = date.fromisoformat(data["valid_from"])
    valid_to = date.fromisoformat(data["valid_to"])
    session.add(
        ReportingLicenceVersion(
            licence_no=licence_no,
            event_id=envelope.id,
            effective_on=effective_on(envelope, valid_from, valid_to),
            right_type=data["right_type"],
            status=data["status"],
            scale=data.get("scale"),
            mineral=data["mineral"],
            valid_from=valid_from,
            valid_to=valid_to,
        )
    )
    state = {
        "right_type": data["right_type"],
        "holder_name": data["holder"]["name"],
        "holder_credit_code": data["holder"]["credit_code"],
        "mineral": data["mineral"],
        "scale": data.get("scale"),
        "status": data["status"],
        "valid_from": valid_from,
        "valid_to": valid_to,
        "green_mine": bool(data.get("green_mine", False)),
        "restoration_plan": _restoration_plan(data),
        "area": data.get("area"),
        "illustrative": bool(data.get("illustrative", False)),
        "event_id": envelope.id,
        "event_time": envelope.time,
    }
    row = await session.get(ReportingLicence, licence_no)
    if row is None:
        session.add(
            ReportingLicence(
                licence_no=licence_no,
                first_valid_from=valid_from,
                first_event_id=envelope.id,
                **state,
            )
        )
        return
    if valid_from < row.first_valid_from:
        row.first_valid_from, row.first_event_id = valid_from, envelope.id
    if aware(row.event_time) > envelope.time:
        return  # an older state delivered late: its version is kept, the state is not
    for key, value in state.items():
        setattr(row, key, value)
