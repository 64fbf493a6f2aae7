"""Illustrative demo reserves reports (储量年报, 示意) for 2021-2024, consistent with the demo
output reports (:mod:`lode_monitoring.demo`).

Pure arithmetic: no database, no HTTP, no randomness. One report per demo mining licence
and year that has an annual output report, for the licence's mineral, as a mine POSTs it
to ``/monitoring/v1/reserves-reports``:

* ``extracted_10kt`` is the year's ``ore_mined_10kt``;
* ``lost_10kt`` follows from the reported 开采回采率 r: extracted × (1 − r) / r, cut to
  4 decimal places (so that extracted ÷ (extracted + lost) is never below r);
* the first year's ``opening_10kt`` gives the mine a plausible life: the minimum service
  years of its scale plus 5 to 15 years of its licensed capacity (万吨 of ore a year);
* ``new_proven_10kt`` is 0 but for a few discoveries (1 to 3 years of capacity), fixed by
  the licence and the year; ``recalculated_10kt`` is 0;
* ``closing_10kt`` balances exactly, and is next year's ``opening_10kt``.

The story (:func:`~lode_monitoring.demo.story_events`): one mine whose reserves are short
of the minimum service years of its scale (``service_years_short``), one whose 2023
opening is not its 2022 closing (``reserves_discontinuity``); the mine that withholds its
2023 annual report withholds its reserves report too. Every figure is invented.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any, Final

from lode_monitoring.demo import DemoData, DemoLicence, ore_capacity_10kt, spread, story_events
from lode_monitoring.domain.vocabulary import Scale

EXTRA_LIFE_YEARS: Final = (Decimal(5), Decimal(15))
"""Years of capacity a mine holds beyond the minimum service years of its scale in 2021."""
SHORT_BY_YEARS: Final = Decimal(2)
"""How far the story's short mine falls below its minimum service years from the start."""
DISCOVERY_SHARE: Final = Decimal("0.05")
"""The share of mine-years (after the first) with newly proven reserves."""
DISCONTINUITY_YEARS: Final = Decimal("0.4")
"""The story's gap in years of capacity: a recalculation filed as the opening."""

_TONNE: Final = Decimal("0.0001")
_CENT: Final = Decimal("0.01")


def _exact(value: Any) -> Decimal:
    """A body's JSON number as the exact decimal it was written as."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _number(value: Decimal) -> float | int:
    """A quantity as the JSON number a client sends (its digits kept)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _lost(extracted: Decimal, recovery_pct: Decimal | None) -> Decimal:
    """损失量 of a year's extraction at the reported 开采回采率 (cut to the tonne)."""
    if recovery_pct is None or recovery_pct <= 0:
        return Decimal(0)
    return (extracted * (100 - recovery_pct) / recovery_pct).quantize(_TONNE, rounding=ROUND_DOWN)


def reserves_reports(
    licences: Sequence[DemoLicence],
    data: DemoData,
    min_service_years: Mapping[Scale, int],
) -> tuple[dict[str, Any], ...]:
    """The reserves report bodies for the output reports of ``data`` (year by year, as a
    loader posts them); ``min_service_years`` is the standards' table by scale."""
    events = story_events(licences)
    by_number = {lic.licence_no: lic for lic in licences}
    years: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for body in data.reports:
        if body["period"] == "annual" and body["licence_no"] in by_number:
            years[body["licence_no"]].append(body)
    bodies: list[dict[str, Any]] = []
    for number in sorted(years):
        licence = by_number[number]
        reports = sorted(years[number], key=lambda b: b["year"])
        capacity = ore_capacity_10kt(licence) or max(_exact(b["ore_mined_10kt"]) for b in reports)
        minimum = Decimal(min_service_years[licence.scale or "small"])
        low, high = EXTRA_LIFE_YEARS
        life = minimum + low + (high - low) * spread(number, 0, 21)
        if events.short_service_years == number:
            life = minimum - SHORT_BY_YEARS
        opening = (capacity * life).quantize(_CENT, rounding=ROUND_HALF_UP)
        for index, body in enumerate(reports):
            year = body["year"]
            if events.discontinuity == (number, year):
                opening += (capacity * DISCONTINUITY_YEARS).quantize(_CENT, ROUND_HALF_UP)
            extracted = _exact(body["ore_mined_10kt"])
            recovery = body.get("mining_recovery_pct")
            lost = _lost(extracted, _exact(recovery) if recovery is not None else None)
            new_proven = Decimal(0)
            if index > 0 and spread(number, year, 22) < DISCOVERY_SHARE:
                found = capacity * (1 + 2 * spread(number, year, 23))
                new_proven = found.quantize(_CENT, rounding=ROUND_HALF_UP)
            closing = opening - extracted - lost + new_proven
            bodies.append(
                {
                    "licence_no": number,
                    "year": year,
                    "mineral": licence.mineral,
                    "opening_10kt": _number(opening),
                    "extracted_10kt": _number(extracted),
                    "lost_10kt": _number(lost),
                    "new_proven_10kt": _number(new_proven),
                    "recalculated_10kt": 0,
                    "closing_10kt": _number(closing),
                }
            )
            opening = closing
    return tuple(sorted(bodies, key=lambda b: (b["year"], b["licence_no"])))
