"""Which national “三率” minimum applies (开采回采率, 选矿回收率, 综合利用率).

A minimum may depend on the mining method, the mine's scale and the ore type (矿石类型).
For each rate the most specific item whose conditions all hold is chosen (equally
specific items: the strictest). When an item could apply but a condition it names is
unknown (no scale, no method), the rate is *undetermined* and says which input is missing
rather than guessing. An application that gives no ore type gets the standards'
``default_ore_type`` for the mineral, and the selection says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from .rulebook import THREE_RATES, ThreeRate, ThreeRateMinimum, ThreeRateTable
from .vocabulary import Scale


@dataclass(frozen=True)
class MinimumSelection:
    """The minimums that apply, the rates left undetermined (rate, missing input), the ore type."""

    chosen: tuple[ThreeRateMinimum, ...]
    undetermined: tuple[tuple[ThreeRate, str], ...]
    ore_type: str | None
    ore_type_defaulted: bool

    def for_rate(self, rate: ThreeRate) -> ThreeRateMinimum | None:
        return next((item for item in self.chosen if item.rate == rate), None)


def _missing(
    item: ThreeRateMinimum, method: str | None, scale: Scale | None, ore: str | None
) -> list[str]:
    """Inputs the item needs but does not have, when every input it has fits (else [])."""
    missing = []
    for condition, value, name in (
        (item.method, method, "mining method"),
        (item.scales, scale, "scale"),
        (item.ore_type, ore, "ore type"),
    ):
        if condition is None:
            continue
        if value is None:
            missing.append(name)
        elif value != condition and not (isinstance(condition, frozenset) and value in condition):
            return []
    return missing


def _holds(
    item: ThreeRateMinimum, method: str | None, scale: Scale | None, ore: str | None
) -> bool:
    return (
        (item.method is None or item.method == method)
        and (item.scales is None or scale in item.scales)
        and (item.ore_type is None or item.ore_type == ore)
    )


def _specificity(item: ThreeRateMinimum) -> int:
    return sum(c is not None for c in (item.method, item.scales, item.ore_type))


def select_minimums(
    mineral_zh: str,
    *,
    method: str | None,
    scale: Scale | None,
    ore_type: str | None,
    table: ThreeRateTable,
) -> MinimumSelection:
    """The national minimums for a mineral (its standard name), method, scale and ore type."""
    defaulted = ore_type is None and mineral_zh in table.default_ore_type
    ore = table.default_ore_type.get(mineral_zh) if ore_type is None else ore_type
    chosen: list[ThreeRateMinimum] = []
    undetermined: list[tuple[ThreeRate, str]] = []
    for rate in THREE_RATES:
        candidates = [i for i in table.items if i.mineral_zh == mineral_zh and i.rate == rate]
        holding = [i for i in candidates if _holds(i, method, scale, ore)]
        if holding:
            best = max(_specificity(i) for i in holding)
            chosen.append(
                max(
                    (i for i in holding if _specificity(i) == best),
                    key=lambda i: i.minimum_pct,
                )
            )
            continue
        missing = sorted({m for i in candidates for m in _missing(i, method, scale, ore)})
        if missing:
            undetermined.append((rate, ", ".join(missing)))
    return MinimumSelection(tuple(chosen), tuple(undetermined), ore, defaulted)
