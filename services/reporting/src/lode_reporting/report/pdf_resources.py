"""The PDF report's output and resources section (开采量, 产值, 储量, 新增资源量) and its
baseline section (专栏1), drawn from the one report model as the HTML and XLSX are."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether

from . import text
from .model import AnnualReport
from .pdf_layout import Styles, data_table, fractions, heading, paragraph


def _output_table(report: AnnualReport, styles: Styles) -> Flowable:
    rows = [
        [
            item.mineral_zh,
            text.quantity(item.ore_mined_10kt),
            str(item.mines_reporting),
            text.reported(item.output_value_cny_10k),
            str(item.mines_without_value),
        ]
        for item in report.output_by_mineral
    ]
    value = report.output_value
    if rows and value is not None:
        rows.append(
            [
                "合计 Total",
                text.quantity(sum(item.ore_mined_10kt for item in report.output_by_mineral)),
                str(sum(item.mines_reporting for item in report.output_by_mineral)),
                text.reported(value.total_cny_10k),
                str(value.mines_without_value),
            ]
        )
    return data_table(
        styles,
        [
            ("矿种", "Mineral"),
            ("开采矿石量（万吨）", "Ore mined (10 kt)"),
            ("报送矿山数", "Mines reporting"),
            ("产值（万元）", "Output value (10k CNY)"),
            ("未报产值矿山数", "Mines without a value"),
        ],
        rows,
        fractions(2, 1, 1, 1, 1),
        numeric=frozenset({1, 2, 3, 4}),
    )


def _reserves_table(report: AnnualReport, styles: Styles) -> Flowable:
    recalculated = text.recalculated_shown(report)
    headers = [
        ("矿种", "Mineral"),
        ("保有（万吨）", "Reserves held"),
        ("动用（万吨）", "Used (mined + lost)"),
        ("新增（万吨）", "Newly proven"),
        *([("重算增减（万吨）", "Recalculated")] if recalculated else []),
        ("报送矿山数", "Mines reporting"),
        ("未报矿山数", "Mines not reporting"),
    ]
    rows = [
        [
            item.mineral_zh,
            text.reported(item.closing_10kt),
            text.reported(item.used_10kt),
            text.reported(item.new_proven_10kt),
            *([text.reported(item.recalculated_10kt)] if recalculated else []),
            str(item.mines_reporting),
            str(item.mines_not_reporting),
        ]
        for item in report.reserves_by_mineral
    ]
    return data_table(
        styles,
        headers,
        rows,
        fractions(2, *([1.0] * (len(headers) - 1))),
        numeric=frozenset(range(1, len(headers))),
    )


def _exploration_table(report: AnnualReport, styles: Styles) -> Flowable:
    return data_table(
        styles,
        [
            ("矿种", "Mineral"),
            ("新增资源量（矿石，万吨）", "New resources (ore, 10 kt)"),
            ("勘查许可证号", "Licence"),
            ("矿业权人", "Holder"),
        ],
        [
            [
                item.mineral_zh,
                text.quantity(item.new_resources_ore_10kt),
                item.licence_no or text.DASH,
                item.holder or text.DASH,
            ]
            for item in report.exploration_results
        ],
        fractions(1, 1, 1.3, 2),
        numeric=frozenset({1}),
    )


def output(report: AnnualReport, styles: Styles) -> list[Flowable]:
    """二、矿产资源开发利用: output and output value by mineral with the base year beside
    them, reserves by mineral, and the year's exploration results."""
    summary = text.output_value_summary(report)
    return [
        KeepTogether(
            [
                heading(
                    "二、矿产资源开发利用",
                    "Output, output value, reserves and exploration",
                    styles.h1,
                ),
                heading(
                    f"{report.year}年主要矿种开采量及产值",
                    "Output and output value by mineral",
                    styles.h2,
                ),
                *([paragraph(summary, styles.body)] if summary else []),
                _output_table(report, styles),
            ]
        ),
        KeepTogether(
            [
                heading(
                    f"{report.year}年矿产资源储量", "Reserves by mineral (10 kt of ore)", styles.h2
                ),
                _reserves_table(report, styles),
            ]
        ),
        KeepTogether(
            [
                heading(f"{report.year}年新增资源量", "Exploration results", styles.h2),
                _exploration_table(report, styles),
            ]
        ),
    ]


def previous_plan(report: AnnualReport, styles: Styles) -> list[Flowable]:
    """六、规划基期: 专栏1, the previous plan's targets and results, with its clause."""
    previous = report.previous_plan
    rows = [
        [
            item.category_zh,
            item.indicator_zh,
            item.unit_zh,
            text.target(item.target),
            text.quantity(item.achieved),
            item.note or text.DASH,
        ]
        for item in (previous.rows if previous is not None else ())
    ]
    table = data_table(
        styles,
        [
            ("类别", "Category"),
            ("指标名称", "Indicator"),
            ("单位", "Unit"),
            ("规划目标", "Target"),
            ("完成情况", "Achieved"),
            ("备注", "Note"),
        ],
        rows,
        fractions(2, 3, 1, 1, 1, 1),
        numeric=frozenset({3, 4}),
    )
    return [
        KeepTogether(
            [
                heading(
                    "六、规划基期：上轮规划主要指标完成情况",
                    "Baseline: the previous plan's targets and results",
                    styles.h1,
                ),
                *([paragraph(f"依据 {previous.clause}", styles.meta)] if previous else []),
                table,
            ]
        )
    ]
