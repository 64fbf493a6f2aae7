"""The bounds of what Lode accepts and stores, in one place.

Every string and number a service stores is checked at the edge against a bound that
matches its column and its meaning, the same on SQLite (which would store anything) and
PostgreSQL (which would refuse it with a driver error). ``docs/LIMITS.md`` lists these
values, and a test keeps the two equal.

Human-readable text (names, reasons, notes, labels) must not carry control characters
(NUL, escape, …), Unicode bidirectional overrides or isolates (which make a name read
differently from what is stored: "Trojan Source"), lone surrogates, or private-use and
unassigned code points. Multi-line text (reasons, notes) may carry line breaks and tabs.

The module is pure: domain code and pydantic models both use it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Final

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema


@dataclass(frozen=True)
class Limit:
    """One documented bound: its value, its unit and why it is what it is."""

    name: str
    value: int | Decimal
    unit: str
    meaning: str


# ---- strings (characters) -------------------------------------------------------------
NAME_MAX: Final = 300
"""A person's, an enterprise's or a site's name (企业名称 fits in 300; the columns are 300)."""
LABEL_MAX: Final = 200
"""A short label: an API key's label, an actor's name, a mineral product's name."""
CODE_MAX: Final = 60
"""An identifier chosen by a person: a zone code, a mineral's name, an ore type."""
TEXT_MAX: Final = 2000
"""A reason, a note, a comment: the columns kept with every step are 2,000."""
SUBJECT_MAX: Final = 200
"""The ``sub`` of a staff token: it is stored as the actor of every step."""
PLAN_ID_MAX: Final = 100
"""A plan's id (``pingquan-2021-2025``): the plan columns are 100."""
PLAN_NOTE_MAX: Final = 500
"""The note kept with a plan version (why it was published)."""
IDEMPOTENCY_KEY_MAX: Final = 200
"""An ``Idempotency-Key`` header (without its surrounding white space): the key column of
``idempotency_record`` is 200."""

# ---- collections ----------------------------------------------------------------------
PRODUCTS_PER_REPORT_MAX: Final = 50
"""Products (产品) in one output report: a mine sells a handful (铁精粉, 硫精矿, …)."""
MILESTONES_MAX: Final = 100
"""Milestones of one restoration plan (复垦方案): one a year over the longest term."""
VERTICES_MAX: Final = 100_000
"""Vertices of one geometry (all rings): a county boundary surveyed at 1 m has ~60,000."""
FEATURES_PER_IMPORT_MAX: Final = 5_000
"""Features in one zone import."""
MINERALS_PER_ZONE_MAX: Final = 50
"""Minerals one zone names (a reserve or block names a few)."""
PLAN_VALUES_MAX: Final = 20_000
"""Values (keys, items, scalars) in one plan document: the Pingquan plan has about 2,000; the
bound also stops a YAML alias bomb."""
PLAN_DEPTH_MAX: Final = 20
"""Nesting of a plan document (the Pingquan plan nests 6 deep)."""

# ---- numbers --------------------------------------------------------------------------
QUANTITY_MAX: Final = Decimal("1000000")
"""Any quantity in 万吨, 万m³, hectares or 万元 (a million of each is beyond any mine)."""
PERCENT_MAX: Final = Decimal(100)
PLAN_NUMBER_MAX: Final = Decimal(10) ** 12
"""The magnitude of any number in a plan document (a population, an output value in 亿元)."""
ELEVATION_MIN_M: Final = Decimal(-12000)
"""The lowest elevation of a working (the deepest mines reach about -4,000 m)."""
ELEVATION_MAX_M: Final = Decimal(9000)
DECIMAL_PLACES_MAX: Final = 4
"""Digits after the point a quantity may carry: the quantity columns are NUMERIC(·, 4) (100 kg
in 万吨), which PostgreSQL would round silently and SQLite would keep."""
YEAR_MIN: Final = 1949
"""The earliest year a record may name (the plan's data start long after)."""
YEAR_MAX: Final = 2100
"""The latest year a record may name."""
SHEETS_MAX: Final = 1000
"""Map sheets (图幅) one progress report of a survey project may count."""

