"""Calendar dates in China Standard Time (UTC+8, no daylight saving)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Final

CHINA_STANDARD_TIME: Final = timezone(timedelta(hours=8), "CST")


def cst_date(moment: datetime) -> date:
    """The calendar day in Pingquan of an aware clock reading."""
    if moment.tzinfo is None:
        raise ValueError("a clock reading must be timezone-aware")
    return moment.astimezone(CHINA_STANDARD_TIME).date()
