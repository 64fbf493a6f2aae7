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
from dataclasses import dataclass
from io import BytesIO
from typing import Any, Final
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from . import text
from .fonts import CjkFont, find_cjk_font
from .html import group_by_category
from .model import AnnualReport, IndicatorStatus, LicenceChange

log = logging.getLogger(__name__)

PAGE: Final = landscape(A4)
MARGIN: Final = 14 * mm
WIDTH: Final = PAGE[0] - 2 * MARGIN
INK: Final = colors.HexColor("#1d2430")
MUTED: Final = colors.HexColor("#5c6675")
RULE: Final = colors.HexColor("#b9c0cb")
HEAD: Final = colors.HexColor("#34495e")
NOTICE_BG: Final = colors.HexColor("#fff7ed")
NOTICE_INK: Final = colors.HexColor("#9c2f00")
STATUS_COLOURS: Final[dict[IndicatorStatus, str]] = {
    IndicatorStatus.MET: "#166534",
    IndicatorStatus.ON_TRACK: "#1d4ed8",
    IndicatorStatus.AT_RISK: "#b45309",
    IndicatorStatus.NOT_MET: "#b91c1c",
    IndicatorStatus.NO_DATA: "#5c6675",
}


@dataclass(frozen=True, slots=True)
class Styles:
    title: ParagraphStyle
    title_en: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    meta: ParagraphStyle
    notice: ParagraphStyle
    cell: ParagraphStyle
    number: ParagraphStyle
    header: ParagraphStyle
    none: ParagraphStyle


def _styles(font: str) -> Styles:
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, textColor=INK)
    body.wordWrap = "CJK"
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=10.5)
    return Styles(
        title=ParagraphStyle("title", parent=body, fontSize=24, leading=32, spaceAfter=4 * mm),
        title_en=ParagraphStyle("title_en", parent=body, fontSize=12, leading=16, textColor=MUTED),
        h1=ParagraphStyle(
            "h1",
            parent=body,
            fontSize=14,
            leading=19,
            spaceBefore=5 * mm,
            spaceAfter=2.5 * mm,
            keepWithNext=1,
        ),
        h2=ParagraphStyle(
            "h2",
            parent=body,
            fontSize=11,
            leading=15,
            spaceBefore=3 * mm,
            spaceAfter=1.5 * mm,
            keepWithNext=1,
        ),
        body=body,
        meta=ParagraphStyle("meta", parent=body, fontSize=9, leading=13, textColor=MUTED),
        notice=ParagraphStyle("notice", parent=body, fontSize=11, leading=15, textColor=NOTICE_INK),
        cell=cell,
        number=ParagraphStyle("number", parent=cell, alignment=TA_RIGHT),
        header=ParagraphStyle(
            "header", parent=cell, alignment=TA_CENTER, textColor=colors.white, leading=10
        ),
        none=ParagraphStyle("none", parent=cell, alignment=TA_CENTER, textColor=MUTED),
    )


