"""China Standard Time (Asia/Shanghai: UTC+8, no daylight saving): the calendar every date
of the plan, the law and the bureau is in (API.md: deadlines and years are CST). One
definition for every service: a licence's validity, a report's deadline, a plan's period,
an approval's date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Final

CHINA_STANDARD_TIME: Final = timezone(timedelta(hours=8), "CST")


def cst_date(moment: datetime) -> date:
    """The calendar day in China of an aware clock reading (``ValueError`` for a naive one:
    it would be read in the machine's zone)."""
    if moment.tzinfo is None:
        raise ValueError("a clock reading must be timezone-aware")
    return moment.astimezone(CHINA_STANDARD_TIME).date()


def cst_today() -> date:
    """Today in China."""
    return cst_date(datetime.now(UTC))
