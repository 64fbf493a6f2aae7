"""``GET /zoning/v1/plans/{plan_id}/proposals/{id}/impact``: what a proposal would change if
approved (规划调整影响分析), computed on each request, never stored.

Licensing owns the rule engine: it evaluates every licence in force and every open
application under the proposed document (``adapters.licensing_client``) and answers those
whose verdict or checks would change. Zoning adds the indicators whose targets change. The
cost is licensing's: two analyses per licence in force and open application (the plan in
force, then the proposal), each O(log zones) in zoning's index.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import ValidationError

from lode_common.errors import Unavailable
from lode_common.openapi import problems
from lode_common.plan.impact import PlanImpact
from lode_zoning.adapters.licensing_client import LicensingUnavailable
from lode_zoning.api.deps import ZoningParts
from lode_zoning.api.plans import PlanIdPath
from lode_zoning.api.proposal_answers import (
    IndicatorChangeOut,
    LicensingPlan,
    ProposalImpact,
)
from lode_zoning.api.proposal_moves import ProposalId
from lode_zoning.api.proposals import READERS
from lode_zoning.domain.indicator_changes import indicator_changes
from lode_zoning.handlers import plans, proposals

router = APIRouter(prefix="/zoning/v1/plans/{plan_id}/proposals", tags=["plan adjustment"])


@router.get(
    "/{proposal_id}/impact",
    dependencies=[READERS],
    summary="What the proposal would change: licences, applications, indicators (what-if)",
    response_model=ProposalImpact,
    responses=problems(404, 503),
)
async def impact(
    plan_id: PlanIdPath, proposal_id: ProposalId, parts: ZoningParts
) -> ProposalImpact:
    async with parts.runtime.sessions() as session:
        proposal = await proposals.get(session, plan_id, proposal_id)
        base = await plans.version_of(session, plan_id, proposal.base_version)
    started = time.perf_counter()
    if parts.licensing is None:  # pragma: no cover - bootstrap always builds one
        raise _unavailable("no licensing client is configured")
    try:
        answer = PlanImpact.model_validate(
            await parts.licensing.plan_impact(proposal.id, proposal.document)
        )
    except LicensingUnavailable as error:
        raise _unavailable(str(error)) from None
    except ValidationError as error:
        raise _unavailable(
            f"its answer does not read as its plan-impact: {_first(error)}"
        ) from None
    before = base.document if base is not None else {}
    return ProposalImpact(
        proposal_id=proposal.id,
        plan_id=plan_id,
        base_version=proposal.base_version,
        proposed_plan_id=proposal.proposed_plan_id,
        status=proposal.status,
        licences=answer.licences,
        applications=answer.applications,
        evaluated=answer.evaluated,
        # subjects licensing could not evaluate (zoning could not analyse their area): named,
        # so an approver never reads "no change" where nothing was computed
        unavailable=answer.unavailable,
        licensing_plan=LicensingPlan(plan_id=answer.plan_id, plan_version=answer.plan_version),
        indicators=[
            IndicatorChangeOut(**c.as_json()) for c in indicator_changes(before, proposal.document)
        ],
        elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
        computed_at=datetime.now(UTC).isoformat(),
    )


def _first(error: ValidationError) -> str:
    """The first fault of licensing's answer, where and what (never its values)."""
    fault = error.errors(include_input=False, include_url=False)[0]
    where = ".".join(str(part) for part in fault["loc"])
    return f"{where}: {fault['msg']}"


def _unavailable(why: str) -> Unavailable:
    return Unavailable(
        "影响分析由许可服务计算，暂时无法得到其答复，请稍后重试。The impact of a proposal is "
        f"computed by licensing, which cannot answer it now ({why}); retry shortly."
    )
