"""The year's plan implementation report (年度规划实施情况报告) as HTML, XLSX or PDF."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Query, Response

from lode_common.openapi import problems
from lode_reporting.api.deps import STAFF, PlanId, Service, YearPath
from lode_reporting.container import Reporting
from lode_reporting.queries.annual import annual_report
from lode_reporting.report.model import AnnualReport
from lode_reporting.report.render import Rendered, ReportFormat, render

router = APIRouter(prefix="/reporting/v1", tags=["annual report"])


def _render(report: AnnualReport, format: ReportFormat, service: Reporting) -> Rendered:
    font = service.pdf_font() if format is ReportFormat.PDF else None
    return render(report, format, font=font)


@router.get(
    "/annual-report/{year}",
    dependencies=[STAFF],
    summary="The year's plan implementation report (专栏1 table, findings, licences, restoration)",
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
    # Rendering a PDF or a workbook takes CPU for a while: keep the event loop free.
    rendered = await anyio.to_thread.run_sync(_render, report, format, service)
    disposition = "inline" if format is ReportFormat.HTML else "attachment"
    return Response(
        rendered.content,
        media_type=rendered.media_type,
        headers={"Content-Disposition": rendered.content_disposition(disposition)},
    )
