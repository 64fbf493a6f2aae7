"""An indicator's figure and status for a year: definitions × measures × status rules."""

from __future__ import annotations

from dataclasses import dataclass

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
    name_en: str = ""


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
        measure.name_en,
    )
