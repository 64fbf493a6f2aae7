"""When the demo's competitive grants (示意) happened: each one's days from its announcement.

Pure data: no database, no HTTP. Only the day a grant was announced and its method are
chosen (:class:`Trade`); every later day is counted from it in working days of the State
Council's schedule (:class:`lode_common.workdays.WorkdayCalendar`, 调休 included), with the
procedure's periods as the deployment sets them (:class:`GrantRules`, the settings
``grant_*_workdays``), each period at its shortest:

* the trade starts on the first working day after the announcement's working days
  (counted strictly between, 民法典 art. 201);
* a listing (挂牌) stays open its working days, both ends counted; an auction (拍卖) is
  held on one day;
* the trade concludes (or fails) on its last day; the result stands in publicity its
  working days; the contract (出让合同) is signed the next working day;
* the licence is issued :data:`REGISTRATION_WORKDAYS` working days after the contract;
* the offers of an auction are made on its day, minutes apart; those of a listing spread
  over the working days of its window, the last on its last day (China Standard Time).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from lode_common.cst import CHINA_STANDARD_TIME
from lode_common.workdays import WorkdayCalendar
from lode_licensing.domain.grant_law import GrantMethod
from lode_licensing.domain.grant_periods import GrantRules
from lode_licensing.settings import LicensingSettings

REGISTRATION_WORKDAYS: Final = 20
"""Working days from the contract to the licence (采矿权登记), illustrative: the winner is
taken to apply the day the contract is signed and the licence to be issued on the last day
of the general time limit of 行政许可法 art. 42 (20 days, counted in working days by art.
82), as those articles are commonly cited; not checked against the text here."""

_PERIOD_SETTINGS: Final = {
    "announcement_workdays": "grant_announcement_workdays",
    "listing_workdays": "grant_listing_workdays",
    "publicity_workdays": "grant_publicity_workdays",
    "auction_min_bidders": "grant_auction_min_bidders",
    "tender_min_bidders": "grant_tender_min_bidders",
}


def default_rules() -> GrantRules:
    """The procedure's numbers as :class:`LicensingSettings` defaults them, with their
    sources (a deployment's own are ``handlers.grants.grant_rules(settings)``)."""
    fields = LicensingSettings.model_fields
    return GrantRules(
        **{name: fields[key].default for name, key in _PERIOD_SETTINGS.items()},
        sources={name: fields[key].description or key for name, key in _PERIOD_SETTINGS.items()},
    )


@dataclass(frozen=True)
class Trade:
    """What is chosen of a demo grant's days: when it was announced (出让公告), and how."""

    announced_on: date
    method: GrantMethod


@dataclass(frozen=True)
class GrantTimeline:
    """A demo grant's days, counted from its announcement. A failed trade (流拍) fails on
    ``concluded_on``; the days after it are those a concluded one would have had."""

    announced_on: date
    trade_from: date
    trade_to: date
    concluded_on: date
    publicity_until: date
    signed_on: date
    licence_issued_on: date


def timeline(trade: Trade, rules: GrantRules, calendar: WorkdayCalendar) -> GrantTimeline:
    """The days of ``trade``, each period at its shortest (see the module's docstring)."""
    trade_from = calendar.add(trade.announced_on, rules.announcement_workdays + 1)
    trade_to = (
        calendar.add(trade_from, rules.listing_workdays - 1)
        if trade.method == "listing" and rules.listing_workdays > 1
        else trade_from
    )
    publicity_until = calendar.add(trade_to, rules.publicity_workdays)
    signed_on = calendar.add(publicity_until, 1)
    return GrantTimeline(
        announced_on=trade.announced_on,
        trade_from=trade_from,
        trade_to=trade_to,
        concluded_on=trade_to,
        publicity_until=publicity_until,
        signed_on=signed_on,
        licence_issued_on=calendar.add(signed_on, REGISTRATION_WORKDAYS),
    )


_AUCTION_START: Final = time(9, 30)
_AUCTION_STEP: Final = timedelta(minutes=4)
_LISTING_AT: Final = time(10, 0)


def offer_moments(
    days: GrantTimeline, method: GrantMethod, count: int, calendar: WorkdayCalendar
) -> list[datetime]:
    """When each of ``count`` offers was made (see the module's docstring)."""
    if method == "auction":
        start = datetime.combine(days.trade_from, _AUCTION_START, CHINA_STANDARD_TIME)
        return [start + n * _AUCTION_STEP for n in range(count)]
    span = range((days.trade_to - days.trade_from).days + 1)
    window = [d for n in span if calendar.is_workday(d := days.trade_from + timedelta(n))]
    return [
        datetime.combine(
            window[(n + 1) * len(window) // count - 1], _LISTING_AT, CHINA_STANDARD_TIME
        )
        + timedelta(minutes=n)
        for n in range(count)
    ]


QUARRY_TRADES: Final[Mapping[int, Trade]] = {
    2021: Trade(date(2021, 1, 4), "listing"),  # the listing runs across the Spring Festival
    2022: Trade(date(2022, 6, 20), "auction"),
    2023: Trade(date(2023, 1, 3), "listing"),  # the announcement across the Spring Festival
}
"""The trades of the three large quarries granted since 2020, by the year of the grant (and
of the licence), each announced early enough in its year for the licence to follow in it."""


def quarry_timeline(
    year: int, rules: GrantRules | None = None, calendar: WorkdayCalendar | None = None
) -> GrantTimeline:
    """The days of the grant of the quarry granted in ``year`` (KeyError for another)."""
    return timeline(QUARRY_TRADES[year], rules or default_rules(), calendar or WorkdayCalendar())
