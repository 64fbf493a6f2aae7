"""The report model: its invariants, titles and the way figures are written."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from lode_reporting.report import text
from lode_reporting.report.model import IndicatorStatus, LicenceChange, Restoration

from .builders import sample_report


def test_title_is_the_plan_name_without_its_period_and_the_year() -> None:
    report = sample_report()

    assert report.plan.name_zh == "平泉市矿产资源总体规划（2021-2025年）"
    assert report.title_zh == "平泉市矿产资源总体规划2024年度实施情况报告"


def test_a_year_outside_the_plan_period_is_refused() -> None:
    with pytest.raises(ValueError, match="2026 is outside the plan period 2021-2025"):
        replace(sample_report(), year=2026)


def test_issued_and_closed_licences_are_not_mixed_up() -> None:
    report = sample_report()
    closed = report.licences_closed[0]
    issued = report.licences_issued[0]

    with pytest.raises(ValueError, match="licences_issued"):
        replace(report, licences_issued=(closed,))
    with pytest.raises(ValueError, match="licences_closed"):
        replace(report, licences_closed=(issued,))


def test_findings_totals_add_up_the_counts_by_code() -> None:
    findings = sample_report().findings

    assert (findings.opened, findings.closed) == (3, 1)
    assert [count.label_zh for count in findings.counts] == [
        "“三率”低于国家标准",
        "未按期提交年报",
    ]


def test_restoration_share_of_the_150_ha_target() -> None:
    assert Restoration(restored_cumulative_ha=Decimal("61.5")).share_of_target_pct == Decimal(
        "41.0"
    )
    assert Restoration(restored_cumulative_ha=Decimal(50)).share_of_target_pct == Decimal("33.3")
    assert Restoration(target_ha=Decimal(0)).share_of_target_pct is None


def test_status_labels_are_the_chinese_terms() -> None:
    assert [status.label_zh for status in IndicatorStatus] == [
        "已完成",
        "进度正常",
        "存在风险",
        "未完成",
        "暂无数据",
    ]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("1300.00"), "1300"),
        (Decimal("186.40"), "186.4"),
        (Decimal("1E+3"), "1000"),
        (Decimal("0.125"), "0.125"),
        (Decimal(0), "0"),
        (17, "17"),
        (None, "—"),
    ],
)
def test_quantities_are_written_with_their_digits_never_in_exponent_form(
    value: Decimal | int | None, written: str
) -> None:
    assert text.quantity(value) == written


def test_labels_of_licence_changes() -> None:
    change = LicenceChange(
        licence_no="C1308812016019900000004",
        holder="某矿",
        mineral_zh="铁矿",
        scale=None,
        right_type="exploration",
        change="revoked",
        on=date(2024, 1, 2),
    )

    assert text.change_zh(change.change) == "吊销"
    assert text.right_type_zh(change.right_type) == "探矿权"
    assert text.scale_zh(change.scale) == "—"
