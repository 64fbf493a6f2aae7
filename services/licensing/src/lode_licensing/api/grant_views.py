"""What the grant routes answer, as JSON, and to whom.

The reserve price (底价) is shown only to licensing officers (the admin holds every role)
until the trade concludes; a failed grant keeps it secret, since it is announced again.
Offers are shown to officers; other staff see, once concluded, only how many there were
and the winning one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from lode_common import auth
from lode_common.auth import Principal
from lode_common.jsonable import jsonable
from lode_common.workdays import WorkdayCalendar
from lode_licensing.adapters.tables import Bid, Grant, GrantStep
from lode_licensing.domain import grant_workflow as flow
from lode_licensing.domain.grant_periods import (
    ANNOUNCEMENT,
    LISTING,
    PUBLICITY,
    GrantRules,
)
from lode_licensing.handlers.grants import state_of

NOT_COUNTED_BY_ZONE = frozenset({"administrative_boundary"})
"""Zone types every grant lies in (the region's boundary): no information in a count."""


def _aware(moment: datetime) -> datetime:
    """A stored instant (UTC; SQLite gives it back without its zone)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _at(moment: datetime | None) -> str | None:
    return _aware(moment).isoformat() if moment is not None else None


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def sees_reserve(viewer: Principal, row: Grant) -> bool:
    """Whether ``viewer`` may read the grant's reserve price (底价) now."""
    return viewer.has(auth.LICENSING_OFFICER) or row.status in flow.CONCLUDED_STATUSES


def _period(
    calendar: WorkdayCalendar, first: date, last: date, required: int, source: str
) -> dict[str, Any]:
    try:
        counted: int | None = calendar.within(first, last)
    except ValueError:  # OutsideCalendar too: a year whose schedule is not known any more
        counted = None
    return {
        "counted": counted,
        "required": required,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "source": source,
    }


def periods(row: Grant, calendar: WorkdayCalendar, rules: GrantRules) -> dict[str, Any]:
    """The periods as counted now (the requirement: the setting in force)."""
    found: dict[str, Any] = {}
    sources = rules.sources
    if row.announced_on and row.trade_from and row.trade_to:
        first = date.fromordinal(row.announced_on.toordinal() + 1)
        last = date.fromordinal(row.trade_from.toordinal() - 1)
        found[ANNOUNCEMENT] = _period(
            calendar, first, last, rules.announcement_workdays, sources.get(ANNOUNCEMENT, "")
        )
        if row.method == "listing":
            found[LISTING] = _period(
                calendar,
                row.trade_from,
                row.trade_to,
                rules.listing_workdays,
                sources.get(LISTING, ""),
            )
    if row.concluded_on and row.publicity_until:
        first = date.fromordinal(row.concluded_on.toordinal() + 1)
        found[PUBLICITY] = _period(
            calendar,
            first,
            row.publicity_until,
            rules.publicity_workdays,
            sources.get(PUBLICITY, ""),
        )
    return found


def bid(row: Bid) -> dict[str, Any]:
    return {
        "id": row.id,
        "grant_id": row.grant_id,
        "announcement": row.announcement,
        "bidder": {"name": row.bidder_name, "credit_code": row.bidder_credit_code},
        "amount_cny_10k": jsonable(row.amount_cny_10k),
        "at": _at(row.at),
        "recorded_by": row.recorded_by,
        "recorded_at": _at(row.recorded_at),
    }


def bids(row: Grant, every: Sequence[Bid], viewer: Principal) -> dict[str, Any] | None:
    """The offers as ``viewer`` may see them; None when not at all."""
    officer = viewer.has(auth.LICENSING_OFFICER)
    concluded = row.status in flow.CONCLUDED_STATUSES
    if not officer and not concluded:
        return None
    current = [b for b in every if b.announcement == row.announcement]
    won = [
        b
        for b in current
        if concluded
        and b.bidder_credit_code == row.winner_credit_code
        and b.amount_cny_10k == row.price_cny_10k
    ]
    winning = bid(min(won, key=lambda b: _aware(b.at))) if won else None
    shown: dict[str, Any] = {
        "count": len(current),
        "bidders": len({b.bidder_credit_code for b in current}),
        "winning": winning,
    }
    if officer:
        shown["items"] = [bid(b) for b in every]
    return shown


def step(record: GrantStep) -> dict[str, Any]:
    return {
        "action": record.action,
        "from": record.from_status or None,
        "to": record.to_status,
        "actor": record.actor,
        "role": record.role,
        "at": _at(record.at),
        "note": record.note,
    }


def grant(
    row: Grant,
    viewer: Principal,
    calendar: WorkdayCalendar,
    rules: GrantRules,
    *,
    steps: Sequence[GrantStep] | None = None,
    every_bid: Sequence[Bid] | None = None,
) -> dict[str, Any]:
    """A grant as ``viewer`` may see it (with its steps and bids when given)."""
    view: dict[str, Any] = {
        "id": row.id,
        "year": row.year,
        "right_type": row.right_type,
        "mineral": row.mineral,
        "method": row.method,
        "area": row.area,
        "area_lonlat": row.area_lonlat,
        "area_ha": jsonable(row.area_ha),
        "zones": row.zones,
        "mining_method": row.mining_method,
        "capacity": {"value": jsonable(row.capacity_value), "unit": row.capacity_unit}
        if row.capacity_value is not None
        else None,
        "reserves_10kt": jsonable(row.reserves_10kt),
        "term_years": row.term_years,
        "starting_price_cny_10k": jsonable(row.starting_price_cny_10k),
        "clean_grant": row.clean_grant,
        "status": row.status,
        "checks": row.checks,
        "verdict": row.verdict,
        "plan_id": row.plan_id,
        "plan_version": row.plan_version,
        "announcement": row.announcement,
        "announced_on": _day(row.announced_on),
        "trade_from": _day(row.trade_from),
        "trade_to": _day(row.trade_to),
        "periods": periods(row, calendar, rules),
        "concluded_on": _day(row.concluded_on),
        "publicity_until": _day(row.publicity_until),
        "winner": {"name": row.winner_name, "credit_code": row.winner_credit_code}
        if row.winner_credit_code
        else None,
        "price_cny_10k": jsonable(row.price_cny_10k),
        "failed_on": _day(row.failed_on),
        "failed_reason": row.failed_reason,
        "signed_on": _day(row.signed_on),
        "contract_ref": row.contract_ref,
        "instalments": row.instalments,
        "allowed_actions": list(flow.allowed_actions(state_of(row))),
        "created_by": row.created_by,
        "created_at": _at(row.created_at),
        "updated_at": _at(row.updated_at),
    }
    if sees_reserve(viewer, row):
        view["reserve_price_cny_10k"] = jsonable(row.reserve_price_cny_10k)
    if steps is not None:
        view["steps"] = [step(s) for s in steps]
    if every_bid is not None:
        shown = bids(row, every_bid, viewer)
        if shown is not None:
            view["bids"] = shown
    return view


def summary(
    rows: Sequence[tuple[str, str, list[dict[str, Any]], Decimal | None]],
) -> dict[str, Any]:
    """The year's grant plan in figures, over ``(mineral, status, zones, price)`` of each
    grant: counts by mineral (and status), by zone, by status, and the prices concluded."""
    by_mineral: dict[str, dict[str, int]] = {}
    by_zone: dict[str, dict[str, Any]] = {}
    by_status: dict[str, int] = {}
    total = Decimal(0)
    for mineral, status, zones, price in rows:
        statuses = by_mineral.setdefault(mineral, {})
        statuses[status] = statuses.get(status, 0) + 1
        by_status[status] = by_status.get(status, 0) + 1
        for zone in zones or ():
            if zone.get("type") in NOT_COUNTED_BY_ZONE:
                continue
            key = str(zone.get("zone_id"))
            entry = by_zone.setdefault(
                key, {k: zone.get(k) for k in ("zone_id", "type", "code", "name_zh")} | {"count": 0}
            )
            entry["count"] += 1
        total += price or 0
    return {
        "by_mineral": [
            {"mineral": m, "count": sum(s.values()), "by_status": dict(sorted(s.items()))}
            for m, s in sorted(by_mineral.items())
        ],
        "by_zone": sorted(by_zone.values(), key=lambda z: (z["type"], z["code"], z["zone_id"])),
        "by_status": dict(sorted(by_status.items())),
        "price_total_cny_10k": jsonable(total),
    }
