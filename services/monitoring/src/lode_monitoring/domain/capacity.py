"""Licensed production capacity (生产规模) and its conversion to tonnes of ore a year.

A licence's capacity is in the unit of its mineral's scale class: ``万吨/年``,
``万立方米/年`` (building stone, placer deposits) or ``t/d`` of ore processed (rock gold).
Mines report ore mined in 万吨, so a capacity is compared as 万吨 of ore a year:

* ``万立方米/年`` × the catalogue density (t/m³): 10 万立方米 at 2.7 t/m³ is 27 万吨,
  i.e. 万吨 / 2.7 = 万立方米;
* ``t/d`` × the standards' working days a year (330) / 10 000: 100 t/d is 3.3 万吨/年.

All arithmetic is exact (``Decimal`` products; no division but by 10 000 and 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from .standards import MineralEntry, ScaleClasses, scale_of, standard_zh
from .vocabulary import Scale

TONNES_10K_PER_YEAR: Final = "万吨/年"
CUBIC_METRES_10K_PER_YEAR: Final = "万立方米/年"
TONNES_PER_DAY: Final = "t/d"
"""Tonnes of ore processed a day (日处理矿石量)."""

_TONNES_PER_10KT: Final = Decimal(10000)
_SPELLINGS: Final[dict[str, str]] = {
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


def normalise_unit(unit: str) -> str | None:
    """The canonical spelling of a capacity unit (``吨/日`` → ``t/d``); None when unknown."""
    return _SPELLINGS.get(unit.strip().replace(" ", ""))


@dataclass(frozen=True)
class Capacity:
    """Production capacity (生产规模) as licensed: an exact ``value`` in ``unit``."""

    value: Decimal
    unit: str

    def __str__(self) -> str:
        return f"{self.value} {self.unit}"


@dataclass(frozen=True)
class NotComparable:
    """Why a capacity cannot be compared with tonnes of ore (in English and Chinese)."""

    reason: str
    reason_zh: str


def ore_per_year_10kt(
    capacity: Capacity, mineral: MineralEntry | None, working_days_per_year: int
) -> Decimal | NotComparable:
    """The capacity as 万吨 of ore a year, or why it cannot be converted."""
    unit = normalise_unit(capacity.unit)
    if unit == TONNES_10K_PER_YEAR:
        return capacity.value
    if unit == TONNES_PER_DAY:
        return capacity.value * working_days_per_year / _TONNES_PER_10KT
    if unit == CUBIC_METRES_10K_PER_YEAR:
        density = mineral.density_t_per_m3 if mineral is not None else None
        if density is None:
            name = mineral.zh if mineral is not None else "the mineral"
            return NotComparable(
                f"the capacity is in {CUBIC_METRES_10K_PER_YEAR} and the catalogue gives no "
                f"density for {name} to compare tonnes of ore with it",
                f"生产规模以{CUBIC_METRES_10K_PER_YEAR}计，矿种目录未给出{name}的密度，无法与矿石吨数比较",
            )
        return capacity.value * density
    return NotComparable(
        f"the capacity unit {capacity.unit!r} is not one of 万吨/年, 万立方米/年, t/d",
        f"生产规模单位“{capacity.unit}”不是 万吨/年、万立方米/年 或 t/d",
    )


def capacity_in(
    capacity: Capacity, unit: str, mineral: MineralEntry | None, working_days_per_year: int
) -> Decimal | None:
    """The capacity in ``unit`` (万吨/年 or 万立方米/年), or None when no conversion is known."""
    wanted = normalise_unit(unit)
    if wanted is not None and wanted == normalise_unit(capacity.unit):
        return capacity.value
    ore = ore_per_year_10kt(capacity, mineral, working_days_per_year)
    if isinstance(ore, NotComparable):
        return None
    if wanted == TONNES_10K_PER_YEAR:
        return ore
    density = mineral.density_t_per_m3 if mineral is not None else None
    if wanted == CUBIC_METRES_10K_PER_YEAR and density is not None:
        return ore / density
    return None


def capacity_scale(
    capacity: Capacity | None,
    mineral: MineralEntry,
    method: str | None,
    scale_classes: ScaleClasses,
) -> Scale | None:
    """The scale class (大型/中型/小型) of a capacity by the national table, None when the
    table has no row for the mineral (its standard name) or the capacity cannot be
    converted to the row's unit."""
    if capacity is None:
        return None
    row = scale_classes.row_for(standard_zh(mineral), method)
    if row is None:
        return None
    value = capacity_in(capacity, row.unit_zh, mineral, scale_classes.working_days_per_year)
    return scale_of(row, value) if value is not None else None
