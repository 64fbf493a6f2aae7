"""Which national “三率” minimum applies (开采回采率, 选矿回收率, 综合利用率).

The standards list minimums (`ThreeRatesMinimum`) that may depend on the mining method,
the mine's scale and the ore type (矿石类型), each giving one or more of the three rates.
For each rate the most specific item whose conditions all hold is chosen (equally
specific items: the strictest). When an item could apply but a condition it names is
unknown (no scale, no method), the rate is *undetermined* and says which input is missing
rather than guessing. An application that gives no ore type gets the standards'
``default_ore_type`` for the mineral, and the selection says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lode_common.plan.standards import NationalStandards, ThreeRatesMinimum

from .catalogue import canonical_zh
from .rulebook import THREE_RATES, ThreeRate
from .vocabulary import Scale


@dataclass(frozen=True)
class RateMinimum:
    """The minimum of one rate an item of the standards gives, and the source it cites."""

    rate: ThreeRate
    minimum_pct: Decimal
    item: ThreeRatesMinimum
    source: str | None


@dataclass(frozen=True)
class MinimumSelection:
    """The minimums that apply, the rates left undetermined (rate, missing input), the ore type."""

    chosen: tuple[RateMinimum, ...]
    undetermined: tuple[tuple[ThreeRate, str], ...]
    ore_type: str | None
    ore_type_defaulted: bool

    def for_rate(self, rate: ThreeRate) -> RateMinimum | None:
        return next((minimum for minimum in self.chosen if minimum.rate == rate), None)


def _items(standards: NationalStandards, mineral_zh: str) -> list[ThreeRatesMinimum]:
    return [
        item
        for item in standards.three_rates_minimums.items
        if canonical_zh(standards, item.mineral_zh) == mineral_zh
    ]


def ore_types(standards: NationalStandards, mineral_zh: str) -> frozenset[str]:
    """The ore types (矿石类型) the standards distinguish for a mineral (its standard name)."""
    return frozenset(
        item.ore_type for item in _items(standards, mineral_zh) if item.ore_type is not None
    )


def _by_mineral(standards: NationalStandards, texts: dict[str, str], mineral_zh: str) -> str | None:
    """The text a mapping keyed by mineral names (``sources``, ``default_ore_type``) gives."""
    return next(
        (text for name, text in texts.items() if canonical_zh(standards, name) == mineral_zh),
        None,
    )


def _missing(
    item: ThreeRatesMinimum, method: str | None, scale: Scale | None, ore: str | None
) -> list[str]:
    """Inputs the item needs but does not have, when every input it has fits (else [])."""
    missing = []
    conditions: tuple[tuple[object, object, str], ...] = (
        (item.method, method, "mining method"),
        (item.scale, scale, "scale"),
        (item.ore_type, ore, "ore type"),
    )
    for condition, value, name in conditions:
        if condition is None:
            continue
        if value is None:
            missing.append(name)
        elif value != condition and not (isinstance(condition, list) and value in condition):
            return []
    return missing


def _holds(
    item: ThreeRatesMinimum, method: str | None, scale: Scale | None, ore: str | None
) -> bool:
    return (
        (item.method is None or item.method == method)
        and (item.scale is None or scale in item.scale)
        and (item.ore_type is None or item.ore_type == ore)
    )


def _specificity(item: ThreeRatesMinimum) -> int:
    return sum(c is not None for c in (item.method, item.scale, item.ore_type))


def _minimum(item: ThreeRatesMinimum, rate: ThreeRate) -> Decimal | None:
    figures = {
        "mining_recovery": item.mining_recovery_min,
        "processing_recovery": item.processing_recovery_min,
        "comprehensive_utilization": item.comprehensive_utilization_min,
    }
    return figures[rate]


def select_minimums(
    mineral_zh: str,
    *,
    method: str | None,
    scale: Scale | None,
    ore_type: str | None,
    standards: NationalStandards,
) -> MinimumSelection:
    """The national minimums for a mineral (its standard name), method, scale and ore type."""
    table = standards.three_rates_minimums
    default_ore = _by_mineral(standards, table.default_ore_type, mineral_zh)
    defaulted = ore_type is None and default_ore is not None
    ore = default_ore if ore_type is None else ore_type
    source = _by_mineral(standards, table.sources, mineral_zh)
    items = _items(standards, mineral_zh)
    chosen: list[RateMinimum] = []
    undetermined: list[tuple[ThreeRate, str]] = []
    for rate in THREE_RATES:
        candidates = [
            RateMinimum(rate, minimum, item, source)
            for item in items
            if (minimum := _minimum(item, rate)) is not None
        ]
        holding = [c for c in candidates if _holds(c.item, method, scale, ore)]
        if holding:
            best = max(_specificity(c.item) for c in holding)
            chosen.append(
                max(
                    (c for c in holding if _specificity(c.item) == best),
                    key=lambda c: c.minimum_pct,
                )
            )
            continue
        missing = sorted({m for c in candidates for m in _missing(c.item, method, scale, ore)})
        if missing:
            undetermined.append((rate, ", ".join(missing)))
    return MinimumSelection(tuple(chosen), tuple(undetermined), ore, defaulted)
