"""The plan period's final evaluation (终期评估) as HTML, XLSX, PDF or JSON, and the
licences found in conflict with the plan, counted by year (与规划冲突)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from lode_common.limits import CODE_MAX
from lode_common.openapi import problems
from lode_reporting.api import download
from lode_reporting.api.deps import PLAN_ID_PATTERN, STAFF, PlanId, Service, YearQuery
from lode_reporting.api.final_models import FinalEvaluationOut
from lode_reporting.queries import adjustments
from lode_reporting.queries.facts import snapshot
from lode_reporting.queries.final import final_evaluation
from lode_reporting.report.render import ReportFormat, render_final

router = APIRouter(prefix="/reporting/v1", tags=["final evaluation"])


class EvaluationFormat(StrEnum):
    HTML = "html"
    XLSX = "xlsx"
    PDF = "pdf"
    JSON = "json"


PlanIdPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=CODE_MAX,
        pattern=PLAN_ID_PATTERN,
        description="the plan's id, e.g. pingquan-2021-2025",
    ),
]


@router.get(
    "/final-evaluation/{plan_id}",
    dependencies=[STAFF],
    summary="The plan period's final evaluation (终期评估): every target against the final "
    "actuals, each year's figure, why, adjustments, conflicts, findings and the standing",
    response_class=Response,
    responses={
        200: {
            "description": "The evaluation (HTML inline, XLSX and PDF as downloads, or JSON)",
            "model": FinalEvaluationOut,  # the schema of format=json (application/json)
            "content": {
                **{f.media_type: {} for f in ReportFormat},
                "application/json": {},
            },
        },
        **problems(404),
    },
)
async def final_evaluation_of_plan(
    service: Service,
    plan_id: PlanIdPath,
    format: Annotated[
        EvaluationFormat, Query(description="html, xlsx, pdf or json")
    ] = EvaluationFormat.HTML,
) -> Response:
    report = await final_evaluation(service, plan_id)
    if format is EvaluationFormat.JSON:
        return JSONResponse(FinalEvaluationOut.of(report).model_dump(mode="json"))
    return await download.rendered(service, render_final, report, ReportFormat(format.value))


class ConflictCountOut(BaseModel):
    rule_id: str
    detected: int
    resolved: int
    open_at_year_end: int


class ConflictYear(BaseModel):
    plan_id: str
    year: int
    detected: int
    resolved: int
    open_at_year_end: int
    summary_zh: str
    by_rule: list[ConflictCountOut]


@router.get(
    "/conflicts",
    dependencies=[STAFF],
    response_model=ConflictYear,
    summary="Licences in conflict with the plan (与规划冲突) in a year, by rule: detected, "
    "resolved, and open at the year's end",
    responses=problems(404),
)
async def conflicts_of_year(service: Service, year: YearQuery, plan_id: PlanId) -> ConflictYear:
    async with snapshot(service.runtime.sessions) as session:
        await service.plans.require(plan_id, session)
        _, _, rows = await adjustments.load(session, plan_id)
    counts = adjustments.conflicts(rows, frozenset({plan_id}), date(year, 1, 1), date(year, 12, 31))
    return ConflictYear(
        plan_id=plan_id,
        year=year,
        detected=counts.detected,
        resolved=counts.resolved,
        open_at_year_end=counts.open_at_end,
        summary_zh=counts.summary_zh,
        by_rule=[
            ConflictCountOut(
                rule_id=c.rule_id,
                detected=c.detected,
                resolved=c.resolved,
                open_at_year_end=c.open_at_end,
            )
            for c in counts.counts
        ],
    )
