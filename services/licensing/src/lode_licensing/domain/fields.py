"""Reading hand-parsed JSON fields strictly and within their bounds.

Bodies that are parsed by hand (an application, a province decision) follow the same
rules as the pydantic request models: a number is a JSON number (never ``"12"`` or
``true``), a boolean is ``true`` or ``false`` (never ``"yes"`` or ``1``), a date is an ISO
calendar date ``YYYY-MM-DD``, text carries no control or bidirectional characters, an
unknown field is refused by name, and every stored value stays within the bounds of
:mod:`lode_common.limits`. Each helper appends a :class:`~.errors.FieldError` naming the
field and returns None when the value cannot be used.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from lode_common.limits import DECIMAL_PLACES_MAX, YEAR_MAX, YEAR_MIN, text_problem

from .errors import FieldError

SHOWN_MAX: Final = 60
"""How many characters of a refused value an error message repeats (not the whole value)."""
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def shown(value: object) -> str:
    """A refused value as an error message quotes it: its repr, cut to :data:`SHOWN_MAX`."""
    text = repr(value)
    return text if len(text) <= SHOWN_MAX else f"{text[:SHOWN_MAX]}… ({len(text)} characters)"


def unknown_fields(
    data: Mapping[Any, Any], known: Collection[str], path: str, errors: list[FieldError]
) -> None:
    """Refuse every key of ``data`` that is not in ``known``, naming it (``path.key``)."""
    for key in data:
        if key not in known:
            name = str(key) if len(str(key)) <= SHOWN_MAX else f"{str(key)[:SHOWN_MAX]}…"
            errors.append(
                FieldError(
                    f"{path}.{name}" if path else name,
                    "unknown field; remove it (the fields are " + ", ".join(sorted(known)) + ")",
                )
            )


def decimal_number(
    value: Any,
    path: str,
    errors: list[FieldError],
    *,
    minimum: Decimal | None,
    maximum: Decimal,
    positive: bool = False,
    places: int = DECIMAL_PLACES_MAX,
    minimum_words: str | None = None,
    maximum_words: str | None = None,
) -> Decimal | None:
    """A JSON number as an exact ``Decimal`` within [minimum, maximum] with at most ``places``
    digits after the point; floats are read back as the digits they were written with."""
    number: Decimal | None = None
    if not isinstance(value, bool) and isinstance(value, int | float | Decimal):
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except (InvalidOperation, ValueError):
            number = None
    if number is None or not number.is_finite():
        kind = "text" if isinstance(value, str) else shown(value)
        errors.append(FieldError(path, f"expected a number (a JSON number), got {kind}"))
        return None
    if positive and number <= 0:
        errors.append(FieldError(path, f"must be greater than 0, got {number}"))
        return None
    if minimum is not None and number < minimum:
        errors.append(
            FieldError(path, minimum_words or f"must be at least {minimum}, got {number}")
        )
        return None
    if number > maximum:
        errors.append(FieldError(path, maximum_words or f"must be at most {maximum}, got {number}"))
        return None
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        errors.append(FieldError(path, f"at most {places} digits after the point, got {-exponent}"))
        return None
    return number


def strict_bool(value: Any, path: str, errors: list[FieldError]) -> bool | None:
    """``true`` or ``false`` (None when absent); ``"yes"``, ``1`` and the like are refused."""
    if value is None or isinstance(value, bool):
        return value
    errors.append(FieldError(path, f"expected true or false, got {shown(value)}"))
    return None


def checked_text(
    value: Any,
    path: str,
    errors: list[FieldError],
    *,
    max_length: int,
    multiline: bool = False,
    what: str = "text",
) -> str | None:
    """Human-readable text within ``max_length`` characters, with no unsafe characters."""
    problem = text_problem(value, max_length=max_length, multiline=multiline)
    if problem is not None:
        if not isinstance(value, str):
            problem = f"expected {what}, got {type(value).__name__}"
        errors.append(FieldError(path, problem))
        return None
    assert isinstance(value, str)
    return value


def iso_date(value: Any, path: str, errors: list[FieldError]) -> date | None:
    """An ISO calendar date ``YYYY-MM-DD`` (a real day, its year within YEAR_MIN..YEAR_MAX)."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        errors.append(FieldError(path, f"expected a date like 2027-01-01, got {shown(value)}"))
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        errors.append(FieldError(path, f"{value} is not a calendar date"))
        return None
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        errors.append(
            FieldError(path, f"the year must be within {YEAR_MIN}..{YEAR_MAX}, got {value}")
        )
        return None
    return day
