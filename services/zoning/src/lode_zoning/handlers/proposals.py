"""Plan adjustment proposals (规划调整方案): drafted, submitted, approved or rejected.

Each move goes through the table of ``domain.proposals`` and is kept as a step. Approval
is one unit of work: the document is published as the next version of its plan (or as
version 1 of a successor plan, which closes its predecessor), the zone changes are made
through the zone handlers (their events), and ``proposal.approved`` is written with them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from shapely.geometry import shape
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.events.catalog import ProposalApproved, ProposalRejected, ProposalSubmitted
from lode_common.messaging.outbox import UnitOfWork
from lode_zoning.adapters.tables import PlanProposal, PlanVersion, ProposalStep, ZoneVersion
from lode_zoning.domain.geometry import vertex_count
from lode_zoning.domain.proposals import ProposalAction, ProposalStatus, move
from lode_zoning.handlers import plans, zones
from lode_zoning.handlers.offload import THREAD_VERTICES, run_geometry_work
from lode_zoning.handlers.zones import ZoneInput


class UnknownProposal(LookupError):
    """No such proposal of that plan (404)."""


class PlanMoved(Exception):
    """The plan's version in force is no longer the proposal's base (409)."""


class SuccessionRefused(Exception):
    """A successor plan that cannot come into force (409): the predecessor already has
    one, or the successor's id is taken."""


async def get(session: AsyncSession, plan_id: str, proposal_id: str) -> PlanProposal:
    row = await session.get(PlanProposal, proposal_id)
    if row is None or row.plan_id != plan_id:
        raise UnknownProposal(
            f"there is no proposal {proposal_id!r} of plan {plan_id!r}; "
            f"GET /zoning/v1/plans/{plan_id}/proposals lists them"
        )
    return row


async def find(session: AsyncSession, proposal_id: str) -> PlanProposal | None:
    """A proposal by its id alone (the analysis names it without its plan)."""
    return await session.get(PlanProposal, proposal_id)


async def search(
    session: AsyncSession, plan_id: str, *, status: str | None, limit: int, offset: int
) -> tuple[list[PlanProposal], int]:
    query = select(PlanProposal).where(col(PlanProposal.plan_id) == plan_id)
    if status:
        query = query.where(col(PlanProposal.status) == status)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    ordered = query.order_by(col(PlanProposal.created_at).desc(), col(PlanProposal.id))
    rows = (await session.execute(ordered.offset(offset).limit(limit))).scalars()
    return list(rows), int(total)


async def steps(session: AsyncSession, proposal_id: str) -> list[ProposalStep]:
    query = (
        select(ProposalStep)
        .where(col(ProposalStep.proposal_id) == proposal_id)
        .order_by(col(ProposalStep.seq))
    )
    return list((await session.execute(query)).scalars())


async def _step(
    session: AsyncSession,
    proposal: PlanProposal,
    action: str,
    source: str | None,
    *,
    actor: str,
    role: str,
    note: str | None,
) -> None:
    seq = (
        await session.execute(
            select(func.coalesce(func.max(ProposalStep.seq), 0)).where(
                col(ProposalStep.proposal_id) == proposal.id
            )
        )
    ).scalar_one() + 1
    session.add(
        ProposalStep(
            proposal_id=proposal.id,
            seq=seq,
            action=action,
            from_status=source,
            to_status=proposal.status,
            actor=actor,
            role=role,
            at=datetime.now(UTC),
            note=note,
        )
    )


def _event_fields(p: PlanProposal) -> dict[str, Any]:
    return {
        "proposal_id": p.id,
        "plan_id": p.plan_id,
        "proposed_plan_id": p.proposed_plan_id,
        "base_version": p.base_version,
        "grounds": p.grounds,
        "reason": p.reason,
        "proposed_by": p.proposed_by,
        "zone_changes": len(p.zones),
    }


@dataclass(frozen=True)
class Draft:
    """What a proposer writes, as a new draft or over one: the document as it would be
    published (validated by the caller), its grounds and reason, and the zone features
    riding along with what they do (``api.proposal_zones.ZoneChanges.summary``)."""

    document: dict[str, Any]
    grounds: str
    reason: str
    zone_features: list[dict[str, Any]]
    zone_summary: dict[str, int]


def _contents(base: PlanVersion, draft: Draft) -> dict[str, Any]:
    """The columns a draft writes, against ``base`` (the plan's version in force)."""
    return {
        "proposed_plan_id": draft.document["plan"]["id"],
        "base_version": base.version,
        "document": draft.document,
        "grounds": draft.grounds,
        "reason": draft.reason,
        "zones": draft.zone_features,
        "zone_summary": draft.zone_summary,
    }


async def create(
    uow: UnitOfWork, base: PlanVersion, draft: Draft, *, actor: str, role: str
) -> PlanProposal:
    """A draft proposal against ``base`` (the plan's version in force)."""
    now = datetime.now(UTC)
    row = PlanProposal(
        id=str(uuid.uuid4()),
        plan_id=base.plan_id,
        status="draft",
        proposed_by=actor,
        created_at=now,
        updated_at=now,
        **_contents(base, draft),
    )
    uow.session.add(row)
    await _step(uow.session, row, "propose", None, actor=actor, role=role, note=None)
    return row


async def edit(
    uow: UnitOfWork,
    proposal: PlanProposal,
    base: PlanVersion,
    draft: Draft,
    *,
    actor: str,
    role: str,
) -> PlanProposal:
    """Replace a draft's document, grounds, reason and zones (the proposer, in draft)."""
    move(_status(proposal), "edit", proposer=proposal.proposed_by, actor=actor)
    proposal.sqlmodel_update({**_contents(base, draft), "updated_at": datetime.now(UTC)})
    uow.session.add(proposal)
    await _step(uow.session, proposal, "edit", "draft", actor=actor, role=role, note=None)
    return proposal