LIMITS: Final[tuple[Limit, ...]] = (
    Limit("NAME_MAX", NAME_MAX, "characters", "names of people, enterprises, sites"),
    Limit("LABEL_MAX", LABEL_MAX, "characters", "labels, actors, product names"),
    Limit("CODE_MAX", CODE_MAX, "characters", "zone codes, minerals, ore types"),
    Limit("TEXT_MAX", TEXT_MAX, "characters", "reasons, notes, comments"),
    Limit("SUBJECT_MAX", SUBJECT_MAX, "characters", "a staff token's subject"),
    Limit("PLAN_ID_MAX", PLAN_ID_MAX, "characters", "a plan's id"),
    Limit("PLAN_NOTE_MAX", PLAN_NOTE_MAX, "characters", "the note of a plan version"),
    Limit("IDEMPOTENCY_KEY_MAX", IDEMPOTENCY_KEY_MAX, "characters", "an Idempotency-Key"),
    Limit("PRODUCTS_PER_REPORT_MAX", PRODUCTS_PER_REPORT_MAX, "products", "one output report"),
    Limit("MILESTONES_MAX", MILESTONES_MAX, "milestones", "one restoration plan"),
    Limit("VERTICES_MAX", VERTICES_MAX, "vertices", "one geometry, all rings"),
    Limit("FEATURES_PER_IMPORT_MAX", FEATURES_PER_IMPORT_MAX, "features", "one zone import"),
    Limit("MINERALS_PER_ZONE_MAX", MINERALS_PER_ZONE_MAX, "minerals", "one zone"),
    Limit("PLAN_VALUES_MAX", PLAN_VALUES_MAX, "values", "one plan document"),
    Limit("PLAN_DEPTH_MAX", PLAN_DEPTH_MAX, "levels", "nesting of a plan document"),
    Limit("QUANTITY_MAX", QUANTITY_MAX, "万吨, 万m³, ha, 万元", "any stored quantity"),
    Limit("PERCENT_MAX", PERCENT_MAX, "%", "rates (三率), grades"),
    Limit("PLAN_NUMBER_MAX", PLAN_NUMBER_MAX, "magnitude", "any number in a plan document"),
    Limit("ELEVATION_MIN_M", ELEVATION_MIN_M, "m", "the bottom of a depth range"),
    Limit("ELEVATION_MAX_M", ELEVATION_MAX_M, "m", "the top of a depth range"),
    Limit("DECIMAL_PLACES_MAX", DECIMAL_PLACES_MAX, "digits", "after the point of a quantity"),
    Limit("YEAR_MIN", YEAR_MIN, "year", "the earliest year a record names"),
    Limit("YEAR_MAX", YEAR_MAX, "year", "the latest year a record names"),
    Limit("SHEETS_MAX", SHEETS_MAX, "sheets", "图幅 in one survey progress report"),
)

# ---- text -----------------------------------------------------------------------------
_BIDI_CONTROLS: Final = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_REFUSED_CATEGORIES: Final = frozenset({"Cc", "Cs", "Co", "Cn"})
_LINE_BREAKS: Final = frozenset("\n\r\t")


def unsafe_character(value: str, *, multiline: bool = False) -> str | None:
    """A description of the first character a human-readable text must not carry, or None."""
    for index, char in enumerate(value):
        if multiline and char in _LINE_BREAKS:
            continue
        if char in _BIDI_CONTROLS:
            return f"a bidirectional control character (U+{ord(char):04X}) at position {index}"
        category = unicodedata.category(char)
        if category in _REFUSED_CATEGORIES or char in "\u2028\u2029":
            kind = {
                "Cc": "a control character",
                "Cs": "a lone surrogate",
                "Co": "a private-use character",
            }.get(category, "an unassigned or separator character")
            return f"{kind} (U+{ord(char):04X}) at position {index}"
    return None


def text_problem(
    value: object, *, max_length: int, multiline: bool = False, required: bool = True
) -> str | None:
    """What is wrong with a human-readable text field, or None: not a string, blank when
    ``required``, longer than ``max_length`` characters, or carrying an unsafe character."""
    if not isinstance(value, str):
        return f"expected text, got {type(value).__name__}"
    if required and not value.strip():
        return "must not be blank"
    if len(value) > max_length:
        return f"at most {max_length} characters, got {len(value)}"
    unsafe = unsafe_character(value, multiline=multiline)
    if unsafe is not None:
        return f"must not contain {unsafe}; remove it and send the text again"
    return None


def _checked_text(max_length: int, *, multiline: bool) -> Any:
    def check(value: str) -> str:
        problem = text_problem(value, max_length=max_length, multiline=multiline)
        if problem is not None:
            raise ValueError(problem)
        return value

    return AfterValidator(check)


# ---- text, as a JSON Schema states it ---------------------------------------------------
_BASIC_PLANE: Final = range(0x10000)


def _character_class(admitted: set[str]) -> str:
    """A regex class of the ``admitted`` characters (of the Basic Multilingual Plane), in
    ``\\uXXXX`` escapes only: ECMA-262 (with or without its ``u`` flag), Python's ``re`` and
    the Rust engines validators use read it alike."""
    ranges: list[tuple[int, int]] = []
    for code in sorted(map(ord, admitted)):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    spans = (f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)
    return "[" + "".join(spans) + "]"


