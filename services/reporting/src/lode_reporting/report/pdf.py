"""The annual report as a PDF (reportlab platypus), A4 landscape, in Chinese.

A title page with the key figures, then one section per part; every table repeats its
header row on each page it spans, and every page carries the report's title and
"第 n 页 / 共 N 页". The CJK font comes from :func:`.fonts.find_cjk_font` (embedded when a
TrueType file is found); the PDF's creator field names it. The output depends only on the
model and the font (reportlab's ``invariant`` mode: no clock, no random document id).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Final
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from . import pdf_adjustments, pdf_document, pdf_grants, pdf_supervision, text
from . import pdf_resources as resources
from .fonts import CjkFont, find_cjk_font
from .html import group_by_category
from .model import NO_ADJUSTMENT_ZH, AnnualReport, IndicatorStatus, LicenceChange
from .pdf_layout import (
    NOTICE_BG,
    NOTICE_INK,
    RULE,
    WIDTH,
    Styles,
    data_table,
    fractions,
    heading,
    paragraph,
    styles_for,
)

log = logging.getLogger(__name__)

STATUS_COLOURS: Final[dict[IndicatorStatus, str]] = {
    IndicatorStatus.MET: "#166534",
    IndicatorStatus.ON_TRACK: "#1d4ed8",
    IndicatorStatus.AT_RISK: "#b45309",
    IndicatorStatus.NOT_MET: "#b91c1c",
    IndicatorStatus.NO_DATA: "#5c6675",
}


def _title_page(report: AnnualReport, styles: Styles, font: CjkFont) -> list[Flowable]:
    story: list[Flowable] = [
        Spacer(1, 28 * mm),
        paragraph(report.title_zh, styles.title),
        paragraph(report.title_en, styles.title_en),
        Spacer(1, 6 * mm),
        paragraph(text.subtitle(report), styles.meta),
        paragraph(f"{report.plan.region_zh} · {report.plan.name_zh}", styles.meta),
        paragraph(f"生成时间 Generated {text.timestamp(report.generated_at)}", styles.meta),
        Spacer(1, 8 * mm),
    ]
    if report.illustrative:
        notice = Table(
            [[paragraph(text.ILLUSTRATIVE_NOTICE, styles.notice)]], colWidths=[WIDTH * 0.8]
        )
        notice.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), NOTICE_BG),
                    ("BOX", (0, 0), (-1, -1), 1.5, NOTICE_INK),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ]
            )
        )
        story += [notice, Spacer(1, 8 * mm)]
    counts = {status: 0 for status in IndicatorStatus}
    for row in report.indicators:
        counts[row.status] += 1
    status_line = "，".join(f"{status.label_zh} {counts[status]} 项" for status in IndicatorStatus)
    restoration = report.restoration
    facts = [
        ("规划指标 Indicators", f"{len(report.indicators)} 项：{status_line}"),
        (
            "监管发现 Findings",
            f"新发现 {report.findings.opened} 项，已关闭 {report.findings.closed} 项",
        ),
        (
            "矿业权变化 Licences",
            f"新立 {len(report.licences_issued)} 个，关闭 {len(report.licences_closed)} 个",
        ),
        (
            "生态修复 Restoration",
            f"灭失矿山迹地治理累计 {text.quantity(restoration.restored_cumulative_ha)} 公顷 / "
            f"目标 {text.quantity(restoration.target_ha)} 公顷"
            f"（{text.quantity(restoration.share_of_target_pct)}%）",
        ),
    ]
    facts.append(
        (
            "规划调整 Adjustments",
            f"{len(report.adjustments.versions)} 版"
            if report.adjustments.versions
            else NO_ADJUSTMENT_ZH,
        )
    )
    facts.append(("规划冲突 Conflicts", report.conflicts.summary_zh))
    facts.append(("矿业权出让 Grants", text.grants_summary(report.grants)))
    facts.append(("监督检查 Supervision", text.supervision_summary(report.supervision)))
    output_value = text.output_value_summary(report)
    if output_value is not None:
        facts.append(("产值 Output value", output_value))
    summary = Table(
        [[paragraph(label, styles.meta), paragraph(value, styles.body)] for label, value in facts],
        colWidths=[WIDTH * 0.22, WIDTH * 0.58],
        hAlign="LEFT",
    )
    summary.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    story += [
        summary,
        Spacer(1, 10 * mm),
        paragraph(f"字体 Font: {font.describe()}", styles.meta),
        PageBreak(),
    ]
    return story


def _indicators(report: AnnualReport, styles: Styles) -> list[Flowable]:
    first, _ = report.plan.period
    headers = [
        ("类别", "Category"),
        ("指标名称", "Indicator"),
        ("单位", "Unit"),
        (f"{report.plan.base_year}年基期", "Baseline"),
        (f"规划目标({report.plan.target_year})", "Target"),
        (f"{report.year}年实现", "Achieved"),
        (f"累计({first}–{report.year})", "Cumulative"),
        ("完成情况", "Status"),
        ("依据条款", "Clause"),
    ]
    rows: list[list[Any]] = []
    spans: list[tuple[Any, ...]] = []
    for group in group_by_category(report.indicators):
        start = len(rows) + 1
        for index, row in enumerate(group.rows):
            colour = STATUS_COLOURS[row.status]
            name = row.name_zh + (f"（{row.nature_zh}）" if row.nature_zh else "")
            rows.append(
                [
                    group.category_zh if index == 0 else "",
                    Paragraph(
                        f'{escape(name)}<br/><font size="6.5" color="#5c6675">'
                        f"{escape(row.name_en)}</font>",
                        styles.cell,
                    ),
                    row.unit_zh,
                    text.quantity(row.baseline_2020),
                    text.target(row.target),
                    text.quantity(row.actual),
                    text.quantity(row.cumulative),
                    Paragraph(
                        f'<font color="{colour}">{escape(row.status.label_zh)}</font>', styles.cell
                    ),
                    row.clause,
                ]
            )
        if len(group.rows) > 1:
            spans.append(("SPAN", (0, start), (0, start + len(group.rows) - 1)))
    table = data_table(
        styles,
        headers,
        rows,
        fractions(26, 64, 16, 18, 20, 18, 22, 17, 46),
        numeric=frozenset({3, 4, 5, 6}),
        extra=[*spans, ("VALIGN", (0, 1), (0, -1), "MIDDLE")],
    )
    return [
        KeepTogether(
            [
                heading(
                    "一、主要规划指标完成情况", "Plan indicators: target and achieved", styles.h1
                ),
                table,
            ]
        )
    ]


def _findings(report: AnnualReport, styles: Styles) -> list[Flowable]:
    findings = report.findings
    counts = data_table(
        styles,
        [("问题类型", "Kind"), ("代码", "Code"), ("新发现", "Opened"), ("已关闭", "Closed")],
        [
            [count.label_zh, count.code, str(count.opened), str(count.closed)]
            for count in findings.counts
        ],
        fractions(2, 2, 1, 1),
        numeric=frozenset({2, 3}),
    )
    items = data_table(
        styles,
        [
            ("许可证号", "Licence"),
            ("矿业权人", "Holder"),
            ("矿种", "Mineral"),
            ("问题类型", "Kind"),
            ("等级", "Severity"),
            ("说明", "Message"),
            ("依据", "Standard"),
            ("发现日期", "Opened"),
            ("关闭日期", "Closed"),
        ],
        [
            [
                item.licence_no,
                item.holder,
                item.mineral_zh,
                item.label_zh,
                text.severity_zh(item.severity),
                item.message,
                item.standard,
                text.day(item.opened_on),
                text.day(item.closed_on),
            ]
            for item in findings.items
        ],
        fractions(38, 26, 12, 20, 9, 58, 32, 17, 17),
    )
    return [
        KeepTogether(
            [
                heading("三、监管发现的问题", "Findings", styles.h1),
                paragraph(
                    f"新发现 {findings.opened} 项，已关闭 {findings.closed} 项。", styles.body
                ),
                Spacer(1, 2 * mm),
                counts,
            ]
        ),
        KeepTogether([heading("问题清单", "List of findings", styles.h2), items]),
    ]


def _licence_table(styles: Styles, items: Sequence[LicenceChange]) -> Table:
    return data_table(
        styles,
        [
            ("许可证号", "Licence"),
            ("矿业权人", "Holder"),
            ("矿种", "Mineral"),
            ("规模", "Scale"),
            ("类型", "Right"),
            ("变化", "Change"),
            ("日期", "Date"),
            ("原因", "Reason"),
        ],
        [
            [
                item.licence_no,
                item.holder,
                item.mineral_zh,
                text.scale_zh(item.scale),
                text.right_type_zh(item.right_type),
                text.change_zh(item.change),
                text.day(item.on),
                item.reason or text.DASH,
            ]
            for item in items
        ],
        fractions(38, 32, 12, 9, 11, 11, 16, 40),
    )


def _licences(report: AnnualReport, styles: Styles) -> list[Flowable]:
    issued = len(report.licences_issued)
    closed = len(report.licences_closed)
    return [
        KeepTogether(
            [
                heading("四、矿业权变化", "Licences issued and closed", styles.h1),
                heading(f"{report.year}年新立矿业权", f"Issued: {issued}", styles.h2),
                _licence_table(styles, report.licences_issued),
            ]
        ),
        KeepTogether(
            [
                heading(f"{report.year}年关闭矿业权", f"Closed: {closed}", styles.h2),
                _licence_table(styles, report.licences_closed),
            ]
        ),
    ]


def _restoration(report: AnnualReport, styles: Styles) -> list[Flowable]:
    restoration = report.restoration
    projects = data_table(
        styles,
        [
            ("项目", "Project"),
            ("地点", "Site"),
            (f"{report.year}年治理面积（公顷）", "Restored in year (ha)"),
            ("累计治理面积（公顷）", "Cumulative (ha)"),
        ],
        [
            [
                item.name_zh,
                item.site or text.DASH,
                text.quantity(item.restored_in_year_ha),
                text.quantity(item.restored_cumulative_ha),
            ]
            for item in restoration.projects
        ],
        fractions(3, 2, 1, 1),
        numeric=frozenset({2, 3}),
    )
    mines = data_table(
        styles,
        [
            ("许可证号", "Licence"),
            ("矿业权人", "Holder"),
            ("矿种", "Mineral"),
            ("损毁面积（公顷）", "Disturbed (ha)"),
            ("已复垦面积（公顷）", "Restored (ha)"),
            ("方案要求（公顷）", "Planned (ha)"),
        ],
        [
            [
                item.licence_no,
                item.holder,
                item.mineral_zh,
                text.quantity(item.disturbed_area_ha),
                text.quantity(item.restored_area_ha),
                text.quantity(item.planned_restored_ha),
            ]
            for item in restoration.mines
        ],
        fractions(3, 3, 1.2, 1.4, 1.4, 1.4),
        numeric=frozenset({3, 4, 5}),
    )
    summary = (
        "灭失矿山迹地综合治理累计完成 "
        f"{text.quantity(restoration.restored_cumulative_ha)} 公顷，"
        f"规划目标 {text.quantity(restoration.target_ha)} 公顷，完成 "
        f"{text.quantity(restoration.share_of_target_pct)}%（{restoration.clause}）。"
    )
    return [
        KeepTogether(
            [
                heading("五、矿山生态修复", "Restoration", styles.h1),
                paragraph(summary, styles.body),
                heading("修复治理项目进展", "Restoration projects", styles.h2),
                projects,
            ]
        ),
        KeepTogether(
            [heading("生产矿山土地复垦", "Mines: disturbed and restored area", styles.h2), mines]
        ),
    ]


def render_pdf(report: AnnualReport, *, font: CjkFont | None = None) -> bytes:
    """The report as PDF bytes; ``font`` defaults to :func:`.fonts.find_cjk_font`."""
    font = font or find_cjk_font()
    styles = styles_for(font.name)
    story: list[Flowable] = [
        *_title_page(report, styles, font),
        *_indicators(report, styles),
        *resources.output(report, styles),
        *_findings(report, styles),
        *_licences(report, styles),
        *_restoration(report, styles),
        *resources.previous_plan(report, styles),
        *pdf_adjustments.adjustments(
            report.adjustments, styles, "七、规划调整情况", NO_ADJUSTMENT_ZH
        ),
        *pdf_adjustments.conflicts(report.conflicts, styles, "八、矿业权与规划冲突"),
        *pdf_grants.grants(report, styles),
        *pdf_supervision.supervision(report, styles),
    ]
    rendered = pdf_document.write(report, font, story)
    log.debug("PDF annual report %s rendered with %s", report.year, font.describe_for_log())
    return rendered
