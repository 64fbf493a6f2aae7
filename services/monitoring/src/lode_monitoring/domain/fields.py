"""Reading a JSON-like body field by field, collecting every error (not just the first).

Quantities are exact: a JSON number arrives as ``int`` or ``float`` and a ``float`` is
read as the digits it was written with (``14.2`` → ``Decimal('14.2')``, never
``14.199999…``). A quantity has at most :data:`MAX_SIGNIFICANT_DIGITS` significant
digits, so it travels back out as a JSON number without losing a digit, and at most
:data:`MAX_DECIMAL_PLACES` decimal places (0.0001 万吨 is one tonne, 0.0001 ha one square
metre), so it is stored as given; a field's value is at most
:data:`~lode_common.limits.QUANTITY_MAX`.

A body's types are strict (:data:`lode_common.limits.STRICT_BODY`): a number is a JSON
number (``"14.2"`` and ``true`` are refused, not read as 14.2 and 1), a whole number is a
JSON integer (``2021``, not ``2021.0`` or ``"2021"``), and text is bounded in length and
carries no control or bidirectional characters (:func:`lode_common.limits.text_problem`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Final

from lode_common.limits import DECIMAL_PLACES_MAX, QUANTITY_MAX, text_problem

from .errors import FieldError

MAX_SIGNIFICANT_DIGITS: Final = 15
"""Digits a binary double carries exactly (DBL_DIG): the limit of an exact JSON number."""

MAX_DECIMAL_PLACES: Final = DECIMAL_PLACES_MAX
"""Finer than any figure a mine measures; what NUMERIC(…, 4) columns store exactly."""

WHOLE_NUMBER_MAX: Final = 10**15
"""The largest whole number a field reads before its own bound is checked (an echo of a
longer integer would cost more than it tells, and Python refuses to print past 4,300
digits)."""

_SHOWN_MAX: Final = 40
"""Characters of a refused value repeated in a message."""

UNKNOWN_FIELDS_SHOWN: Final = 20
"""Unknown fields of one object named one by one; the rest are counted."""

FIELD_NAME_SHOWN: Final = 60
"""Characters of an unknown field's name repeated in its error."""

_NUMBER_TEXT: Final = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")  # ASCII digits only


class BadValue(Exception):
    """A value that is not what the field needs; the message says what it is instead."""


def _shown(value: object) -> str:
    """The value as a message repeats it: short, whatever was sent."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int) and abs(value) >= WHOLE_NUMBER_MAX:
        return "a number too large to read"
    if isinstance(value, str) and len(value) > _SHOWN_MAX:
        return repr(value[:_SHOWN_MAX]) + f"… ({len(value)} characters)"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return repr(value)


def shown(value: object) -> str:
    """The value as an error message may repeat it (bounded, never the whole of a long text)."""
    return _shown(value)


_WHOLE_DIGITS = MAX_SIGNIFICANT_DIGITS - MAX_DECIMAL_PLACES
_TOO_LARGE = Decimal(10) ** _WHOLE_DIGITS


def exact_decimal(value: object) -> Decimal:
    """An exact decimal from a JSON number, a numeric string or a Decimal; BadValue otherwise."""
    kind = type(value)
    if kind is int and abs(value) >= _TOO_LARGE:  # type: ignore[arg-type]
        raise BadValue(f"too large: more than {_WHOLE_DIGITS} digits before the decimal point")
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
        raise BadValue(f"more than {MAX_SIGNIFICANT_DIGITS} significant digits: {_shown(value)}")
    if isinstance(normal.exponent, int) and normal.exponent < -MAX_DECIMAL_PLACES:
        raise BadValue(f"more than {MAX_DECIMAL_PLACES} decimal places: {_shown(value)}")
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
        maximum: Decimal = QUANTITY_MAX,
        unit_hint: str = "",
        signed: bool = False,
    ) -> Decimal | None:
        """A JSON number ≥ 0 and ≤ ``maximum`` (``signed``: between ``-maximum`` and
        ``maximum``, a change such as 重算增减), read exactly; None when absent or invalid
        (error recorded)."""
        if not self.given(name):
            if required:
                self.error(name, "required")
            return None
        value = self.raw[name]
        if isinstance(value, str | bool):
            self.error(name, f"expected a JSON number, got {_shown(value)}; send it unquoted")
            return None
        try:
            number = exact_decimal(value)
        except BadValue as bad:
            self.error(name, str(bad))
            return None
        if signed:
            if abs(number) > maximum:
                message = f"must be between -{maximum} and {maximum}{unit_hint}, got {number}"
                self.error(name, message)
                return None
            return number
        if number < 0:
            self.error(name, f"must not be negative, got {number}{unit_hint}")
            return None
        if number > maximum:
            self.error(name, f"must be at most {maximum}{unit_hint}, got {number}")
            return None
        return number

    def percent(self, name: str, *, required: bool = False) -> Decimal | None:
        """A percentage 0–100."""
        return self.quantity(name, required=required, maximum=Decimal(100), unit_hint=" %")

    def integer(
        self,
        name: str,
        *,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        """A JSON integer (``2021``; not ``2021.0``, ``"2021"`` or ``true``), within
        ``minimum``..``maximum`` when given; None when absent or invalid."""
        if not self.given(name):
            if required:
                self.error(name, "required")
            return None
        value = self.raw[name]
        if type(value) is not int:
            self.error(name, f"expected a whole number (a JSON integer), got {_shown(value)}")
            return None
        if abs(value) >= WHOLE_NUMBER_MAX:
            self.error(name, f"expected a whole number below {WHOLE_NUMBER_MAX:.0e}")
            return None
        if minimum is not None and value < minimum:
            self.error(name, f"must be at least {minimum}, got {value}")
            return None
        if maximum is not None and value > maximum:
            self.error(name, f"must be at most {maximum}, got {value}")
            return None
        return value

    def text(
        self, name: str, *, max_length: int, required: bool = False, multiline: bool = False
    ) -> str | None:
        """Non-empty text (trimmed) of at most ``max_length`` characters with no control or
        bidirectional characters; None when absent or invalid."""
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
        problem = text_problem(value, max_length=max_length, multiline=multiline)
        if problem is not None:
            self.error(name, problem)
            return None
        return value.strip()

    def reject_unknown(self, known: Collection[str], ignored: Collection[str] = ()) -> None:
        """An error for each key that is neither known nor ignored (a misspelt field): the
        first :data:`UNKNOWN_FIELDS_SHOWN`, each name cut to :data:`FIELD_NAME_SHOWN`
        characters, then one error counting the rest."""
        unknown = [str(key) for key in self.raw if key not in known and key not in ignored]
        expected = ", ".join(sorted(known))
        for name in unknown[:UNKNOWN_FIELDS_SHOWN]:
            if len(name) > FIELD_NAME_SHOWN:
                name = name[:FIELD_NAME_SHOWN] + "…"
            self.errors.append(
                FieldError(self.path(name), f"unknown field; expected one of: {expected}")
            )
        if len(unknown) > UNKNOWN_FIELDS_SHOWN:
            self.errors.append(
                FieldError(
                    self.prefix,
                    f"{len(unknown) - UNKNOWN_FIELDS_SHOWN} more unknown fields; "
                    f"expected only: {expected}",
                )
            )