@cache
def text_pattern(*, multiline: bool = False, visible: int = 1) -> str:
    """The JSON Schema ``pattern`` of a human-readable text, which says what
    :func:`text_problem` refuses: characters :func:`unsafe_character` accepts, one of them
    at least not white space (a text is not blank), or ``visible`` of them: two say what a
    reader that strips the text and wants two characters checks (the first and the last are
    not white space); more are narrower than such a reader. Each of the two classes is
    written once (white space is a few characters, the others are hundreds of ranges).

    It is computed from the Unicode database of the Python that runs the service, the one
    the check reads, so unassigned code points are left out as the check refuses them (the
    document may change with a Python whose Unicode is newer). It names the Basic
    Multilingual Plane only: a portable pattern cannot name a supplementary character
    (ECMA-262 reads ``\\uD840\\uDC00`` as one character only with its ``u`` flag, Python as
    two lone surrogates; ``\\u{20000}`` is not Python's, ``\\U00020000`` not ECMA-262's).
    So the schema is narrower than the check there: supplementary characters (CJK Extension
    B and on, emoji) are accepted by the service but not stated, and a client following the
    schema does not send them. What it states, the check accepts.
    """
    admitted = {c for c in map(chr, _BASIC_PLANE) if not unsafe_character(c, multiline=multiline)}
    spaces = {char for char in admitted if char.isspace()}  # what str.strip removes
    space, shown = _character_class(spaces), _character_class(admitted - spaces)
    repeat = "+" if visible <= 1 else f"{{{visible},}}"
    return f"^{space}*(?:{shown}{space}*){repeat}$"


@dataclass(frozen=True)
class _StatedText:
    """Adds to a text type's JSON Schema what its check refuses (a ``pattern`` and
    ``minLength`` 1), so generated clients and schemathesis send only acceptable text. It
    changes the schema, not the validation: :func:`text_problem` stays the check and the
    author of its messages. A field's own ``min_length`` (a reason of 2) is asked of the
    characters that are not white space too, as the readers that strip the text count."""

    multiline: bool

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        stated = handler(schema)
        stated["minLength"] = max(stated.get("minLength", 0), 1)
        stated["pattern"] = text_pattern(multiline=self.multiline, visible=stated["minLength"])
        return stated


def _no_string_number(value: Any) -> Any:
    """Numbers are JSON numbers: "12" and true are refused, not read as 12 and 1."""
    if isinstance(value, str | bool):
        raise ValueError("expected a JSON number, not text or a boolean")
    return value


# Pydantic field types for API models: each carries its bound and refuses unsafe text.
# Their JSON Schema states the check as a pattern (see text_pattern for what it cannot say).
Name = Annotated[
    str,
    Field(max_length=NAME_MAX),
    _checked_text(NAME_MAX, multiline=False),
    _StatedText(multiline=False),
]
Label = Annotated[
    str,
    Field(max_length=LABEL_MAX),
    _checked_text(LABEL_MAX, multiline=False),
    _StatedText(multiline=False),
]
Code = Annotated[
    str,
    Field(max_length=CODE_MAX),
    _checked_text(CODE_MAX, multiline=False),
    _StatedText(multiline=False),
]
Text = Annotated[
    str,
    Field(max_length=TEXT_MAX),
    _checked_text(TEXT_MAX, multiline=True),
    _StatedText(multiline=True),
]
PlanId = Annotated[
    str,
    Field(max_length=PLAN_ID_MAX),
    _checked_text(PLAN_ID_MAX, multiline=False),
    _StatedText(multiline=False),
]
"""A plan's id as a request names it (a plan the service does not know is its own answer)."""
Quantity = Annotated[
    Decimal,
    BeforeValidator(_no_string_number),
    Field(ge=0, le=QUANTITY_MAX, allow_inf_nan=False, decimal_places=DECIMAL_PLACES_MAX),
]
"""A non-negative quantity (万吨, 万m³, ha, 万元) sent as a JSON number."""
Percent = Annotated[
    Decimal,
    BeforeValidator(_no_string_number),
    Field(ge=0, le=PERCENT_MAX, allow_inf_nan=False, decimal_places=DECIMAL_PLACES_MAX),
]
Year = Annotated[int, Field(strict=True, ge=YEAR_MIN, le=YEAR_MAX)]

STRICT_BODY: Final = ConfigDict(extra="forbid", str_strip_whitespace=False)
"""The ``model_config`` of every request body: an unknown field is a 422 naming it.
Booleans and integers are declared ``StrictBool``/``StrictInt`` (or :data:`Year`), numbers
:data:`Quantity`/:data:`Percent`, so no string stands in for them."""


def number_problem(
    value: Decimal,
    *,
    minimum: Decimal | None = Decimal(0),
    maximum: Decimal = QUANTITY_MAX,
) -> str | None:
    """What is wrong with a parsed quantity's range or precision, or None."""
    if minimum is not None and value < minimum:
        return f"must be at least {minimum}, got {value}"
    if value > maximum:
        return f"must be at most {maximum}, got {value}"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > DECIMAL_PLACES_MAX:
        return f"at most {DECIMAL_PLACES_MAX} digits after the point, got {-exponent}"
    return None
