"""The year's plan implementation report (年度规划实施情况报告) as HTML, XLSX or PDF."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from lode_common.openapi import problems
from lode_reporting.api import download
from lode_reporting.api.deps import STAFF, PlanId, Service, YearPath
from lode_reporting.queries.annual import annual_report
from lode_reporting.report.render import ReportFormat, render

router = APIRouter(prefix="/reporting/v1", tags=["annual report"])


@router.get(
    "/annual-report/{year}",
    dependencies=[STAFF],
    summary="The year's plan implementation report (专栏1 table, findings, licences, "
    "restoration, adjustments, conflicts, grants)",
    response_class=Response,
    responses={
        200: {
            "description": "The report as a download (HTML is shown inline)",
            "content": {f.media_type: {} for f in ReportFormat},
        },
        **problems(404),
    },
)
async def annual_report_of_year(
    service: Service,
    year: YearPath,
    plan_id: PlanId,
    format: Annotated[ReportFormat, Query(description="html, xlsx or pdf")] = ReportFormat.HTML,
) -> Response:
    report = await annual_report(service, plan_id, year)
    return await download.rendered(service, render, report, format)
