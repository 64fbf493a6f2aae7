"""Decimals and dates written into JSON by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from lode_common.jsonable import json_number, jsonable


def test_decimals_are_numbers_from_their_digits_and_dates_iso_text() -> None:
    assert json_number(Decimal("12.000")) == 12
    assert isinstance(json_number(Decimal("12.000")), int)
    assert json_number(Decimal("14.3")) == 14.3
    value = {
        "capacity": Decimal("4.5"),
        "valid": (date(2021, 1, 1), datetime(2026, 3, 31, 8, 0, tzinfo=UTC)),
        1: [Decimal(3), "铁矿", None],
    }
    assert jsonable(value) == {
        "capacity": 4.5,
        "valid": ["2021-01-01", "2026-03-31T08:00:00+00:00"],
        "1": [3, "铁矿", None],
    }
