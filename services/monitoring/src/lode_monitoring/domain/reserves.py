"""Reserves reports (储量年报): a mine's reserves of one mineral over a year, validated and
balanced.

A reserves report gives, in 万吨 of ore: the reserves held at the start of the year
(``opening_10kt``, 年初保有), what was mined (``extracted_10kt``, 开采量) and lost
(``lost_10kt``, 损失量), what was newly proven (``new_proven_10kt``, 新增查明), what a
recalculation added or took away (``recalculated_10kt``, 重算增减, the only signed figure)
and the reserves held at the end (``closing_10kt``, 年末保有). The figures must balance
exactly::

    opening − extracted − lost + new_proven + recalculated = closing

or the report is refused (:class:`~.errors.UnbalancedReserves`, naming ``closing_10kt``
with the computed value and the difference). Every figure is required (send 0 for none).

Decisions:

* The licence is a mining licence (采矿许可证, ``C…``) monitoring knows, its validity
  touching the year; the year lies between :data:`~.report.EARLIEST_YEAR` and the current
  year (CST), as for output reports.
* ``mineral`` is the licence's mineral (主矿种) or another mineral of the catalogue (a
  共伴生 mineral of the same deposit, reported in its own report). The licence's mineral
  is kept as the licence spells it (as output events carry it), another mineral under the
  catalogue's Chinese name; a name neither the licence nor the catalogue knows is an
  error. The checks that compare with the licence (ore mined, 开采回采率, service years)
  are made for the licence's mineral only.
* One report per licence, year and mineral; a correction (更正) keeps the three and says
  why (:func:`parse_reserves_correction`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from lode_common.limits import CODE_MAX

from .errors import FieldError, InvalidReservesReport, UnbalancedReserves
from .fields import FieldReader, shown
from .finding import fmt
from .licence import LicenceView
from .periods import cst_date
from .report import _licence_no, _matches_licence, _within_validity, _year, read_correction
from .standards import MonitoringStandards

UNSIGNED: Final = ("opening_10kt", "extracted_10kt", "lost_10kt", "new_proven_10kt", "closing_10kt")
"""The figures that are never negative."""
SIGNED: Final = "recalculated_10kt"
"""重算增减: a recalculation may add reserves or take them away."""
RESERVES_FIELDS: Final = ("licence_no", "year", "mineral", *UNSIGNED, SIGNED)
CORRECTION_KEEPS: Final = ("licence_no", "year", "mineral")


@dataclass(frozen=True)
class ReservesPolicy:
    """The bureau's settings the reserves rules apply (``LODE_MONITORING_RESERVES_*``).

    ``filing_due`` (month, day) of the following year is the last day a year's report is on
    time (CST), ``source`` the law the filing and its continuity rest on;
    ``extraction_tolerance_pct`` is how far ``extracted_10kt`` may lie from the year's
    ``ore_mined_10kt`` (a share of the latter), with the setting's own source."""

    filing_due: tuple[int, int]
    source: str
    extraction_tolerance_pct: Decimal
    extraction_tolerance_source: str

    def deadline(self, year: int) -> date:
        """The last day (CST) on which the reserves report for ``year`` is on time."""
        month, day = self.filing_due
        return date(year + 1, month, day)


@dataclass(frozen=True)
class ReservesReport:
    """A reserves report (储量年报) of a licence, year and mineral; quantities in 万吨 of ore.

    ``main``: the mineral is the licence's own (主矿种), not an associated one."""

    licence_no: str
    year: int
    mineral: str
    opening_10kt: Decimal
    extracted_10kt: Decimal
    lost_10kt: Decimal
    new_proven_10kt: Decimal
    recalculated_10kt: Decimal
    closing_10kt: Decimal
    main: bool = True

    @property
    def computed_closing_10kt(self) -> Decimal:
        """opening − extracted − lost + new_proven + recalculated (exact)."""
        return (
            self.opening_10kt
            - self.extracted_10kt
            - self.lost_10kt
            + self.new_proven_10kt
            + self.recalculated_10kt
        )

    @property
    def used_10kt(self) -> Decimal:
        """Reserves used up in the year (动用量): mined plus lost."""
        return self.extracted_10kt + self.lost_10kt


def unbalanced(report: ReservesReport) -> UnbalancedReserves | None:
    """The error of a report whose closing is not what its other figures give, else None."""
    computed = report.computed_closing_10kt
    closing = report.closing_10kt
    if computed == closing:
        return None
    difference = closing - computed
    message = (
        f"储量不平衡：年初保有 − 开采量 − 损失量 + 新增查明 + 重算增减 = {fmt(computed)} 万吨，"
        f"年末保有填报 {fmt(closing)} 万吨，相差 {fmt(difference)} 万吨 — "
        f"the reserves do not balance: opening − extracted − lost + new_proven + recalculated "
        f"= {fmt(computed)}, closing given {fmt(closing)}, difference {fmt(difference)} (万吨)"
    )
    return UnbalancedReserves(
        FieldError("closing_10kt", message),
        computed=computed,
        closing=closing,
        difference=difference,
    )


