"""The PDF report: embedded CJK font, Chinese text, pages, metadata, the fallback font."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from lode_reporting.report.fonts import FALLBACK_CID_FONT, find_cjk_font
from lode_reporting.report.pdf import render_pdf

from .builders import HOSTILE_HOLDER, empty_report, sample_report
from .pdf_tools import WQY, needs_pdftotext, needs_wqy, pdftotext
from .pdfbytes import info, mapped_characters


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@needs_wqy
def test_the_wenquanyi_font_is_embedded_as_a_subset() -> None:
    font = find_cjk_font(search=[WQY])
    pdf = render_pdf(sample_report(), font=font)

    assert pdf.startswith(b"%PDF-")
    assert font.embedded
    assert font.face == "WenQuanYi Micro Hei"
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+WenQuanYiMicroHei", pdf)
    assert b"/FontFile2" in pdf  # the TrueType program itself, not a reference to it
    assert b"STSong-Light" not in pdf


@needs_wqy
def test_the_embedded_subset_maps_every_character_of_the_indicator_names() -> None:
    report = sample_report()
    pdf = render_pdf(report, font=find_cjk_font(search=[WQY]))

    mapped = mapped_characters(pdf)
    for indicator in report.indicators:
        missing = {ch for ch in indicator.name_zh if ord(ch) > 0x2E80} - mapped
        assert not missing, (indicator.name_zh, missing)
    assert set("已完成进度正常存在风险未完成暂无数据示意") <= mapped


@needs_wqy
@needs_pdftotext
def test_the_extracted_text_holds_the_chinese_report(tmp_path: Path) -> None:
    report = sample_report()
    extracted = re.sub(
        r"\s+", "", pdftotext(render_pdf(report, font=find_cjk_font(search=[WQY])), tmp_path)
    )

    assert "平泉市矿产资源总体规划2024年度实施情况报告" in extracted
    assert "示意数据/illustrativedata" in extracted
    for indicator in report.indicators:
        assert indicator.status.label_zh in extracted
    for name in ("1:5万区域地球化学调查", "大中型矿山比例", "历史遗留矿山生态修复治理面积"):
        assert name in extracted
    assert "<script>alert('x')</script>平泉&县<b>矿业</b>有限公司" in extracted
    assert "第1页/共6页" in extracted
    assert "第6页/共6页" in extracted


@needs_wqy
def test_title_page_then_the_sections_and_metadata_naming_the_font() -> None:
    pdf = render_pdf(sample_report(), font=find_cjk_font(search=[WQY]))

    assert page_count(pdf) == 6  # with the adjustments, conflicts and grants sections
    assert info(pdf, "Title") == "平泉市矿产资源总体规划2024年度实施情况报告"
    assert info(pdf, "Subject") == (
        "Pingquan City Mineral Resources Master Plan (2021-2025): implementation report 2024"
        " (illustrative data / 示意数据)"
    )
    assert info(pdf, "Keywords") == "示意数据, illustrative"
    assert info(pdf, "Creator") == "Lode reporting; CJK font: WenQuanYi Micro Hei (embedded)"


@needs_wqy
def test_hostile_text_is_printed_not_parsed_as_markup() -> None:
    # reportlab's paragraphs read a mini-markup; an unescaped "<b>" would be bold and a
    # stray "<script>" a parse error.
    pdf = render_pdf(sample_report(), font=find_cjk_font(search=[WQY]))

    assert set(HOSTILE_HOLDER) <= mapped_characters(pdf)


@needs_wqy
def test_an_empty_year_renders_with_none_rows() -> None:
    pdf = render_pdf(empty_report(), font=find_cjk_font(search=[WQY]))

    assert pdf.startswith(b"%PDF-")
    assert page_count(pdf) >= 2
    assert "无" in mapped_characters(pdf)


@needs_wqy
@needs_pdftotext
def test_an_empty_year_says_none_in_every_list(tmp_path: Path) -> None:
    extracted = pdftotext(render_pdf(empty_report(), font=find_cjk_font(search=[WQY])), tmp_path)
    lines = [line.strip() for line in extracted.splitlines()]

    # output, reserves, exploration, finding kinds, findings, issued, closed, projects, mines,
    # 专栏1 (a year's model without the plan's baseline table), conflicts
    assert lines.count("无") == 11
    assert "本年度无规划调整" in lines
    assert "示意数据" not in extracted


def test_without_a_font_file_the_builtin_cid_font_is_used_and_said(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="lode_reporting.report.fonts"):
        font = find_cjk_font(search=["/nonexistent/font.ttc"])
    pdf = render_pdf(sample_report(), font=font)

    assert font.name == FALLBACK_CID_FONT
    assert not font.embedded
    assert "No embeddable CJK font found (tried /nonexistent/font.ttc)" in caplog.text
    assert re.search(rb"/BaseFont\s*/STSong-Light", pdf)
    assert b"/FontFile2" not in pdf
    assert info(pdf, "Creator") == (
        "Lode reporting; CJK font: STSong-Light (reportlab built-in CID font, not embedded)"
    )
    assert page_count(pdf) == 6  # with the adjustments, conflicts and grants sections


def test_the_same_model_and_font_give_the_same_bytes() -> None:
    font = find_cjk_font()
    report = sample_report()

    assert render_pdf(report, font=font) == render_pdf(report, font=font)
