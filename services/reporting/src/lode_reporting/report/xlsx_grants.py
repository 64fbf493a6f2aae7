"""The workbook's competitive grants (矿业权出让情况) sheets: every grant of the year with
its figures as numbers and its dates as dates, the counts by mineral and the contracted
grants' fee schedule (出让收益), each with its total; a year with none says so."""

from __future__ import annotations

from decimal import Decimal

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from . import text
from .model import AnnualReport
from .xlsx_layout import Cell, Column, write_table


def _bold_last_row(sheet: Worksheet) -> None:
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def grants(sheet: Worksheet, report: AnnualReport) -> None:
    columns = [
        Column("出让编号"),
        Column("年度"),
        Column("类型"),
        Column("矿种"),
        Column("出让方式"),
        Column("公告次数"),
        Column("公告日期"),
        Column("交易开始"),
        Column("交易截止"),
        Column("起始价（万元）"),
        Column("面积（公顷）"),
        Column("状态"),
        Column("status"),
        Column("竞得人"),
        Column("竞得人统一社会信用代码"),
        Column("成交价（万元）"),
        Column("成交日期"),
        Column("公示期至"),
        Column("流拍日期"),
        Column("流拍原因"),
        Column("竞买人数"),
        Column("合同签订日期"),
        Column("合同编号"),
    ]
    rows: list[list[Cell]] = [
        [
            g.grant_id,
            g.year,
            text.right_type_zh(g.right_type),
            g.mineral,
            g.method_zh,
            g.announcement,
            g.announced_on,
            g.trade_from,
            g.trade_to,
            g.starting_price_cny_10k,
            g.area_ha,
            text.grant_status(g),
            g.status,
            g.winner.name if g.winner else None,
            g.winner.credit_code if g.winner else None,
            g.price_cny_10k,
            g.concluded_on,
            g.publicity_until,
            g.failed_on,
            text.failed_reason_zh(g.failed_reason),
            g.bidders,
            g.signed_on,
            g.contract_ref,
        ]
        for g in report.grants.items
    ]
    write_table(sheet, columns, rows or [[text.NO_GRANTS_ZH]])


def by_mineral(sheet: Worksheet, report: AnnualReport) -> None:
    summary = report.grants.summary
    columns = [Column("矿种"), Column("出让宗数"), Column("成交宗数"), Column("价款合计（万元）")]
    rows: list[list[Cell]] = [
        [m.mineral, m.count, m.concluded, m.price_total_cny_10k] for m in summary.by_mineral
    ]
    if rows:
        rows.append(["合计", summary.announced, summary.concluded, summary.price_total_cny_10k])
    write_table(sheet, columns, rows or [[text.NO_GRANTS_ZH]])
    if summary.by_mineral:
        _bold_last_row(sheet)


def fee_schedule(sheet: Worksheet, report: AnnualReport) -> None:
    fees = report.grants.fee_schedule
    columns = [Column("缴款期限"), Column("出让编号"), Column("竞得人"), Column("金额（万元）")]
    rows: list[list[Cell]] = [[f.due, f.grant_id, f.winner, f.amount_cny_10k] for f in fees]
    if rows:
        rows.append(["合计", None, None, sum((f.amount_cny_10k for f in fees), Decimal(0))])
    none = text.NO_GRANTS_ZH if report.grants.none else text.NO_CONTRACT_ZH
    write_table(sheet, columns, rows or [[none]])
    if fees:
        _bold_last_row(sheet)
