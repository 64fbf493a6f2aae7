"""Exact quantities (万吨, hectares, percent) that travel as plain JSON numbers.

Stored as ``Decimal`` (NUMERIC in the database), written to JSON as a number whose text
is the decimal's own digits (``14.3``, never ``14.300000000000001``), read back exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer


def _to_decimal(value: object) -> object:
    # A float parsed from JSON text is turned back into the digits it was written as.
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _to_number(value: Decimal) -> int | float:
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    if Decimal(repr(number)) != value:
        raise ValueError(f"{value} has more digits than a JSON number can carry exactly")
    return number


Quantity = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    PlainSerializer(_to_number, return_type=int | float, when_used="json"),
]
