"""Mine scale (矿山生产建设规模: 大型/中型/小型) from capacity, by the national table.

The row for the mineral (or the mineral it is treated as: 超贫磁铁矿 → 铁矿) and the
mining method is used first, then the mineral's ``any`` row. The capacity is converted
to the row's unit (``t/d`` × working days per year for rock gold). The result carries the
row and its confidence so a check can cite it; with no row, or no conversion, the scale
is None and ``reason`` says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .minerals import Capacity, convert_capacity
from .rulebook import ANY_METHOD, MineralEntry, PlanRules, ScaleRow
from .vocabulary import SCALE_ZH, Scale


@dataclass(frozen=True)
class ScaleClassification:
    """The scale of a capacity, the table row used and the capacity in that row's unit."""

    scale: Scale | None
    row: ScaleRow | None = None
    capacity_in_row_unit: Decimal | None = None
    reason: str | None = None

    @property
    def confidence(self) -> str | None:
        return self.row.confidence if self.row else None

    def citation(self) -> str:
        """Where the figure comes from, for a check message."""
        if self.row is None:
            return self.reason or "no scale row"
        row = self.row
        return (
            f"{row.source}: {row.mineral_zh} ({row.method}) 大型 ≥ {row.large_min}, "
            f"中型 ≥ {row.medium_min} {row.unit_zh}, confidence: {row.confidence}"
        )

    @property
    def scale_zh(self) -> str | None:
        return SCALE_ZH[self.scale] if self.scale else None


def find_scale_row(mineral: MineralEntry, method: str | None, rules: PlanRules) -> ScaleRow | None:
    """The method-specific row of the mineral's scale classes, else its ``any`` row."""
    rows = [row for row in rules.scale_table.rows if row.mineral_zh == mineral.standard_zh]
    for wanted in (method, ANY_METHOD):
        for row in rows:
            if wanted is not None and row.method == wanted:
                return row
    return None


def scale_of(value: Decimal, row: ScaleRow) -> Scale:
    """large if value ≥ large_min; medium if ≥ medium_min; else small (小型及以下)."""
    if value >= row.large_min:
        return "large"
    if value >= row.medium_min:
        return "medium"
    return "small"


def classify_scale(
    capacity: Capacity, mineral: MineralEntry, method: str | None, rules: PlanRules
) -> ScaleClassification:
    """Classify ``capacity`` by the national scale table for the mineral and method."""
    row = find_scale_row(mineral, method, rules)
    if row is None:
        methods = sorted(
            r.method for r in rules.scale_table.rows if r.mineral_zh == mineral.standard_zh
        )
        if methods:
            reason = (
                f"{rules.scale_table.source} has rows for {mineral.standard_zh} only for "
                f"{', '.join(methods)}; method {method or 'not given'}"
            )
        else:
            reason = f"{rules.scale_table.source} has no scale class for {mineral.standard_zh}"
        return ScaleClassification(None, reason=reason)
    value = convert_capacity(capacity, row.unit_zh, mineral, rules)
    if value is None:
        return ScaleClassification(
            None,
            row=row,
            reason=f"capacity in {capacity.unit} cannot be converted to {row.unit_zh}",
        )
    return ScaleClassification(scale_of(value, row), row=row, capacity_in_row_unit=value)
