"""One entry point for the annual report's formats: ``render(report, format)``.

Returns the document, its media type and its file names: an ASCII one
(``pingquan-2021-2025-annual-report-2024.pdf``) and the Chinese one
(``平泉市矿产资源总体规划2024年度实施情况报告.pdf``), which
:meth:`Rendered.content_disposition` writes as ``filename`` and RFC 5987 ``filename*``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final
from urllib.parse import quote

from .final_html import render_final_html
from .final_model import FinalEvaluation
from .final_pdf import render_final_pdf
from .final_xlsx import render_final_xlsx
from .fonts import CjkFont
from .html import render_html
from .model import AnnualReport
from .pdf import render_pdf
from .xlsx import render_xlsx


class ReportFormat(StrEnum):
    """The formats of ``GET /reporting/v1/annual-report/{year}?format=…``."""

    HTML = "html"
    XLSX = "xlsx"
    PDF = "pdf"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self]


MEDIA_TYPES: Final[dict[ReportFormat, str]] = {
    ReportFormat.HTML: "text/html; charset=utf-8",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.PDF: "application/pdf",
}


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered report: bytes, media type and file names."""

    content: bytes
    media_type: str
    filename: str
    """ASCII: ``{plan id}-annual-report-{year}.{ext}``."""
    filename_zh: str

    def content_disposition(self, disposition: str = "attachment") -> str:
        """``attachment; filename="…"; filename*=UTF-8''…`` (RFC 6266 / RFC 5987)."""
        return (
            f'{disposition}; filename="{self.filename}"; '
            f"filename*=UTF-8''{quote(self.filename_zh, safe='')}"
        )


def filenames(report: AnnualReport, format: ReportFormat) -> tuple[str, str]:
    """The ASCII and the Chinese file name of the report in ``format``."""
    ascii_name = f"{report.plan.id}-annual-report-{report.year}.{format.value}"
    return ascii_name, f"{report.title_zh}.{format.value}"


def render(
    report: AnnualReport, format: ReportFormat | str, *, font: CjkFont | None = None
) -> Rendered:
    """The report in ``format`` (``html``, ``xlsx`` or ``pdf``); ``font`` is for the PDF.

    An unknown format raises ``ValueError`` naming the valid ones.
    """
    try:
        chosen = ReportFormat(format)
    except ValueError:
        valid = ", ".join(member.value for member in ReportFormat)
        raise ValueError(f"unknown report format {format!r}; expected one of {valid}") from None
    renderers: dict[ReportFormat, Callable[[AnnualReport], bytes]] = {
        ReportFormat.HTML: lambda model: render_html(model).encode("utf-8"),
        ReportFormat.XLSX: render_xlsx,
        ReportFormat.PDF: lambda model: render_pdf(model, font=font),
    }
    ascii_name, zh_name = filenames(report, chosen)
    return Rendered(
        content=renderers[chosen](report),
        media_type=chosen.media_type,
        filename=ascii_name,
        filename_zh=zh_name,
    )


def render_final(
    report: FinalEvaluation, format: ReportFormat, *, font: CjkFont | None = None
) -> Rendered:
    """The final evaluation (终期评估) in ``format``, by the same machinery: file names
    ``{plan id}-final-evaluation.{ext}`` and ``{title}.{ext}``."""
    renderers: dict[ReportFormat, Callable[[FinalEvaluation], bytes]] = {
        ReportFormat.HTML: lambda model: render_final_html(model).encode("utf-8"),
        ReportFormat.XLSX: render_final_xlsx,
        ReportFormat.PDF: lambda model: render_final_pdf(model, font=font),
    }
    return Rendered(
        content=renderers[format](report),
        media_type=format.media_type,
        filename=f"{report.plan.id}-final-evaluation.{format.value}",
        filename_zh=f"{report.title_zh}.{format.value}",
    )
