"""The year's supervision and enforcement (监督检查) as reporting shows it: random inspection
draws (双随机抽查), inspections (检查结果), rectification orders (责令限期整改) and the
supervision lists (异常名录, 严重违法失信名单). Pure, no I/O.

These reach reporting only by monitoring's events, none of which names an inspector: staff
names are not for the read models the public pages are built from, and nothing here knows
them.

Which event states a record's present state is decided by :func:`supersedes` on each one's
:func:`rank`: the later event (at the same instant, the greater event id, so that the choice
never depends on arrival order). An older event arriving late only fills what the record
lacks. An order's status is read from what its events established (:func:`order_status`),
never from the last one to arrive, so a late event cannot reopen a rectified order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Literal

from lode_common.events.supervision import INSPECTION_ITEM_ZH

InspectionResult = Literal["compliant", "non_compliant"]
OrderStatus = Literal["open", "overdue", "done"]
"""整改期内 (not yet due, or due and not yet found overdue) / 逾期未整改 / 已整改."""
ListName = Literal["abnormal", "serious_violation"]
Verification = Literal["done", "not_done"]

LISTS: Final[tuple[ListName, ...]] = ("abnormal", "serious_violation")
LIST_ZH: Final[dict[str, str]] = {"abnormal": "异常名录", "serious_violation": "严重违法失信名单"}
RESULT_ZH: Final[dict[str, str]] = {"compliant": "未发现问题", "non_compliant": "发现问题"}
ORDER_STATUS_ZH: Final[dict[str, str]] = {
    "open": "整改期内",
    "overdue": "逾期未整改",
    "done": "已整改",
}
ITEM_ZH: Final[dict[str, str]] = INSPECTION_ITEM_ZH
"""The inspection items monitoring compares with the filing (issue 17: output, the three
rates 三率, reserves, restoration, boundary), named once in the event contract."""

Rank = tuple[datetime, str]
"""(the event's time, its id)."""


def rank(time: datetime, event_id: str) -> Rank:
    """Where an event or a row stands in a record's history (:func:`supersedes`)."""
    return time, event_id


def supersedes(event: Rank, row: Rank) -> bool:
    """Whether an event states the record's present state over the row's: it is later, or at
    the same instant has the greater id (the same event again states it again, which changes
    nothing)."""
    return event >= row


def order_status(verification: str | None, overdue_on: date | None) -> OrderStatus:
    """已整改 once a verification found it done (整改核查: done), whatever came before or
    arrives late; else 逾期未整改 once the daily job found it past due; else 整改期内."""
    if verification == "done":
        return "done"
    return "overdue" if overdue_on is not None else "open"


def item_zh(item: str) -> str:
    return ITEM_ZH.get(item, item)


@dataclass(frozen=True, slots=True, kw_only=True)
class Draw:
    """A random inspection draw (双随机抽查): the licences in force it was drawn from (the
    population, in the order the draw read them), the seed and the algorithm, so anyone can
    redraw it, and the licences drawn."""

    draw_id: str
    year: int
    ratio_pct: Decimal
    seed: str
    algorithm: str
    population: tuple[str, ...]
    drawn: tuple[str, ...]
    drawn_on: date

    @property
    def drawn_pct(self) -> Decimal:
        """The share of the population drawn (%), two decimals."""
        return percent(len(self.drawn), len(self.population))


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One item of an inspection (检查事项): what the mine filed against what was found."""

    item: str
    filed: str | float | None = None
    found: str | float | None = None
    ok: bool
    false_filing: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Inspection:
    """An inspection's result (检查结果), with its items; no inspector's name."""

    inspection_id: str
    licence_no: str
    credit_code: str
    holder_name: str
    draw_id: str | None
    year: int
    inspected_on: date
    result: InspectionResult
    items: tuple[Item, ...] = ()
    finding_id: str | None = None

    @property
    def discrepancies(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if not i.ok)


@dataclass(frozen=True, slots=True, kw_only=True)
class Order:
    """A rectification order (责令限期整改通知) as far as its events went."""

    order_id: str
    licence_no: str
    credit_code: str
    holder_name: str
    finding_ids: tuple[str, ...]
    requirement: str
    ordered_on: date
    due: date
    status: OrderStatus
    verified_on: date | None = None
    verification: Verification | None = None
    overdue_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Listing:
    """An enterprise's place on a supervision list (列入 … 移出). A release that arrived
    before its listing leaves ``listed_on`` empty until the listing comes."""

    listing_id: str
    credit_code: str
    name: str
    list: ListName
    reason: str | None = None
    listed_on: date | None = None
    until: date | None = None
    released_on: date | None = None
    release_reason: str | None = None

    def on_list(self, day: date) -> bool:
        """On the list at the end of ``day``: listed by then and not released by then."""
        listed = self.listed_on is not None and self.listed_on <= day
        return listed and (self.released_on is None or self.released_on > day)


def percent(part: int, whole: int) -> Decimal:
    if whole == 0:
        return Decimal(0)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True, slots=True, kw_only=True)
class DrawSummary:
    """The year's draws: how many, the licences they were drawn from and drawn (summed over
    the draws) and the share drawn (%)."""

    count: int = 0
    population: int = 0
    drawn: int = 0
    drawn_pct: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemCount:
    """How many inspections found an item not as filed (and how many of those false)."""

    item: str
    count: int
    false_filings: int


@dataclass(frozen=True, slots=True, kw_only=True)
class InspectionSummary:
    """The year's inspections: ``count``, their results, the enterprises inspected and
    found with problems (户, by credit code), and the items found not as filed."""

    count: int = 0
    compliant: int = 0
    non_compliant: int = 0
    enterprises: int = 0
    enterprises_non_compliant: int = 0
    by_item: tuple[ItemCount, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderSummary:
    """The year's orders (by the day they were issued) and where each stands now:
    ``issued`` = ``done`` + ``overdue`` + ``open``."""

    issued: int = 0
    done: int = 0
    overdue: int = 0
    open: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ListCount:
    """One list in the year: enterprises listed, released, and on it at ``as_of``."""

    list: ListName
    listed: int = 0
    released: int = 0
    on_list: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class SupervisionYear:
    """The year's draws, inspections, orders and list changes, counted. ``as_of`` is the
    day the lists are counted at: the year's end, or today within the year."""

    year: int
    as_of: date
    draws: tuple[Draw, ...] = ()
    inspections: tuple[Inspection, ...] = ()
    orders: tuple[Order, ...] = ()
    listings: tuple[Listing, ...] = ()
    """Listed or released in the year, or on a list at ``as_of``."""
    draw_summary: DrawSummary = field(default_factory=DrawSummary)
    inspection_summary: InspectionSummary = field(default_factory=InspectionSummary)
    order_summary: OrderSummary = field(default_factory=OrderSummary)
    list_counts: tuple[ListCount, ...] = ()

    @property
    def none(self) -> bool:
        """Nothing to report: no draw, inspection, order or listing of the year."""
        return not (self.draws or self.inspections or self.orders or self.listings)

    def on_list(self, name: ListName) -> int:
        return next((c.on_list for c in self.list_counts if c.list == name), 0)


