"""What a mine's output report counts toward the plan's output indicators (开采总量).

One reading for every service: reporting sums it into the indicator of the year,
licensing keeps it as the current output that a new mine's capacity is added to
(``output_control``). The indicator says what it counts (`OutputCount`); a plan version
published before indicators said so gets the reading those versions meant
(:data:`LEGACY_COUNTS`, by indicator id).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from lode_common.plan.document import Indicator, OutputCount, PlanDocument
from lode_common.plan.standards import CatalogueEntry, NationalStandards

LEGACY_COUNTS: Mapping[str, OutputCount] = MappingProxyType(
    {
        "iron_concentrate_output": OutputCount(
            minerals_zh=("铁矿",),
            quantity="product",
            product_zh="铁精粉",
            min_grade_pct=Decimal(62),
        ),
        "building_stone_output": OutputCount(groups=("building_stone",), quantity="ore_mined"),
    }
)
"""The counts of the Pingquan plan's two output indicators (专栏2: 铁矿，铁精粉，品位62%以上;
建筑石料类), for plan versions published before ``indicators.items[].counts`` existed."""


@dataclass(frozen=True)
class ReportedProduct:
    """A product of a report (产品): its name, grade (%) and output (万吨)."""

    name: str
    grade_pct: Decimal | None
    output_10kt: Decimal


@dataclass(frozen=True)
class OutputIndicator:
    """An output indicator of the plan and what it counts."""

    indicator: Indicator
    counts: OutputCount

    @property
    def id(self) -> str:
        return self.indicator.id

    def covers(self, mineral: CatalogueEntry | None, standards: NationalStandards) -> bool:
        """Whether a mine of ``mineral`` (a catalogue entry) counts toward the indicator: by
        its names, what it is treated as, or its group."""
        if mineral is None:
            return False
        if mineral.group in self.counts.groups:
            return True
        counted = {
            entry.code
            for entry in (standards.mineral(name) for name in self.counts.minerals_zh)
            if entry is not None
        }
        treated = standards.mineral(mineral.treat_as_zh) if mineral.treat_as_zh else None
        return mineral.code in counted or (treated is not None and treated.code in counted)

    def amount(self, ore_mined_10kt: Decimal, products: Iterable[ReportedProduct]) -> Decimal:
        """What one report of a covered mine counts (万吨): its ore mined, or the output of
        its qualifying products."""
        counts = self.counts
        if counts.quantity == "ore_mined":
            return ore_mined_10kt
        product = counts.product_zh or ""
        floor = counts.min_grade_pct
        return sum(
            (
                p.output_10kt
                for p in products
                if product in p.name
                and (floor is None or (p.grade_pct is not None and p.grade_pct >= floor))
            ),
            Decimal(0),
        )

    def describe_zh(self) -> str:
        """What is counted, in words (for a check's message or a report's note)."""
        counts = self.counts
        if counts.quantity == "ore_mined":
            return "采出矿石量"
        grade = f"（品位≥{counts.min_grade_pct}%）" if counts.min_grade_pct is not None else ""
        return f"{counts.product_zh}{grade}产量"


def output_indicators(document: PlanDocument) -> tuple[OutputIndicator, ...]:
    """The plan's indicators that count the mines' output, in document order."""
    found = []
    for indicator in document.indicators.items:
        counts = indicator.counts or LEGACY_COUNTS.get(indicator.id)
        if counts is not None:
            found.append(OutputIndicator(indicator, counts))
    return tuple(found)
