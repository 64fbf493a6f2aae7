"""The workbook's supervision (监督检查情况) sheets: the year's random inspection draws, the
inspections with the items found not as filed, the rectification orders and the list
changes, with dates as dates and counts as numbers; a year with none says so."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from lode_reporting.domain.supervision import SupervisionYear

from . import text
from .model import AnnualReport
from .xlsx_layout import Cell, Column, write_table


def _year(report: AnnualReport) -> SupervisionYear | None:
    return report.supervision if report.supervision and not report.supervision.none else None


def _none(report: AnnualReport) -> list[list[Cell]]:
    return [[text.NONE_ZH if _year(report) else text.NO_SUPERVISION_ZH]]


def draws(sheet: Worksheet, report: AnnualReport) -> None:
    columns = [
        Column("抽查编号"),
        Column("抽取日期"),
        Column("抽查比例（%）"),
        Column("总体（个）"),
        Column("抽中（个）"),
        Column("抽中比例（%）"),
        Column("随机种子"),
        Column("算法"),
        Column("抽中矿业权"),
        Column("总体（许可证号，按抽取读取顺序）"),
    ]
    year = _year(report)
    rows: list[list[Cell]] = [
        [
            d.draw_id,
            d.drawn_on,
            d.ratio_pct,
            len(d.population),
            len(d.drawn),
            d.drawn_pct,
            d.seed,
            d.algorithm,
            "、".join(d.drawn),
            "、".join(d.population),
        ]
        for d in (year.draws if year else ())
    ]
    write_table(sheet, columns, rows or _none(report))


def inspections(sheet: Worksheet, report: AnnualReport) -> None:
    columns = [
        Column("检查编号"),
        Column("许可证号"),
        Column("矿业权人"),
        Column("统一社会信用代码"),
        Column("抽查编号"),
        Column("检查日期"),
        Column("结果"),
        Column("result"),
        Column("发现问题事项"),
        Column("问题编号"),
    ]
    year = _year(report)
    rows: list[list[Cell]] = [
        [
            i.inspection_id,
            i.licence_no,
            i.holder_name,
            i.credit_code,
            i.draw_id,
            i.inspected_on,
            text.result_zh(i.result),
            i.result,
            text.inspection_findings(i),
            i.finding_id,
        ]
        for i in (year.inspections if year else ())
    ]
    write_table(sheet, columns, rows or _none(report))


def orders(sheet: Worksheet, report: AnnualReport) -> None:
    columns = [
        Column("通知编号"),
        Column("许可证号"),
        Column("矿业权人"),
        Column("统一社会信用代码"),
        Column("问题编号"),
        Column("整改要求"),
        Column("下达日期"),
        Column("整改期限"),
        Column("状态"),
        Column("status"),
        Column("核查日期"),
        Column("逾期日期"),
    ]
    year = _year(report)
    rows: list[list[Cell]] = [
        [
            o.order_id,
            o.licence_no,
            o.holder_name,
            o.credit_code,
            "、".join(o.finding_ids),
            o.requirement,
            o.ordered_on,
            o.due,
            text.order_status_zh(o),
            o.status,
            o.verified_on,
            o.overdue_on,
        ]
        for o in (year.orders if year else ())
    ]
    write_table(sheet, columns, rows or _none(report))


def listings(sheet: Worksheet, report: AnnualReport) -> None:
    columns = [
        Column("名录"),
        Column("list"),
        Column("企业"),
        Column("统一社会信用代码"),
        Column("列入日期"),
        Column("列入事由"),
        Column("期限至"),
        Column("移出日期"),
        Column("移出事由"),
    ]
    year = _year(report)
    rows: list[list[Cell]] = [
        [
            text.list_zh(i.list),
            i.list,
            i.name,
            i.credit_code,
            i.listed_on,
            i.reason,
            i.until,
            i.released_on,
            i.release_reason,
        ]
        for i in (year.listings if year else ())
    ]
    write_table(sheet, columns, rows or _none(report))
