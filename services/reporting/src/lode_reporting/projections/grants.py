"""Competitive grants (矿业权出让), from ``lode.licensing``'s ``grant.announced``,
``.concluded``, ``.failed`` and ``.contracted`` (issue 16), into ``grant_record``.

Whichever of a grant's events arrives first creates its row. An event that states the
grant's present state (:func:`lode_reporting.domain.grants.supersedes`: later, or at the same
instant a later announcement or stage) sets the status and every field it carries; an older
one arriving late only fills what the row does not hold yet, so it never moves the status
backwards nor replaces a newer figure. The inbox keeps each event once; the same event
applied again changes nothing either, so a rebuild from the topic gives the live rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.events.catalog import GrantAnnounced, GrantConcluded, GrantContracted, GrantFailed
from lode_common.events.envelope import Envelope
from lode_reporting.adapters.tables import GrantRecord
from lode_reporting.domain import grants
from lode_reporting.projections.journal import aware

GrantEvent = GrantAnnounced | GrantConcluded | GrantFailed | GrantContracted
EVENTS: tuple[type[GrantEvent], ...] = (
    GrantAnnounced,
    GrantConcluded,
    GrantFailed,
    GrantContracted,
)
"""What :func:`grant_event` consumes (``lode.licensing.grant.*``)."""

STATUS: dict[type[GrantEvent], grants.GrantStatus] = {
    GrantAnnounced: "announced",
    GrantConcluded: "concluded",
    GrantFailed: "failed",
    GrantContracted: "contracted",
}


def stated(grant: GrantEvent) -> dict[str, Any]:
    """The columns an event states, by its kind. Never a reserve price: no event has one."""
    if isinstance(grant, GrantAnnounced):
        return {
            "announcement": grant.announcement,
            "announced_on": grant.announced_on,
            "trade_from": grant.trade_from,
            "trade_to": grant.trade_to,
            "starting_price_cny_10k": grant.starting_price_cny_10k,
            "area_ha": grant.area_ha,
            "zones": [zone.model_dump(mode="json") for zone in grant.zones],
        }
    if isinstance(grant, GrantFailed):
        return {
            "failed_on": grant.failed_on,
            "failed_reason": grant.reason,
            "bidders": grant.bidders,
        }
    winner = {
        "winner_name": grant.winner.name,
        "winner_credit_code": grant.winner.credit_code,
        "price_cny_10k": grant.price_cny_10k,
    }
    if isinstance(grant, GrantConcluded):
        return {
            **winner,
            "concluded_on": grant.concluded_on,
            "publicity_until": grant.publicity_until,
            "bidders": grant.bidders,
        }
    return {
        **winner,
        "signed_on": grant.signed_on,
        "contract_ref": grant.contract_ref,
        "instalments": [step.model_dump(mode="json") for step in grant.instalments],
    }


async def grant_event(session: AsyncSession, envelope: Envelope, grant: GrantEvent) -> None:
    status = STATUS[type(grant)]
    row = await session.get(GrantRecord, grant.grant_id)
    if row is None:
        row = GrantRecord(
            grant_id=grant.grant_id,
            year=grant.year,
            right_type=grant.right_type,
            mineral=grant.mineral,
            method=grant.method,
            status=status,
            zones=[],
            instalments=[],
            updated_at=envelope.time,
            event_id=envelope.id,
        )
        session.add(row)
    number = grant.announcement if isinstance(grant, GrantAnnounced) else row.announcement
    event = grants.rank(envelope.time, number, status)
    current = grants.rank(aware(row.updated_at), row.announcement, row.status)
    values = stated(grant)
    if not grants.supersedes(event, current):
        for column, value in values.items():  # a late event fills only what is missing
            if getattr(row, column) in (None, []):
                setattr(row, column, value)
        return
    row.year, row.right_type = grant.year, grant.right_type
    row.mineral, row.method = grant.mineral, grant.method
    for column, value in values.items():
        setattr(row, column, value)
    row.status, row.updated_at, row.event_id = status, envelope.time, envelope.id
