"""Today in China Standard Time (Asia/Shanghai, UTC+8, no daylight saving): the calendar
the plan's periods and the approvals' dates are in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")


def today_in_china(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(CHINA_STANDARD_TIME).date()