def _mineral(
    reader: FieldReader, standards: MonitoringStandards, licence: LicenceView | None
) -> tuple[str, bool] | None:
    """The mineral as stored and whether it is the licence's own, or None (error recorded)."""
    given = reader.text("mineral", max_length=CODE_MAX, required=True)
    if given is None:
        return None
    entry = standards.catalogue.lookup(given)
    if licence is not None:
        licensed = standards.catalogue.lookup(licence.mineral)
        same = (
            licensed == entry
            if licensed is not None and entry is not None
            else given == licence.mineral.strip()
        )
        if same:
            return licence.mineral, True
    if entry is None:
        named = f" (the licence's is {licence.mineral})" if licence is not None else ""
        reader.error(
            "mineral",
            f"unknown mineral {shown(given)}{named}: give the licence's mineral, or a Chinese "
            "name (铁矿) or code (iron) of the mineral catalogue for an associated mineral",
        )
        return None
    return entry.zh, licence is None


def _read(
    raw: object,
    standards: MonitoringStandards,
    today: date,
    licence: LicenceView | None,
    ignore: Collection[str],
) -> tuple[ReservesReport | None, list[FieldError]]:
    if not isinstance(raw, Mapping):
        return None, [FieldError("", "a reserves report must be a JSON object")]
    errors: list[FieldError] = []
    reader = FieldReader(raw, errors)
    number = _licence_no(reader, standards, required=True)
    _matches_licence(reader, number, licence)
    right = licence.right_type if licence is not None else None
    if right == "exploration" or (right is None and number is not None and number[0] == "T"):
        reader.error(
            "licence_no",
            "an exploration licence (探矿权) reports exploration results, not reserves "
            "(储量年报 is a mining licence's)",
        )
    year = _year(reader, today)
    mineral = _mineral(reader, standards, licence)
    figures = {name: reader.quantity(name, required=True, unit_hint=" 万吨") for name in UNSIGNED}
    recalculated = reader.quantity(SIGNED, required=True, unit_hint=" 万吨", signed=True)
    reader.reject_unknown(RESERVES_FIELDS, ignore)
    if year is not None:
        _within_validity(reader, licence, date(year, 1, 1), date(year, 12, 31), f"year {year}")
    if errors or number is None or year is None or mineral is None or recalculated is None:
        return None, errors
    values = {name: value for name, value in figures.items() if value is not None}
    if len(values) != len(UNSIGNED):
        return None, errors
    name, main = mineral
    return ReservesReport(
        licence_no=number,
        year=year,
        mineral=name,
        recalculated_10kt=recalculated,
        main=main,
        **values,
    ), []


def reserves_report_errors(
    raw: object,
    *,
    standards: MonitoringStandards,
    today: date | datetime,
    licence: LicenceView | None = None,
) -> list[FieldError]:
    """Every field error of a reserves report body, the balance included (empty: valid)."""
    report, errors = _read(raw, standards, cst_date(today), licence, ())
    off = unbalanced(report) if report is not None else None
    return list(off.errors) if off is not None else errors


def parse_reserves_report(
    raw: object,
    *,
    standards: MonitoringStandards,
    today: date | datetime,
    licence: LicenceView | None = None,
    ignore: Collection[str] = (),
) -> ReservesReport:
    """The reserves report of a body. :class:`~.errors.InvalidReservesReport` lists every bad
    field; a body whose fields are all valid but do not balance raises
    :class:`~.errors.UnbalancedReserves` (with the computed closing and the difference).

    ``licence`` (the licence named) adds the checks that need it: same number, a mining
    licence, the year within its validity, the mineral its own or the catalogue's."""
    report, errors = _read(raw, standards, cst_date(today), licence, ignore)
    if report is None:
        raise InvalidReservesReport(errors)
    off = unbalanced(report)
    if off is not None:
        raise off
    return report


@dataclass(frozen=True)
class ReservesCorrection:
    """A correction (更正) of a reserves report: the new version as parsed and as stored
    (the current body with the fields the correction sends), and the reason."""

    report: ReservesReport
    body: dict[str, object]
    reason: str


def parse_reserves_correction(
    current: Mapping[str, object],
    raw: object,
    *,
    standards: MonitoringStandards,
    today: date | datetime,
    licence: LicenceView | None = None,
) -> ReservesCorrection:
    """The correction ``raw`` makes to the ``current`` version's body: the figures it changes
    and a required ``reason``; the licence, year and mineral are kept. The new version must
    balance as a new report must (:class:`~.errors.UnbalancedReserves`)."""
    report, merged, reason = read_correction(
        current,
        raw,
        keeps=CORRECTION_KEEPS,
        what="reserves report",
        kept="licence, year and mineral",
        read=lambda body: _read(body, standards, cst_date(today), licence, ()),
        invalid=InvalidReservesReport,
    )
    off = unbalanced(report)
    if off is not None:
        raise off
    return ReservesCorrection(report, merged, reason)