def _status(proposal: PlanProposal) -> ProposalStatus:
    return proposal.status  # type: ignore[return-value]  # written from ProposalStatus only


async def take(
    uow: UnitOfWork,
    proposal: PlanProposal,
    action: ProposalAction,
    *,
    actor: str,
    role: str,
    note: str | None = None,
) -> PlanProposal:
    """``submit``, ``withdraw`` or ``reject`` (with ``note`` as its reason)."""
    source = proposal.status
    proposal.status = move(_status(proposal), action, proposer=proposal.proposed_by, actor=actor)
    proposal.updated_at = datetime.now(UTC)
    if action == "reject":
        proposal.rejection_reason = note
    uow.session.add(proposal)
    await _step(uow.session, proposal, action, source, actor=actor, role=role, note=note)
    if action == "submit":
        uow.emit(ProposalSubmitted(**_event_fields(proposal)), subject=proposal.plan_id)
    elif action == "reject":
        uow.emit(
            ProposalRejected(
                **_event_fields(proposal), rejected_by=actor, rejection_reason=note or ""
            ),
            subject=proposal.plan_id,
        )
    return proposal


def move_allowed(proposal: PlanProposal, action: ProposalAction, actor: str) -> None:
    """Raises as :func:`~lode_zoning.domain.proposals.move` does when ``actor`` may not
    take ``action`` now (checked before a body is read)."""
    move(_status(proposal), action, proposer=proposal.proposed_by, actor=actor)


async def check_base(session: AsyncSession, proposal: PlanProposal) -> PlanVersion:
    """The plan's version in force, which must still be the proposal's base."""
    current = await plans.current_version(session, proposal.plan_id)
    if current is None or current.version != proposal.base_version:
        now = current.version if current else "none"
        raise PlanMoved(
            f"plan {proposal.plan_id} moved (v{proposal.base_version} → v{now}) since this "
            f"proposal was made; withdraw it and propose again from v{now}"
        )
    if current.superseded_by:
        raise PlanMoved(
            f"plan {proposal.plan_id} was closed by its successor {current.superseded_by}; "
            "withdraw this proposal and propose against the successor"
        )
    return current


async def approve(
    uow: UnitOfWork,
    proposal: PlanProposal,
    changes: Any,
    *,
    actor: str,
    role: str,
    approval_ref: str,
    approved_on: date,
) -> PlanVersion:
    """Approve ``proposal`` (submitted) with its zone ``changes`` read just now
    (``api.proposal_zones.ZoneChanges``): one unit of work, committed by the caller."""
    session = uow.session
    source = proposal.status
    target = move(_status(proposal), "approve", proposer=proposal.proposed_by, actor=actor)
    await check_base(session, proposal)
    succession = proposal.proposed_plan_id != proposal.plan_id
    if succession:
        await _check_succession(session, proposal)
    reason = f"规划调整 {proposal.id}（{approval_ref}）: {proposal.reason}"
    published = await plans.publish(
        uow,
        plan_id=proposal.proposed_plan_id,
        raw=proposal.document,
        actor=actor,
        note=f"approved proposal {proposal.id}",
        approval_ref=approval_ref,
        approved_on=approved_on,
        proposal_id=proposal.id,
    )
    await session.flush()
    if succession:
        await plans.close(session, proposal.plan_id, successor=proposal.proposed_plan_id)
        for old in changes.carried:
            await zones.create(uow, await _carried(old, proposal.proposed_plan_id), actor=actor)
        for z in changes.changed.values():
            await zones.create(uow, z, actor=actor)
    else:
        for zone_id, z in changes.changed.items():
            await zones.change(uow, zone_id, z, actor=actor, reason=reason)
        for zone_id in changes.retired:
            await zones.retire(uow, zone_id, actor=actor, reason=reason)
    for z in changes.created:
        await zones.create(uow, z, actor=actor)
    proposal.status = target
    proposal.approval_ref = approval_ref
    proposal.approved_on = approved_on
    proposal.published_version = published.version
    proposal.updated_at = datetime.now(UTC)
    session.add(proposal)
    await _step(session, proposal, "approve", source, actor=actor, role=role, note=approval_ref)
    uow.emit(
        ProposalApproved(
            **_event_fields(proposal),
            approved_by=actor,
            approval_ref=approval_ref,
            approved_on=approved_on,
            published_version=published.version,
        ),
        subject=proposal.plan_id,
    )
    return published


async def _carried(old: ZoneVersion, plan_id: str) -> ZoneInput:
    def build() -> ZoneInput:
        return ZoneInput(
            plan_id=plan_id,
            type=old.type,
            code=old.code,
            name_zh=old.name_zh,
            geometry=shape(old.geometry),
            minerals=list(old.minerals),
            illustrative=old.illustrative,
            properties=dict(old.properties),
        )

    vertices = vertex_count(old.geometry) if old.geometry else THREAD_VERTICES
    return await run_geometry_work(vertices, build)


async def _check_succession(session: AsyncSession, proposal: PlanProposal) -> None:
    successor = await plans.successor_of(session, proposal.plan_id)
    if successor is not None:
        raise SuccessionRefused(
            f"plan {proposal.plan_id} already has a successor in force ({successor}); a plan "
            "is succeeded once: withdraw this proposal, or propose an adjustment of "
            f"{successor}"
        )
    if await plans.current_version(session, proposal.proposed_plan_id) is not None:
        raise SuccessionRefused(
            f"plan {proposal.proposed_plan_id} is published already; a successor comes into "
            "force as a new plan: choose another plan.id"
        )
