"""The XLSX report: sheets, headers, typed cells, Chinese text, empty years."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook

from lode_reporting.report.xlsx import render_xlsx

from .builders import HOSTILE_HOLDER, empty_report, sample_report

SHEETS = [
    "说明",
    "指标",
    "开发利用",
    "储量",
    "新增资源量",
    "问题清单",
    "矿业权变化",
    "生态修复",
    "矿山复垦",
    "上轮规划完成情况",
    "规划调整",
    "规划冲突",
    "矿业权出让",
    "出让按矿种",
    "出让收益",
    "双随机抽查",
    "检查结果",
    "责令整改",
    "监管名录",
]


def workbook(content: bytes) -> Workbook:
    return load_workbook(BytesIO(content))


def records(book: Workbook, sheet: str) -> list[dict[str, Any]]:
    rows = list(book[sheet].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_one_sheet_per_part_after_the_cover() -> None:
    assert workbook(render_xlsx(sample_report())).sheetnames == SHEETS


def test_every_table_has_a_styled_frozen_header_row() -> None:
    book = workbook(render_xlsx(sample_report()))

    for name in SHEETS[1:]:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        header = sheet[1]
        assert all(cell.font.bold for cell in header), name
        assert all(isinstance(cell.value, str) and cell.value for cell in header), name
        assert sheet.column_dimensions["A"].width >= 6, name
    assert [cell.value for cell in book["指标"][1]] == [
        "类别",
        "指标编号",
        "指标名称",
        "Indicator",
        "单位",
        "2020年基期",
        "规划目标(2025)",
        "2024年实现",
        "累计(2021–2024)",
        "完成情况",
        "status",
        "指标属性",
        "依据条款",
    ]


def test_indicator_figures_are_numbers_and_text_targets_are_text() -> None:
    report = sample_report()
    book = workbook(render_xlsx(report))
    sheet = book["指标"]
    rows = {row["指标编号"]: row for row in records(book, "指标")}

    assert list(rows) == [indicator.id for indicator in report.indicators]
    for indicator in report.indicators:
        row = rows[indicator.id]
        assert row["指标名称"] == indicator.name_zh
        assert row["完成情况"] == indicator.status.label_zh
        for column, value in (
            ("2020年基期", indicator.baseline_2020),
            ("2024年实现", indicator.actual),
            ("累计(2021–2024)", indicator.cumulative),
        ):
            assert row[column] == (None if value is None else read_back(value)), column
    assert rows["iron_concentrate_output"]["规划目标(2025)"] == "200±"
    assert rows["geochem_survey_sheets"]["规划目标(2025)"] == 7
    assert rows["total_mines_cap"]["规划目标(2025)"] == "≤ 50"
    # the cells themselves are typed: numeric, not numbers written as text
    molybdenum = next(
        r for r in sheet.iter_rows(min_row=2) if r[1].value == "new_resources_molybdenum_ore"
    )
    assert [cell.data_type for cell in molybdenum[5:9]] == ["n", "n", "n", "n"]
    assert molybdenum[5].value is None
    assert molybdenum[7].value == 120.5
    assert molybdenum[8].value == 310.25


def read_back(value: Decimal) -> float | int:
    """What openpyxl reads back for a Decimal written as a number."""
    return int(value) if value == value.to_integral_value() else float(value)


def test_findings_keep_chinese_text_hostile_names_and_dates() -> None:
    book = workbook(render_xlsx(sample_report()))
    findings = records(book, "问题清单")

    assert [row["问题类型"] for row in findings] == ["“三率”低于国家标准", "未按期提交年报"]
    assert findings[1]["矿业权人"] == HOSTILE_HOLDER
    assert findings[0]["说明"].startswith("2024年开采回采率 72% 低于国家最低指标 75%")
    assert findings[0]["发现日期"] == datetime(2024, 4, 12)
    assert book["问题清单"]["I2"].is_date
    assert findings[1]["关闭日期"] is None
    assert findings[0]["等级"] == "违规"


def test_licence_changes_list_issued_then_closed() -> None:
    changes = records(workbook(render_xlsx(sample_report())), "矿业权变化")

    assert [(row["变化"], row["规模"], row["类型"]) for row in changes] == [
        ("新立", "大型", "采矿权"),
        ("注销", "小型", "采矿权"),
    ]
    assert changes[1]["原因"] == "位于禁止开采区，依法有序退出"


def test_restoration_totals_against_the_150_ha_target() -> None:
    book = workbook(render_xlsx(sample_report()))
    projects = records(book, "生态修复")

    assert projects[0]["累计治理面积（公顷）"] == 61.5
    total = projects[-1]
    assert total["项目"] == "合计（灭失矿山迹地综合治理）"
    assert (total["2024年治理面积（公顷）"], total["累计治理面积（公顷）"]) == (18.25, 61.5)
    assert (total["规划目标（公顷）"], total["完成比例（%）"]) == (150, 41)
    assert total["依据条款"] == "第五章第三节 专栏6"
    mines = records(book, "矿山复垦")
    assert (mines[0]["损毁面积（公顷）"], mines[0]["已复垦面积（公顷）"]) == (3, 1.2)


def test_the_cover_says_illustrative_and_summarises() -> None:
    book = workbook(render_xlsx(sample_report()))
    cover = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True) if row[0]}

    assert book["说明"]["A1"].value == "平泉市矿产资源总体规划2024年度实施情况报告"
    assert book["说明"]["A4"].value.startswith("示意数据 / illustrative data")
    assert cover["示意数据 Illustrative"] == "是 yes"
    assert cover["报告年度 Year"] == 2024
    assert cover["新发现问题 Findings opened"] == 3
    assert book.properties.keywords == "示意数据 illustrative"


def test_real_data_is_not_marked_illustrative() -> None:
    book = workbook(render_xlsx(sample_report(illustrative=False)))

    assert not any(
        isinstance(value, str) and value.startswith("示意数据 /")
        for row in book["说明"].iter_rows(values_only=True)
        for value in row
    )
    assert book.properties.keywords is None


def test_an_empty_year_has_none_rows_and_no_filters() -> None:
    book = workbook(render_xlsx(empty_report()))

    for name in ("开发利用", "新增资源量", "问题清单", "矿业权变化", "矿山复垦"):
        rows = list(book[name].iter_rows(min_row=2, values_only=True))
        assert len(rows) == 1, name
        assert rows[0][0] == "无", name
        assert book[name].auto_filter.ref is None, name
    assert len(records(book, "指标")) == 7


def test_the_workbook_carries_the_reports_time_not_the_clocks() -> None:
    report = sample_report()
    generated = report.generated_at.astimezone(UTC).replace(tzinfo=None, microsecond=0)

    with zipfile.ZipFile(BytesIO(render_xlsx(report))) as book:
        # a zip entry's time counts seconds in twos
        even = generated.replace(second=generated.second - generated.second % 2)
        assert {entry.date_time for entry in book.infolist()} == {even.timetuple()[:6]}
        assert {entry.compress_type for entry in book.infolist()} == {zipfile.ZIP_DEFLATED}
        core = book.read("docProps/core.xml").decode()
    stamp = generated.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>' in core
    assert load_workbook(BytesIO(render_xlsx(report))).properties.modified == generated


def test_the_same_model_gives_the_same_workbook() -> None:
    report = sample_report()

    assert render_xlsx(report) == render_xlsx(report)
