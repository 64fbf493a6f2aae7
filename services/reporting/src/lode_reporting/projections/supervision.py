"""Supervision and enforcement (监督检查, issue 17), from ``lode.monitoring``: random inspection
draws (``inspection.drawn``), inspections (``inspection.recorded``), rectification orders
(``rectification.ordered``, ``.verified``, ``.overdue``) and the lists (``enterprise.listed``,
``.released``), one row per record; and every service's daily audit anchor
(``*.audit.anchored``) into ``audit_anchor``.

Whichever of a record's events arrives first creates its row. An event that states the
record's present state (:func:`lode_reporting.domain.supervision.supersedes`) sets every
column it carries; an older one arriving late only fills what the row does not hold yet. An
order's and a listing's status is read from the columns, not from the last event, so a late
event never moves a record backwards. The inbox keeps each event once, and the same event
applied again changes nothing, so a rebuild from the topics gives the live rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from lode_common.events.catalog import EnterpriseListed, EnterpriseReleased
from lode_common.events.envelope import Envelope
from lode_common.events.supervision import (
    InspectionDrawn,
    InspectionRecorded,
    LicensingAuditAnchored,
    MonitoringAuditAnchored,
    RectificationOrdered,
    RectificationOverdue,
    RectificationVerified,
    ReportingAuditAnchored,
    ZoningAuditAnchored,
)
from lode_reporting.adapters.supervision import (
    AuditAnchor,
    InspectionDrawRecord,
    InspectionRecord,
    ListingRecord,
    RectificationRecord,
)
from lode_reporting.domain import supervision
from lode_reporting.projections.journal import aware

RectificationEvent = RectificationOrdered | RectificationVerified | RectificationOverdue
ListingEvent = EnterpriseListed | EnterpriseReleased
RECTIFICATION_EVENTS: tuple[type[RectificationEvent], ...] = (
    RectificationOrdered,
    RectificationVerified,
    RectificationOverdue,
)
LISTING_EVENTS: tuple[type[ListingEvent], ...] = (EnterpriseListed, EnterpriseReleased)
AnchorEvent = (
    ZoningAuditAnchored | LicensingAuditAnchored | MonitoringAuditAnchored | ReportingAuditAnchored
)
ANCHOR_EVENTS: tuple[type[AnchorEvent], ...] = (
    ZoningAuditAnchored,
    LicensingAuditAnchored,
    MonitoringAuditAnchored,
    ReportingAuditAnchored,
)
"""The four services' ``*.audit.anchored``."""

Row = TypeVar("Row", bound=SQLModel)


async def _merge(
    session: AsyncSession,
    table: type[Row],
    key: str,
    envelope: Envelope,
    values: Mapping[str, Any],
) -> tuple[Row, bool]:
    """The row keyed by ``key``, created with ``values`` or merged with them: all set when
    the event supersedes the row's, else only the columns the row lacks; and whether the
    event superseded (a new row's did)."""
    row = await session.get(table, key)
    if row is None:
        row = table(**values, updated_at=envelope.time, event_id=envelope.id)
        session.add(row)
        return row, True
    current = supervision.rank(aware(row.updated_at), row.event_id)  # type: ignore[attr-defined]
    if not supervision.supersedes(supervision.rank(envelope.time, envelope.id), current):
        for column, value in values.items():  # a late event fills only what is missing
            if getattr(row, column) in (None, []):
                setattr(row, column, value)
        return row, False
    for column, value in values.items():
        setattr(row, column, value)
    row.updated_at, row.event_id = envelope.time, envelope.id
    return row, True


async def inspection_drawn(
    session: AsyncSession, envelope: Envelope, draw: InspectionDrawn
) -> None:
    await _merge(
        session,
        InspectionDrawRecord,
        draw.draw_id,
        envelope,
        {
            "draw_id": draw.draw_id,
            "year": draw.year,
            "ratio_pct": Decimal(repr(draw.ratio_pct)),
            "seed": draw.seed,
            "algorithm": draw.algorithm,
            "population": list(draw.population),
            "drawn": list(draw.drawn),
            "drawn_on": draw.drawn_on,
        },
    )


async def inspection_recorded(
    session: AsyncSession, envelope: Envelope, inspection: InspectionRecorded
) -> None:
    await _merge(
        session,
        InspectionRecord,
        inspection.inspection_id,
        envelope,
        {
            "inspection_id": inspection.inspection_id,
            "licence_no": inspection.licence_no,
            "credit_code": inspection.credit_code,
            "holder_name": inspection.holder_name,
            "draw_id": inspection.draw_id,
            "year": inspection.year,
            "inspected_on": inspection.inspected_on,
            "result": inspection.result,
            "items": [item.model_dump(mode="json") for item in inspection.items],
            "finding_id": inspection.finding_id,
        },
    )


async def rectification_event(
    session: AsyncSession, envelope: Envelope, order: RectificationEvent
) -> None:
    """An order issued, verified or found overdue; its status from what was established.
    A verification that found it done (已整改) is final: a not-done one never replaces it."""
    values: dict[str, Any] = {
        "order_id": order.order_id,
        "licence_no": order.licence_no,
        "credit_code": order.credit_code,
        "holder_name": order.holder_name,
        "finding_ids": list(order.finding_ids),
        "requirement": order.requirement,
        "ordered_on": order.ordered_on,
        "due": order.due,
    }
    if isinstance(order, RectificationOverdue):
        values["overdue_on"] = order.overdue_on
    row, superseded = await _merge(
        session, RectificationRecord, order.order_id, envelope, {"status": "open", **values}
    )
    if isinstance(order, RectificationVerified):
        done = row.verification == "done"
        if order.outcome == "done" and (superseded or not done):
            row.verification, row.verified_on = "done", order.verified_on
        elif order.outcome == "not_done" and not done and (superseded or not row.verification):
            row.verification, row.verified_on = "not_done", order.verified_on
    row.status = supervision.order_status(row.verification, row.overdue_on)


async def listing_event(session: AsyncSession, envelope: Envelope, listing: ListingEvent) -> None:
    """An enterprise listed on, or released from, a list; released once a release came."""
    values: dict[str, Any] = {
        "listing_id": listing.listing_id,
        "credit_code": listing.credit_code,
        "name": listing.name,
        "list": listing.list,
        "status": "listed",
    }
    if isinstance(listing, EnterpriseListed):
        values |= {"reason": listing.reason, "listed_on": listing.listed_on, "until": listing.until}
    else:
        values |= {"release_reason": listing.reason, "released_on": listing.released_on}
    row, _ = await _merge(session, ListingRecord, listing.listing_id, envelope, values)
    row.status = "released" if row.released_on is not None else "listed"


async def audit_anchored(session: AsyncSession, envelope: Envelope, anchor: AnchorEvent) -> None:
    """An anchor kept by all it asserts; the same one again keeps the earliest publication."""
    key = (anchor.service, anchor.day, anchor.seq, anchor.entry_hash)
    row = await session.get(AuditAnchor, key)
    if row is None:
        session.add(
            AuditAnchor(
                service=anchor.service,
                day=anchor.day,
                seq=anchor.seq,
                entry_hash=anchor.entry_hash,
                algorithm=anchor.algorithm,
                anchored_at=anchor.anchored_at,
                event_id=envelope.id,
            )
        )
        return
    if (anchor.anchored_at, envelope.id) < (aware(row.anchored_at), row.event_id):
        row.anchored_at, row.event_id = anchor.anchored_at, envelope.id
        row.algorithm = anchor.algorithm
