"""Field types shared by the plan document and the national standards (pydantic v2).

Numbers are exact `Decimal` (the plan's figures are compared and summed in reports) and
accept only JSON/YAML numbers: ``"10"`` or ``true`` is not a number here, so a typo
in a published plan fails instead of being coerced. They serialise back to JSON numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictBool,
    StrictInt,
)
from pydantic_core import PydanticCustomError

from lode_common.jsonable import json_number
from lode_common.limits import CODE_MAX


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
    PlainSerializer(json_number, return_type=Any, when_used="json"),
]
"""An exact number (`Decimal`) that must be given as a number."""


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
    PlainSerializer(json_number, return_type=Any, when_used="json"),
]
"""A percentage, 0 to 100 (the plan's ``_pct`` convention)."""

_COMPARISON = re.compile(r"^\s*(>=|<=|>|<|=|≥|≤)?\s*(\d+(?:\.\d+)?)\s*$")


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
        lambda v: v if isinstance(v, str) else json_number(v), return_type=Any, when_used="json"
    ),
]
"""A target as the plan's tables write it: ``20`` or ``">=95"``, ``"<70"``."""


def one_or_many(value: object) -> object:
    """A single name read as a list of one (before validation)."""
    return [value] if isinstance(value, str) else value


OneOrMany = Annotated[list[str], BeforeValidator(one_or_many)]
"""A name or a list of names; always a list once read."""

Int = StrictInt
"""A whole number given as one (not ``"2020"`` nor ``2020.0``)."""

Bool = StrictBool
"""``true`` or ``false``, not ``"yes"`` nor ``1``."""

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=CODE_MAX)]
"""A machine id such as ``min_scale_underground_iron``."""

Text = Annotated[str, Field(min_length=1)]
"""Non-empty text."""

Confidence = Literal["verified", "found", "unverified"]
"""How sure a figure is: ``verified`` against the official text by the bureau, ``found`` in
a public secondary source, ``unverified`` (used, but a check relying on it says so)."""

ScaleName = Literal["large", "medium", "small"]
"""Mine scale class (矿山生产建设规模): 大型, 中型, 小型."""

Method = Literal["underground", "open_pit"]
"""Mining method: 地下开采, 露天开采."""


class Strict(BaseModel):
    """A section whose keys are rules: an unknown key is a typo and fails."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Open(BaseModel):
    """A descriptive section with free-form notes: unknown keys are kept as they are."""

    model_config = ConfigDict(extra="allow", frozen=True)


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
