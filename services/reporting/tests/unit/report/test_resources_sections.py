"""Output value, reserves and 专栏1 in the three formats, from the one report model: the
figures, "未报" for what no mine reported (never 0), the 2020 baseline in 亿元 and 专栏1's
targets against results with their clause."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from lode_reporting.report import text
from lode_reporting.report.fonts import find_cjk_font
from lode_reporting.report.html import render_html
from lode_reporting.report.pdf import render_pdf
from lode_reporting.report.xlsx import render_xlsx

from .builders import empty_report, sample_report
from .pdf_tools import WQY, needs_pdf_tools, pdftotext
from .test_html import tables
from .test_xlsx import records, workbook


def test_the_output_value_is_carried_to_100m_cny_beside_the_2020_baseline() -> None:
    value = sample_report().output_value
    assert value is not None
    assert value.total_cny_10k == 152000
    assert value.total_cny_100m == Decimal("15.2")
    assert value.baseline_cny_100m == Decimal("18.9")
    assert value.baseline_clause == "第一章第二节 专栏1"
    assert replace(value, total_cny_10k=None).total_cny_100m is None


def test_a_figure_no_mine_reported_reads_未报_never_0() -> None:
    assert text.reported(None) == "未报"
    assert text.reported(Decimal(0)) == "0"
    assert text.output_value_summary(empty_report()) is None
    report = sample_report()
    assert text.output_value_summary(report) == (
        "2024年产值合计 152000 万元（15.2 亿元）；2020年基期 18.9 亿元，第一章第二节 专栏1"
        "；6 个矿山未报产值。"
    )


def test_recalculation_is_shown_only_where_some_mineral_has_one() -> None:
    report = sample_report()
    assert text.recalculated_shown(report)
    flat = replace(
        report,
        reserves_by_mineral=tuple(
            replace(r, recalculated_10kt=Decimal(0) if r.recalculated_10kt is not None else None)
            for r in report.reserves_by_mineral
        ),
    )
    assert not text.recalculated_shown(flat)
    assert "重算增减" not in render_html(flat)


def test_html_shows_output_value_reserves_and_box_1() -> None:
    html = render_html(sample_report())
    rows = tables(html).rows

    output = rows["output"]
    assert ["铁矿", "1250.5", "17", "152000", "0"] in output
    assert ["建筑石料用灰岩", "362", "6", "未报", "6"] in output
    assert ["合计 Total", "1612.5", "23", "152000", "6"] in output
    assert ["152000", "15.2", "18.9", "第一章第二节 专栏1"] in output  # 万元, 亿元, 2020
    assert ["铁矿", "8650.25", "1480.5", "0", "-12.5", "17", "0"] in output
    assert ["金矿", "未报", "未报", "未报", "未报", "0", "2"] in output
    for header in ("保有（万吨）", "动用（万吨）", "新增（万吨）", "产值（万元）"):
        assert f"<th>{header}<span" in html
    assert "2020年基期 18.9 亿元" in html

    box_1 = rows["baseline"]
    assert len(box_1) == 14
    assert box_1[0] == ["矿业经济发展", "矿业产值", "亿元", "20", "18.9", "—"]
    assert ["矿业转型升级", "矿山企业三率达标率", "%", "≥95", "100", "—"] in box_1
    assert ["矿业转型升级", "绿色矿山数量占比", "%", "≥20", "13", "8家"] in box_1
    assert "依据 第一章第二节 专栏1" in html


def test_html_of_an_empty_year_says_none_for_reserves_and_box_1() -> None:
    rows = tables(render_html(empty_report())).rows

    assert rows["baseline"] == [[text.NONE_ZH]]
    assert all(row == [text.NONE_ZH] for row in rows["output"])


def test_xlsx_has_the_figures_as_numbers_and_未报_as_text() -> None:
    book = workbook(render_xlsx(sample_report()))

    output = {row["矿种"]: row for row in records(book, "开发利用")}
    assert output["铁矿"]["产值（万元）"] == 152000
    assert output["建筑石料用灰岩"]["产值（万元）"] == "未报"
    assert output["合计"]["产值（万元）"] == 152000
    assert output["合计"]["开采矿石量（万吨）"] == 1612.5

    reserves = {row["矿种"]: row for row in records(book, "储量")}
    assert reserves["铁矿"]["保有（万吨）"] == 8650.25
    assert reserves["铁矿"]["动用（万吨）"] == 1480.5
    assert reserves["铁矿"]["新增（万吨）"] == 0
    assert reserves["铁矿"]["重算增减（万吨）"] == -12.5
    assert reserves["金矿"]["保有（万吨）"] == "未报"
    assert reserves["金矿"]["未报矿山数"] == 2

    box_1 = records(book, "上轮规划完成情况")
    assert len(box_1) == 14
    assert box_1[0]["指标名称"] == "矿业产值"
    assert (box_1[0]["规划目标"], box_1[0]["完成情况"]) == (20, 18.9)
    assert {row["依据条款"] for row in box_1} == {"第一章第二节 专栏1"}

    cover = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True) if row[0]}
    assert cover["产值合计（万元） Output value"] == 152000
    assert cover["产值合计（亿元） Output value (100m CNY)"] == 15.2
    assert cover["2020年基期产值（亿元） Baseline output value"] == 18.9


def test_xlsx_of_an_empty_year_says_none() -> None:
    book = workbook(render_xlsx(empty_report()))

    for name in ("储量", "上轮规划完成情况"):
        rows = list(book[name].iter_rows(min_row=2, values_only=True))
        assert [row[0] for row in rows] == ["无"], name


@needs_pdf_tools
def test_pdf_text_holds_output_value_reserves_and_box_1(tmp_path: Path) -> None:
    pdf = render_pdf(sample_report(), font=find_cjk_font(search=[WQY]))
    extracted = re.sub(r"\s+", "", pdftotext(pdf, tmp_path))

    for expected in (
        "2024年主要矿种开采量及产值",
        "2024年产值合计152000万元（15.2亿元）；2020年基期18.9亿元",
        "152000",
        "未报",
        "2024年矿产资源储量",
        "保有（万吨）",
        "8650.25",
        "1480.5",
        "-12.5",
        "六、规划基期：上轮规划主要指标完成情况",
        "依据第一章第二节专栏1",
        "提交可供进一步勘查矿产地",
        "≥95",
    ):
        assert expected in extracted, expected
