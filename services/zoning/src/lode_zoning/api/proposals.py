"""``/zoning/v1/plans/{plan_id}/proposals``: plan adjustment proposals (规划调整方案).

A planner proposes a new version of a plan (or its successor, 规划接续) with the zone
changes riding along; the proposal is submitted to the approving level, whose approver (not
the proposer: separation of duties) approves or rejects it. Approval publishes the
document and makes the zone changes in one unit of work (``handlers.proposals``). The POSTs
honour ``Idempotency-Key`` (API.md, Conventions).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.types import DecoratedCallable
from pydantic import BaseModel, Field

from lode_common import auth
from lode_common.cst import cst_today
from lode_common.errors import Conflict, InvalidInput, NotFound
from lode_common.events.catalog import Grounds
from lode_common.http import MAX_OFFSET, CurrentPrincipal, UoW, requires
from lode_common.idempotency import IdempotencyKey
from lode_common.limits import STRICT_BODY, Name, Text
from lode_common.messaging.outbox import UnitOfWork
from lode_common.openapi import problems, request_body
from lode_common.plan.issues import PlanDocumentInvalid
from lode_zoning.adapters.tables import PlanVersion
from lode_zoning.api import proposal_views
from lode_zoning.api.deps import ZoningParts, json_body, validated
from lode_zoning.api.plans import PlanIdPath
from lode_zoning.api.proposal_answers import Proposal, ProposalList
from lode_zoning.api.proposal_moves import (
    Move,
    ProposalId,
    once,
    role_in,
    view,
)
from lode_zoning.api.proposal_zones import read_zone_changes
from lode_zoning.container import Zoning
from lode_zoning.domain.proposals import ProposalAction
from lode_zoning.handlers import plans, proposals
from lode_zoning.handlers.zones import plan_in_force

router = APIRouter(prefix="/zoning/v1/plans/{plan_id}/proposals", tags=["plan adjustment"])
PLANNER = Depends(requires(auth.PLANNER))
APPROVER = Depends(requires(auth.APPROVER))
READERS = Depends(requires(auth.PLANNER, auth.APPROVER, auth.VIEWER))
"""The staff who read proposals (and their impact); admin holds every role."""
LIST_MAX = 200


class ProposalIn(BaseModel):
    """A proposal: the plan document it would publish, on which grounds, why, and the zone
    features riding along (``properties.id`` to change a zone, with ``retire: true`` to
    retire it, none for a new zone)."""

    model_config = STRICT_BODY

    document: dict[str, Any] = Field(
        description="the plan document (as PUT /zoning/v1/plans/{plan_id} takes it); its "
        "plan.id is plan_id, or a successor's whose plan.predecessor_plan_id is plan_id"
    )
    grounds: Grounds = Field(description="矿产资源规划编制实施办法 art. 38")
    reason: Annotated[Text, Field(min_length=2, description="why the plan changes")]
    zones: list[Any] | None = Field(None, description="GeoJSON Features")


class Approval(BaseModel):
    model_config = STRICT_BODY

    approval_ref: Annotated[Name, Field(min_length=2, description="批准文号")]
    approved_on: date = Field(description="the approval's date (not in the future)")


class Rejection(BaseModel):
    model_config = STRICT_BODY

    reason: Annotated[Text, Field(min_length=2, description="why not (不予批准的理由)")]


class Note(BaseModel):
    model_config = STRICT_BODY

    note: Text | None = Field(None, description="kept with the step")


async def _document(uow: UnitOfWork, plan_id: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The proposed document as it would be published; its plan is ``plan_id`` or a
    successor of it."""
    try:
        document = await plans.document_to_publish(uow.session, raw, standards_of=plan_id)
    except PlanDocumentInvalid as error:
        errors = [
            {"field": f"document.{e['field']}", "message": e["message"]}
            for e in error.field_errors()
        ]
        raise InvalidInput(
            f"The proposed document does not validate: {error.detail}", errors=errors or None
        ) from None
    meta = document.plan
    if meta.id != plan_id and meta.predecessor_plan_id != plan_id:
        raise InvalidInput.field(
            "document.plan.id",
            f"{meta.id!r} is neither {plan_id!r} (an adjustment) nor a successor of it "
            f"(plan.predecessor_plan_id: {plan_id}); propose it at its own plan's path",
        )
    if meta.id != plan_id and await plans.current_version(uow.session, meta.id) is not None:
        raise InvalidInput.field(
            "document.plan.id",
            f"plan {meta.id} is published already; a successor is a new plan: choose another id",
        )
    return document.as_published()


async def _read(
    uow: UnitOfWork, parts: Zoning, plan_id: str, request: Request
) -> tuple[PlanVersion, proposals.Draft]:
    """The body of a proposal, read against the plan's version in force: the draft as the
    handlers keep it (its document as it would be published, its zone changes read)."""
    body = validated(ProposalIn, await json_body(request))
    base = await plan_in_force(uow.session, plan_id)
    if base.superseded_by:
        raise Conflict(
            f"plan {plan_id} was closed by its successor {base.superseded_by}; propose "
            f"adjustments of {base.superseded_by}"
        )
    document = await _document(uow, plan_id, body.document)
    zone_features = list(body.zones or [])
    changes = await read_zone_changes(
        uow.session,
        parts.boundaries,
        zone_features,
        plan=base,
        proposed_plan_id=document["plan"]["id"],
        document=document,
    )
    draft = proposals.Draft(
        document=document,
        grounds=body.grounds,
        reason=body.reason,
        zone_features=zone_features,
        zone_summary=changes.summary(),
    )
    return base, draft


