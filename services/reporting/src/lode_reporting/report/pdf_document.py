"""The PDF document a report's sections are written into, the same for the annual report
and the final evaluation: A4 landscape, the report's title, subject and region as its
metadata, the CJK font named as its creator, a running header and "第 n 页 / 共 N 页" on
every page. reportlab's ``invariant`` mode keeps the clock and a random document id out, so
the bytes depend only on the report and the font."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from .fonts import CjkFont
from .model import Titled
from .pdf_layout import MARGIN, MUTED, PAGE, RULE


def write(report: Titled, font: CjkFont, story: Sequence[Flowable]) -> bytes:
    """The PDF bytes of ``story`` laid out on the report's pages."""
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 2 * mm,
        bottomMargin=MARGIN,
        title=report.title_zh,
        subject=report.title_en
        + (" (illustrative data / 示意数据)" if report.illustrative else ""),
        author=report.plan.region_zh,
        creator=f"Lode reporting; CJK font: {font.describe()}",
        keywords=["示意数据", "illustrative"] if report.illustrative else [],
        lang="zh-CN",
        invariant=True,
    )
    decorations = _PageDecorations(report, font)
    document.build(list(story), canvasmaker=decorations.canvas_class())
    return buffer.getvalue()


class _PageDecorations:
    """Draws the running header and "第 n 页 / 共 N 页" once the page count is known."""

    def __init__(self, report: Titled, font: CjkFont) -> None:
        self.running_title = report.title_zh + ("（示意数据）" if report.illustrative else "")
        self.font = font

    def canvas_class(self) -> type[Canvas]:
        decorations = self

        class NumberedCanvas(Canvas):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self._pages: list[dict[str, Any]] = []

            def showPage(self) -> None:
                # Keep the page; it is drawn, decorated, once the total is known.
                self._pages.append(dict(self.__dict__))
                self._startPage()  # type: ignore[attr-defined]

            def save(self) -> None:
                total = len(self._pages)
                for state in self._pages:
                    self.__dict__.update(state)
                    decorations.draw(self, total)
                    super().showPage()
                super().save()

        return NumberedCanvas

    def draw(self, canvas: Canvas, total: int) -> None:
        number = canvas.getPageNumber()
        width, height = PAGE
        canvas.saveState()
        canvas.setFont(self.font.name, 8)
        canvas.setFillColor(MUTED)
        if number > 1:
            canvas.drawString(MARGIN, height - 9 * mm, self.running_title)
            canvas.setStrokeColor(RULE)
            canvas.line(MARGIN, height - 10.5 * mm, width - MARGIN, height - 10.5 * mm)
        canvas.drawCentredString(width / 2, 8 * mm, f"第 {number} 页 / 共 {total} 页")
        canvas.restoreState()
