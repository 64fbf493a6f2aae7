"""The final evaluation as a PDF, with the annual report's page layout, page numbering,
tables and adjustments/conflicts sections; the trend is each year's figure in the table
(the annual report draws no charts in its PDF either)."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from . import pdf_adjustments, pdf_document, text
from .final_model import NO_ADJUSTMENT_IN_PERIOD_ZH, FinalEvaluation
from .fonts import CjkFont, find_cjk_font
from .pdf_layout import Styles, data_table, fractions, heading, paragraph, styles_for


def _title(report: FinalEvaluation, styles: Styles, font: CjkFont) -> list[Flowable]:
    first, last = report.plan.period
    story: list[Flowable] = [
        Spacer(1, 24 * mm),
        paragraph(report.title_zh, styles.title),
        paragraph(report.title_en, styles.title_en),
        Spacer(1, 6 * mm),
        paragraph(
            f"规划期 {first}–{last} 年 · 统计截至 {text.day(report.as_of)} · "
            f"规划数据版本 v{report.plan.version}",
            styles.meta,
        ),
        paragraph(f"生成时间 Generated {text.timestamp(report.generated_at)}", styles.meta),
        Spacer(1, 6 * mm),
        paragraph(report.standing_zh, styles.body),
        paragraph(report.standing_en, styles.meta),
        Spacer(1, 4 * mm),
        paragraph(report.summary_zh, styles.body),
        *(paragraph(c.line_zh, styles.meta) for c in report.coverage),
    ]
    if report.illustrative:
        story += [Spacer(1, 4 * mm), paragraph(text.ILLUSTRATIVE_NOTICE, styles.notice)]
    story += [
        Spacer(1, 8 * mm),
        paragraph(f"字体 Font: {font.describe()}", styles.meta),
        PageBreak(),
    ]
    return story


def _indicators(report: FinalEvaluation, styles: Styles) -> list[Flowable]:
    years = report.years
    headers = [
        ("指标", "Indicator"),
        ("单位", "Unit"),
        ("基期", "Baseline"),
        ("目标", "Target"),
        *((str(year), "") for year in years),
        ("期末实际", "Final"),
        ("结论", "Outcome"),
        ("说明", "Why"),
    ]
    rows: list[list[Any]] = [
        [
            row.name_zh + (f"（{row.nature_zh}）" if row.nature_zh else ""),
            row.unit_zh,
            text.quantity(row.baseline),
            text.target(row.target),
            *(text.quantity(point.actual) for point in row.trend),
            text.quantity(row.final),
            row.outcome_zh,
            row.why_zh,
        ]
        for row in report.indicators
    ]
    numeric = frozenset(range(2, 5 + len(years)))
    return [
        heading("一、规划目标完成情况", "Targets against the final actuals", styles.h1),
        data_table(
            styles,
            headers,
            rows,
            fractions(52, 12, 14, 14, *(13 for _ in years), 15, 12, 70),
            numeric=numeric,
        ),
    ]


def _findings(report: FinalEvaluation, styles: Styles) -> list[Flowable]:
    return [
        heading("四、规划期内监管发现的问题", "Findings over the period", styles.h1),
        data_table(
            styles,
            [("问题类型", "Kind"), ("代码", "Code"), ("新发现", "Opened"), ("已关闭", "Closed")],
            [[c.label_zh, c.code, str(c.opened), str(c.closed)] for c in report.findings],
            fractions(2, 2, 1, 1),
            numeric=frozenset({2, 3}),
        ),
    ]


def render_final_pdf(report: FinalEvaluation, *, font: CjkFont | None = None) -> bytes:
    font = font or find_cjk_font()
    styles = styles_for(font.name)
    story: list[Flowable] = [
        *_title(report, styles, font),
        *_indicators(report, styles),
        *pdf_adjustments.adjustments(
            report.adjustments, styles, "二、规划期内规划调整", NO_ADJUSTMENT_IN_PERIOD_ZH
        ),
        *pdf_adjustments.conflicts(report.conflicts, styles, "三、矿业权与规划冲突"),
        *_findings(report, styles),
    ]
    return pdf_document.write(report, font, story)
