"""The annual report's supervision section (十、监督检查情况) in the three formats, from the one
report model: the year's draws, inspections with the items found, orders and list changes in
one paragraph and four tables; a year without any says so in words instead of empty tables.
And every supervision event has its name on the dashboard in both languages."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

import lode_reporting
from lode_common.events.catalog import EnterpriseListed, EnterpriseReleased
from lode_common.events.registry import EventPayload
from lode_common.events.supervision import (
    AUDIT_ANCHORED,
    InspectionDrawn,
    InspectionRecorded,
    RectificationOrdered,
    RectificationOverdue,
    RectificationVerified,
)
from lode_reporting.report import text
from lode_reporting.report.fonts import find_cjk_font
from lode_reporting.report.html import render_html
from lode_reporting.report.model import AnnualReport
from lode_reporting.report.pdf import render_pdf
from lode_reporting.report.xlsx import render_xlsx
from services.reporting.tests.unit.test_supervision import sample_year

from .builders import empty_report, sample_report
from .pdf_tools import WQY, needs_pdf_tools, pdftotext
from .test_html import tables
from .test_xlsx import records, workbook

SUMMARY = (
    "本年度双随机抽查 2 次，从 60 个矿业权中抽取 3 个（5%）；检查 3 次（2 户），未发现问题 1 次，"
    "发现问题 2 次（1 户）；责令限期整改 3 件：已整改 1 件，逾期未整改 1 件，整改期内 1 件；"
    "年内列入异常名录 1 户、移出 1 户，2024-12-31 在列 2 户，严重违法失信名单在列 1 户。"
)
I18N = Path(lode_reporting.__file__).parent / "web" / "static" / "js" / "i18n.js"
EVENTS = (
    InspectionDrawn,
    InspectionRecorded,
    RectificationOrdered,
    RectificationVerified,
    RectificationOverdue,
    EnterpriseListed,
    EnterpriseReleased,
    *AUDIT_ANCHORED.values(),
)


def supervised() -> AnnualReport:
    return replace(sample_report(), supervision=sample_year())


def test_the_summary_counts_the_years_supervision() -> None:
    assert text.supervision_summary(sample_year()) == SUMMARY
    none = "本年度无监督检查记录（双随机抽查、检查、责令整改与名录变动）。"
    assert text.supervision_summary(None) == none


def test_html_lists_draws_inspections_orders_and_lists() -> None:
    html = render_html(supervised())
    rows = tables(html).rows["supervision"]

    assert '<h2>十、监督检查情况 <span class="en">Supervision</span></h2>' in html
    assert SUMMARY in html
    by_id = {row[0]: row for row in rows}
    assert by_id["d-1"][1:5] == ["2024-03-01", "5", "40", "2"]
    assert by_id["i-2"][4:] == ["发现问题", "产量（虚假填报）、越界开采"]
    assert by_id["i-1"][4:] == ["未发现问题", "无"]
    assert [by_id[o][5] for o in ("o-1", "o-2", "o-3")] == ["已整改", "逾期未整改", "整改期内"]
    listed = [row for row in rows if row[0] in ("异常名录", "严重违法失信名单")]
    assert [(row[0], row[2], row[6]) for row in listed] == [
        ("异常名录", "E5", "—"),
        ("异常名录", "E4", "2024-02-01"),
        ("异常名录", "E2", "—"),
        ("严重违法失信名单", "E2", "—"),
    ]


def test_html_of_a_year_without_supervision_says_so_with_no_table() -> None:
    html = render_html(sample_report())
    section = html[html.index('<section id="supervision">') :]

    assert "本年度无监督检查记录" in section
    assert "<table" not in section[: section.index("</section>")]


def test_xlsx_has_a_sheet_per_record_kind_with_dates_as_dates() -> None:
    book = workbook(render_xlsx(supervised()))

    draws = {row["抽查编号"]: row for row in records(book, "双随机抽查")}
    assert (draws["d-1"]["总体（个）"], draws["d-1"]["抽中（个）"]) == (40, 2)
    assert draws["d-1"]["抽取日期"].date() == date(2024, 3, 1)
    inspections = {row["检查编号"]: row for row in records(book, "检查结果")}
    assert inspections["i-2"]["result"] == "non_compliant"
    orders = {row["通知编号"]: row["status"] for row in records(book, "责令整改")}
    assert orders == {"o-1": "done", "o-2": "overdue", "o-3": "open"}
    lists = records(book, "监管名录")
    assert {(row["list"], row["统一社会信用代码"]) for row in lists} == {
        ("abnormal", "E2"),
        ("abnormal", "E4"),
        ("abnormal", "E5"),
        ("serious_violation", "E2"),
    }
    cover = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True) if r[0]}
    assert cover["监督检查 Supervision"] == SUMMARY


def test_xlsx_of_a_year_without_supervision_says_so() -> None:
    book = workbook(render_xlsx(empty_report()))

    for name in ("双随机抽查", "检查结果", "责令整改", "监管名录"):
        rows = list(book[name].iter_rows(min_row=2, values_only=True))
        assert [row[0] for row in rows] == [text.NO_SUPERVISION_ZH], name


@needs_pdf_tools
def test_pdf_text_holds_the_supervision_section(tmp_path: Path) -> None:
    pdf = render_pdf(supervised(), font=find_cjk_font(search=[WQY]))
    extracted = re.sub(r"\s+", "", pdftotext(pdf, tmp_path))

    for expected in (
        "十、监督检查情况",
        SUMMARY.replace(" ", ""),
        "监督检查Supervision",  # the title page's line
        "产量（虚假填报）",
        "逾期未整改",
        "严重违法失信名单",
    ):
        assert expected in extracted, expected


@needs_pdf_tools
def test_pdf_of_a_year_without_supervision_says_so_in_one_sentence(tmp_path: Path) -> None:
    extracted = pdftotext(render_pdf(empty_report(), font=find_cjk_font(search=[WQY])), tmp_path)
    flat = re.sub(r"\s+", "", extracted)

    assert "十、监督检查情况" in flat
    assert f"{text.NO_SUPERVISION_ZH}。" in flat
    assert "责令限期整改RectificationOrders" not in flat


@pytest.mark.parametrize("kind", EVENTS, ids=lambda k: k.event_type)
def test_every_supervision_event_has_its_name_on_the_dashboard(kind: type[EventPayload]) -> None:
    assert I18N.read_text("utf-8").count(f'"event.{kind.event_type}":') == 2  # 中文 and English
