"""Event consumers of the reporting service, each reading its typed payload.

Every consumer journals the event, then updates only the read-model rows it touches
(:func:`~lode_reporting.projections.journal.journaled`). The plan in force is kept by the
shared replica (:mod:`lode_common.plan.replica`): its handlers run here after the journal
entry, so that the dashboard's stream shows a plan published like any other event. Mines'
API keys (:mod:`lode_common.api_keys`) are not domain events of the dashboard: their replica
handlers are added unjournaled."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common import api_keys
from lode_common.events.catalog import (
    LICENCE_EVENTS,
    ApplicationDecided,
    ApplicationSubmitted,
    ExplorationResultReported,
    FindingClosed,
    FindingOpened,
    InspectionDrawn,
    InspectionRecorded,
    LicenceConflictDetected,
    LicenceConflictResolved,
    OutputCorrected,
    OutputReported,
    PlanPublished,
    ProjectProgressReported,
    ProposalApproved,
    ProposalRejected,
    ProposalSubmitted,
    ReservesCorrected,
    ReservesReported,
    ZoneChanged,
    ZoneCreated,
    ZoneRetired,
)
from lode_common.events.envelope import Envelope
from lode_common.messaging.consumers import Consumers, base_type
from lode_common.messaging.inbox import EventHandler
from lode_common.plan import replica
from lode_reporting.projections import (
    adjustments,
    decisions,
    grants,
    licences,
    monitoring,
    supervision,
    zoning,
)
from lode_reporting.projections.journal import journaled

consumers = Consumers()


@consumers.on(PlanPublished)
@journaled
async def plan_published(session: AsyncSession, envelope: Envelope, plan: PlanPublished) -> None:
    """The shared replica keeps the latest version (an older one replayed changes nothing);
    the plan history keeps every version."""
    await replica.REPLICA_HANDLERS[base_type(PlanPublished)](session, envelope, plan)
    await adjustments.plan_version(session, envelope, plan)


consumers.on(ZoneCreated, ZoneChanged, ZoneRetired)(journaled(zoning.zone_event))
consumers.on(*LICENCE_EVENTS)(journaled(licences.licence_event))
consumers.on(OutputReported, OutputCorrected)(journaled(monitoring.output_report))
consumers.on(ReservesReported, ReservesCorrected)(journaled(monitoring.reserves_report))
consumers.on(ExplorationResultReported)(journaled(monitoring.exploration_result))
consumers.on(ProjectProgressReported)(journaled(monitoring.project_progress))
consumers.on(FindingOpened, FindingClosed)(journaled(monitoring.finding_event))
consumers.on(ProposalSubmitted, ProposalApproved, ProposalRejected)(
    journaled(adjustments.proposal_event)
)
consumers.on(LicenceConflictDetected, LicenceConflictResolved)(
    journaled(adjustments.conflict_event)
)
consumers.on(*grants.EVENTS)(journaled(grants.grant_event))
consumers.on(InspectionDrawn)(journaled(supervision.inspection_drawn))
consumers.on(InspectionRecorded)(journaled(supervision.inspection_recorded))
consumers.on(*supervision.RECTIFICATION_EVENTS)(journaled(supervision.rectification_event))
consumers.on(*supervision.LISTING_EVENTS)(journaled(supervision.listing_event))
consumers.on(*supervision.ANCHOR_EVENTS)(journaled(supervision.audit_anchored))
consumers.on(ApplicationSubmitted)(journaled(decisions.application_submitted))
consumers.on(ApplicationDecided)(journaled(decisions.application_decided))
consumers.include(api_keys.REPLICA_HANDLERS)

HANDLERS: dict[str, EventHandler] = consumers.handlers
"""By base event type (no version suffix): ``ServiceSpec.handlers``."""
