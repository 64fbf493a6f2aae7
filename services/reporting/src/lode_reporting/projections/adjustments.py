"""Plan history, adjustment proposals and conflicts with the plan (issue 15), from
``lode.zoning`` and ``lode.licensing``.

Every consumer is idempotent under replay and late delivery: a version is kept once by
``(plan_id, version)``; a proposal's decision is never undone by its submission arriving
late; a conflict's resolution is kept whichever of its two events arrives first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.cst import cst_date
from lode_common.events.catalog import (
    LicenceConflictDetected,
    LicenceConflictResolved,
    PlanPublished,
    ProposalApproved,
    ProposalRejected,
    ProposalSubmitted,
)
from lode_common.events.envelope import Envelope
from lode_reporting.adapters.tables import (
    ReportingConflict,
    ReportingPlanVersion,
    ReportingProposal,
)

STAGE: Final[dict[str, int]] = {"submitted": 1, "approved": 2, "rejected": 2}
"""How far a proposal went: a decision is never replaced by its submission."""


Row = TypeVar("Row", ReportingProposal, ReportingConflict)


async def _kept(session: AsyncSession, table: type[Row], key: str, new: Callable[[], Row]) -> Row:
    """The row kept under ``key``, or ``new()`` added when none is: whichever of an entity's
    events arrives first creates its row, and the others update it."""
    row = await session.get(table, key)
    if row is None:
        row = new()
        session.add(row)
    return row


async def plan_version(session: AsyncSession, envelope: Envelope, plan: PlanPublished) -> None:
    """Keep every published version (the replica keeps only the latest)."""
    if await session.get(ReportingPlanVersion, (plan.plan_id, plan.version)) is not None:
        return
    session.add(
        ReportingPlanVersion(
            plan_id=plan.plan_id,
            version=plan.version,
            document=plan.document.as_published(),
            approval_ref=plan.approval_ref,
            approved_on=plan.approved_on,
            proposal_id=plan.proposal_id,
            predecessor_plan_id=plan.predecessor_plan_id or plan.document.plan.predecessor_plan_id,
            published_at=envelope.time,
            event_id=envelope.id,
        )
    )


async def proposal_event(
    session: AsyncSession,
    envelope: Envelope,
    proposal: ProposalSubmitted | ProposalApproved | ProposalRejected,
) -> None:
    status = {
        ProposalSubmitted: "submitted",
        ProposalApproved: "approved",
        ProposalRejected: "rejected",
    }[type(proposal)]
    row = await _kept(
        session,
        ReportingProposal,
        proposal.proposal_id,
        lambda: ReportingProposal(
            proposal_id=proposal.proposal_id,
            plan_id=proposal.plan_id,
            proposed_plan_id=proposal.proposed_plan_id,
            base_version=proposal.base_version,
            grounds=proposal.grounds,
            reason=proposal.reason,
            proposed_by=proposal.proposed_by,
            status=status,
            event_id=envelope.id,
        ),
    )
    if STAGE[status] < STAGE[row.status]:  # (a new row holds this very status)
        row.submitted_on = row.submitted_on or cst_date(envelope.time)
        return
    row.status, row.event_id = status, envelope.id
    if isinstance(proposal, ProposalSubmitted):
        row.submitted_on = cst_date(envelope.time)
    elif isinstance(proposal, ProposalApproved):
        row.decided_by, row.decided_on = proposal.approved_by, proposal.approved_on
        row.approval_ref, row.published_version = proposal.approval_ref, proposal.published_version
    else:
        row.decided_by, row.decided_on = proposal.rejected_by, cst_date(envelope.time)
        row.rejection_reason = proposal.rejection_reason


async def conflict_event(
    session: AsyncSession,
    envelope: Envelope,
    conflict: LicenceConflictDetected | LicenceConflictResolved,
) -> None:
    row = await _kept(
        session,
        ReportingConflict,
        conflict.conflict_id,
        lambda: ReportingConflict(
            conflict_id=conflict.conflict_id,
            licence_no=conflict.licence_no,
            plan_id=conflict.plan_id,
            plan_version=conflict.plan_version,
            rule_id=conflict.rule_id,
            clause=conflict.clause,
            zones=[],
            event_id=envelope.id,
        ),
    )
    if isinstance(conflict, LicenceConflictDetected):
        row.plan_id, row.plan_version = conflict.plan_id, conflict.plan_version
        row.holder_name, row.mineral = conflict.holder.name, conflict.mineral
        row.outcome, row.message = conflict.outcome, conflict.message
        row.zones = [zone.model_dump(mode="json") for zone in conflict.zones]
        row.detected_on = conflict.detected_on
    else:
        row.resolved_on, row.resolution = conflict.resolved_on, conflict.reason
    row.event_id = envelope.id
