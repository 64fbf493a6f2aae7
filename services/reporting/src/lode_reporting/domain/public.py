"""What the public disclosure (信息公示, issue 18) shows, and of which years: pure, no I/O.

The public sees the licences in force, decided applications, grants and their results, the
supervision lists and random inspections, from reporting's read models; never a check's
details, a reserve price (底价: no event carries one), a staff member's name (no event
carries one either) or a key. The rules that decide a value's publication are here, where a
test reads them without a database: a grant's winner and price only once its trade is
concluded (成交), a rejection's reason only for a rejection, a listing only while it stands,
an inspection item only by its name and whether it was found as filed.

Figures in law (checked against secondary sources, not the official gazette):
政府信息公开条例 (2019) art. 20(五) lists 办理行政许可…的办理结果 among what is disclosed
actively, and art. 26 wants it public within 20 working days (20个工作日) of its making;
行政许可法 art. 40 makes an approval (准予行政许可决定) public; art. 38 wants a rejection's
reasons given to the applicant, and publishing them is the bureau's choice
(``LODE_REPORTING_PUBLIC_REJECTION_REASONS``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Final, Literal

from shapely.errors import ShapelyError
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.polygon import orient

from lode_common.demo.pingquan import geodesic_area_ha
from lode_reporting.domain.measures import IN_FORCE, LicenceVersion
from lode_reporting.domain.plan import YearOutsidePlan, check_year_in_force

Decision = Literal["approved", "rejected"]
GrantStatus = Literal["announced", "concluded", "failed", "contracted"]
ListName = Literal["abnormal", "serious_violation"]

PAGE_DEFAULT: Final = 50
PAGE_MAX: Final = 200
"""A public list's page: ``limit`` 1..200, 50 unless asked."""
RECENT_DECISION_DAYS: Final = 30
"""The summary counts the decisions of the last 30 days (today included): Lode's own
window for the page's header, not a figure of law."""
HA_QUANTUM: Final = Decimal("0.0001")
"""Hectares to 0.0001 ha (1 m²), as zoning rounds them."""
RESULT_PUBLIC: Final = frozenset({"concluded", "contracted"})
"""A grant's statuses whose winner and price are public (成交结果公示): after conclusion.
Before, the trade is open and only the announcement (公告) and starting price are."""


# --- years ---------------------------------------------------------------------------------
def years(plan_period: tuple[int, int] | None, this_year: int) -> tuple[int, int]:
    """The years the public may ask about: those the plan governed (its period, then each
    year up to this one while no successor replaced it), or this year alone before any plan
    has reached reporting."""
    if plan_period is None:
        return this_year, this_year
    first, last = plan_period
    return first, max(last, this_year)


def check_year(plan_period: tuple[int, int] | None, year: int, *, this_year: int) -> None:
    """``year`` is one of :func:`years`; :class:`YearOutsidePlan` (a 422 naming ``year``)
    otherwise. With a plan this is :func:`~lode_reporting.domain.plan.check_year_in_force`."""
    if plan_period is not None:
        check_year_in_force(plan_period, year, this_year=this_year)
        return
    if year != this_year:
        raise YearOutsidePlan(
            f"年度 {year} 无可公示信息：规划尚未送达，只能查询本年度 {this_year} / no plan has "
            f"reached reporting yet: only this year, {this_year}, can be asked for"
        )


# --- licences ------------------------------------------------------------------------------
def in_force_during(versions: Iterable[LicenceVersion], year: int) -> set[str]:
    """The licences in force (active or suspended, and within their validity) on at least one
    day of ``year``. A licence's state holds from its version's ``effective_on`` until the
    next version's (at the same day, the greater event id states it, as
    :func:`~lode_reporting.domain.measures.mines_at_year_end` reads them)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    by_licence: dict[str, list[LicenceVersion]] = {}
    for version in versions:
        by_licence.setdefault(version.licence_no, []).append(version)
    found: set[str] = set()
    for licence_no, states in by_licence.items():
        states.sort(key=lambda v: (v.effective_on, v.event_id))
        for i, state in enumerate(states):
            if state.status not in IN_FORCE:
                continue
            start = max(state.effective_on, state.valid_from, first)
            end = min(state.valid_to, last)
            if i + 1 < len(states):
                end = min(end, states[i + 1].effective_on - timedelta(days=1))
            if start <= end:
                found.add(licence_no)
                break
    return found


def area_ha(geometry: Mapping[str, Any] | None) -> Decimal | None:
    """The area in hectares (公顷) of a licence's area as its event carries it (GeoJSON,
    CRS84), measured on the GRS80 ellipsoid (CGCS2000's) with
    :func:`lode_common.demo.pingquan.geodesic_area_ha`: within 0.05% of the Gauss-Kruger
    plane area zoning computes (reporting has no projection of its own to measure in).
    ``None`` when there is no area or it is not a polygon."""
    if not geometry:
        return None
    try:
        read = shape(geometry)
    except (ShapelyError, ValueError, TypeError, KeyError, AttributeError, IndexError):
        return None
    polygons = [read] if isinstance(read, Polygon) else []
    if isinstance(read, MultiPolygon):
        polygons = list(read.geoms)
    if not polygons:
        return None
    total = sum(geodesic_area_ha(orient(polygon)) for polygon in polygons if not polygon.is_empty)
    return Decimal(repr(float(total))).quantize(HA_QUANTUM, rounding=ROUND_HALF_EVEN)


# --- decisions -----------------------------------------------------------------------------
def decision_reason(decision: str, reason: str | None, *, publish: bool) -> str | None:
    """A rejection's reason (不予许可的理由), when the bureau publishes them; an approval's
    reason never (it is the officers' note, not part of the decision the public sees)."""
    return reason if publish and decision == "rejected" else None


def decision_licence(decision: str, licence_no: str | None) -> str | None:
    """The licence an approval issued or concerns; none for a rejection."""
    return licence_no if decision == "approved" else None


def recent_since(today: date, days: int = RECENT_DECISION_DAYS) -> date:
    """The first day of the last ``days`` days, today included."""
    return today - timedelta(days=days - 1)


# --- grants --------------------------------------------------------------------------------
def result_public(status: str) -> bool:
    """Whether a grant's winner, price, publicity and contract may be shown: once concluded."""
    return status in RESULT_PUBLIC


# --- lists ---------------------------------------------------------------------------------
def on_list(status: str, until: date | None, today: date) -> bool:
    """An enterprise stands on a list today: listed, not released, and its term (if it has
    one) not over. A term past its end with no release recorded yet is not shown: naming an
    enterprise after its term would wrong it."""
    return status == "listed" and (until is None or until >= today)