def _in(day: date | None, year: int) -> bool:
    return day is not None and day.year == year


def draw_summary(draws: Iterable[Draw]) -> DrawSummary:
    every = list(draws)
    population = sum(len(d.population) for d in every)
    drawn = sum(len(d.drawn) for d in every)
    return DrawSummary(
        count=len(every), population=population, drawn=drawn, drawn_pct=percent(drawn, population)
    )


def inspection_summary(inspections: Iterable[Inspection]) -> InspectionSummary:
    every = list(inspections)
    found: Counter[str] = Counter()
    false: Counter[str] = Counter()
    for inspection in every:
        for item in inspection.discrepancies:
            found[item.item] += 1
            false[item.item] += item.false_filing
    return InspectionSummary(
        count=len(every),
        compliant=sum(1 for i in every if i.result == "compliant"),
        non_compliant=sum(1 for i in every if i.result == "non_compliant"),
        enterprises=len({i.credit_code for i in every}),
        enterprises_non_compliant=len(
            {i.credit_code for i in every if i.result == "non_compliant"}
        ),
        by_item=tuple(
            ItemCount(item=item, count=count, false_filings=false[item])
            for item, count in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
        ),
    )


def order_summary(orders: Iterable[Order]) -> OrderSummary:
    statuses = Counter(o.status for o in orders)
    return OrderSummary(
        issued=statuses.total(),
        done=statuses["done"],
        overdue=statuses["overdue"],
        open=statuses["open"],
    )


def list_counts(listings: Iterable[Listing], year: int, as_of: date) -> tuple[ListCount, ...]:
    """Per list: enterprises (by credit code) listed in the year, released in it, and on the
    list at ``as_of``."""
    every = list(listings)

    def enterprises(name: str, chosen: Iterable[Listing]) -> int:
        return len({item.credit_code for item in chosen if item.list == name})

    return tuple(
        ListCount(
            list=name,
            listed=enterprises(name, (i for i in every if _in(i.listed_on, year))),
            released=enterprises(name, (i for i in every if _in(i.released_on, year))),
            on_list=enterprises(name, (i for i in every if i.on_list(as_of))),
        )
        for name in LISTS
    )


def supervision_year(
    year: int,
    *,
    as_of: date,
    draws: Iterable[Draw],
    inspections: Iterable[Inspection],
    orders: Iterable[Order],
    listings: Iterable[Listing],
) -> SupervisionYear:
    """The year's records in date order, counted. ``draws`` and ``inspections`` are the
    year's (by their ``year``), ``orders`` those issued in it; ``listings`` may hold any, and
    those neither changed in the year nor on a list at ``as_of`` are left out."""
    year_draws = tuple(
        sorted((d for d in draws if d.year == year), key=lambda d: (d.drawn_on, d.draw_id))
    )
    year_inspections = tuple(
        sorted(
            (i for i in inspections if i.year == year),
            key=lambda i: (i.inspected_on, i.inspection_id),
        )
    )
    year_orders = tuple(
        sorted(
            (o for o in orders if o.ordered_on.year == year),
            key=lambda o: (o.ordered_on, o.order_id),
        )
    )
    year_listings = tuple(
        sorted(
            (
                i
                for i in listings
                if _in(i.listed_on, year) or _in(i.released_on, year) or i.on_list(as_of)
            ),
            key=lambda i: (i.listed_on or i.released_on or date.min, i.listing_id),
        )
    )
    return SupervisionYear(
        year=year,
        as_of=as_of,
        draws=year_draws,
        inspections=year_inspections,
        orders=year_orders,
        listings=year_listings,
        draw_summary=draw_summary(year_draws),
        inspection_summary=inspection_summary(year_inspections),
        order_summary=order_summary(year_orders),
        list_counts=list_counts(year_listings, year, as_of),
    )


def counted_at(year: int, today: date) -> date:
    """The day a year's lists are counted at: its last day, or today while it runs."""
    return min(date(year, 12, 31), today)
