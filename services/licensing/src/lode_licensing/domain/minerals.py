"""Minerals (矿种) by name, alias or code, and the capacity units (生产规模单位) each accepts.

A mineral is given by its Chinese name (``铁矿``), an alias (``岩金`` → ``金矿``,
``建筑用灰岩`` → ``建筑石料``) or its catalogue code (``iron``, ``placer_gold``). Its
capacity is in the unit of its scale class: ``万吨/年`` unless the catalogue says
otherwise (``万立方米/年`` for building stone and placer deposits). A mineral with a
minimum scale in tonnes of ore per day (rock gold, 金矿) also accepts ``t/d``, converted
with the standards' working days per year.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from decimal import Decimal

from lode_common.plan.standards import CatalogueEntry, NationalStandards

from .catalogue import canonical_zh, catalogue_names, find_mineral, is_among, standard_zh
from .errors import FieldError, InvalidInput
from .rulebook import MinScaleRule, PlanRules
from .vocabulary import (
    CUBIC_METRES_10K_PER_YEAR,
    DEFAULT_CAPACITY_UNIT,
    TONNES_10K_PER_YEAR,
    TONNES_PER_DAY,
    ApplicationKind,
    RightType,
)

_UNIT_SPELLINGS = {
    TONNES_10K_PER_YEAR: TONNES_10K_PER_YEAR,
    "万t/a": TONNES_10K_PER_YEAR,
    "万吨/a": TONNES_10K_PER_YEAR,
    CUBIC_METRES_10K_PER_YEAR: CUBIC_METRES_10K_PER_YEAR,
    "万m³/年": CUBIC_METRES_10K_PER_YEAR,
    "万m3/年": CUBIC_METRES_10K_PER_YEAR,
    "万m³/a": CUBIC_METRES_10K_PER_YEAR,
    TONNES_PER_DAY: TONNES_PER_DAY,
    "吨/日": TONNES_PER_DAY,
    "吨/天": TONNES_PER_DAY,
}
_TONNES_PER_10KT = Decimal(10000)


@dataclass(frozen=True)
class Capacity:
    """Production capacity (生产规模): an exact ``value`` in ``unit``."""

    value: Decimal
    unit: str

    def __str__(self) -> str:
        return f"{self.value} {self.unit}"


def close_names(name: str, standards: NationalStandards, limit: int = 5) -> list[str]:
    """Catalogue names near ``name``: those containing it or contained in it, then look-alikes."""
    wanted = name.strip().lower()
    names = catalogue_names(standards)
    close: list[str] = []
    if wanted:
        close += [n for n in names if wanted in n.lower() or n.lower() in wanted]
    close += difflib.get_close_matches(name.strip(), names, n=limit, cutoff=0.5)
    unique = list(dict.fromkeys(close))
    return unique[:limit]


def resolve_mineral(
    name: object, standards: NationalStandards, *, field: str = "mineral"
) -> CatalogueEntry:
    """The catalogue entry for a Chinese name, alias or code; InvalidInput listing close names."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput([FieldError(field, "a mineral name or catalogue code is required")])
    entry = find_mineral(standards, name)
    if entry is None:
        suggestions = close_names(name, standards)
        hint = f"; close names: {', '.join(suggestions)}" if suggestions else ""
        raise InvalidInput(
            [
                FieldError(
                    field, f"unknown mineral {name.strip()!r} (矿种 not in the catalogue){hint}"
                )
            ]
        )
    return entry


def normalise_unit(unit: str) -> str | None:
    """The canonical spelling of a capacity unit (``吨/日`` → ``t/d``), None when unknown."""
    return _UNIT_SPELLINGS.get(unit.strip().replace(" ", ""))


def annual_unit(mineral: CatalogueEntry, rules: PlanRules) -> str:
    """The mineral's yearly capacity unit: catalogue unit, else its scale rows', else 万吨/年."""
    if mineral.capacity_unit_zh:
        return normalise_unit(mineral.capacity_unit_zh) or mineral.capacity_unit_zh
    standards = rules.standards
    for row in standards.scale_classes.items:
        if canonical_zh(standards, row.mineral_zh) == standard_zh(standards, mineral):
            return normalise_unit(row.unit_zh) or row.unit_zh
    return DEFAULT_CAPACITY_UNIT


def _daily_rules(mineral: CatalogueEntry, rules: PlanRules) -> tuple[MinScaleRule, ...]:
    return tuple(
        rule
        for rule in rules.rules_of(MinScaleRule)
        if rule.unit == TONNES_PER_DAY
        and rule.applies_to.mineral_zh is not None
        and is_among(rules.standards, mineral, rule.applies_to.mineral_zh)
    )


def accepted_units(mineral: CatalogueEntry, rules: PlanRules) -> tuple[str, ...]:
    """Units a capacity of this mineral may be given in (``t/d`` only where a rule uses it)."""
    units = [annual_unit(mineral, rules)]
    if _daily_rules(mineral, rules) and TONNES_PER_DAY not in units:
        units.append(TONNES_PER_DAY)
    return tuple(units)


def daily_unit_required(
    mineral: CatalogueEntry, right_type: RightType, kind: ApplicationKind, rules: PlanRules
) -> bool:
    """True when a minimum-scale rule in t/d covers this right and kind (new rock-gold mines).

    The mining method is not considered: the capacity must be comparable with whichever
    of the mineral's t/d minimums applies.
    """
    for rule in _daily_rules(mineral, rules):
        scope = rule.applies_to
        if scope.right in (None, right_type) and scope.kind in (None, kind):
            return True
    return False


def convert_capacity(
    capacity: Capacity, to_unit: str, mineral: CatalogueEntry, rules: PlanRules
) -> Decimal | None:
    """The capacity in ``to_unit``, or None when no conversion is known.

    ``t/d`` ↔ ``万吨/年`` uses the standards' working days per year (when they state
    them); ``万立方米/年`` ↔ ``万吨/年`` the catalogue density (t/m³) of the mineral, when
    it has one.
    """
    source = normalise_unit(capacity.unit) or capacity.unit
    target = normalise_unit(to_unit) or to_unit
    if source == target:
        return capacity.value
    working_days = rules.standards.scale_classes.working_days_per_year
    days = Decimal(working_days) if working_days is not None else None
    density = mineral.density_t_per_m3
    # Through 万吨/年, the unit every other one converts to.
    if source == TONNES_PER_DAY and days is not None:
        tonnes_10k = capacity.value * days / _TONNES_PER_10KT
    elif source == CUBIC_METRES_10K_PER_YEAR and density is not None:
        tonnes_10k = capacity.value * density
    elif source == TONNES_10K_PER_YEAR:
        tonnes_10k = capacity.value
    else:
        return None
    if target == TONNES_10K_PER_YEAR:
        return tonnes_10k
    if target == TONNES_PER_DAY and days is not None:
        return tonnes_10k * _TONNES_PER_10KT / days
    if target == CUBIC_METRES_10K_PER_YEAR and density is not None:
        return tonnes_10k / density
    return None
