"""The annual report's output-value, reserves and 专栏1 sections, from the facts and the plan
version: pure conversions of the domain's figures into the report model."""

from __future__ import annotations

from decimal import Decimal

from lode_common.plan.document import PlanDocument
from lode_reporting.domain import plan
from lode_reporting.domain.measures import Facts
from lode_reporting.domain.reserves import reserves_by_mineral
from lode_reporting.domain.statistics import output_by_mineral, output_value
from lode_reporting.report import model

COMPARISONS = ((">=", "≥"), ("<=", "≤"))
"""专栏1 writes its bounds as ``>=95``; the report shows them as the plan prints them."""


def output_section(
    facts: Facts, document: PlanDocument, year: int
) -> tuple[tuple[model.MineralOutput, ...], model.OutputValue]:
    """The year's output and output value by mineral (by name; a report naming no mineral
    is its licence's), and their total beside the plan's base-year output value."""
    minerals = sorted(output_by_mineral(facts, year), key=lambda m: m.mineral)
    rows = tuple(
        model.MineralOutput(
            mineral_zh=m.mineral,
            ore_mined_10kt=m.ore_mined_10kt,
            mines_reporting=m.mines,
            output_value_cny_10k=m.output_value_cny_10k,
            mines_without_value=m.mines_without_value,
        )
        for m in minerals
    )
    baseline = plan.output_value_baseline(document)
    value = output_value(minerals, baseline.value_cny_100m)
    return rows, model.OutputValue(
        total_cny_10k=value.total_cny_10k,
        baseline_year=baseline.year,
        baseline_cny_100m=baseline.value_cny_100m,
        baseline_clause=baseline.clause,
        mines_without_value=value.mines_without_value,
    )


def reserves_section(facts: Facts, year: int) -> tuple[model.MineralReserves, ...]:
    return tuple(
        model.MineralReserves(
            mineral_zh=r.mineral,
            mines_reporting=r.mines_reporting,
            mines_not_reporting=r.mines_not_reporting,
            closing_10kt=r.closing_10kt,
            used_10kt=r.used_10kt,
            new_proven_10kt=r.new_proven_10kt,
            recalculated_10kt=r.recalculated_10kt,
        )
        for r in reserves_by_mineral(facts, year)
    )


def _target(value: Decimal | str) -> model.Target:
    if isinstance(value, str):
        for written, printed in COMPARISONS:
            value = value.replace(written, printed)
    return value


def previous_plan(document: PlanDocument) -> model.PreviousPlan | None:
    """专栏1 of the plan version, or ``None`` when the version does not carry it."""
    results = document.previous_plan_results
    if results is None:
        return None
    return model.PreviousPlan(
        clause=results.clause,
        rows=tuple(
            model.PreviousResult(
                category_zh=row.category,
                indicator_zh=row.indicator,
                unit_zh=row.unit,
                target=_target(row.target),
                achieved=row.achieved,
                note=row.note,
            )
            for row in results.rows
        ),
    )
