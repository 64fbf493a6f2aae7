"""The periods and the trade rules of a competitive grant, counted in working days.

* the announcement (出让公告) stands at least ``announcement_workdays`` working days before
  the trade starts, counted strictly between the two days (民法典 art. 201: the day of the
  announcement is not counted, nor the first day of the trade);
* a listing (挂牌) stays open at least ``listing_workdays`` working days, both ends counted;
* the result stands in publicity (结果公示) ``publicity_workdays`` working days after the
  conclusion, and the contract is signed from its last day;
* an offer is recorded only for a day of the window, not in the future, at or above the
  starting price, above the best offer so far (auction, listing), from a bidder on no list;
* the best offer (ties: the earliest) at or above the reserve price wins, if enough
  bidders came (auction, tender); otherwise the trade fails (流拍).

Working days are those of :class:`lode_common.workdays.WorkdayCalendar` (调休 included); a
date of a year whose schedule is not known is refused, naming the field, never guessed.
The numbers come from the settings (:class:`GrantRules`), each with its source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final

from lode_common.credit_code import credit_code_problem
from lode_common.cst import cst_date
from lode_common.workdays import OutsideCalendar, WorkdayCalendar

from .checks.result import fmt
from .errors import FieldError, InvalidInput
from .grant_law import LIST_ZH, RISING_METHODS, FailureReason, GrantMethod

ANNOUNCEMENT: Final = "announcement_workdays"
LISTING: Final = "listing_workdays"
PUBLICITY: Final = "publicity_workdays"


@dataclass(frozen=True)
class GrantRules:
    """The procedure's numbers as the deployment sets them, each with its source."""

    announcement_workdays: int
    listing_workdays: int
    publicity_workdays: int
    auction_min_bidders: int
    tender_min_bidders: int
    sources: Mapping[str, str] = field(default_factory=dict)

    def min_bidders(self, method: GrantMethod) -> int:
        """The fewest distinct bidders a trade of ``method`` needs (a listing: one)."""
        if method == "auction":
            return self.auction_min_bidders
        if method == "tender":
            return self.tender_min_bidders
        return 1


@dataclass(frozen=True)
class PeriodCount:
    """A period as counted: working days from ``first`` to ``last`` (both counted), what
    the setting requires, and where the requirement comes from."""

    counted: int
    required: int
    first: date
    last: date
    source: str


def _known(calendar: WorkdayCalendar, days: Mapping[str, date], errors: list[FieldError]) -> bool:
    """Whether every day's year is in the calendar; a FieldError naming each that is not."""
    for name, day in days.items():
        try:
            calendar.is_workday(day)
        except OutsideCalendar as exc:
            errors.append(FieldError(name, str(exc)))
    return not errors


def announcement_periods(
    calendar: WorkdayCalendar,
    *,
    announced_on: date,
    trade_from: date,
    trade_to: date,
    method: GrantMethod,
    rules: GrantRules,
) -> dict[str, PeriodCount]:
    """The announcement period and (a listing) the listing window, counted; InvalidInput
    naming each field that is short, with the count and the days counted."""
    errors: list[FieldError] = []
    days = {"announced_on": announced_on, "trade_from": trade_from, "trade_to": trade_to}
    if not _known(calendar, days, errors):
        raise InvalidInput(errors)
    if trade_from <= announced_on:
        errors.append(
            FieldError(
                "trade_from",
                f"交易须在公告之后开始 / the trade starts after the announcement "
                f"({announced_on}), not on {trade_from}",
            )
        )
    if trade_to < trade_from:
        errors.append(
            FieldError(
                "trade_to",
                f"交易截止日 {trade_to} 早于起始日 {trade_from} / the trade ends before it starts",
            )
        )
    if errors:
        raise InvalidInput(errors)
    first, last = announced_on + timedelta(days=1), trade_from - timedelta(days=1)
    periods = {
        ANNOUNCEMENT: _count(calendar, first, last, rules, ANNOUNCEMENT, errors, "trade_from")
    }
    if method == "listing":
        periods[LISTING] = _count(
            calendar, trade_from, trade_to, rules, LISTING, errors, "trade_to"
        )
    if errors:
        raise InvalidInput(errors)
    return periods


_WORDS: Final = {
    ANNOUNCEMENT: ("公告期", "the announcement stands"),
    LISTING: ("挂牌期", "the listing stays open"),
}


