"""Licences by status, mineral and scale, with a version per state event, from
``lode.licensing`` (event-carried state: each event holds the licence's whole state)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.cst import cst_date
from lode_common.events.catalog import LicenceExpired, LicenceIssued, LicenceState
from lode_common.events.envelope import Envelope
from lode_reporting.adapters.tables import ReportingLicence, ReportingLicenceVersion
from lode_reporting.projections.journal import aware


def effective_on(envelope: Envelope, licence: LicenceState) -> date:
    """The day the state took effect: an issue on ``valid_from``, a lapse the day after
    ``valid_to``, any other change on the event's day (China Standard Time)."""
    if isinstance(licence, LicenceIssued):
        return licence.valid_from
    if isinstance(licence, LicenceExpired):
        return licence.valid_to + timedelta(days=1)
    return cst_date(envelope.time)


async def licence_event(session: AsyncSession, envelope: Envelope, licence: LicenceState) -> None:
    """Any of the eight events carrying a licence's whole state (issued ... cancelled)."""
    licence_no = licence.licence_no
    session.add(
        ReportingLicenceVersion(
            licence_no=licence_no,
            event_id=envelope.id,
            effective_on=effective_on(envelope, licence),
            right_type=licence.right_type,
            status=licence.status,
            scale=licence.scale,
            mineral=licence.mineral,
            valid_from=licence.valid_from,
            valid_to=licence.valid_to,
        )
    )
    state: dict[str, Any] = {
        "right_type": licence.right_type,
        "holder_name": licence.holder.name,
        "holder_credit_code": licence.holder.credit_code,
        "mineral": licence.mineral,
        "scale": licence.scale,
        "status": licence.status,
        "valid_from": licence.valid_from,
        "valid_to": licence.valid_to,
        "green_mine": licence.green_mine,
        "restoration_plan": [step.model_dump(mode="json") for step in licence.restoration_plan],
        "area": licence.area,
        "illustrative": licence.illustrative,
        "event_id": envelope.id,
        "event_time": envelope.time,
    }
    row = await session.get(ReportingLicence, licence_no)
    if row is None:
        session.add(
            ReportingLicence(
                licence_no=licence_no,
                first_valid_from=licence.valid_from,
                first_event_id=envelope.id,
                **state,
            )
        )
        return
    if licence.valid_from < row.first_valid_from:
        row.first_valid_from, row.first_event_id = licence.valid_from, envelope.id
    if aware(row.event_time) > envelope.time:
        return  # an older state delivered late: its version is kept, the state is not
    for key, value in state.items():
        setattr(row, key, value)
