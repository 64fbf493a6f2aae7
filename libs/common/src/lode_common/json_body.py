"""Request bodies read as JSON: every way a body can fail to be JSON is a 422 naming ``body``,
never a 500.

Routes that hash the raw bytes (idempotency, signatures) call :func:`parse_json` themselves;
for the routes whose body FastAPI parses into a pydantic model, :func:`screen` runs on every
JSON body before the route (in ``lode_common.http``) and :func:`unreadable` turns FastAPI's
"error parsing the body" into the same answer. Either way the body must be RFC 8259 JSON:

* no ``NaN``, ``Infinity`` or ``-Infinity`` (Python's ``json`` reads them; nothing can store
  or send them back);
* no number too large for a float (``1e400`` would be read as infinity);
* no integer longer than Python's digit limit (4,300 digits, ``sys.get_int_max_str_digits``);
* not nested deeper than the parser can follow.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any, Final

from lode_common.errors import InvalidInput

SEND_NUMBERS: Final = "send numbers as plain decimal numbers within the documented ranges"

_FLOAT_DIGITS_MAX: Final = 308
"""A float literal with more integer digits than this overflows to infinity."""
_NORMALISED: Final = bytes.maketrans(b"123456789E", b"000000000e")
"""Every digit as 0 and ``E`` as ``e``: a number's shape is then found by plain substring
search (linear, no backtracking over long digit runs, faster than a regular expression)."""
_LONG_RUN: Final = b"0" * (_FLOAT_DIGITS_MAX + 1)


class _Refused(ValueError):
    """A number JSON cannot carry, found while parsing (the message says which)."""


def _refuse_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a number JSON allows; {SEND_NUMBERS}")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        shown = text if len(text) <= 24 else f"{text[:20]}…"
        raise _Refused(f"the number {shown} is too large to be read; {SEND_NUMBERS}")
    return value


def parse_json(raw: bytes) -> Any:
    """The parsed body; a 422 problem naming ``body`` when it is not UTF-8 RFC 8259 JSON,
    carries a number no column can hold, or is nested too deeply."""
    # Only a body whose bytes could hold an overflowing number pays for the float check.
    read_float = _finite_float if _may_overflow(raw) else float
    try:
        return json.loads(raw, parse_constant=_refuse_constant, parse_float=read_float)
    except Exception as error:  # every way json.loads can fail is the caller's body
        problem = unreadable(error)
        if problem is None:
            raise
        raise problem from None


def unreadable(error: BaseException) -> InvalidInput | None:
    """The 422 for an error raised while reading a body as JSON, or None when ``error`` is
    not about the body (a bug, which stays a 500)."""
    if isinstance(error, _Refused):
        return InvalidInput.field("body", str(error))
    if isinstance(error, json.JSONDecodeError):
        return InvalidInput.field("body", f"not valid JSON: {error}; send one JSON document")
    if isinstance(error, UnicodeDecodeError):
        return InvalidInput.field(
            "body", f"not valid JSON: not UTF-8 ({error.reason} at byte {error.start}); send UTF-8"
        )
    if isinstance(error, RecursionError):
        return InvalidInput.field(
            "body", "JSON nested too deeply to read; send the documented shape"
        )
    if isinstance(error, ValueError) and "integer string conversion" in str(error):
        limit = sys.get_int_max_str_digits()
        return InvalidInput.field(
            "body", f"an integer has more than {limit} digits; {SEND_NUMBERS}"
        )
    return None


def screen(raw: bytes) -> InvalidInput | None:
    """The 422 for a JSON body no route may accept (``NaN``, ``Infinity``, a number too large),
    else None. Cheap: the body is parsed only when its bytes could hold such a number, and
    a body that is not JSON at all is left to the route, which says so in its own words."""
    if not (b"NaN" in raw or b"Infinity" in raw or _may_overflow(raw)):
        return None
    try:
        parse_json(raw)
    except InvalidInput as problem:
        refused = problem.errors and "not valid JSON" not in problem.errors[0]["message"]
        return problem if refused else None
    return None


def _may_overflow(raw: bytes) -> bool:
    """True when ``raw`` has an exponent of three digits or more (``1e400``) or a run of
    digits longer than a float holds."""
    shape = raw.translate(_NORMALISED)
    return (
        b"e000" in shape
        or b"e+000" in shape
        or (len(raw) > _FLOAT_DIGITS_MAX and _LONG_RUN in shape)
    )


def json_object(raw: bytes, what: str) -> dict[str, Any]:
    """The body as one JSON object (``what`` names it in the error: "report", …)."""
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise InvalidInput.field("body", f"send one {what} object")
    return body
