"""What monitoring keeps from other services' events (never from their tables): the mines
(licences) with their status history. The plan in force is the shared replica's
(:mod:`lode_common.plan.replica`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.events.catalog import (
    LICENCE_EVENTS,
    LicenceIssued,
    LicenceState,
)
from lode_common.events.envelope import Envelope
from lode_common.messaging.consumers import Consumers
from lode_monitoring.adapters.tables import Mine

consumers = Consumers()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _state(licence: LicenceState, envelope: Envelope) -> dict[str, Any]:
    """The mine's columns for the licence's state after the event."""
    capacity = licence.capacity
    return {
        "right_type": licence.right_type,
        "holder_name": licence.holder.name,
        "holder_credit_code": licence.holder.credit_code,
        "mineral": licence.mineral,
        "mining_method": licence.mining_method,
        "capacity_value": capacity.value if capacity is not None else None,
        "capacity_unit": capacity.unit if capacity is not None else None,
        "scale": licence.scale,
        "valid_from": licence.valid_from,
        "valid_to": licence.valid_to,
        "status": licence.status,
        "phase_out": licence.phase_out,
        "illustrative": licence.illustrative,
        "restoration_plan": [m.model_dump(mode="json") for m in licence.restoration_plan],
        "green_mine": licence.green_mine,
        "updated_at": envelope.time,
    }


@consumers.on(*LICENCE_EVENTS)
async def on_licence_event(
    session: AsyncSession, envelope: Envelope, licence: LicenceState
) -> None:
    """Any of the eight events carrying a licence's whole state (issued ... cancelled):
    the licence's latest state is kept; an older state replayed late changes nothing."""
    state = _state(licence, envelope)
    # the day the status took effect: issue → valid_from; later changes → the event's day
    since = (
        licence.valid_from if isinstance(licence, LicenceIssued) else envelope.time.date()
    ).isoformat()
    mine = await session.get(Mine, licence.licence_no)
    if mine is None:
        session.add(
            Mine(
                licence_no=licence.licence_no,
                status_history=[{"status": licence.status, "from": since}],
                **state,
            )
        )
        return
    if _aware(mine.updated_at) > envelope.time:
        return  # an older state replayed late
    history = list(mine.status_history)
    if not history or history[-1]["status"] != licence.status:
        history.append({"status": licence.status, "from": since})
    for key, value in state.items():
        setattr(mine, key, value)
    mine.status_history = history