def _count(
    calendar: WorkdayCalendar,
    first: date,
    last: date,
    rules: GrantRules,
    setting: str,
    errors: list[FieldError],
    field_name: str,
) -> PeriodCount:
    required: int = getattr(rules, setting)
    try:
        counted = calendar.within(first, last)
    except ValueError as exc:  # a span of years: a typing error, said as it is
        errors.append(FieldError(field_name, str(exc)))
        counted = 0
    period = PeriodCount(counted, required, first, last, rules.sources.get(setting, ""))
    if counted < required and not any(e.field == field_name for e in errors):
        zh, en = _WORDS[setting]
        errors.append(
            FieldError(
                field_name,
                f"{zh}仅 {counted} 个工作日（{first} 至 {last}），不少于 {required} 个工作日 / "
                f"{en} {counted} working days ({first} to {last}), at least {required} "
                f"(grant_{setting}: {period.source or 'the setting'})",
            )
        )
    return period


def publicity(calendar: WorkdayCalendar, concluded_on: date, rules: GrantRules) -> PeriodCount:
    """The result's publicity (结果公示): the ``publicity_workdays`` working days after the
    conclusion; InvalidInput on ``concluded_on`` when they run into an unknown year."""
    try:
        until = calendar.add(concluded_on, rules.publicity_workdays)
    except OutsideCalendar as exc:
        raise InvalidInput([FieldError("concluded_on", str(exc))]) from None
    first = concluded_on + timedelta(days=1)
    return PeriodCount(
        rules.publicity_workdays,
        rules.publicity_workdays,
        first,
        until,
        rules.sources.get(PUBLICITY, ""),
    )


@dataclass(frozen=True)
class Offer:
    """An offer (报价) recorded in the trade: the bidder's credit code, amount and moment."""

    credit_code: str
    amount_cny_10k: Decimal
    at: datetime
    name: str = ""


@dataclass(frozen=True)
class Standing:
    """A list (名录) an enterprise is on, as monitoring announced it."""

    listing_id: str
    list: str
    reason: str
    listed_on: date
    until: date | None = None


def bid_problems(
    *,
    at: datetime,
    now: datetime,
    trade_from: date,
    trade_to: date,
    method: GrantMethod,
    amount: Decimal,
    starting: Decimal,
    best: Decimal | None,
    credit_code: str,
    listed: Standing | None,
) -> list[FieldError]:
    """What refuses an offer; empty when it may be recorded."""
    errors: list[FieldError] = []
    if at > now:
        errors.append(
            FieldError("at", f"报价时间 {at.isoformat()} 晚于当前时间 / the offer is in the future")
        )
    else:
        day = cst_date(at)
        if not trade_from <= day <= trade_to:
            errors.append(
                FieldError(
                    "at",
                    f"{day}（北京时间）不在交易期 {trade_from} 至 {trade_to} 内 / the offer's day "
                    f"(CST) is outside the trade window {trade_from} to {trade_to}",
                )
            )
    if amount < starting:
        errors.append(
            FieldError(
                "amount_cny_10k",
                f"报价 {fmt(amount)} 万元低于起始价 {fmt(starting)} 万元 / the offer is below "
                "the starting price",
            )
        )
    elif method in RISING_METHODS and best is not None and amount <= best:
        errors.append(
            FieldError(
                "amount_cny_10k",
                f"报价 {fmt(amount)} 万元未高于当前最高报价 {fmt(best)} 万元 / an offer must be "
                f"above the best so far ({fmt(best)} 万元)",
            )
        )
    problem = credit_code_problem(credit_code)
    if problem is not None:
        errors.append(FieldError("bidder.credit_code", problem))
    elif listed is not None:
        term = f"，期限至 {listed.until}" if listed.until else ""
        named = LIST_ZH.get(listed.list, listed.list)
        errors.append(
            FieldError(
                "bidder.credit_code",
                f"{credit_code} 已列入{named}（原因：{listed.reason}；{listed.listed_on} 列入"
                f"{term}；名录记录 {listed.listing_id}），不得参与竞买 / the bidder is on that "
                f"list since {listed.listed_on} (listing {listed.listing_id})",
            )
        )
    return errors


def best_offer(offers: Sequence[Offer]) -> Offer | None:
    """The highest offer; of equal ones, the earliest."""
    return min(offers, key=lambda o: (-o.amount_cny_10k, o.at), default=None)


@dataclass(frozen=True)
class TradeResult:
    """A trade's result: the winning offer, or why the trade failed (流拍)."""

    winner: Offer | None
    reason: FailureReason | None
    bidders: int


def trade_result(offers: Sequence[Offer], reserve: Decimal, minimum_bidders: int) -> TradeResult:
    """The best offer at or above the reserve price wins; no offer, too few distinct
    bidders (fewer than ``minimum_bidders``) or none reaching the reserve: failed."""
    bidders = len({o.credit_code for o in offers})
    best = best_offer(offers)
    if best is None:
        return TradeResult(None, "no_bids", 0)
    if bidders < minimum_bidders:
        return TradeResult(None, "too_few_bidders", bidders)
    if best.amount_cny_10k < reserve:
        return TradeResult(None, "reserve_not_reached", bidders)
    return TradeResult(best, None, bidders)
