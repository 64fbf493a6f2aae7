"""The workbook a report is written into, the same for the annual report and the final
evaluation: tables with their header on row 1 (styled, frozen, filtered) and columns as wide
as their content, the 说明 sheet's title, notice and facts, and the document's properties and
timestamps taken from the report, so that one model gives one file."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Final, TypeAlias

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import text
from .model import Titled

Cell: TypeAlias = str | int | Decimal | date | None

HEADER_FONT: Final = Font(bold=True, color="FFFFFF")
HEADER_FILL: Final = PatternFill("solid", fgColor="34495E")
TITLE_FONT: Final = Font(bold=True, size=16)
NOTICE_FONT: Final = Font(bold=True, color="9C2F00")
NOTICE_FILL: Final = PatternFill("solid", fgColor="FFF2CC")
THIN: Final = Side(style="thin", color="B9C0CB")
BORDER: Final = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP: Final = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGNMENT: Final = Alignment(horizontal="center", vertical="center", wrap_text=True)
DATE_FORMAT: Final = "yyyy-mm-dd"
MAX_WIDTH: Final = 60
WRAP_OVER: Final = 40
"""Columns wider than this many display cells wrap their text instead of growing."""


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width: int | None = None
    """A fixed width in display cells; ``None`` fits the content."""


def _display_width(value: Cell) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    written = value if isinstance(value, str) else text.quantity(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in written)


def write_table(
    sheet: Worksheet, columns: Sequence[Column], rows: Sequence[Sequence[Cell]]
) -> None:
    """Header on row 1 (styled, frozen, filtered), then the rows, or one "无" row if none."""
    sheet.append([column.header for column in columns])
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
        cell.border = BORDER
    body: Sequence[Sequence[Cell]] = rows or [[text.NONE_ZH]]
    widths = [_display_width(column.header) for column in columns]
    for values in body:
        sheet.append(list(values))
        for index, value in enumerate(values):
            widths[index] = max(widths[index], _display_width(value))
    for row in sheet.iter_rows(min_row=2, max_col=len(columns)):
        for cell in row:
            cell.border = BORDER
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for index, column in enumerate(columns):
        width = column.width or min(max(widths[index], 6) + 2, MAX_WIDTH)
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = width
        if width >= WRAP_OVER:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                cell.alignment = WRAP
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions


def new_workbook() -> tuple[Workbook, Worksheet]:
    """A new workbook and its first sheet, the one that becomes 说明."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None  # a new workbook always has its first sheet
    return workbook, first


def write_title(sheet: Worksheet, report: Titled, *, notice_columns: int = 1) -> int:
    """说明's first rows: the report's title in Chinese and in English, then, when its data
    are illustrative, the notice that says so (across ``notice_columns`` merged cells).
    Returns the first row free after them."""
    sheet.title = "说明"
    sheet["A1"] = report.title_zh
    sheet["A1"].font = TITLE_FONT
    sheet["A2"] = report.title_en
    line = 4
    if report.illustrative:
        sheet.cell(line, 1, text.ILLUSTRATIVE_NOTICE)
        if notice_columns > 1:
            sheet.merge_cells(
                start_row=line, start_column=1, end_row=line, end_column=notice_columns
            )
        sheet.cell(line, 1).font = NOTICE_FONT
        sheet.cell(line, 1).fill = NOTICE_FILL
        line += 2
    return line


def write_facts(
    sheet: Worksheet,
    line: int,
    facts: Sequence[tuple[str, Cell]],
    *,
    alignment: Alignment | None = None,
) -> int:
    """One fact a row from ``line``: its label (bold) in column A, its value in B (a date as
    a date cell, placed by ``alignment`` when given). Returns the first row free after them."""
    for label, value in facts:
        sheet.cell(line, 1, label).font = Font(bold=True)
        cell = sheet.cell(line, 2, value)
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
        if alignment is not None:
            cell.alignment = alignment
        line += 1
    return line


def saved(workbook: Workbook, report: Titled, *, description: str | None = None) -> bytes:
    """The workbook's bytes, with the report's titles, and keywords when its data are
    illustrative, as the document's properties."""
    properties = workbook.properties
    properties.title = report.title_zh
    properties.subject = report.title_en
    properties.creator = "Lode reporting"
    properties.keywords = "示意数据 illustrative" if report.illustrative else None
    properties.description = description
    # The document's own timestamps are the report's, so one model gives one file.
    generated = report.generated_at.replace(microsecond=0)
    if generated.tzinfo is not None:  # openpyxl writes naive UTC times
        generated = generated.astimezone(UTC).replace(tzinfo=None)
    properties.created = generated
    properties.modified = generated
    buffer = BytesIO()
    workbook.save(buffer)
    return _stamped(buffer.getvalue(), generated)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _stamped(workbook: bytes, generated: datetime) -> bytes:
    """The workbook with the report's time wherever openpyxl wrote the clock's: the package's
    ``dcterms:modified`` (set again on save) and each zip entry's date (the time of writing),
    so that one model gives one file however long the writing took."""
    stamp = generated.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    # a zip entry's date cannot precede 1980
    when = max(generated, datetime(1980, 1, 1)).timetuple()[:6]
    out = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(workbook)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            stamped = zipfile.ZipInfo(entry.filename, date_time=when)
            stamped.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(stamped, content)
    return out.getvalue()
