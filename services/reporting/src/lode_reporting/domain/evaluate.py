"""An indicator's figure and status for a year: definitions × measures × status rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lode_reporting.domain import plan
from lode_reporting.domain.measures import MEASURES, Facts, Figure
from lode_reporting.domain.plan import IndicatorDefinition
from lode_reporting.domain.status import Assessment, Rules, assess


@dataclass(frozen=True)
class Evaluation:
    definition: IndicatorDefinition
    year: int
    figure: Figure
    assessment: Assessment
    unit_zh: str
    definition_en: str


def evaluate(definition: IndicatorDefinition, facts: Facts, year: int, rules: Rules) -> Evaluation:
    measure = MEASURES.get(definition.id)
    if measure is None:
        return Evaluation(
            definition,
            year,
            Figure(None),
            Assessment("no_data", f"reporting has no measure for {definition.id!r}"),
            definition.unit_zh,
            "",
        )
    figure = measure.compute(facts, year)
    return Evaluation(
        definition,
        year,
        figure,
        assess(definition.target, year, figure.actual, rules),
        definition.unit_zh or measure.unit_zh,
        measure.definition_en,
    )


def evaluate_all(
    document: Mapping[str, Any], facts: Facts, year: int, rules: Rules
) -> list[Evaluation]:
    return [evaluate(d, facts, year, rules) for d in plan.definitions(document)]


def trend_years(document: Mapping[str, Any]) -> Sequence[int]:
    first, last = plan.period(document)
    return range(first, last + 1)


def number(value: Decimal | None) -> float | int | None:
    """A JSON number: integral values as int, others as float (quantities are small)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)
