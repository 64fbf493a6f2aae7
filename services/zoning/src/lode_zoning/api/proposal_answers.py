"""What the plan adjustment routes answer (``api.proposals``, ``api.impact``), as their
OpenAPI document publishes it: systems generate their clients from it, so every answer is
a model whose fields are declared, never a free object.

A proposal's view is built by ``api.proposal_views`` and stored as is for an idempotent
replay; these models check it on the way out. Its ``document`` is the plan document as it
would be published (validated when it was proposed) and its ``zones`` the features as
sent: both pass through unchanged, the document published as the ``PlanDocument`` a
version's answer carries. Timestamps stay the text the view wrote (ISO 8601 with their
offset), published as ``date-time``.

The impact's licences and applications are licensing's answer to ``POST
/licensing/v1/plan-impact``, read with the contract both services share
(:class:`lode_common.plan.impact.PlanImpact`) before they are passed on, so an answer zoning
cannot read is a 503 naming licensing rather than a malformed what-if.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from lode_common.events.catalog import Grounds
from lode_common.openapi import REF
from lode_common.plan.impact import (
    ApplicationImpact,
    ImpactCounts,
    ImpactUnavailable,
    LicenceImpact,
)
from lode_zoning.api.plan_diff import PlanChangeOut
from lode_zoning.domain.proposals import ProposalAction, ProposalStatus

Timestamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
"""An instant as the view writes it (``2026-03-01T08:00:00+00:00``)."""
PublishedDocument = Annotated[
    dict[str, Any],
    WithJsonSchema(
        {
            "allOf": [{"$ref": REF.format(model="PlanDocument")}],
            "description": "the plan document as it would be published (with its standards)",
        }
    ),
]
"""The proposed document, passed through as stored; its schema is a published version's
(``PlanVersionDocument.document`` in ``api.plans`` puts ``PlanDocument`` in the document).
Under ``allOf``: pydantic looks a field's own ``$ref`` up among the models it knows."""
StepAction = Literal["propose", "edit", "submit", "withdraw", "approve", "reject"]
Figure = int | float


# --- the proposal ----------------------------------------------------------------------------
class ZoneChangeCounts(BaseModel):
    """What the proposal's zone features do, as read when it was sent."""

    created: int = 0
    changed: int = 0
    retired: int = 0
    zones_carried_over: int = Field(
        0, description="a successor plan's zones copied from its predecessor"
    )


class ProposalSummary(BaseModel):
    """A proposal without its document and steps (an item of the list)."""

    id: str
    plan_id: str = Field(description="the plan adjusted; for a successor, the one it replaces")
    proposed_plan_id: str = Field(description="the plan its document is: plan_id or a successor")
    kind: Literal["adjustment", "succession"] = Field(description="规划调整 | 规划接续")
    base_version: int = Field(description="the version in force it was proposed against")
    status: ProposalStatus
    allowed_actions: list[ProposalAction] = Field(
        description="what the state allows now (who may take each: separation of duties)"
    )
    grounds: Grounds = Field(description="矿产资源规划编制实施办法 art. 38")
    reason: str
    proposed_by: str
    created_at: Timestamp
    updated_at: Timestamp
    zone_changes: ZoneChangeCounts
    zones_carried_over: int
    approval_ref: str | None = Field(description="批准文号, once approved")
    approved_on: date | None
    published_version: int | None = Field(description="the version its approval published")
    rejection_reason: str | None


class ProposalStepOut(BaseModel):
    """One step of a proposal: who, in which role, when, from which state to which."""

    model_config = ConfigDict(populate_by_name=True)

    seq: int
    action: StepAction
    from_: ProposalStatus | None = Field(alias="from", description="null for the proposal")
    to: ProposalStatus
    by: str
    role: str = Field(description="the role the step was taken in (planner, approver, admin)")
    at: Timestamp
    note: str | None = Field(description="the step's note; the 批准文号 of an approval")


class Proposal(ProposalSummary):
    """A proposal whole: its steps, its document, its zone features and what the document
    changes against its base version."""

    steps: list[ProposalStepOut]
    document: PublishedDocument
    zones: list[dict[str, Any]] = Field(
        description="the GeoJSON Features as sent: properties.id changes that zone (with "
        "properties.retire: true, retires it), none is a new zone"
    )
    changes: list[PlanChangeOut] = Field(description="the document against its base version")


class ProposalList(BaseModel):
    items: list[ProposalSummary]
    total: int = Field(description="every proposal matching the query")


# --- its impact ------------------------------------------------------------------------------
class LicensingPlan(BaseModel):
    """The plan version licensing checked the subjects under today."""

    plan_id: str
    plan_version: int


class IndicatorChangeOut(BaseModel):
    """A main plan indicator (专栏2) whose target the proposal changes."""

    id: str
    name_zh: str
    unit_zh: str
    kind: Literal["added", "removed", "changed"]
    before: Figure | None = Field(description="the target in force (null when added)")
    after: Figure | None = Field(description="the proposed target (null when removed)")


class ProposalImpact(BaseModel):
    """What the proposal would change if approved (规划调整影响分析), computed now: only the
    licences and applications whose verdict or any check changes; ``evaluated`` counts
    them all, ``unavailable`` names those that could not be evaluated."""

    proposal_id: str
    plan_id: str
    base_version: int
    proposed_plan_id: str
    status: ProposalStatus
    licences: list[LicenceImpact]
    applications: list[ApplicationImpact]
    evaluated: ImpactCounts
    unavailable: list[ImpactUnavailable]
    licensing_plan: LicensingPlan
    indicators: list[IndicatorChangeOut]
    elapsed_ms: float = Field(description="the time licensing took to answer")
    computed_at: Timestamp
