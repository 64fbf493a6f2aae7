"""The supervision lists (异常名录, 严重违法失信名单): grounds, sources and terms."""

from __future__ import annotations

from datetime import date

from lode_monitoring.domain.finding import Finding
from lode_monitoring.domain.listing import (
    false_filing_ground,
    missing_report_grounds,
    term_end,
    term_ended,
    year_of_source,
)

A = "91130881MA0A000007"


def _missing(licence_no: str, year: int) -> Finding:
    return Finding(
        code="annual_report_missing",
        severity="warning",
        licence_no=licence_no,
        year=year,
        message_zh="缺",
        message_en="missing",
        standard_or_clause="x",
    )


def test_one_ground_per_enterprise_and_year() -> None:
    found = [_missing("C1", 2023), _missing("C2", 2023), _missing("C1", 2024), _missing("C9", 2023)]
    grounds = missing_report_grounds(found, {"C1": A, "C2": A})
    assert [(g.credit_code, g.source_ref, g.list) for g in grounds] == [
        (A, "annual_report_missing:2023", "abnormal"),
        (A, "annual_report_missing:2024", "abnormal"),
    ]
    assert "C1, C2" in grounds[0].reason
    assert year_of_source(grounds[0].source_ref) == 2023
    assert year_of_source("inspection:abc") is None


def test_a_false_filing_lists_on_the_abnormal_list_by_its_inspection() -> None:
    ground = false_filing_ground(A, "i-1", "C1", ["output"])
    assert (ground.list, ground.reason_code, ground.source_ref) == (
        "abnormal",
        "false_filing",
        "inspection:i-1",
    )
    assert ground.reason.startswith("虚假填报")


def test_terms() -> None:
    assert term_end(date(2024, 2, 29), 5) == date(2029, 2, 28)
    assert term_end(date(2026, 3, 1), 5) == date(2031, 3, 1)
    assert not term_ended(date(2031, 3, 1), date(2031, 3, 1))
    assert term_ended(date(2031, 3, 1), date(2031, 3, 2))
    assert not term_ended(None, date(2100, 1, 1))
