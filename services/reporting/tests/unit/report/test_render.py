"""Format dispatch: media types, file names and Content-Disposition."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from lode_reporting.report.render import ReportFormat, render

from .builders import sample_report


@pytest.mark.parametrize(
    ("format", "media_type", "magic"),
    [
        ("html", "text/html; charset=utf-8", b"<!DOCTYPE html>"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("pdf", "application/pdf", b"%PDF-"),
    ],
)
def test_each_format_has_its_media_type_and_file_names(
    format: str, media_type: str, magic: bytes
) -> None:
    rendered = render(sample_report(), format)

    assert rendered.content.startswith(magic)
    assert rendered.media_type == media_type
    assert rendered.filename == f"pingquan-2021-2025-annual-report-2024.{format}"
    assert rendered.filename_zh == f"平泉市矿产资源总体规划2024年度实施情况报告.{format}"


def test_content_disposition_carries_the_ascii_and_the_chinese_name() -> None:
    rendered = render(sample_report(), ReportFormat.XLSX)

    header = rendered.content_disposition()
    assert header.isascii()
    plain, extended = header.split("; filename*=")
    assert plain == 'attachment; filename="pingquan-2021-2025-annual-report-2024.xlsx"'
    charset, _, encoded = extended.partition("''")
    assert charset == "UTF-8"
    assert unquote(encoded) == "平泉市矿产资源总体规划2024年度实施情况报告.xlsx"
    assert rendered.content_disposition("inline").startswith("inline; ")


def test_an_unknown_format_names_the_valid_ones() -> None:
    with pytest.raises(
        ValueError, match=r"unknown report format 'docx'; expected one of html, xlsx, pdf"
    ):
        render(sample_report(), "docx")
