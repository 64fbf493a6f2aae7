"""The PDF's supervision section (监督检查情况): the year's random inspection draws, the
inspections with the items found not as filed, the rectification orders and the list
changes; a year with none says so in one sentence, with no empty table."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from . import text
from .model import AnnualReport
from .pdf_layout import Styles, data_table, fractions, heading, paragraph

TITLE_ZH = "十、监督检查情况"


def supervision(report: AnnualReport, styles: Styles) -> list[Flowable]:
    year = report.supervision
    title = heading(TITLE_ZH, "Supervision", styles.h1)
    if year is None or year.none:
        return [KeepTogether([title, paragraph(f"{text.NO_SUPERVISION_ZH}。", styles.body)])]
    draws = data_table(
        styles,
        [
            ("抽查编号", "Draw"),
            ("抽取日期", "Drawn on"),
            ("比例（%）", "Ratio"),
            ("总体", "Population"),
            ("抽中", "Drawn"),
            ("随机种子", "Seed"),
            ("算法", "Algorithm"),
            ("抽中矿业权", "Licences drawn"),
        ],
        [
            [
                d.draw_id,
                text.day(d.drawn_on),
                text.quantity(d.ratio_pct),
                str(len(d.population)),
                str(len(d.drawn)),
                d.seed,
                d.algorithm,
                text.drawn_list(d),
            ]
            for d in year.draws
        ],
        fractions(22, 16, 11, 10, 10, 22, 18, 40),
        numeric=frozenset({2, 3, 4}),
    )
    inspections = data_table(
        styles,
        [
            ("检查编号", "Inspection"),
            ("许可证号", "Licence"),
            ("矿业权人", "Holder"),
            ("检查日期", "Inspected on"),
            ("结果", "Result"),
            ("发现问题事项", "Items not as filed"),
        ],
        [
            [
                i.inspection_id,
                i.licence_no,
                i.holder_name,
                text.day(i.inspected_on),
                text.result_zh(i.result),
                text.inspection_findings(i),
            ]
            for i in year.inspections
        ],
        fractions(22, 30, 26, 16, 14, 34),
    )
    orders = data_table(
        styles,
        [
            ("通知编号", "Order"),
            ("许可证号", "Licence"),
            ("矿业权人", "Holder"),
            ("下达日期", "Ordered on"),
            ("整改期限", "Due"),
            ("状态", "Status"),
            ("核查日期", "Verified on"),
            ("逾期日期", "Overdue on"),
        ],
        [
            [
                o.order_id,
                o.licence_no,
                o.holder_name,
                text.day(o.ordered_on),
                text.day(o.due),
                text.order_status_zh(o),
                text.day(o.verified_on),
                text.day(o.overdue_on),
            ]
            for o in year.orders
        ],
        fractions(22, 30, 26, 16, 16, 16, 16, 16),
    )
    listings = data_table(
        styles,
        [
            ("名录", "List"),
            ("企业", "Enterprise"),
            ("统一社会信用代码", "Credit code"),
            ("列入日期", "Listed on"),
            ("列入事由", "Reason"),
            ("期限至", "Until"),
            ("移出日期", "Released on"),
            ("移出事由", "Release reason"),
        ],
        [
            [
                text.list_zh(i.list),
                i.name,
                i.credit_code,
                text.day(i.listed_on),
                i.reason or text.DASH,
                text.day(i.until),
                text.day(i.released_on),
                i.release_reason or text.DASH,
            ]
            for i in year.listings
        ],
        fractions(18, 24, 24, 16, 26, 16, 16, 24),
    )
    return [
        KeepTogether(
            [
                title,
                paragraph(text.supervision_summary(year), styles.body),
                Spacer(1, 1.5 * mm),
                heading("双随机抽查", "Random inspection draws", styles.h2),
                draws,
            ]
        ),
        KeepTogether([heading("检查结果", "Inspections", styles.h2), inspections]),
        KeepTogether([heading("责令限期整改", "Rectification orders", styles.h2), orders]),
        KeepTogether(
            [heading("异常名录与严重违法失信名单", "Supervision lists", styles.h2), listings]
        ),
    ]
