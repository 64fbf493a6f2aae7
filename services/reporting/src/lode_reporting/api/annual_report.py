"""The year's plan implementation report (年度规划实施情况报告) as HTML, XLSX or PDF."""

from __future__ import annotations

from functools import lru_cache

import anyio
from fastapi import APIRouter, Query, Response

from lode_common.errors import InvalidInput, NotFound
from lode_common.http import Runtime
from lode_reporting.api.deps import PLAN, STAFF, PlanId, YearPath
from lode_reporting.queries.annual import PlanNotReceived, annual_report
from lode_reporting.report.fonts import CjkFont, find_cjk_font
from lode_reporting.report.model import AnnualReport
from lode_reporting.report.render import Rendered, ReportFormat, render
from lode_reporting.settings import ReportingSettings

router = APIRouter(prefix="/reporting/v1", tags=["annual report"])


@lru_cache(maxsize=4)
def _font(configured: str | None) -> CjkFont:
    """The PDF's CJK font, looked up once per configured path (registration is global)."""
    return find_cjk_font(configured)


def _render(report: AnnualReport, format: ReportFormat, configured_font: str | None) -> Rendered:
    font = _font(configured_font) if format is ReportFormat.PDF else None
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
        }
    },
)
async def annual_report_of_year(
    runtime: Runtime,
    year: YearPath,
    format: ReportFormat = Query(ReportFormat.HTML, description="html, xlsx or pdf"),  # noqa: B008
    plan_id: PlanId = PLAN,
) -> Response:
    settings = runtime.settings
    assert isinstance(settings, ReportingSettings)
    try:
        report = await annual_report(runtime.sessions, plan_id, year, settings.status_rules())
    except PlanNotReceived:
        raise NotFound(
            f"plan_id: no plan {plan_id!r} has reached reporting (published plans arrive "
            "by the lode.zoning.plan.published event)"
        ) from None
    except ValueError as error:
        raise InvalidInput.field("year", str(error)) from None
    # Rendering a PDF or a workbook takes CPU for a while: keep the event loop free.
    rendered = await anyio.to_thread.run_sync(_render, report, format, settings.cjk_font)
    disposition = "inline" if format is ReportFormat.HTML else "attachment"
    return Response(
        rendered.content,
        media_type=rendered.media_type,
        headers={"Content-Disposition": rendered.content_disposition(disposition)},
    )
