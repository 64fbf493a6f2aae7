"""The HTML report: the 专栏1-shaped indicator table, escaping, the illustrative notice."""

from __future__ import annotations

from html.parser import HTMLParser

from lode_reporting.report import text
from lode_reporting.report.html import render_html

from .builders import HOSTILE_HOLDER, empty_report, sample_report

SECTIONS = ("indicators", "output", "findings", "licences", "restoration")


class Tables(HTMLParser):
    """The text of every table cell, by ``<section id>``: rows of ``<td>`` texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[list[str]]] = {}
        self.section = ""
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        if tag == "section":
            self.section = dict(attrs).get("id") or ""
        elif tag == "tr":
            self.row = []
        elif tag == "td":
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.row is not None and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row:
            self.rows.setdefault(self.section, []).append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def tables(html: str) -> Tables:
    parser = Tables()
    parser.feed(html)
    parser.close()
    return parser


def test_every_indicator_row_shows_baseline_target_achieved_status_and_clause() -> None:
    report = sample_report()
    rows = tables(render_html(report)).rows["indicators"]

    assert len(rows) == len(report.indicators) == 7
    for indicator, cells in zip(report.indicators, rows, strict=True):
        values = cells[-8:]  # the category cell is merged over its group's rows
        name = (
            f"{indicator.name_zh}（{indicator.nature_zh}）"
            if indicator.nature_zh
            else indicator.name_zh
        )
        assert values == [
            name,
            indicator.unit_zh,
            text.quantity(indicator.baseline_2020),
            text.target(indicator.target),
            text.quantity(indicator.actual),
            text.quantity(indicator.cumulative),
            indicator.status.label_zh,
            indicator.clause,
        ]


def test_the_indicator_table_follows_the_plan_figures() -> None:
    rows = {row[-8]: row[-8:] for row in tables(render_html(sample_report())).rows["indicators"]}

    assert rows["1:5万区域地球化学调查（预期性）"][1:] == [
        "幅",
        "0",
        "7",
        "2",
        "5",
        "进度正常",
        "第四章第一节 专栏5",
    ]
    assert rows["主要矿种开采总量（建筑石料类）（预期性）"][3:7] == ["400±", "—", "—", "暂无数据"]
    assert rows["矿山总数"][2:5] == ["63", "≤ 50", "58"]


def test_categories_are_merged_over_consecutive_rows_as_in_box_1() -> None:
    html = render_html(sample_report())

    assert html.count(">矿产资源合理开发利用与保护</td>") == 1
    assert 'rowspan="2">矿产资源合理开发利用与保护</td>' in html
    assert 'rowspan="3">矿业绿色高质量发展</td>' in html


def test_headers_name_the_baseline_target_and_year() -> None:
    html = render_html(sample_report())

    for header in (
        "指标名称",
        "单位",
        "2020年基期",
        "规划目标(2025)",
        "2024年实现",
        "完成情况",
        "依据条款",
    ):
        assert f"<th>{header}<span" in html


def test_holder_names_and_messages_are_escaped_never_markup() -> None:
    report = sample_report()
    html = render_html(report)
    parsed = tables(html)

    assert parsed.scripts == 0
    assert "<script>" not in html
    assert "<b>矿业</b>" not in html
    assert "&lt;script&gt;" in html
    assert HOSTILE_HOLDER in [row[1] for row in parsed.rows["findings"] if len(row) == 9]
    assert HOSTILE_HOLDER in [row[1] for row in parsed.rows["licences"]]
    assert "2023年度开发利用年报逾期未交 <截至 3月31日> & 未补报" in [
        row[5] for row in parsed.rows["findings"] if len(row) == 9
    ]


def test_illustrative_data_is_marked_visibly() -> None:
    html = render_html(sample_report(illustrative=True))

    assert '<p class="illustrative" role="note">示意数据 / illustrative data' in html
    assert "<title>平泉市矿产资源总体规划2024年度实施情况报告（示意数据）</title>" in html


def test_real_data_carries_no_illustrative_notice() -> None:
    html = render_html(sample_report(illustrative=False))

    assert "示意数据" not in html
    assert '<meta name="lode:illustrative" content="false">' in html


def test_findings_licences_and_restoration_are_listed() -> None:
    parsed = tables(render_html(sample_report()))

    kinds = parsed.rows["findings"][:2]
    assert kinds == [
        ["“三率”低于国家标准", "three_rates_below_standard", "2", "1"],
        ["未按期提交年报", "annual_report_missing", "1", "0"],
    ]
    closed = parsed.rows["licences"][1]
    assert closed == [
        "C1308812016019900000004",
        "平泉县七家岱铁矿",
        "铁矿",
        "小型",
        "采矿权",
        "注销",
        "2024-09-30",
        "位于禁止开采区，依法有序退出",
    ]
    project, mine = parsed.rows["restoration"]
    assert project[2:] == ["18.25", "61.5"]
    assert mine[3:] == ["3", "1.2", "1.5"]


def test_an_empty_year_shows_none_rows() -> None:
    parsed = tables(render_html(empty_report()))

    assert len(parsed.rows["indicators"]) == 7
    for section in ("output", "findings", "licences", "restoration"):
        assert parsed.rows[section], section
        assert all(row == [text.NONE_ZH] for row in parsed.rows[section]), section
    assert len(parsed.rows["findings"]) == 2  # counts and list
    assert len(parsed.rows["licences"]) == 2  # issued and closed
