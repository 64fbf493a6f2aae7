"""The grant's periods in working days (调休 included) and the trade's rules, pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from lode_common.credit_code import with_check_character
from lode_common.workdays import WorkdayCalendar
from lode_licensing.domain.errors import InvalidInput
from lode_licensing.domain.grant_periods import (
    GrantRules,
    Offer,
    Standing,
    announcement_periods,
    best_offer,
    bid_problems,
    publicity,
    trade_result,
)

CAL = WorkdayCalendar()
RULES = GrantRules(20, 10, 10, 3, 3, {"announcement_workdays": "PROCEDURES.md"})
A, B, C = (with_check_character(f"91130881MA0G0000{n}") for n in (1, 2, 3))
NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def day(text: str) -> date:
    return date.fromisoformat(text)


def refused(**dates: Any) -> dict[str, str]:
    given = {"announced_on": "2026-02-02", "trade_from": "2026-03-09", "trade_to": "2026-03-20"}
    given.update(dates)
    with pytest.raises(InvalidInput) as error:
        announcement_periods(
            CAL,
            announced_on=day(given["announced_on"]),
            trade_from=day(given["trade_from"]),
            trade_to=day(given["trade_to"]),
            method=given.get("method", "listing"),
            rules=RULES,
        )
    return {e.field: e.message for e in error.value.errors}


def test_an_announcement_across_the_spring_festival_needs_a_week_more() -> None:
    # Monday 2 Feb 2026: the holiday (15-23 Feb) and its two 调休 Saturdays (14, 28 Feb)
    message = refused(trade_from="2026-03-06")["trade_from"]
    assert "公告期仅 19 个工作日（2026-02-03 至 2026-03-05），不少于 20 个工作日" in message
    assert "PROCEDURES.md" in message
    periods = announcement_periods(
        CAL,
        announced_on=day("2026-02-02"),
        trade_from=day("2026-03-09"),
        trade_to=day("2026-03-20"),
        method="listing",
        rules=RULES,
    )
    assert periods["announcement_workdays"].counted == 20
    assert periods["listing_workdays"].counted == 10


def test_a_weekend_worked_counts_and_a_holiday_does_not() -> None:
    # Sunday 20 Sep and Saturday 10 Oct 2026 are worked (国庆); 1-8 Oct are not
    counted = announcement_periods(
        CAL,
        announced_on=day("2026-09-10"),
        trade_from=day("2026-10-13"),
        trade_to=day("2026-10-13"),
        method="auction",
        rules=GrantRules(18, 10, 10, 3, 3),
    )
    assert counted["announcement_workdays"].counted == 18
    assert "listing_workdays" not in counted  # only a listing has a window to count


def test_a_listing_window_too_short_names_trade_to() -> None:
    errors = refused(trade_to="2026-03-19")
    assert set(errors) == {"trade_to"}
    assert "挂牌期仅 9 个工作日" in errors["trade_to"]
    auction = announcement_periods(
        CAL,
        announced_on=day("2026-02-02"),
        trade_from=day("2026-03-09"),
        trade_to=day("2026-03-09"),  # an auction's day: no window to count
        method="auction",
        rules=RULES,
    )
    assert set(auction) == {"announcement_workdays"}


def test_dates_out_of_order_or_of_an_unknown_year_are_refused_by_field() -> None:
    assert "trade_to" in refused(trade_to="2026-03-08")
    assert "trade_from" in refused(trade_from="2026-02-02")
    unknown = refused(trade_from="2027-03-01", trade_to="2027-03-12")
    assert set(unknown) == {"trade_from", "trade_to"}
    assert "2027" in unknown["trade_from"]


def test_the_publicity_ends_ten_working_days_after_the_conclusion() -> None:
    period = publicity(CAL, day("2026-03-23"), RULES)
    assert (period.first, period.last, period.counted) == (day("2026-03-24"), day("2026-04-07"), 10)
    with pytest.raises(InvalidInput) as error:
        publicity(CAL, day("2026-12-28"), RULES)
    assert error.value.errors[0].field == "concluded_on"


def problems(**changes: Any) -> dict[str, str]:
    given: dict[str, Any] = {
        "at": datetime(2026, 3, 10, 2, tzinfo=UTC),
        "now": NOW,
        "trade_from": day("2026-03-09"),
        "trade_to": day("2026-03-20"),
        "method": "listing",
        "amount": Decimal(1200),
        "starting": Decimal(1000),
        "best": None,
        "credit_code": A,
        "listed": None,
        **changes,
    }
    return {e.field: e.message for e in bid_problems(**given)}


def test_an_offer_in_the_window_above_the_best_is_accepted() -> None:
    assert problems() == {}
    assert problems(best=Decimal(1199)) == {}


def test_offers_are_refused_by_field() -> None:
    assert "future" in problems(at=NOW + timedelta(minutes=1))["at"]
    # 16:30 UTC on 20 March is 00:30 on 21 March in China
    assert "2026-03-21" in problems(at=datetime(2026, 3, 20, 16, 30, tzinfo=UTC))["at"]
    assert "起始价" in problems(amount=Decimal(999))["amount_cny_10k"]
    assert "1200" in problems(best=Decimal(1200))["amount_cny_10k"]
    assert problems(best=Decimal(1300), method="tender") == {}  # sealed offers
    assert "bidder.credit_code" in problems(credit_code=A[:-1] + ("0" if A[-1] != "0" else "1"))
    listed = Standing("L-1", "abnormal", "未按期公示", day("2026-01-05"), day("2027-01-05"))
    message = problems(listed=listed)["bidder.credit_code"]
    for cited in ("异常名录", "未按期公示", "2026-01-05", "2027-01-05", "L-1"):
        assert cited in message


def offer(code: str, amount: int, minute: int) -> Offer:
    return Offer(code, Decimal(amount), datetime(2026, 3, 10, 2, minute, tzinfo=UTC))


def test_the_best_offer_wins_the_earliest_of_equal_ones() -> None:
    offers = [offer(A, 1500, 3), offer(B, 1600, 5), offer(C, 1600, 4)]
    assert best_offer(offers) == offers[2]
    result = trade_result(offers, Decimal(1500), 3)
    assert (result.winner, result.reason, result.bidders) == (offers[2], None, 3)


@pytest.mark.parametrize(
    ("offers", "minimum", "reason", "bidders"),
    [
        ([], 1, "no_bids", 0),
        ([offer(A, 1600, 1), offer(A, 1700, 2), offer(B, 1800, 3)], 3, "too_few_bidders", 2),
        ([offer(A, 1100, 1), offer(B, 1499, 2), offer(C, 1200, 3)], 3, "reserve_not_reached", 3),
    ],
)
def test_a_trade_fails_without_an_offer_enough_bidders_or_the_reserve(
    offers: list[Offer], minimum: int, reason: str, bidders: int
) -> None:
    result = trade_result(offers, Decimal(1500), minimum)
    assert (result.winner, result.reason, result.bidders) == (None, reason, bidders)


def test_a_listing_needs_one_bidder() -> None:
    assert RULES.min_bidders("listing") == 1
    assert (RULES.min_bidders("auction"), RULES.min_bidders("tender")) == (3, 3)
    assert trade_result([offer(A, 1500, 1)], Decimal(1500), 1).winner is not None
