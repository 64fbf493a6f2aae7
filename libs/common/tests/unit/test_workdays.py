"""Working days of the State Council's schedule: 调休 weekends count, holidays do not, an
unknown year is refused, and a deployment's added year is read and checked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lode_common.workdays import OutsideCalendar, WorkdayCalendar, calendar, read_schedule

CAL = WorkdayCalendar()


def test_a_weekend_day_worked_before_the_spring_festival_counts() -> None:
    saturday = date(2026, 2, 14)  # 调休: worked before the 2026 Spring Festival
    assert saturday.weekday() == 5
    assert CAL.is_workday(saturday)
    assert not CAL.is_workday(date(2026, 2, 7))  # an ordinary Saturday
    assert not CAL.is_workday(date(2026, 2, 16))  # a Monday of the holiday


def test_the_spring_festival_lengthens_a_period() -> None:
    # Friday 13 Feb 2026 to Tuesday 24 Feb: Monday to Friday would count 6 days strictly
    # between (16-20, 23); the schedule counts only Saturday 14 (调休).
    assert CAL.between(date(2026, 2, 13), date(2026, 2, 24)) == 1
    # twenty working days from an announcement on Monday 2 Feb 2026 end on Friday 6 March
    # (with the two 调休 Saturdays), where Monday to Friday would end on 2 March
    assert CAL.add(date(2026, 2, 2), 20) == date(2026, 3, 6)
    assert CAL.between(date(2026, 2, 2), date(2026, 3, 6)) == 19
    assert CAL.between(date(2026, 2, 2), date(2026, 3, 9)) == 20


def test_a_window_counts_both_ends() -> None:
    assert CAL.within(date(2026, 3, 2), date(2026, 3, 13)) == 10  # two plain weeks
    assert CAL.within(date(2026, 3, 2), date(2026, 3, 1)) == 0


def test_a_year_the_schedule_does_not_know_is_refused_not_guessed() -> None:
    first, last = CAL.known_years
    beyond = date(last + 1, 1, 5)
    with pytest.raises(OutsideCalendar) as refused:
        CAL.between(date(last, 12, 20), beyond)
    assert str(last + 1) in str(refused.value)
    assert "LODE_HOLIDAY_SCHEDULE_FILE" in str(refused.value)
    with pytest.raises(OutsideCalendar):
        CAL.is_workday(date(first - 1, 6, 1))


def test_an_added_year_extends_the_calendar(tmp_path: Path) -> None:
    _, last = CAL.known_years
    year = last + 1
    schedule = tmp_path / "holidays.yaml"
    schedule.write_text(
        f"years:\n  - year: {year}\n    source: 国办发明电 test notice\n"
        f"    holidays: [{year}-01-01]\n    workdays: []\n",
        "utf-8",
    )
    extended = calendar(schedule)
    assert extended.known_years[1] == year
    new_year = date(year, 1, 1)
    assert not extended.is_workday(new_year) or new_year.weekday() >= 5
    assert extended.is_workday(date(year, 1, 6)) == (date(year, 1, 6).weekday() < 5)


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("years: 3\n", "expected"),
        ("years:\n  - source: x\n", "year"),
        ("years:\n  - year: 2031\n    source: x\n    holidays: [2030-10-01]\n", "not in 2031"),
        ("years:\n  - year: 2031\n    source: x\n    holidays: [nope]\n", "not a date"),
        (
            "years:\n  - year: 2031\n    source: x\n    holidays: [2031-10-01]\n"
            "    workdays: [2031-10-01]\n",
            "both",
        ),
        ("years:\n  - year: 2031\n    holidays: []\n", "source"),
    ],
)
def test_a_bad_schedule_file_names_what_is_wrong(tmp_path: Path, body: str, named: str) -> None:
    schedule = tmp_path / "holidays.yaml"
    schedule.write_text(body, "utf-8")
    with pytest.raises(ValueError, match=named):
        read_schedule(schedule)
