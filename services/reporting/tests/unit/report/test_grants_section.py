"""The annual report's competitive grants section (矿业权出让情况) in the three formats, from
the one report model: the year's grants (announced, concluded with winner and price, failed
with the reason of 流拍, contracted with the fee schedule), counts by mineral, and for a
year without grants one sentence saying so instead of an empty table."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from lode_reporting.report import text
from lode_reporting.report.fonts import find_cjk_font
from lode_reporting.report.html import render_html
from lode_reporting.report.model import AnnualReport
from lode_reporting.report.pdf import render_pdf
from lode_reporting.report.xlsx import render_xlsx

from .builders import HOSTILE_HOLDER, empty_report, sample_grants, sample_report
from .pdf_tools import WQY, needs_pdf_tools, pdftotext
from .pdfbytes import mapped_characters
from .test_html import tables
from .test_xlsx import records, workbook

SUMMARY = (
    "本年度出让矿业权 4 宗：成交 2 宗（价款合计 1760.5 万元），流拍 1 宗，已签订出让合同 1 宗。"
)


def granted() -> AnnualReport:
    return replace(sample_report(), grants=sample_grants())


def test_the_summary_counts_the_years_grants() -> None:
    assert text.grants_summary(sample_grants()) == SUMMARY
    assert text.grants_summary(empty_report().grants) == "本年度无矿业权出让。"


def test_html_lists_the_grants_counts_by_mineral_and_the_fee_schedule() -> None:
    html = render_html(granted())
    rows = tables(html).rows["grants"]

    assert '<h2>九、矿业权出让情况 <span class="en">Competitive grants</span></h2>' in html
    assert SUMMARY in html
    listed = {row[0]: row for row in rows if row[0].startswith("grant-")}
    assert listed["grant-0001"] == [
        "grant-0001",
        "铁矿（采矿权）",
        "挂牌",
        "2024-03-01",
        "2024-03-29 至2024-04-12",  # two lines: <br>
        "1000",
        "已签订出让合同",
        HOSTILE_HOLDER,
        "1500",
        "2024-04-12",
        "2024-04-22",
        "2024-05-10 平自然资出让〔2024〕1号",
    ]
    assert listed["grant-0002"][6:10] == ["流拍（报价未达底价）", "—", "—", "2024-04-16"]
    assert listed["grant-0003"][6] == "已公告（第2次公告）"
    assert listed["grant-0004"][6:9] == ["已成交", "平泉市示意建材有限公司", "260.5"]
    # counts by mineral, then the fee schedule by due date
    assert ["建筑石料用灰岩", "2", "1", "260.5"] in rows
    assert ["铁矿", "2", "1", "1500"] in rows
    assert ["合计 Total", "4", "2", "1760.5"] in rows
    assert ["2024-06-30", "grant-0001", HOSTILE_HOLDER, "600"] in rows
    assert rows[-1] == ["2025-06-30", "grant-0001", HOSTILE_HOLDER, "900"]
    assert "<script>alert" not in html  # the winner's name is text, never markup


def test_html_of_a_year_without_grants_says_so_with_no_table() -> None:
    html = render_html(sample_report())
    section = html[html.index('<section id="grants">') :]

    assert '<p class="none" id="no-grants">本年度无矿业权出让</p>' in section
    assert "<table" not in section[: section.index("</section>")]
    assert "grants" not in tables(html).rows


def test_html_without_a_contract_says_there_is_no_fee_schedule() -> None:
    year = sample_grants()
    unsigned = replace(year, fee_schedule=())
    html = render_html(replace(sample_report(), grants=unsigned))

    assert text.NO_CONTRACT_ZH in html
    assert 'id="fee-schedule"' not in html


def test_xlsx_has_the_grants_by_mineral_and_the_fee_schedule_as_numbers_and_dates() -> None:
    book = workbook(render_xlsx(granted()))

    listed = {row["出让编号"]: row for row in records(book, "矿业权出让")}
    first = listed["grant-0001"]
    assert (first["成交价（万元）"], first["起始价（万元）"], first["面积（公顷）"]) == (
        1500,
        1000,
        12.5,
    )
    assert first["竞得人"] == HOSTILE_HOLDER
    assert first["合同签订日期"].date() == date(2024, 5, 10)
    assert (listed["grant-0002"]["状态"], listed["grant-0002"]["流拍原因"]) == (
        "流拍（报价未达底价）",
        "报价未达底价",
    )
    assert listed["grant-0003"]["公告次数"] == 2
    minerals = {row["矿种"]: row for row in records(book, "出让按矿种")}
    assert minerals["合计"] == {
        "矿种": "合计",
        "出让宗数": 4,
        "成交宗数": 2,
        "价款合计（万元）": 1760.5,
    }
    fees = records(book, "出让收益")
    assert [(f["缴款期限"], f["金额（万元）"]) for f in fees[:2]] == [
        (fees[0]["缴款期限"], 600),
        (fees[1]["缴款期限"], 900),
    ]
    assert fees[0]["缴款期限"].date() == date(2024, 6, 30)
    assert fees[-1]["金额（万元）"] == 1500
    cover = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True) if row[0]}
    assert cover["矿业权出让 Grants"] == SUMMARY


def test_xlsx_of_a_year_without_grants_says_so() -> None:
    book = workbook(render_xlsx(empty_report()))

    for name in ("矿业权出让", "出让按矿种", "出让收益"):
        rows = list(book[name].iter_rows(min_row=2, values_only=True))
        assert [row[0] for row in rows] == ["本年度无矿业权出让"], name


@needs_pdf_tools
def test_pdf_text_holds_the_grants_section(tmp_path: Path) -> None:
    pdf = render_pdf(granted(), font=find_cjk_font(search=[WQY]))
    extracted = re.sub(r"\s+", "", pdftotext(pdf, tmp_path))

    for expected in (
        "九、矿业权出让情况",
        SUMMARY.replace(" ", ""),
        "矿业权出让Grants",  # the title page's line
        "流拍（报价未达底价）",
        "已公告（第2次公告）",
        "出让收益缴纳计划",
        "平自然资出让〔2024〕1号",
        "1760.5",
        "2025-06-30",
    ):
        assert expected in extracted, expected
    assert set(HOSTILE_HOLDER) <= mapped_characters(pdf)


@needs_pdf_tools
def test_pdf_of_a_year_without_grants_says_so_in_one_sentence(tmp_path: Path) -> None:
    extracted = pdftotext(render_pdf(empty_report(), font=find_cjk_font(search=[WQY])), tmp_path)
    lines = [line.strip() for line in extracted.splitlines()]

    assert "本年度无矿业权出让。" in lines
    assert "出让收益缴纳计划" not in extracted