def _p(value: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: the model's text is escaped, never read as markup."""
    return Paragraph(escape(value), style)


def _h(zh: str, en: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(
        f'{escape(zh)} <font size="{style.fontSize * 0.7:.1f}">{escape(en)}</font>', style
    )


Header = tuple[str, str]
"""A column header: Chinese, English."""


def _table(
    styles: Styles,
    headers: Sequence[Header],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    numeric: frozenset[int] = frozenset(),
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A table whose header row repeats on every page; one "无" row when there are no rows.

    A cell is a string (wrapped text, right-aligned in ``numeric`` columns) or a flowable.
    """
    head = [
        Paragraph(f'{escape(zh)}<br/><font size="6.5">{escape(en)}</font>', styles.header)
        for zh, en in headers
    ]
    body: list[list[Any]] = []
    for row in rows:
        body.append(
            [
                cell
                if isinstance(cell, Flowable)
                else _p(cell, styles.number if index in numeric else styles.cell)
                for index, cell in enumerate(row)
            ]
        )
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if not body:
        body.append([_p(text.NONE_ZH, styles.none)] + [""] * (len(headers) - 1))
        commands.append(("SPAN", (0, 1), (-1, 1)))
    else:
        commands.append(
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f6f8fa")])
        )
    table = Table([head, *body], colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([*commands, *extra]))
    return table


def _fractions(*parts: float) -> list[float]:
    total = sum(parts)
    return [WIDTH * part / total for part in parts]


def _title_page(report: AnnualReport, styles: Styles, font: CjkFont) -> list[Flowable]:
    story: list[Flowable] = [
        Spacer(1, 28 * mm),
        _p(report.title_zh, styles.title),
        _p(report.title_en, styles.title_en),
        Spacer(1, 6 * mm),
        _p(text.subtitle(report), styles.meta),
        _p(f"{report.plan.region_zh} · {report.plan.name_zh}", styles.meta),
        _p(f"生成时间 Generated {text.timestamp(report.generated_at)}", styles.meta),
        Spacer(1, 8 * mm),
    ]
    if report.illustrative:
        notice = Table([[_p(text.ILLUSTRATIVE_NOTICE, styles.notice)]], colWidths=[WIDTH * 0.8])
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
    summary = Table(
        [[_p(label, styles.meta), _p(value, styles.body)] for label, value in facts],
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
        _p(f"字体 Font: {font.describe()}", styles.meta),
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
    table = _table(
        styles,
        headers,
        rows,
        _fractions(26, 64, 16, 18, 20, 18, 22, 17, 46),
        numeric=frozenset({3, 4, 5, 6}),
        extra=[*spans, ("VALIGN", (0, 1), (0, -1), "MIDDLE")],
    )
    return [
        KeepTogether(
            [
                _h("一、主要规划指标完成情况", "Plan indicators: target and achieved", styles.h1),
                table,
            ]
        )
    ]


def _output(report: AnnualReport, styles: Styles) -> list[Flowable]:
    output = _table(
        styles,
        [
            ("矿种", "Mineral"),
            ("开采矿石量（万吨）", "Ore mined (10 kt)"),
            ("报送矿山数", "Mines reporting"),
            ("产值（万元）", "Output value (10k CNY)"),
        ],
        [
            [
                item.mineral_zh,
                text.quantity(item.ore_mined_10kt),
                str(item.mines_reporting),
                text.quantity(item.output_value_cny_10k),
            ]
            for item in report.output_by_mineral
        ],
        _fractions(2, 1, 1, 1),
        numeric=frozenset({1, 2, 3}),
    )
    exploration = _table(
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
        _fractions(1, 1, 1.3, 2),
        numeric=frozenset({1}),
    )
    return [
        KeepTogether(
            [
                _h("二、矿产资源开发利用", "Output and exploration", styles.h1),
                _h(f"{report.year}年主要矿种开采量", "Output by mineral", styles.h2),
                output,
            ]
        ),
        KeepTogether(
            [_h(f"{report.year}年新增资源量", "Exploration results", styles.h2), exploration]
        ),
    ]


def _findings(report: AnnualReport, styles: Styles) -> list[Flowable]:
    findings = report.findings
    counts = _table(
        styles,
        [("问题类型", "Kind"), ("代码", "Code"), ("新发现", "Opened"), ("已关闭", "Closed")],
        [
            [count.label_zh, count.code, str(count.opened), str(count.closed)]
            for count in findings.counts
        ],
        _fractions(2, 2, 1, 1),
        numeric=frozenset({2, 3}),
    )
    items = _table(
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
        _fractions(38, 26, 12, 20, 9, 58, 32, 17, 17),
    )
    return [
        KeepTogether(
            [
                _h("三、监管发现的问题", "Findings", styles.h1),
                _p(f"新发现 {findings.opened} 项，已关闭 {findings.closed} 项。", styles.body),
                Spacer(1, 2 * mm),
                counts,
            ]
        ),
        KeepTogether([_h("问题清单", "List of findings", styles.h2), items]),
    ]


def _licence_table(styles: Styles, items: Sequence[LicenceChange]) -> Table:
    return _table(
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
        _fractions(38, 32, 12, 9, 11, 11, 16, 40),
    )


def _licences(report: AnnualReport, styles: Styles) -> list[Flowable]:
    issued = len(report.licences_issued)
    closed = len(report.licences_closed)
    return [
        KeepTogether(
            [
                _h("四、矿业权变化", "Licences issued and closed", styles.h1),
                _h(f"{report.year}年新立矿业权", f"Issued: {issued}", styles.h2),
                _licence_table(styles, report.licences_issued),
            ]
        ),
        KeepTogether(
            [
                _h(f"{report.year}年关闭矿业权", f"Closed: {closed}", styles.h2),
                _licence_table(styles, report.licences_closed),
            ]
        ),
    ]


def _restoration(report: AnnualReport, styles: Styles) -> list[Flowable]:
    restoration = report.restoration
    projects = _table(
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
        _fractions(3, 2, 1, 1),
        numeric=frozenset({2, 3}),
    )
    mines = _table(
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
        _fractions(3, 3, 1.2, 1.4, 1.4, 1.4),
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
                _h("五、矿山生态修复", "Restoration", styles.h1),
                _p(summary, styles.body),
                _h("修复治理项目进展", "Restoration projects", styles.h2),
                projects,
            ]
        ),
        KeepTogether(
            [_h("生产矿山土地复垦", "Mines: disturbed and restored area", styles.h2), mines]
        ),
    ]


class _PageDecorations:
    """Draws the running header and "第 n 页 / 共 N 页" once the page count is known."""

    def __init__(self, report: AnnualReport, font: CjkFont) -> None:
        self.running_title = report.title_zh + ("（示意数据）" if report.illustrative else "")
        self.font = font

    def canvas_class(self) -> type[Canvas]:
        decorations = self

        class NumberedCanvas(Canvas):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self._pages: list[dict[str, Any]] = []

            def showPage(self) -> None:
                # Keep the page; it is drawn, decorated, once the total is known.
                self._pages.append(dict(self.__dict__))
                self._startPage()  # type: ignore[attr-defined]

            def save(self) -> None:
                total = len(self._pages)
                for state in self._pages:
                    self.__dict__.update(state)
                    decorations.draw(self, total)
                    super().showPage()
                super().save()

        return NumberedCanvas

    def draw(self, canvas: Canvas, total: int) -> None:
        number = canvas.getPageNumber()
        width, height = PAGE
        canvas.saveState()
        canvas.setFont(self.font.name, 8)
        canvas.setFillColor(MUTED)
        if number > 1:
            canvas.drawString(MARGIN, height - 9 * mm, self.running_title)
            canvas.setStrokeColor(RULE)
            canvas.line(MARGIN, height - 10.5 * mm, width - MARGIN, height - 10.5 * mm)
        canvas.drawCentredString(width / 2, 8 * mm, f"第 {number} 页 / 共 {total} 页")
        canvas.restoreState()


def render_pdf(report: AnnualReport, *, font: CjkFont | None = None) -> bytes:
    """The report as PDF bytes; ``font`` defaults to :func:`.fonts.find_cjk_font`."""
    font = font or find_cjk_font()
    styles = _styles(font.name)
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 2 * mm,
        bottomMargin=MARGIN,
        title=report.title_zh,
        subject=report.title_en
        + (" (illustrative data / 示意数据)" if report.illustrative else ""),
        author=report.plan.region_zh,
        creator=f"Lode reporting; CJK font: {font.describe()}",
        keywords=["示意数据", "illustrative"] if report.illustrative else [],
        lang="zh-CN",
        invariant=True,
    )
    story: list[Flowable] = [
        *_title_page(report, styles, font),
        *_indicators(report, styles),
        *_output(report, styles),
        *_findings(report, styles),
        *_licences(report, styles),
        *_restoration(report, styles),
    ]
    decorations = _PageDecorations(report, font)
    document.build(story, canvasmaker=decorations.canvas_class())
    log.debug("PDF annual report %s rendered with %s", report.year, font.describe_for_log())
    return buffer.getvalue()
