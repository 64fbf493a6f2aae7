"""missing_reports: the annual report deadline (31 March of the next year, CST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from lode_common.cst import CHINA_STANDARD_TIME
from lode_monitoring.domain import findings
from lode_monitoring.domain.periods import (
    annual_report_deadline,
    cst_date,
    period_bounds,
    period_days,
)
from lode_monitoring.domain.standards import MonitoringStandards
from lode_monitoring.settings import MonitoringSettings

from .builders import EXPLORATION_NO, MINING_NO, licence, report, suspended_from

DUE = MonitoringSettings().annual_report_due_on()  # the default: 31 March
LAST_MINUTE = datetime(2022, 3, 31, 23, 59, 59, tzinfo=CHINA_STANDARD_TIME)
FIRST_MINUTE = datetime(2022, 4, 1, 0, 0, tzinfo=CHINA_STANDARD_TIME)


def missing_reports(*args: Any, **kwargs: Any) -> list[findings.Finding]:
    """The rule with the default deadline (``LODE_MONITORING_ANNUAL_REPORT_DUE``)."""
    return findings.missing_reports(*args, due=kwargs.pop("due", DUE), **kwargs)


def _missing_years(when: date | datetime, **licence_kw: object) -> list[int]:
    return [f.year for f in missing_reports([licence(**licence_kw)], [], when)]


def test_on_31_march_at_23_59_cst_the_report_is_not_late() -> None:
    assert _missing_years(LAST_MINUTE) == []


def test_on_1_april_at_00_00_cst_it_is() -> None:
    assert _missing_years(FIRST_MINUTE) == [2021]


def test_the_clock_is_read_in_china_standard_time() -> None:
    # 2022-03-31T16:00Z is already 1 April 00:00 in Pingquan; 15:59:59Z is not
    assert _missing_years(datetime(2022, 3, 31, 15, 59, 59, tzinfo=UTC)) == []
    assert _missing_years(datetime(2022, 3, 31, 16, 0, tzinfo=UTC)) == [2021]
    new_york = timezone(timedelta(hours=-4))
    assert _missing_years(datetime(2022, 3, 31, 12, 0, tzinfo=new_york)) == [2021]


def test_a_naive_clock_reading_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        missing_reports([licence()], [], datetime(2022, 4, 1))


def test_a_cst_date_works_as_today() -> None:
    assert _missing_years(date(2022, 3, 31)) == []
    assert _missing_years(date(2022, 4, 1)) == [2021]


def test_every_year_past_its_deadline() -> None:
    assert _missing_years(date(2024, 4, 1)) == [2021, 2022, 2023]
    assert _missing_years(date(2024, 3, 31)) == [2021, 2022]


def test_a_filed_annual_report_is_not_missing(standards: MonitoringStandards) -> None:
    filed = [report(year=2021), report(year=2022, period="Q1")]
    found = missing_reports([licence()], filed, date(2023, 4, 1), standards=standards)
    assert [(f.year, f.key) for f in found] == [(2022, f"annual_report_missing:{MINING_NO}:2022")]
    assert "第六章 三" in found[0].standard_or_clause
    assert found[0].details["deadline"] == "2023-03-31"
    assert found[0].severity == "warning"


def test_quarterly_reports_do_not_replace_the_annual_one() -> None:
    quarters = [report(year=2021, period=q) for q in ("Q1", "Q2", "Q3", "Q4")]
    assert [f.year for f in missing_reports([licence()], quarters, date(2022, 4, 1))] == [2021]


def test_only_years_the_licence_was_active(standards: MonitoringStandards) -> None:
    # suspended through 2021 and 2022, active again from 2023-01-01
    history = suspended_from(date(2021, 1, 1), until=date(2023, 1, 1))
    assert _missing_years(date(2024, 4, 1), status_history=history) == [2023]
    # active one day of 2021 is enough
    history = suspended_from(date(2021, 1, 2))
    assert _missing_years(date(2024, 4, 1), status_history=history) == [2021]


def test_years_before_issue_or_after_expiry_are_not_asked_for() -> None:
    assert _missing_years(date(2025, 4, 1), valid_from=date(2022, 12, 31)) == [2022, 2023, 2024]
    assert _missing_years(date(2025, 4, 1), valid_to=date(2022, 1, 1)) == [2021, 2022]


def test_first_year_limits_how_far_back() -> None:
    lic = licence(valid_from=date(2015, 1, 1))
    assert [f.year for f in missing_reports([lic], [], date(2022, 4, 1), first_year=2021)] == [2021]
    assert len(missing_reports([lic], [], date(2022, 4, 1))) == 7


def test_exploration_licences_file_no_output_report() -> None:
    lic = licence(licence_no=EXPLORATION_NO, right_type="exploration")
    assert missing_reports([lic], [], date(2022, 4, 1)) == []


# --- periods ---------------------------------------------------------------------------------


def test_cst_date() -> None:
    assert cst_date(datetime(2021, 12, 31, 16, 0, tzinfo=UTC)) == date(2022, 1, 1)
    assert cst_date(date(2021, 12, 31)) == date(2021, 12, 31)


@pytest.mark.parametrize(
    ("year", "period", "first", "last", "days"),
    [
        (2021, "annual", date(2021, 1, 1), date(2021, 12, 31), 365),
        (2024, "annual", date(2024, 1, 1), date(2024, 12, 31), 366),
        (2024, "Q1", date(2024, 1, 1), date(2024, 3, 31), 91),
        (2023, "Q1", date(2023, 1, 1), date(2023, 3, 31), 90),
        (2023, "Q2", date(2023, 4, 1), date(2023, 6, 30), 91),
        (2023, "Q3", date(2023, 7, 1), date(2023, 9, 30), 92),
        (2023, "Q4", date(2023, 10, 1), date(2023, 12, 31), 92),
    ],
)
def test_period_bounds(year: int, period: str, first: date, last: date, days: int) -> None:
    assert period_bounds(year, period) == (first, last)  # type: ignore[arg-type]
    assert period_days(year, period) == days  # type: ignore[arg-type]


def test_deadline() -> None:
    assert annual_report_deadline(2021, DUE) == date(2022, 3, 31)
    assert annual_report_deadline(2021, (4, 30)) == date(2022, 4, 30)


def test_a_bureau_that_sets_another_deadline_gets_it() -> None:
    on_30_april = datetime(2022, 4, 30, 23, 59, tzinfo=CHINA_STANDARD_TIME)
    assert missing_reports([licence()], [], on_30_april, due=(4, 30)) == []
    assert [f.year for f in missing_reports([licence()], [], date(2022, 5, 1), due=(4, 30))] == [
        2021
    ]


@pytest.mark.parametrize("due", ["02-29", "13-01", "3-31"])
def test_a_deadline_that_is_not_a_day_of_every_year_is_refused(due: str) -> None:
    with pytest.raises(ValueError, match="annual_report_due"):
        MonitoringSettings(annual_report_due=due)
