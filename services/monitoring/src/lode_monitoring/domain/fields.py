"""Reading a JSON-like body field by field, collecting every error (not just the first).

Quantities are exact: a JSON number arrives as ``int`` or ``float`` and a ``float`` is
read as the digits it was written with (``14.2`` → ``Decimal('14.2')``, never
``14.199999…``); a string of digits (``"14.2"``) is read the same way. A quantity has at
most :data:`MAX_SIGNIFICANT_DIGITS` significant digits, so it travels back out as a JSON
number without losing a digit, and at most :data:`MAX_DECIMAL_PLACES` decimal places
(0.0001 万吨 is one tonne, 0.0001 ha one square metre), so it is stored as given; hence
at most 11 digits before the decimal point.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Final

from .errors import FieldError

MAX_SIGNIFICANT_DIGITS: Final = 15
"""Digits a binary double carries exactly (DBL_DIG): the limit of an exact JSON number."""

MAX_DECIMAL_PLACES: Final = 4
"""Finer than any figure a mine measures; what NUMERIC(…, 4) columns store exactly."""

_NUMBER_TEXT: Final = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")  # ASCII digits only


class BadValue(Exception):
    """A value that is not what the field needs; the message says what it is instead."""


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return repr(value)


_WHOLE_DIGITS = MAX_SIGNIFICANT_DIGITS - MAX_DECIMAL_PLACES
_TOO_LARGE = Decimal(10) ** _WHOLE_DIGITS


def exact_decimal(value: object) -> Decimal:
    """An exact decimal from a JSON number, a numeric string or a Decimal; BadValue otherwise."""
    kind = type(value)
    if kind is float:  # the usual JSON number: repr() gives the digits the JSON had
        number = Decimal(repr(value))
    elif kind is int:
        number = Decimal(value)  # type: ignore[arg-type]
    elif isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise BadValue(f"expected a number, got {_shown(value)}")
    elif isinstance(value, str):
        if not _NUMBER_TEXT.fullmatch(value.strip()):
            raise BadValue(f"expected a number, got {value!r}")
        number = Decimal(value.strip())
    else:
        # repr() gives a float's shortest round-tripping digits: the text the JSON had.
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise BadValue(f"expected a finite number, got {_shown(value)}")
    normal = number.normalize().as_tuple()
    if len(normal.digits) > MAX_SIGNIFICANT_DIGITS:
        raise BadValue(f"more than {MAX_SIGNIFICANT_DIGITS} significant digits: {value}")
    if isinstance(normal.exponent, int) and normal.exponent < -MAX_DECIMAL_PLACES:
        raise BadValue(f"more than {MAX_DECIMAL_PLACES} decimal places: {value}")
    if abs(number) >= _TOO_LARGE:
        raise BadValue(f"too large: more than {_WHOLE_DIGITS} digits before the decimal point")
    return number + 0  # -0 reads as 0


class FieldReader:
    """Reads the fields of one JSON object, appending a :class:`FieldError` per bad field."""

    def __init__(
        self, raw: object, errors: list[FieldError], prefix: str = "", *, what: str = "a body"
    ) -> None:
        self.errors = errors
        self.prefix = prefix
        if isinstance(raw, Mapping):
            self.raw: Mapping[object, object] = raw
        else:
            self.raw = {}
            self.errors.append(FieldError(prefix, f"{what} must be a JSON object"))

    def path(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def error(self, name: str, message: str) -> None:
        self.errors.append(FieldError(self.path(name), message))

    def given(self, name: str) -> bool:
        """Whether the field is present and not null."""
        return self.raw.get(name) is not None

    def value(self, name: str) -> object:
        return self.raw.get(name)

    def quantity(
        self,
        name: str,
        *,
        required: bool = False,
        maximum: Decimal | None = None,
        unit_hint: str = "",
    ) -> Decimal | None:
        """A decimal ≥ 0 (and ≤ ``maximum``); None when absent or invalid (error recorded)."""
        if not self.given(name):
            if required:
                self.error(name, "required")
            return None
        try:
            number = exact_decimal(self.raw[name])
        except BadValue as bad:
            self.error(name, str(bad))
            return None
        if number < 0:
            self.error(name, f"must not be negative, got {number}{unit_hint}")
            return None
        if maximum is not None and number > maximum:
            self.error(name, f"must be at most {maximum}{unit_hint}, got {number}")
            return None
        return number

    def percent(self, name: str, *, required: bool = False) -> Decimal | None:
        """A percentage 0–100."""
        return self.quantity(name, required=required, maximum=Decimal(100), unit_hint=" %")

    def integer(self, name: str, *, required: bool = False) -> int | None:
        """A whole number (``2021``, ``2021.0`` or ``"2021"``); None when absent or invalid."""
        if not self.given(name):
            if required:
                self.error(name, "required")
            return None
        try:
            number = exact_decimal(self.raw[name])
        except BadValue as bad:
            self.error(name, str(bad).replace("a number", "a whole number"))
            return None
        if number != number.to_integral_value():
            self.error(name, f"expected a whole number, got {number}")
            return None
        return int(number)

    def text(self, name: str, *, required: bool = False) -> str | None:
        """Non-empty text (trimmed); None when absent or invalid."""
        if not self.given(name):
            if required:
                self.error(name, "required")
            return None
        value = self.raw[name]
        if not isinstance(value, str):
            self.error(name, f"expected text, got {_shown(value)}")
            return None
        if not value.strip():
            self.error(name, "must not be empty")
            return None
        return value.strip()

    def reject_unknown(self, known: Collection[str], ignored: Collection[str] = ()) -> None:
        """An error for each key that is neither known nor ignored (a misspelt field)."""
        for key in self.raw:
            if key not in known and key not in ignored:
                self.errors.append(
                    FieldError(
                        self.path(str(key)),
                        f"unknown field; expected one of: {', '.join(sorted(known))}",
                    )
                )
