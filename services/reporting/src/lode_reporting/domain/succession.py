"""A successor plan's baselines (规划接续): pure, no I/O.

A plan that succeeds another (``plan.predecessor_plan_id``: the 2026–2030 plan after the
2021–2025 one) starts each indicator from where the old plan ended: the predecessor's final
actual of the same indicator (its figure for the predecessor's last year, which is the
successor's base year), not from a figure written into the new plan before that year was
over. Indicators counted over the period (the ``[ ]`` rows: 累计) start from zero in every
plan, so they keep the plan's own zero; an indicator the predecessor has no figure for keeps
the plan's own baseline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from lode_reporting.domain.plan import IndicatorDefinition

BaselineSource = Literal["plan", "predecessor", "events"]


@dataclass(frozen=True)
class Baseline:
    """Where an indicator's baseline comes from: the plan's own figure, or the predecessor's
    final actual of ``year`` (``plan_id``)."""

    source: BaselineSource
    year: int
    plan_id: str | None = None


@dataclass(frozen=True)
class PredecessorFinals:
    """The predecessor's final actuals (its last period year), by indicator id."""

    plan_id: str
    year: int
    actuals: Mapping[str, Decimal]


def with_predecessor_baselines(
    definitions: Sequence[IndicatorDefinition], finals: PredecessorFinals | None
) -> tuple[list[IndicatorDefinition], dict[str, Baseline]]:
    """The definitions with each non-cumulative baseline replaced by the predecessor's final
    actual where it has one, and where each baseline came from."""
    out: list[IndicatorDefinition] = []
    sources: dict[str, Baseline] = {}
    for definition in definitions:
        actual = None if finals is None else finals.actuals.get(definition.id)
        if finals is None or definition.cumulative or actual is None:
            out.append(definition)
            if definition.target.baseline is not None:
                sources[definition.id] = Baseline("plan", definition.target.base_year)
            continue
        target = replace(definition.target, baseline=actual, base_year=finals.year)
        out.append(replace(definition, target=target))
        sources[definition.id] = Baseline("predecessor", finals.year, finals.plan_id)
    return out, sources
