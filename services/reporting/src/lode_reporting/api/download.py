"""A report rendered as the answer to a GET, the same for the annual report and the final
evaluation: rendered in a worker thread (a PDF or a workbook takes CPU for a while, and the
event loop stays free), HTML shown inline and the other formats as downloads under the
report's file names."""

from __future__ import annotations

from typing import Protocol, TypeVar

import anyio
from fastapi import Response

from lode_reporting.container import Reporting
from lode_reporting.report.fonts import CjkFont
from lode_reporting.report.render import Rendered, ReportFormat

Report = TypeVar("Report", contravariant=True)
R = TypeVar("R")


class Renderer(Protocol[Report]):
    """:func:`~lode_reporting.report.render.render` or
    :func:`~lode_reporting.report.render.render_final`."""

    def __call__(
        self, report: Report, format: ReportFormat, /, *, font: CjkFont | None = None
    ) -> Rendered: ...


async def rendered(
    service: Reporting, render: Renderer[R], report: R, format: ReportFormat
) -> Response:
    """``report`` in ``format``, the PDF with the deployment's CJK font."""

    def rendering() -> Rendered:
        font = service.pdf_font() if format is ReportFormat.PDF else None
        return render(report, format, font=font)

    document = await anyio.to_thread.run_sync(rendering)
    disposition = "inline" if format is ReportFormat.HTML else "attachment"
    return Response(
        document.content,
        media_type=document.media_type,
        headers={"Content-Disposition": document.content_disposition(disposition)},
    )
