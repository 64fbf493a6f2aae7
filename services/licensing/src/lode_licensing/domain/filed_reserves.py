"""Which reserves report (储量年报) a licence's checks use: the latest year's filing of the
application's mineral, the latest version of it (a correction replaces its report)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from lode_common.plan.standards import CatalogueEntry, NationalStandards

from .catalogue import find_mineral, standard_zh
from .checks.context import FiledReserves


@dataclass(frozen=True)
class ReservesFiling:
    """The latest version of one reserves report of a licence, for one mineral."""

    report_id: str
    version: int
    licence_no: str
    year: int
    mineral: str
    closing_10kt: Decimal


def _same_mineral(name: str, mineral: CatalogueEntry, standards: NationalStandards) -> bool:
    """A filing of ``name`` is of ``mineral`` when both are one catalogue entry or are treated
    as one (超贫磁铁矿 is reported as 铁矿)."""
    entry = find_mineral(standards, name)
    if entry is None:
        return name.strip() == mineral.zh
    return entry.code == mineral.code or standard_zh(standards, entry) == standard_zh(
        standards, mineral
    )


def latest_filing(
    filings: Iterable[ReservesFiling],
    licence_no: str,
    mineral: CatalogueEntry,
    standards: NationalStandards,
) -> FiledReserves | None:
    """The licence's latest filing of ``mineral`` (latest year; of two reports of one year,
    the later report id), or None when it filed none."""
    mine = [
        f
        for f in filings
        if f.licence_no == licence_no and _same_mineral(f.mineral, mineral, standards)
    ]
    if not mine:
        return None
    chosen = max(mine, key=lambda f: (f.year, f.report_id))
    return FiledReserves(
        licence_no=chosen.licence_no,
        year=chosen.year,
        report_id=chosen.report_id,
        version=chosen.version,
        closing_10kt=chosen.closing_10kt,
    )
