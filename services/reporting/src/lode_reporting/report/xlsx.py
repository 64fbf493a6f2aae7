"""The annual report as an Excel workbook (openpyxl).

The first sheet (说明) carries the title, the dates, the illustrative-data notice and the
findings summary; each further sheet is one table with its header on row 1 (frozen,
filtered), so it can be sorted and summed as it is: quantities are numeric cells (a
``Decimal`` written as a number), dates are date cells, a missing figure is an empty cell,
except an output value or reserves figure no mine reported, which says "未报".
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
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
from .model import AnnualReport, LicenceChange

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


def _write_table(
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


def _about(sheet: Worksheet, report: AnnualReport) -> None:
    sheet.title = "说明"
    sheet["A1"] = report.title_zh
    sheet["A1"].font = TITLE_FONT
    sheet["A2"] = report.title_en
    line = 4
    if report.illustrative:
        sheet.cell(line, 1, text.ILLUSTRATIVE_NOTICE)
        sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=4)
        sheet.cell(line, 1).font = NOTICE_FONT
        sheet.cell(line, 1).fill = NOTICE_FILL
        line += 2
    facts: list[tuple[str, Cell]] = [
        ("规划 Plan", report.plan.name_zh),
        ("规划编号 Plan id", report.plan.id),
        ("规划数据版本 Plan data version", report.plan.version),
        ("行政区 Region", report.plan.region_zh),
        ("报告年度 Year", report.year),
        ("统计截至 As of", report.as_of),
        ("生成时间 Generated", text.timestamp(report.generated_at)),
        ("示意数据 Illustrative", "是 yes" if report.illustrative else "否 no"),
        ("新发现问题 Findings opened", report.findings.opened),
        ("已关闭问题 Findings closed", report.findings.closed),
        ("新立矿业权 Licences issued", len(report.licences_issued)),
        ("关闭矿业权 Licences closed", len(report.licences_closed)),
    ]
    if report.output_value is not None:
        output = report.output_value
        facts += [
            ("产值合计（万元） Output value", _reported(output.total_cny_10k)),
            ("产值合计（亿元） Output value (100m CNY)", _reported(output.total_cny_100m)),
            (
                f"{output.baseline_year}年基期产值（亿元） Baseline output value",
                output.baseline_cny_100m,
            ),
            ("基期依据 Baseline clause", output.baseline_clause),
        ]
    for label, value in facts:
        sheet.cell(line, 1, label).font = Font(bold=True)
        cell = sheet.cell(line, 2, value)
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
        cell.alignment = Alignment(horizontal="left")
        line += 1
    line += 1
    sheet.cell(line, 1, "问题类型 Kind").font = Font(bold=True)
    sheet.cell(line, 2, "代码 Code").font = Font(bold=True)
    sheet.cell(line, 3, "新发现 Opened").font = Font(bold=True)
    sheet.cell(line, 4, "已关闭 Closed").font = Font(bold=True)
    for count in report.findings.counts:
        line += 1
        sheet.cell(line, 1, count.label_zh)
        sheet.cell(line, 2, count.code)
        sheet.cell(line, 3, count.opened)
        sheet.cell(line, 4, count.closed)
    if not report.findings.counts:
        sheet.cell(line + 1, 1, text.NONE_ZH)
    for letter, width in zip("ABCD", (34, 48, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width


def _indicators(sheet: Worksheet, report: AnnualReport) -> None:
    first, _ = report.plan.period
    columns = [
        Column("类别"),
        Column("指标编号"),
        Column("指标名称"),
        Column("Indicator"),
        Column("单位"),
        Column(f"{report.plan.base_year}年基期"),
        Column(f"规划目标({report.plan.target_year})"),
        Column(f"{report.year}年实现"),
        Column(f"累计({first}–{report.year})"),
        Column("完成情况"),
        Column("status"),
        Column("指标属性"),
        Column("依据条款"),
    ]
    rows = [
        [
            row.category_zh,
            row.id,
            row.name_zh,
            row.name_en,
            row.unit_zh,
            row.baseline_2020,
            row.target,
            row.actual,
            row.cumulative,
            row.status.label_zh,
            row.status.value,
            row.nature_zh,
            row.clause,
        ]
        for row in report.indicators
    ]
    _write_table(sheet, columns, rows)


def _output(sheet: Worksheet, report: AnnualReport) -> None:
    """Output and output value by mineral and their total; a value no mine reported is
    "未报" (text), never 0. The total in 亿元 beside the plan's base year is on 说明."""
    columns = [
        Column("矿种"),
        Column("开采矿石量（万吨）"),
        Column("报送矿山数"),
        Column("产值（万元）"),
        Column("未报产值矿山数"),
    ]
    rows: list[list[Cell]] = [
        [
            item.mineral_zh,
            item.ore_mined_10kt,
            item.mines_reporting,
            _reported(item.output_value_cny_10k),
            item.mines_without_value,
        ]
        for item in report.output_by_mineral
    ]
    value = report.output_value
    if rows and value is not None:
        rows.append(
            [
                "合计",
                sum((item.ore_mined_10kt for item in report.output_by_mineral), Decimal(0)),
                sum(item.mines_reporting for item in report.output_by_mineral),
                _reported(value.total_cny_10k),
                value.mines_without_value,
            ]
        )
    _write_table(sheet, columns, rows)
    if rows and value is not None:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)


def _reported(value: Decimal | None) -> Cell:
    return text.NOT_REPORTED_ZH if value is None else value


