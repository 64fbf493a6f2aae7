"""Field types shared by the plan document and the national standards (pydantic v2).

Numbers are exact `Decimal` (the plan's figures are compared and summed in reports) and
accept only JSON/YAML numbers: ``"10"`` or ``true`` is not a number here, so a typo
in a published plan fails instead of being coerced. They serialise back to JSON numbers.
Whole numbers (`Int`, `Count`) and booleans (`Bool`) are strict the same way, and every
section is `Strict`: a key the model does not declare is refused, wherever it stands.
Text is bounded and free of control and bidirectional characters (`lode_common.limits`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictBool,
    StrictInt,
    model_validator,
)
from pydantic_core import PydanticCustomError

from lode_common.jsonable import json_number
from lode_common.limits import CODE_MAX, NAME_MAX, TEXT_MAX, text_problem

CHINA_LONLAT_BOUNDS = (73.0, 3.0, 136.0, 54.0)
"""(west, south, east, north) in degrees: a generous box around China's territory."""


def _number(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise PydanticCustomError(
            "number_type", "expected a number, got {got}", {"got": repr(value)}
        )
    exact = value if isinstance(value, Decimal) else Decimal(repr(value))
    if not exact.is_finite():
        raise PydanticCustomError(
            "number_type", "expected a finite number, got {got}", {"got": repr(value)}
        )
    return exact


Number = Annotated[
    Decimal,
    PlainValidator(_number, json_schema_input_type=float),
    PlainSerializer(json_number, return_type=int | float, when_used="json"),
]
"""An exact number (`Decimal`) that must be given as a number."""


def _amount(value: object) -> Decimal:
    exact = _number(value)
    if exact < 0:
        raise PydanticCustomError(
            "amount_range", "expected a number of at least 0, got {got}", {"got": str(exact)}
        )
    return exact


Amount = Annotated[
    Decimal,
    PlainValidator(_amount, json_schema_input_type=float),
    PlainSerializer(json_number, return_type=int | float, when_used="json"),
]
"""A figure that cannot be negative (an area, an output value, a rate), given as a number.
Its magnitude is bounded for the whole document by `plan_bounds.PLAN_NUMBER_MAX`."""


def _percent(value: object) -> Decimal:
    exact = _number(value)
    if not Decimal(0) <= exact <= Decimal(100):
        raise PydanticCustomError(
            "percent_range", "expected a percentage from 0 to 100, got {got}", {"got": str(exact)}
        )
    return exact


Percent = Annotated[
    Decimal,
    PlainValidator(_percent, json_schema_input_type=float),
    PlainSerializer(json_number, return_type=int | float, when_used="json"),
]
"""A percentage, 0 to 100 (the plan's ``_pct`` convention)."""

_COMPARISON = re.compile(r"^\s*(>=|<=|>|<|=|≥|≤)\s*(\d+(?:\.\d+)?)\s*$")
"""A comparison with its operator: ``"12"`` alone is text, not the number 12."""


def _number_or_comparison(value: object) -> Decimal | str:
    if isinstance(value, str):
        if _COMPARISON.match(value):
            return value.strip()
        raise PydanticCustomError(
            "comparison",
            "expected a number or a comparison like '>=95', got {got}",
            {"got": repr(value)},
        )
    return _number(value)


NumberOrComparison = Annotated[
    Decimal | str,
    PlainValidator(_number_or_comparison, json_schema_input_type=float | str),
    PlainSerializer(
        lambda v: v if isinstance(v, str) else json_number(v),
        return_type=int | float | str,
        when_used="json",
    ),
]
"""A target as the plan's tables write it: ``20`` or ``">=95"``, ``"<70"`` (a bare number
is a number: ``"20"`` and ``true`` are refused)."""


def one_or_many(value: object) -> object:
    """A single name read as a list of one (before validation)."""
    return [value] if isinstance(value, str) else value


def _checked(max_length: int, *, multiline: bool) -> AfterValidator:
    def check(value: str) -> str:
        if problem := text_problem(value, max_length=max_length, multiline=multiline):
            raise ValueError(problem)
        return value

    return AfterValidator(check)


Text = Annotated[str, Field(min_length=1, max_length=TEXT_MAX), _checked(TEXT_MAX, multiline=True)]
"""Non-empty text: a statement, a clause, a note (at most ``TEXT_MAX`` characters, line
breaks allowed, no control or bidirectional characters)."""

Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX), _checked(NAME_MAX, multiline=False)]
"""A name on one line: of a region, an authority, a project, a map sheet (``NAME_MAX``)."""

Short = Annotated[
    str, Field(min_length=1, max_length=CODE_MAX), _checked(CODE_MAX, multiline=False)
]
"""A short term on one line: a mineral's name, a unit (``万吨/年``), a category key."""

OneOrMany = Annotated[list[str], BeforeValidator(one_or_many)]
"""A name or a list of names; always a list once read."""

Int = StrictInt
"""A whole number given as one (not ``"2020"``, ``true`` nor ``2020.0``)."""

Count = Annotated[StrictInt, Field(ge=0)]
"""A count (mines, minerals, deposits, people): a whole number of at least 0."""

Bool = StrictBool
"""``true`` or ``false``, not ``"yes"`` nor ``1``."""

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=CODE_MAX)]
"""A machine id such as ``min_scale_underground_iron``."""

Confidence = Literal["verified", "found", "unverified"]
"""How sure a figure is: ``verified`` against the official text by the bureau, ``found`` in
a public secondary source, ``unverified`` (used, but a check relying on it says so)."""

ScaleName = Literal["large", "medium", "small"]
"""Mine scale class (矿山生产建设规模): 大型, 中型, 小型."""

Method = Literal["underground", "open_pit"]
"""Mining method: 地下开采, 露天开采."""


class Strict(BaseModel):
    """A section of the plan document: every key it may hold is declared, and an unknown
    key is refused (a typo in a rule would silently disable it; in a descriptive section it
    would be published to every service unchecked).

    A key without a value (``null``) that the section does not declare is almost always the
    tail of a note that YAML flow syntax split at a comma (``{note: 岩金, ore}`` reads as
    ``note: 岩金`` and ``ore: null``); it is refused with that explanation.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _no_split_note(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, value in data.items():
                if value is None and isinstance(key, str) and key not in cls.model_fields:
                    raise PydanticCustomError(
                        "split_note",
                        "{key}: an unknown key without a value, probably the rest of a note "
                        "containing a comma that YAML flow syntax ({a: b, c}) split off; "
                        'quote the note (note: "..., ...") and publish again',
                        {"key": key[:CODE_MAX]},
                    )
        return data


@dataclass(frozen=True)
class PlanIssue:
    """A fault in a plan document: where (``entry_rules[3].check.capacity_ore_10kt_per_year.min``)
    and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def path_of(*parts: str | int) -> str:
    """``("entry_rules", 3, "check")`` as ``entry_rules[3].check``."""
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path
