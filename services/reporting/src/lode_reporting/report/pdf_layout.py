"""The PDF report's page, styles and tables (reportlab platypus), shared by its sections:
A4 landscape, CJK text wrapped by character, tables whose header repeats on every page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from . import text

PAGE: Final = landscape(A4)
MARGIN: Final = 14 * mm
WIDTH: Final = PAGE[0] - 2 * MARGIN
INK: Final = colors.HexColor("#1d2430")
MUTED: Final = colors.HexColor("#5c6675")
RULE: Final = colors.HexColor("#b9c0cb")
HEAD: Final = colors.HexColor("#34495e")
NOTICE_BG: Final = colors.HexColor("#fff7ed")
NOTICE_INK: Final = colors.HexColor("#9c2f00")


@dataclass(frozen=True, slots=True)
class Styles:
    title: ParagraphStyle
    title_en: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    meta: ParagraphStyle
    notice: ParagraphStyle
    cell: ParagraphStyle
    number: ParagraphStyle
    header: ParagraphStyle
    none: ParagraphStyle


def styles_for(font: str) -> Styles:
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, textColor=INK)
    body.wordWrap = "CJK"
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=10.5)
    return Styles(
        title=ParagraphStyle("title", parent=body, fontSize=24, leading=32, spaceAfter=4 * mm),
        title_en=ParagraphStyle("title_en", parent=body, fontSize=12, leading=16, textColor=MUTED),
        h1=ParagraphStyle(
            "h1",
            parent=body,
            fontSize=14,
            leading=19,
            spaceBefore=5 * mm,
            spaceAfter=2.5 * mm,
            keepWithNext=1,
        ),
        h2=ParagraphStyle(
            "h2",
            parent=body,
            fontSize=11,
            leading=15,
            spaceBefore=3 * mm,
            spaceAfter=1.5 * mm,
            keepWithNext=1,
        ),
        body=body,
        meta=ParagraphStyle("meta", parent=body, fontSize=9, leading=13, textColor=MUTED),
        notice=ParagraphStyle("notice", parent=body, fontSize=11, leading=15, textColor=NOTICE_INK),
        cell=cell,
        number=ParagraphStyle("number", parent=cell, alignment=TA_RIGHT),
        header=ParagraphStyle(
            "header", parent=cell, alignment=TA_CENTER, textColor=colors.white, leading=10
        ),
        none=ParagraphStyle("none", parent=cell, alignment=TA_CENTER, textColor=MUTED),
    )


def paragraph(value: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: the model's text is escaped, never read as markup."""
    return Paragraph(escape(value), style)


def heading(zh: str, en: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(
        f'{escape(zh)} <font size="{style.fontSize * 0.7:.1f}">{escape(en)}</font>', style
    )


Header = tuple[str, str]
"""A column header: Chinese, English."""


def data_table(
    styles: Styles,
    headers: Sequence[Header],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    numeric: frozenset[int] = frozenset(),
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A table whose header row repeats on every page; one "无" row when there are no rows.

    A cell is a string (wrapped text, right-aligned in ``numeric`` columns) or a flowable.
    """
    head = [
        Paragraph(f'{escape(zh)}<br/><font size="6.5">{escape(en)}</font>', styles.header)
        for zh, en in headers
    ]
    body: list[list[Any]] = []
    for row in rows:
        body.append(
            [
                cell
                if isinstance(cell, Flowable)
                else paragraph(cell, styles.number if index in numeric else styles.cell)
                for index, cell in enumerate(row)
            ]
        )
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if not body:
        body.append([paragraph(text.NONE_ZH, styles.none)] + [""] * (len(headers) - 1))
        commands.append(("SPAN", (0, 1), (-1, 1)))
    else:
        commands.append(
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f6f8fa")])
        )
    table = Table([head, *body], colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([*commands, *extra]))
    return table


def fractions(*parts: float) -> list[float]:
    total = sum(parts)
    return [WIDTH * part / total for part in parts]
