"""Plain statistics of the read models (统计): output by mineral for a year, licences counted
by right type, mineral, status and scale. Pure functions of the facts and rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from lode_reporting.domain.measures import Facts, reports_of_year


@dataclass(frozen=True)
class MineralOutput:
    """One mineral's output in a year: the mines' current reports (annual, else quarterly)."""

    mineral: str
    mines: int
    ore_mined_10kt: Decimal
    products: tuple[tuple[str, Decimal], ...]  # (product name, 万吨), by name


def output_by_mineral(facts: Facts, year: int) -> list[MineralOutput]:
    """The year's output by mineral (the report's mineral, else its licence's), largest
    first; each mine counted once, each product summed over the mines."""
    licence_mineral = {licence.licence_no: licence.mineral for licence in facts.licences}
    ore: dict[str, Decimal] = {}
    mines: dict[str, set[str]] = {}
    products: dict[str, dict[str, Decimal]] = {}
    for report in reports_of_year(facts.outputs, year):
        mineral = report.mineral or licence_mineral.get(report.licence_no, "未知")
        ore[mineral] = ore.get(mineral, Decimal(0)) + report.ore_mined_10kt
        mines.setdefault(mineral, set()).add(report.licence_no)
        sums = products.setdefault(mineral, {})
        for product in report.products:
            sums[product.name] = sums.get(product.name, Decimal(0)) + product.output_10kt
    return sorted(
        (
            MineralOutput(
                mineral=mineral,
                mines=len(mines[mineral]),
                ore_mined_10kt=ore[mineral],
                products=tuple(sorted(products[mineral].items())),
            )
            for mineral in ore
        ),
        key=lambda m: (-m.ore_mined_10kt, m.mineral),
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
