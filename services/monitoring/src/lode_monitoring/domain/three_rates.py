"""The national three-rate minimums (“三率”最低指标) and which one applies to a mine.

A minimum may depend on the mining method, the mine's scale and the ore type (矿石类型).
For each rate the most specific item whose conditions all hold is chosen (equally
specific: the strictest). Without an ore type the standards' default for the mineral is
used. When a condition an item names is unknown (no scale, no method), the lowest of the
minimums that could apply is used and :attr:`ApplicableMinimum.unknown_inputs` says so:
a rate below it is below the standard whatever the unknown input is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .vocabulary import UNVERIFIED, Scale, ThreeRate


@dataclass(frozen=True)
class ThreeRateMinimum:
    """A national minimum for one rate, under optional conditions (method, scale, ore type)."""

    mineral_zh: str
    rate: ThreeRate
    minimum_pct: Decimal
    confidence: str
    source: str | None
    method: str | None = None
    scales: frozenset[Scale] | None = None
    ore_type: str | None = None
    note: str | None = None

    @property
    def unverified(self) -> bool:
        return self.confidence == UNVERIFIED

    def specificity(self) -> int:
        return sum(c is not None for c in (self.method, self.scales, self.ore_type))


@dataclass(frozen=True)
class ApplicableMinimum:
    """The minimum that applies to a mine, and what was assumed to choose it.

    ``unknown_inputs`` names inputs that were not known (``scale``, ``mining method``):
    the minimum is then the lowest of those that could apply, so a rate below it is
    below the standard whatever the unknown input is.
    """

    minimum: ThreeRateMinimum
    ore_type: str | None
    ore_type_defaulted: bool
    unknown_inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThreeRateTable:
    """The national three-rate minimums, with each mineral's default ore type (矿石类型)."""

    items: tuple[ThreeRateMinimum, ...]
    default_ore_type: Mapping[str, str]
    not_found: tuple[str, ...] = ()

    def minimum_for(
        self,
        mineral_zh: str,
        rate: ThreeRate,
        *,
        method: str | None,
        scale: Scale | None,
        ore_type: str | None,
    ) -> ApplicableMinimum | None:
        """The minimum for a mineral (its standard name), or None when none applies.

        Among items whose conditions all hold, the most specific wins (ties: the
        strictest). Without an ore type the standards' default for the mineral is used.
        """
        defaulted = ore_type is None and mineral_zh in self.default_ore_type
        ore = self.default_ore_type.get(mineral_zh) if ore_type is None else ore_type
        certain: list[ThreeRateMinimum] = []
        uncertain: list[tuple[ThreeRateMinimum, list[str]]] = []
        for item in self.items:
            if item.mineral_zh != mineral_zh or item.rate != rate:
                continue
            unknown = _unknown_conditions(item, method, scale, ore)
            if unknown is None:
                continue
            if unknown:
                uncertain.append((item, unknown))
            else:
                certain.append(item)
        chosen: ThreeRateMinimum | None = None
        if certain:
            best = max(i.specificity() for i in certain)
            chosen = max(
                (i for i in certain if i.specificity() == best), key=lambda i: i.minimum_pct
            )
            # A more specific item whose condition is unknown might be the one that applies.
            uncertain = [(i, u) for i, u in uncertain if i.specificity() > best]
        if not uncertain:
            return ApplicableMinimum(chosen, ore, defaulted) if chosen else None
        pool = [i for i, _ in uncertain] + ([chosen] if chosen else [])
        unknown_inputs = sorted({name for _, names in uncertain for name in names})
        return ApplicableMinimum(
            min(pool, key=lambda i: i.minimum_pct), ore, defaulted, tuple(unknown_inputs)
        )


def _unknown_conditions(
    item: ThreeRateMinimum, method: str | None, scale: Scale | None, ore: str | None
) -> list[str] | None:
    """Conditions of ``item`` whose input is unknown; None when a known input contradicts it."""
    unknown: list[str] = []
    checks: tuple[tuple[object, object, str], ...] = (
        (item.method, method, "mining method"),
        (item.scales, scale, "scale"),
        (item.ore_type, ore, "ore type"),
    )
    for condition, value, name in checks:
        if condition is None:
            continue
        if value is None:
            unknown.append(name)
        elif not (value == condition or (isinstance(condition, frozenset) and value in condition)):
            return None
    return unknown
