"""The annual report as an Excel workbook (openpyxl).

The first sheet (说明) carries the title, the dates, the illustrative-data notice and the
findings summary; each further sheet is one table with its header on row 1 (frozen,
filtered), so it can be sorted and summed as it is: quantities are numeric cells (a
``Decimal`` written as a number), dates are date cells, a missing figure is an empty cell,
except an output value or reserves figure no mine reported, which says "未报".
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Final

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from . import text, xlsx_grants, xlsx_supervision
from .final_model import FinalIndicator
from .model import (
    NO_ADJUSTMENT_ZH,
    Adjustments,
    AnnualReport,
    Conflicts,
    IndicatorRow,
    LicenceChange,
)
from .xlsx_layout import (
    WRAP_OVER,
    Cell,
    Column,
    new_workbook,
    saved,
    write_facts,
    write_table,
    write_title,
)


def _about(sheet: Worksheet, report: AnnualReport) -> None:
    line = write_title(sheet, report, notice_columns=4)
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
        (
            "规划调整 Adjustments",
            f"{len(report.adjustments.versions)} 版"
            if report.adjustments.versions
            else NO_ADJUSTMENT_ZH,
        ),
        ("与规划冲突 Conflicts", report.conflicts.summary_zh),
        ("矿业权出让 Grants", text.grants_summary(report.grants)),
        ("监督检查 Supervision", text.supervision_summary(report.supervision)),
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
    line = write_facts(sheet, line, facts, alignment=Alignment(horizontal="left")) + 1
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


INDICATOR_COLUMNS: Final = (
    Column("类别"),
    Column("指标编号"),
    Column("指标名称"),
    Column("Indicator"),
    Column("单位"),
)
"""The columns that name an indicator, first on the indicator sheet of both reports."""


def indicator_cells(row: IndicatorRow | FinalIndicator) -> list[Cell]:
    """An indicator's cells under :data:`INDICATOR_COLUMNS`."""
    return [row.category_zh, row.id, row.name_zh, row.name_en, row.unit_zh]


def _indicators(sheet: Worksheet, report: AnnualReport) -> None:
    first, _ = report.plan.period
    columns = [
        *INDICATOR_COLUMNS,
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
            *indicator_cells(row),
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
    write_table(sheet, columns, rows)


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
    write_table(sheet, columns, rows)
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
    write_table(sheet, columns, rows)


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
    write_table(sheet, columns, rows)


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
    write_table(sheet, columns, rows)


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
    write_table(sheet, columns, rows)


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
    write_table(sheet, columns, rows)


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
    write_table(sheet, columns, rows)
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
    write_table(sheet, columns, rows)


def write_adjustments(sheet: Worksheet, adjustments: Adjustments, none_text: str) -> None:
    """规划调整: one row per change of each version approved, then the proposals rejected;
    ``none_text`` ("本年度无规划调整") when there are none."""
    columns = [
        Column("状态"),
        Column("版本/方案"),
        Column("批准文号"),
        Column("日期"),
        Column("调整依据"),
        Column("调整理由", width=WRAP_OVER),
        Column("对比版本"),
        Column("内容"),
        Column("变化", width=WRAP_OVER + 20),
    ]
    rows: list[list[Cell]] = []
    for item in adjustments.versions:
        head: list[Cell] = [
            "批准",
            item.version,
            item.approval_ref,
            item.approved_on or item.published_on,
            item.grounds_zh,
            item.reason,
            item.compared_with,
        ]
        changes = item.changes or ()
        rows += [[*head, change.section_zh, change.label_zh] for change in changes]
        if not changes:
            rows.append([*head, None, text.NONE_ZH])
    for rejected in adjustments.rejected:
        rows.append(
            [
                "不予批准",
                rejected.proposal_id,
                None,
                rejected.rejected_on,
                rejected.grounds_zh,
                rejected.reason,
                None,
                None,
                rejected.rejection_reason,
            ]
        )
    write_table(sheet, columns, rows or [[none_text]])


def write_conflicts(sheet: Worksheet, conflicts: Conflicts) -> None:
    """与规划冲突 by rule: detected, resolved, open at the end of the span."""
    columns = [Column("规则"), Column("发现"), Column("消除"), Column("期末尚存")]
    rows: list[list[Cell]] = [
        [c.rule_id, c.detected, c.resolved, c.open_at_end] for c in conflicts.counts
    ]
    if rows:
        rows.append(["合计", conflicts.detected, conflicts.resolved, conflicts.open_at_end])
    write_table(sheet, columns, rows)


def _adjustments(sheet: Worksheet, report: AnnualReport) -> None:
    write_adjustments(sheet, report.adjustments, NO_ADJUSTMENT_ZH)


def _conflicts(sheet: Worksheet, report: AnnualReport) -> None:
    write_conflicts(sheet, report.conflicts)


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
    ("规划调整", _adjustments),
    ("规划冲突", _conflicts),
    ("矿业权出让", xlsx_grants.grants),
    ("出让按矿种", xlsx_grants.by_mineral),
    ("出让收益", xlsx_grants.fee_schedule),
    ("双随机抽查", xlsx_supervision.draws),
    ("检查结果", xlsx_supervision.inspections),
    ("责令整改", xlsx_supervision.orders),
    ("监管名录", xlsx_supervision.listings),
)
"""The table sheets, after 说明, in order."""


def render_xlsx(report: AnnualReport) -> bytes:
    """The report as the bytes of an .xlsx workbook."""
    workbook, about = new_workbook()
    _about(about, report)
    for title, write in SHEETS:
        write(workbook.create_sheet(title), report)
    description = text.ILLUSTRATIVE_NOTICE if report.illustrative else None
    return saved(workbook, report, description=description)
