"""The PDF's competitive grants section (矿业权出让情况): the year's grants, the counts by
mineral and the contracted grants' fee schedule (出让收益); a year with none says so in one
sentence, with no empty table."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from . import text
from .model import AnnualReport
from .pdf_layout import Styles, data_table, fractions, heading, paragraph

TITLE_ZH = "九、矿业权出让情况"


def grants(report: AnnualReport, styles: Styles) -> list[Flowable]:
    year = report.grants
    title = heading(TITLE_ZH, "Competitive grants", styles.h1)
    if year.none:
        return [KeepTogether([title, paragraph(f"{text.NO_GRANTS_ZH}。", styles.body)])]
    listing = data_table(
        styles,
        [
            ("出让编号", "Grant"),
            ("矿种（类型）", "Mineral (right)"),
            ("出让方式", "Method"),
            ("公告日期", "Announced"),
            ("交易期", "Trade window"),
            ("起始价（万元）", "Starting price"),
            ("状态", "Status"),
            ("竞得人", "Winner"),
            ("成交价（万元）", "Price"),
            ("成交/流拍日期", "Concluded / failed"),
            ("公示期至", "Publicity until"),
            ("出让合同", "Contract"),
        ],
        [
            [
                g.grant_id,
                text.grant_right(g),
                g.method_zh,
                text.day(g.announced_on),
                text.trade_window(g),
                text.quantity(g.starting_price_cny_10k),
                text.grant_status(g),
                g.winner.name if g.winner else text.DASH,
                text.quantity(g.price_cny_10k),
                text.day(text.grant_closed_on(g)),
                text.day(g.publicity_until),
                text.grant_contract(g),
            ]
            for g in year.items
        ],
        fractions(30, 22, 10, 17, 22, 15, 30, 26, 15, 17, 17, 26),
        numeric=frozenset({5, 8}),
    )
    summary = year.summary
    minerals = data_table(
        styles,
        [
            ("矿种", "Mineral"),
            ("出让宗数", "Grants"),
            ("成交宗数", "Concluded"),
            ("价款合计（万元）", "Price total"),
        ],
        [
            *(
                [m.mineral, str(m.count), str(m.concluded), text.quantity(m.price_total_cny_10k)]
                for m in summary.by_mineral
            ),
            [
                "合计 Total",
                str(summary.announced),
                str(summary.concluded),
                text.quantity(summary.price_total_cny_10k),
            ],
        ],
        fractions(3, 1, 1, 1.4),
        numeric=frozenset({1, 2, 3}),
    )
    fees: Flowable = (
        data_table(
            styles,
            [
                ("缴款期限", "Due"),
                ("出让编号", "Grant"),
                ("竞得人", "Winner"),
                ("金额（万元）", "Amount"),
            ],
            [
                [text.day(f.due), f.grant_id, f.winner, text.quantity(f.amount_cny_10k)]
                for f in year.fee_schedule
            ],
            fractions(1, 2.4, 2.4, 1),
            numeric=frozenset({3}),
        )
        if year.fee_schedule
        else paragraph(f"{text.NO_CONTRACT_ZH}。", styles.body)
    )
    return [
        KeepTogether(
            [
                title,
                paragraph(text.grants_summary(year), styles.body),
                Spacer(1, 1.5 * mm),
                heading("出让矿业权", "Grants", styles.h2),
                listing,
            ]
        ),
        KeepTogether([heading("按矿种统计", "By mineral", styles.h2), minerals]),
        KeepTogether([heading("出让收益缴纳计划", "Grant fee schedule", styles.h2), fees]),
    ]
