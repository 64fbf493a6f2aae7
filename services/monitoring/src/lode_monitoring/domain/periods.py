"""Reporting periods (报告期) and dates in China Standard Time.

Years, quarters and deadlines are calendar dates in China Standard Time (Asia/Shanghai,
UTC+8, no daylight saving): a clock reading of 2022-03-31T16:00Z is already 1 April in
Pingquan. Every function that takes "today" accepts a ``date`` (already in CST) or an
aware ``datetime`` (converted with :func:`cst_date`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final, Literal, get_args

from lode_common.cst import cst_date as clock_date

Period = Literal["annual", "Q1", "Q2", "Q3", "Q4"]
"""年报 (the whole year) or a quarter's report (季报)."""

PERIODS: Final[tuple[Period, ...]] = get_args(Period)
PERIOD_ZH: Final[dict[Period, str]] = {
    "annual": "年度",
    "Q1": "第一季度",
    "Q2": "第二季度",
    "Q3": "第三季度",
    "Q4": "第四季度",
}

MonthDay = tuple[int, int]
"""(month, day) of the year after a reporting year: a filing deadline (a setting)."""

_QUARTER_MONTHS: Final[dict[Period, tuple[int, int]]] = {
    "Q1": (1, 3),
    "Q2": (4, 6),
    "Q3": (7, 9),
    "Q4": (10, 12),
}


def cst_date(when: date | datetime) -> date:
    """The calendar date in China Standard Time: an aware datetime converted, a date as is."""
    return clock_date(when) if isinstance(when, datetime) else when


def period_bounds(year: int, period: Period) -> tuple[date, date]:
    """First and last day (inclusive) of a reporting period."""
    if period == "annual":
        return date(year, 1, 1), date(year, 12, 31)
    first_month, last_month = _QUARTER_MONTHS[period]
    after = date(year + 1, 1, 1) if last_month == 12 else date(year, last_month + 1, 1)
    return date(year, first_month, 1), after - timedelta(days=1)


def period_days(year: int, period: Period) -> int:
    """How many days the period has (90 or 91 for Q1, 365 or 366 for a year)."""
    first, last = period_bounds(year, period)
    return (last - first).days + 1


def annual_report_deadline(year: int, due: MonthDay) -> date:
    """The last day (CST) on which the annual report for ``year`` is on time: ``due``
    (``LODE_MONITORING_ANNUAL_REPORT_DUE``) of the year after."""
    month, day = due
    return date(year + 1, month, day)
