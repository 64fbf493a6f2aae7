"""``POST /licensing/v1/plan-impact``: the what-if of a proposed plan version (规划调整影响),
asked by zoning's proposal impact (and by a planner or the approving level directly)."""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from lode_common import auth
from lode_common.errors import InvalidInput
from lode_common.http import requires
from lode_common.limits import CODE_MAX, STRICT_BODY
from lode_common.openapi import problems
from lode_common.plan.document import PlanDocument, load_plan_document
from lode_common.plan.impact import PlanImpact
from lode_common.plan.issues import PlanDocumentInvalid
from lode_licensing.api.deps import Service
from lode_licensing.domain.errors import RuleDocumentInvalid
from lode_licensing.domain.plan_rules import load_plan_rules
from lode_licensing.handlers import plan_impact

router = APIRouter(prefix="/licensing/v1", tags=["plan adjustment"])

PLANNER_OR_APPROVER = Depends(requires(auth.PLANNER, auth.APPROVER))
FIELD_ERRORS_MAX = 100
"""Problems listed in one answer (a broken document may have thousands)."""


class PlanImpactRequest(BaseModel):
    model_config = STRICT_BODY

    proposal_id: Annotated[
        str,
        Field(
            min_length=1,
            max_length=CODE_MAX,
            pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$",
            description="the proposal (规划调整方案) in zoning; zoning's analysis takes the zones "
            "as they would be once it is approved",
        ),
    ]
    document: dict[str, Any] = Field(
        description="the proposed plan document as zoning would publish it (with standards)"
    )


def _document(raw: dict[str, Any]) -> PlanDocument:
    """The proposed document validated as zoning validates it, then read as rules; every
    fault a field under ``document``."""
    try:
        document = load_plan_document(raw)
        load_plan_rules(document)
    except PlanDocumentInvalid as exc:
        found = [
            {"field": f"document.{e['field']}".rstrip("."), "message": e["message"]}
            for e in exc.field_errors()
        ]
        raise InvalidInput(
            f"the proposed {exc.detail}. Fix the fields listed and send it again.",
            errors=found[:FIELD_ERRORS_MAX],
        ) from None
    except RuleDocumentInvalid as exc:
        raise InvalidInput.field(f"document.{exc.path}", exc.problem) from None
    return document


@router.post(
    "/plan-impact",
    dependencies=[PLANNER_OR_APPROVER],
    summary="What a proposed plan version would change for licences in force and open "
    "applications (规划调整影响), checked as licensing checks them",
    response_model=PlanImpact,
    responses=problems(422, 503),
)
async def plan_impact_of(body: PlanImpactRequest, service: Service) -> dict[str, Any]:
    document = await to_thread.run_sync(_document, body.document)
    return await plan_impact.impact(service, proposal_id=body.proposal_id, document=document)