def _reserves(sheet: Worksheet, report: AnnualReport) -> None:
    columns = [
        Column("矿种"),
        Column("保有（万吨）"),
        Column("动用（万吨）"),
        Column("新增（万吨）"),
        Column("重算增减（万吨）"),
        Column("报送矿山数"),
        Column("未报矿山数"),
    ]
    rows = [
        [
            item.mineral_zh,
            _reported(item.closing_10kt),
            _reported(item.used_10kt),
            _reported(item.new_proven_10kt),
            _reported(item.recalculated_10kt),
            item.mines_reporting,
            item.mines_not_reporting,
        ]
        for item in report.reserves_by_mineral
    ]
    _write_table(sheet, columns, rows)


def _previous_plan(sheet: Worksheet, report: AnnualReport) -> None:
    """专栏1: the previous plan's targets and results, each row with the clause."""
    previous = report.previous_plan
    clause = previous.clause if previous is not None else None
    columns = [
        Column("类别"),
        Column("指标名称"),
        Column("单位"),
        Column("规划目标"),
        Column("完成情况"),
        Column("备注"),
        Column("依据条款"),
    ]
    rows = [
        [
            item.category_zh,
            item.indicator_zh,
            item.unit_zh,
            item.target,
            item.achieved,
            item.note,
            clause,
        ]
        for item in (previous.rows if previous is not None else ())
    ]
    _write_table(sheet, columns, rows)


def _exploration(sheet: Worksheet, report: AnnualReport) -> None:
    columns = [
        Column("矿种"),
        Column("新增资源量（矿石，万吨）"),
        Column("勘查许可证号"),
        Column("矿业权人"),
    ]
    rows = [
        [item.mineral_zh, item.new_resources_ore_10kt, item.licence_no, item.holder]
        for item in report.exploration_results
    ]
    _write_table(sheet, columns, rows)


def _findings(sheet: Worksheet, report: AnnualReport) -> None:
    columns = [
        Column("许可证号"),
        Column("矿业权人"),
        Column("矿种"),
        Column("问题类型"),
        Column("代码"),
        Column("等级"),
        Column("说明", width=WRAP_OVER + 20),
        Column("依据", width=WRAP_OVER),
        Column("发现日期"),
        Column("关闭日期"),
    ]
    rows = [
        [
            item.licence_no,
            item.holder,
            item.mineral_zh,
            item.label_zh,
            item.code,
            text.severity_zh(item.severity),
            item.message,
            item.standard,
            item.opened_on,
            item.closed_on,
        ]
        for item in report.findings.items
    ]
    _write_table(sheet, columns, rows)


def _licences(sheet: Worksheet, report: AnnualReport) -> None:
    columns = [
        Column("许可证号"),
        Column("矿业权人"),
        Column("矿种"),
        Column("规模"),
        Column("类型"),
        Column("变化"),
        Column("日期"),
        Column("原因", width=WRAP_OVER),
    ]

    def row(item: LicenceChange) -> list[Cell]:
        return [
            item.licence_no,
            item.holder,
            item.mineral_zh,
            None if item.scale is None else text.scale_zh(item.scale),
            text.right_type_zh(item.right_type),
            text.change_zh(item.change),
            item.on,
            item.reason,
        ]

    rows = [row(item) for item in (*report.licences_issued, *report.licences_closed)]
    _write_table(sheet, columns, rows)


def _restoration(sheet: Worksheet, report: AnnualReport) -> None:
    restoration = report.restoration
    columns = [
        Column("项目"),
        Column("地点"),
        Column(f"{report.year}年治理面积（公顷）"),
        Column("累计治理面积（公顷）"),
        Column("规划目标（公顷）"),
        Column("完成比例（%）"),
        Column("依据条款"),
    ]
    rows: list[list[Cell]] = [
        [item.name_zh, item.site, item.restored_in_year_ha, item.restored_cumulative_ha]
        for item in restoration.projects
    ]
    rows.append(
        [
            "合计（灭失矿山迹地综合治理）",
            None,
            sum((item.restored_in_year_ha for item in restoration.projects), Decimal(0)),
            restoration.restored_cumulative_ha,
            restoration.target_ha,
            restoration.share_of_target_pct,
            restoration.clause,
        ]
    )
    _write_table(sheet, columns, rows)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _mines(sheet: Worksheet, report: AnnualReport) -> None:
    columns = [
        Column("许可证号"),
        Column("矿业权人"),
        Column("矿种"),
        Column("损毁面积（公顷）"),
        Column("已复垦面积（公顷）"),
        Column("方案要求（公顷）"),
    ]
    rows = [
        [
            item.licence_no,
            item.holder,
            item.mineral_zh,
            item.disturbed_area_ha,
            item.restored_area_ha,
            item.planned_restored_ha,
        ]
        for item in report.restoration.mines
    ]
    _write_table(sheet, columns, rows)


SHEETS: Final[tuple[tuple[str, Callable[[Worksheet, AnnualReport], None]], ...]] = (
    ("指标", _indicators),
    ("开发利用", _output),
    ("储量", _reserves),
    ("新增资源量", _exploration),
    ("问题清单", _findings),
    ("矿业权变化", _licences),
    ("生态修复", _restoration),
    ("矿山复垦", _mines),
    ("上轮规划完成情况", _previous_plan),
)
"""The table sheets, after 说明, in order."""


def render_xlsx(report: AnnualReport) -> bytes:
    """The report as the bytes of an .xlsx workbook."""
    workbook = Workbook()
    about = workbook.active
    assert about is not None  # a new workbook always has its first sheet
    _about(about, report)
    for title, write in SHEETS:
        write(workbook.create_sheet(title), report)
    properties = workbook.properties
    properties.title = report.title_zh
    properties.subject = report.title_en
    properties.creator = "Lode reporting"
    properties.keywords = "示意数据 illustrative" if report.illustrative else None
    properties.description = text.ILLUSTRATIVE_NOTICE if report.illustrative else None
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
