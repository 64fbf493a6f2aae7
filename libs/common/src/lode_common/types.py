"""Small value types shared by the services' API models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def _utc(moment: datetime) -> datetime:
    # SQLite returns timestamps without their zone; they are stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
"""A timestamp that always carries its offset in API answers."""
