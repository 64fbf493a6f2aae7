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

from lode_common.plan.standards import CatalogueEntry, ScaleClass

from .catalogue import canonical_zh, standard_zh
from .minerals import Capacity, convert_capacity
from .rulebook import ANY_METHOD, PlanRules
from .vocabulary import SCALE_ZH, Scale


@dataclass(frozen=True)
class ScaleClassification:
    """The scale of a capacity, the scale class used (and the source of the table) and the
    capacity in that class's unit."""

    scale: Scale | None
    row: ScaleClass | None = None
    source: str | None = None
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
            f"{self.source}: {row.mineral_zh} ({row.method}) 大型 ≥ {row.large_min}, "
            f"中型 ≥ {row.medium_min} {row.unit_zh}, confidence: {row.confidence}"
        )

    @property
    def scale_zh(self) -> str | None:
        return SCALE_ZH[self.scale] if self.scale else None


def _rows(mineral: CatalogueEntry, rules: PlanRules) -> list[ScaleClass]:
    """The scale classes of the mineral (or of the mineral it is treated as)."""
    standards = rules.standards
    wanted = standard_zh(standards, mineral)
    return [
        row
        for row in standards.scale_classes.items
        if canonical_zh(standards, row.mineral_zh) == wanted
    ]


def find_scale_row(
    mineral: CatalogueEntry, method: str | None, rules: PlanRules
) -> ScaleClass | None:
    """The method-specific row of the mineral's scale classes, else its ``any`` row."""
    rows = _rows(mineral, rules)
    for wanted in (method, ANY_METHOD):
        for row in rows:
            if wanted is not None and row.method == wanted:
                return row
    return None


def scale_of(value: Decimal, row: ScaleClass) -> Scale:
    """large if value ≥ large_min; medium if ≥ medium_min; else small (小型及以下)."""
    if value >= row.large_min:
        return "large"
    if value >= row.medium_min:
        return "medium"
    return "small"


def classify_scale(
    capacity: Capacity, mineral: CatalogueEntry, method: str | None, rules: PlanRules
) -> ScaleClassification:
    """Classify ``capacity`` by the national scale table for the mineral and method."""
    source = rules.standards.scale_classes.source
    name = standard_zh(rules.standards, mineral)
    row = find_scale_row(mineral, method, rules)
    if row is None:
        methods = sorted(r.method for r in _rows(mineral, rules))
        if methods:
            reason = (
                f"{source} has rows for {name} only for "
                f"{', '.join(methods)}; method {method or 'not given'}"
            )
        else:
            reason = f"{source} has no scale class for {name}"
        return ScaleClassification(None, reason=reason)
    value = convert_capacity(capacity, row.unit_zh, mineral, rules)
    if value is None:
        return ScaleClassification(
            None,
            row=row,
            source=source,
            reason=f"capacity in {capacity.unit} cannot be converted to {row.unit_zh}",
        )
    return ScaleClassification(
        scale_of(value, row), row=row, source=source, capacity_in_row_unit=value
    )
