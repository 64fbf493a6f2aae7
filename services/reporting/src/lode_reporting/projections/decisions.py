"""Approval decisions for the public (审批结果公开, issue 18), from ``lode.licensing``'s
``application.submitted`` (who applied for what) and ``application.decided`` (approved or
rejected, why, the licence), into ``public_decision``.

Each event fills only its own columns, so the row is the same whichever arrives first; the
decision's columns follow the latest decision (:func:`lode_reporting.domain.supervision.
supersedes` on its time and id), so a decision delivered twice or late never replaces a newer
one. The inbox keeps each event once, and the same event applied again changes nothing: a
rebuild from the topic gives the live rows. The checks (``application.checked``) are not
consumed: nothing of them is public.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.cst import cst_date
from lode_common.events.catalog import ApplicationDecided, ApplicationSubmitted
from lode_common.events.envelope import Envelope
from lode_reporting.adapters.decisions import PublicDecision
from lode_reporting.domain import supervision
from lode_reporting.projections.journal import aware


async def _row(session: AsyncSession, application_id: str, envelope: Envelope) -> PublicDecision:
    row = await session.get(PublicDecision, application_id)
    if row is None:
        row = PublicDecision(
            application_id=application_id, updated_at=envelope.time, event_id=envelope.id
        )
        session.add(row)
    return row


async def application_submitted(
    session: AsyncSession, envelope: Envelope, submitted: ApplicationSubmitted
) -> None:
    """Who applied (the enterprise's name and credit code), for what kind of right and
    mineral, on which day (CST); the licence a renewal, change or transfer concerns, unless
    the decision named one already."""
    row = await _row(session, submitted.application_id, envelope)
    row.right_type, row.kind = submitted.right_type, submitted.kind
    row.applicant_name = submitted.applicant.name
    row.applicant_credit_code = submitted.applicant.credit_code
    row.mineral, row.submitted_on = submitted.mineral, cst_date(envelope.time)
    if row.licence_no is None:
        row.licence_no = submitted.licence_no
    if row.decision is None:  # the decision, once it came, states the row
        row.updated_at, row.event_id = envelope.time, envelope.id


async def application_decided(
    session: AsyncSession, envelope: Envelope, decided: ApplicationDecided
) -> None:
    """The decision, its reason, the licence it issued and its day in China Standard Time
    (the event's time: when the decision was recorded)."""
    row = await _row(session, decided.application_id, envelope)
    if row.decision is not None and row.decided_at is not None:
        current = supervision.rank(aware(row.decided_at), row.event_id)
        if not supervision.supersedes(supervision.rank(envelope.time, envelope.id), current):
            return
    row.decision, row.reason = decided.decision, decided.reason
    if decided.licence_no is not None:
        row.licence_no = decided.licence_no
    row.decided_at, row.decided_on = envelope.time, cst_date(envelope.time)
    row.updated_at, row.event_id = envelope.time, envelope.id
