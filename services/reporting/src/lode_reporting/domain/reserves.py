"""Reserves by mineral (储量, 万吨 of ore) for a year, from the mines' reserves reports
(储量年报): 保有 = the sum of the reports' closing reserves, 动用 = extracted + lost (开采量 +
损失量), 新增 = newly proven (新增查明), 重算 = recalculated (重算增减). Pure, no I/O.

Only the current version of each report counts (a correction replaces it in the read
model), and a mine's report counts in the year it is for. A mine in force on 31 December
without a report of the year is counted as not reporting (未报) under its licence's
mineral; a mineral no mine reported has no figures (``None``), never zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lode_reporting.domain.measures import Facts, Reserves, mines_at_year_end


@dataclass(frozen=True)
class MineralReserves:
    """One mineral's reserves in a year, summed over the mines that reported them."""

    mineral: str
    mines_reporting: int
    mines_not_reporting: int = 0
    opening_10kt: Decimal | None = None
    closing_10kt: Decimal | None = None
    """保有 at the end of the year."""
    extracted_10kt: Decimal | None = None
    lost_10kt: Decimal | None = None
    new_proven_10kt: Decimal | None = None
    """新增 (查明)."""
    recalculated_10kt: Decimal | None = None
    """重算增减 (signed); shown where it is not zero."""
    event_ids: tuple[str, ...] = ()
    """The events behind the figures (the reports' current versions)."""

    @property
    def used_10kt(self) -> Decimal | None:
        """动用 = 开采量 + 损失量."""
        if self.extracted_10kt is None or self.lost_10kt is None:
            return None
        return self.extracted_10kt + self.lost_10kt


def _summed(mineral: str, reports: list[Reserves], missing: int) -> MineralReserves:
    if not reports:
        return MineralReserves(mineral=mineral, mines_reporting=0, mines_not_reporting=missing)

    def total(pick: str) -> Decimal:
        return sum((getattr(r, pick) for r in reports), Decimal(0))

    return MineralReserves(
        mineral=mineral,
        mines_reporting=len({r.licence_no for r in reports}),
        mines_not_reporting=missing,
        opening_10kt=total("opening_10kt"),
        closing_10kt=total("closing_10kt"),
        extracted_10kt=total("extracted_10kt"),
        lost_10kt=total("lost_10kt"),
        new_proven_10kt=total("new_proven_10kt"),
        recalculated_10kt=total("recalculated_10kt"),
        event_ids=tuple(r.event_id for r in sorted(reports, key=lambda r: r.report_id)),
    )


def reserves_by_mineral(facts: Facts, year: int) -> list[MineralReserves]:
    """The year's reserves by the reports' mineral, largest 保有 first, then the minerals of
    mines in force on 31 December that no mine of reported (未报), by name."""
    reported: dict[str, list[Reserves]] = {}
    reporting: set[str] = set()
    for report in facts.reserves:
        if report.year == year:
            reported.setdefault(report.mineral, []).append(report)
            reporting.add(report.licence_no)
    missing: dict[str, int] = {}
    for mine in mines_at_year_end(facts.versions, year):
        if mine.licence_no not in reporting:
            missing[mine.mineral] = missing.get(mine.mineral, 0) + 1
    rows = [
        _summed(mineral, reported.get(mineral, []), missing.get(mineral, 0))
        for mineral in reported.keys() | missing.keys()
    ]
    return sorted(
        rows,
        key=lambda r: (r.closing_10kt is None, -(r.closing_10kt or Decimal(0)), r.mineral),
    )
