"""The final evaluation as an Excel workbook, with the annual report's table writer and its
adjustments and conflicts sheets: 说明, 指标评估 (one column per year), 规划调整, 规划冲突,
监管发现."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from . import text
from .final_model import NO_ADJUSTMENT_IN_PERIOD_ZH, FinalEvaluation
from .xlsx import INDICATOR_COLUMNS, indicator_cells, write_adjustments, write_conflicts
from .xlsx_layout import Cell, Column, new_workbook, saved, write_facts, write_table, write_title


def _about(sheet: Worksheet, report: FinalEvaluation) -> None:
    line = write_title(sheet, report)
    first, last = report.plan.period
    facts: list[tuple[str, Cell]] = [
        ("规划 Plan", report.plan.name_zh),
        ("规划编号 Plan id", report.plan.id),
        ("规划期 Period", f"{first}–{last}"),
        ("规划数据版本 Plan data version", report.plan.version),
        ("统计截至 As of", report.as_of),
        ("生成时间 Generated", text.timestamp(report.generated_at)),
        ("规划状态 Standing", report.standing_zh),
        ("Standing", report.standing_en),
        ("评估结论 Summary", report.summary_zh),
        ("与规划冲突 Conflicts", report.conflicts.summary_zh),
        *((f"{c.year}年报覆盖 Coverage", c.line_zh) for c in report.coverage),
    ]
    write_facts(sheet, line, facts)
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 90


def _indicators(sheet: Worksheet, report: FinalEvaluation) -> None:
    columns = [
        *INDICATOR_COLUMNS,
        Column("指标属性"),
        Column("基期"),
        Column("规划目标"),
        *(Column(f"{year}年") for year in report.years),
        Column("期末实际"),
        Column("口径"),
        Column("评估结论"),
        Column("outcome"),
        Column("说明", width=60),
        Column("依据条款"),
    ]
    rows: list[list[Cell]] = [
        [
            *indicator_cells(row),
            row.nature_zh,
            row.baseline,
            row.target,
            *(point.actual for point in row.trend),
            row.final,
            "累计" if row.cumulative else "期末值",
            row.outcome_zh,
            row.outcome,
            row.why_zh,
            row.clause,
        ]
        for row in report.indicators
    ]
    write_table(sheet, columns, rows)


def _findings(sheet: Worksheet, report: FinalEvaluation) -> None:
    columns = [Column("问题类型"), Column("代码"), Column("新发现"), Column("已关闭")]
    rows: list[list[Cell]] = [[c.label_zh, c.code, c.opened, c.closed] for c in report.findings]
    write_table(sheet, columns, rows)


def render_final_xlsx(report: FinalEvaluation) -> bytes:
    workbook, about = new_workbook()
    _about(about, report)
    _indicators(workbook.create_sheet("指标评估"), report)
    write_adjustments(
        workbook.create_sheet("规划调整"), report.adjustments, NO_ADJUSTMENT_IN_PERIOD_ZH
    )
    write_conflicts(workbook.create_sheet("规划冲突"), report.conflicts)
    _findings(workbook.create_sheet("监管发现"), report)
    return saved(workbook, report)
