"""Plain statistics of the read models (统计): output and output value by mineral for a year,
licences counted by right type, mineral, status and scale. Pure functions of the facts and
rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from lode_reporting.domain.measures import Facts, reports_of_year

CNY_10K_PER_100M: Final = Decimal(10000)
"""万元 in one 亿元 (the plan's baseline output value is in 亿元, the mines report 万元)."""


@dataclass(frozen=True)
class MineralOutput:
    """One mineral's output in a year: the mines' current reports (annual, else quarterly)."""

    mineral: str
    mines: int
    ore_mined_10kt: Decimal
    products: tuple[tuple[str, Decimal], ...]  # (product name, 万吨), by name
    output_value_cny_10k: Decimal | None = None
    """产值 (万元) summed over the reports that give it; ``None`` when none does (未报)."""
    mines_without_value: int = 0
    """Mines of the mineral whose reports of the year give no output value."""


def output_by_mineral(facts: Facts, year: int) -> list[MineralOutput]:
    """The year's output by mineral (the report's mineral, else its licence's), largest
    first; each mine counted once, each product and the output value summed over the
    mines (a mine's quarterly reports add up to its year)."""
    licence_mineral = {licence.licence_no: licence.mineral for licence in facts.licences}
    ore: dict[str, Decimal] = {}
    mines: dict[str, set[str]] = {}
    products: dict[str, dict[str, Decimal]] = {}
    values: dict[str, Decimal] = {}
    valued: dict[str, set[str]] = {}
    for report in reports_of_year(facts.outputs, year):
        mineral = report.mineral or licence_mineral.get(report.licence_no, "未知")
        ore[mineral] = ore.get(mineral, Decimal(0)) + report.ore_mined_10kt
        mines.setdefault(mineral, set()).add(report.licence_no)
        sums = products.setdefault(mineral, {})
        for product in report.products:
            sums[product.name] = sums.get(product.name, Decimal(0)) + product.output_10kt
        if report.output_value_cny_10k is not None:
            values[mineral] = values.get(mineral, Decimal(0)) + report.output_value_cny_10k
            valued.setdefault(mineral, set()).add(report.licence_no)
    return sorted(
        (
            MineralOutput(
                mineral=mineral,
                mines=len(mines[mineral]),
                ore_mined_10kt=ore[mineral],
                products=tuple(sorted(products[mineral].items())),
                output_value_cny_10k=values.get(mineral),
                mines_without_value=len(mines[mineral] - valued.get(mineral, set())),
            )
            for mineral in ore
        ),
        key=lambda m: (-m.ore_mined_10kt, m.mineral),
    )


@dataclass(frozen=True)
class OutputValue:
    """The year's output value (产值) of the mines that reported it, in 万元 and 亿元, beside
    the plan's base-year figure (亿元) when the plan gives one."""

    total_cny_10k: Decimal | None
    mines_reporting: int
    mines_without_value: int
    baseline_cny_100m: Decimal | None = None

    @property
    def total_cny_100m(self) -> Decimal | None:
        if self.total_cny_10k is None:
            return None
        return self.total_cny_10k / CNY_10K_PER_100M  # exact: a shift of four places


def output_value(
    minerals: Iterable[MineralOutput], baseline_cny_100m: Decimal | None = None
) -> OutputValue:
    """The total of the minerals' output values; ``None`` when no mine reported one."""
    listed = list(minerals)
    given = [m.output_value_cny_10k for m in listed if m.output_value_cny_10k is not None]
    return OutputValue(
        total_cny_10k=sum(given, Decimal(0)) if given else None,
        mines_reporting=sum(m.mines - m.mines_without_value for m in listed),
        mines_without_value=sum(m.mines_without_value for m in listed),
        baseline_cny_100m=baseline_cny_100m,
    )


LicenceKey = tuple[str, str, str, str | None]  # right type, mineral, status, scale


@dataclass(frozen=True)
class LicenceCounts:
    total: int
    by_status: dict[str, int]
    by_right_type: dict[str, int]
    by_scale: dict[str, int]  # "none" for exploration licences and unknown scales
    groups: list[tuple[LicenceKey, int]]  # every (right type, mineral, status, scale), by size


def count_licences(keys: Iterable[LicenceKey]) -> LicenceCounts:
    groups = Counter(keys)
    by_status: Counter[str] = Counter()
    by_right_type: Counter[str] = Counter()
    by_scale: Counter[str] = Counter()
    for (right_type, _mineral, status, scale), n in groups.items():
        by_status[status] += n
        by_right_type[right_type] += n
        by_scale[scale or "none"] += n
    ordered = sorted(
        groups.items(), key=lambda g: (-g[1], g[0][0], g[0][1], g[0][2], g[0][3] or "")
    )
    return LicenceCounts(
        total=sum(groups.values()),
        by_status=dict(sorted(by_status.items())),
        by_right_type=dict(sorted(by_right_type.items())),
        by_scale=dict(sorted(by_scale.items())),
        groups=ordered,
    )