@router.post(
    "",
    dependencies=[PLANNER],
    status_code=201,
    summary="Propose an adjustment of a plan, or its successor (规划调整方案)",
    response_model=Proposal,
    openapi_extra=request_body(ProposalIn),
    responses=problems(404, 409, 413),
)
async def propose(
    plan_id: PlanIdPath,
    request: Request,
    uow: UoW,
    parts: ZoningParts,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    async def work() -> dict[str, Any]:
        base, draft = await _read(uow, parts, plan_id, request)
        role = role_in(principal, auth.PLANNER)
        row = await proposals.create(uow, base, draft, actor=principal.subject, role=role)
        return await view(uow, row)

    return await once(request, uow, principal, idempotency_key, 201, work)


@router.get(
    "",
    dependencies=[READERS],
    summary="A plan's adjustment proposals",
    response_model=ProposalList,
    responses=problems(404),
)
async def list_proposals(
    plan_id: PlanIdPath,
    parts: ZoningParts,
    status: Annotated[
        Literal["draft", "submitted", "approved", "rejected", "withdrawn"] | None,
        Query(description="only proposals in this state"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=LIST_MAX)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    async with parts.runtime.sessions() as session:
        if await plans.current_version(session, plan_id) is None:
            raise NotFound(f"There is no plan {plan_id!r}; GET /zoning/v1/plans lists the plans.")
        rows, total = await proposals.search(
            session, plan_id, status=status, limit=limit, offset=offset
        )
    return {"items": [proposal_views.summary(r) for r in rows], "total": total}


@router.get(
    "/{proposal_id}",
    dependencies=[READERS],
    summary="A proposal: its steps, document, zone changes and diff against its base",
    response_model=Proposal,
    responses=problems(404),
)
async def get_proposal(plan_id: PlanIdPath, proposal_id: ProposalId, uow: UoW) -> dict[str, Any]:
    row = await proposals.get(uow.session, plan_id, proposal_id)
    return await view(uow, row)


@router.put(
    "/{proposal_id}",
    dependencies=[PLANNER],
    summary="Replace a draft's document, grounds, reason and zones (its proposer)",
    response_model=Proposal,
    openapi_extra=request_body(ProposalIn),
    responses=problems(403, 404, 409, 413),
)
async def edit_proposal(
    plan_id: PlanIdPath,
    proposal_id: ProposalId,
    request: Request,
    uow: UoW,
    parts: ZoningParts,
    principal: CurrentPrincipal,
) -> dict[str, Any]:
    row = await proposals.get(uow.session, plan_id, proposal_id)
    if row.status != "draft" or row.proposed_by != principal.subject:  # before reading it
        proposals.move_allowed(row, "edit", principal.subject)
    base, draft = await _read(uow, parts, plan_id, request)
    role = role_in(principal, auth.PLANNER)
    await proposals.edit(uow, row, base, draft, actor=principal.subject, role=role)
    answer = await view(uow, row)
    await uow.commit()
    return answer


def _move_route(
    action: ProposalAction, who: Any, summary: str, *statuses: int
) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """``POST /{proposal_id}/{action}`` for the holders of ``who``, answering the proposal
    as moved (``Idempotency-Key`` honoured: ``proposal_moves.Move``)."""
    return router.post(
        f"/{{proposal_id}}/{action}",
        dependencies=[who],
        summary=summary,
        response_model=Proposal,
        responses=problems(*statuses),
    )


@_move_route("submit", PLANNER, "Submit a draft to the approving level (报批)", 404, 409)
async def submit(move: Move, body: Note | None = None) -> dict[str, Any]:
    return await move.take("submit", auth.PLANNER, body.note if body else None)


@_move_route(
    "withdraw", PLANNER, "Withdraw a draft or submitted proposal (its proposer)", 403, 404, 409
)
async def withdraw(move: Move, body: Note | None = None) -> dict[str, Any]:
    return await move.take("withdraw", auth.PLANNER, body.note if body else None)


@_move_route(
    "reject",
    APPROVER,
    "Reject a submitted proposal (an approver who did not propose it)",
    403,
    404,
    409,
)
async def reject(move: Move, body: Rejection) -> dict[str, Any]:
    return await move.take("reject", auth.APPROVER, body.reason)


@_move_route(
    "approve",
    APPROVER,
    "Approve a submitted proposal: publish it and make its zone changes (批准)",
    403,
    404,
    409,
)
async def approve(move: Move, body: Approval, parts: ZoningParts) -> dict[str, Any]:
    if body.approved_on > cst_today():
        raise InvalidInput.field("approved_on", "in the future; give the approval's date")
    uow, principal = move.uow, move.principal

    async def work() -> dict[str, Any]:
        row = await move.proposal()
        proposals.move_allowed(row, "approve", principal.subject)
        base = await proposals.check_base(uow.session, row)
        changes = await read_zone_changes(
            uow.session,
            parts.boundaries,
            row.zones,
            plan=base,
            proposed_plan_id=row.proposed_plan_id,
            document=row.document,
        )
        await proposals.approve(
            uow,
            row,
            changes,
            actor=principal.subject,
            role=role_in(principal, auth.APPROVER),
            approval_ref=body.approval_ref,
            approved_on=body.approved_on,
        )
        return await view(uow, row)

    return await move.once(work)
