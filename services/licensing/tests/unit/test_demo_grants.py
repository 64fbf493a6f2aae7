"""The demo's competitive grants are what the procedure would accept: their days respect
the periods by the working-day calendar, their offers and results follow the trade rules,
their instalments sum to the price, and they lie where the plan would grant them."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache

import pytest
from shapely.geometry import shape

from lode_common.credit_code import is_valid_credit_code
from lode_common.cst import cst_date
from lode_common.demo.pingquan import demo_zone_geometries
from lode_common.workdays import WorkdayCalendar
from lode_licensing.demo import BASELINE_COUNT, DEMO_MINES, areas, demo_licences
from lode_licensing.demo_grants import DemoGrant, demo_grants
from lode_licensing.demo_places import MARGIN_DEG, clear_parcel
from lode_licensing.demo_timeline import REGISTRATION_WORKDAYS, default_rules
from lode_licensing.domain.grant import parse_grant
from lode_licensing.domain.grant_contract import contract_problems
from lode_licensing.domain.grant_periods import (
    GrantRules,
    Offer,
    announcement_periods,
    bid_problems,
    publicity,
    trade_result,
)
from lode_licensing.domain.rulebook import PlanRules

CALENDAR = WorkdayCalendar()
AFTER_ALL = datetime(2026, 12, 1, tzinfo=UTC)
"""A moment after every demo day: the procedure refuses days in the future."""


@cache
def grants() -> tuple[DemoGrant, ...]:
    return demo_grants()


def by_outcome(outcome: str) -> list[DemoGrant]:
    return [g for g in grants() if g.outcome == outcome]


def test_five_grants_three_contracted_one_failed_one_awaiting_its_contract() -> None:
    assert [(g.year, g.method, g.outcome) for g in grants()] == [
        (2021, "listing", "contracted"),
        (2022, "auction", "contracted"),
        (2023, "listing", "contracted"),
        (2025, "listing", "failed"),
        (2025, "auction", "concluded"),
    ]
    quarries = demo_licences()[BASELINE_COUNT:]
    assert [g.licence_no for g in by_outcome("contracted")] == [q.licence_no for q in quarries]
    assert all(g.licence_no is None for g in grants() if g.outcome != "contracted")


@pytest.mark.parametrize("grant", grants(), ids=lambda g: f"{g.year}-{g.method}")
def test_the_days_respect_the_periods_by_the_calendar(grant: DemoGrant) -> None:
    rules, days = default_rules(), grant.timeline
    periods = announcement_periods(
        CALENDAR,
        announced_on=days.announced_on,
        trade_from=days.trade_from,
        trade_to=days.trade_to,
        method=grant.method,
        rules=rules,
    )  # raises InvalidInput when a period is short
    assert periods["announcement_workdays"].counted == rules.announcement_workdays
    assert CALENDAR.between(days.announced_on, days.trade_from) == rules.announcement_workdays
    if grant.method == "listing":
        assert CALENDAR.within(days.trade_from, days.trade_to) == rules.listing_workdays
    else:
        assert days.trade_from == days.trade_to  # an auction is held on one day
    assert days.concluded_on == days.trade_to
    assert days.publicity_until == publicity(CALENDAR, days.concluded_on, rules).last
    assert CALENDAR.between(days.concluded_on, days.publicity_until) == (
        rules.publicity_workdays - 1  # the last day of the publicity is one of its days
    )
    assert days.signed_on > days.publicity_until
    for day in (days.announced_on, days.trade_from, days.trade_to, days.signed_on):
        assert CALENDAR.is_workday(day), day
    assert {days.announced_on.year, days.concluded_on.year} == {grant.year}


def test_the_periods_across_the_spring_festival_are_longer_in_calendar_days() -> None:
    listing_2021, _, announcement_2023 = (g.timeline for g in by_outcome("contracted"))
    # 2021: the listing's 10 working days span the Spring Festival (11-17 February), with
    # Sunday 7 February worked (调休)
    assert (listing_2021.trade_to - listing_2021.trade_from).days + 1 == 18
    assert CALENDAR.is_workday(date(2021, 2, 7))
    # 2023: the announcement's 20 working days span the Spring Festival (21-27 January)
    assert (announcement_2023.trade_from - announcement_2023.announced_on).days - 1 > 28


@pytest.mark.parametrize("grant", grants(), ids=lambda g: f"{g.year}-{g.method}")
def test_the_offers_follow_the_trade_rules(grant: DemoGrant) -> None:
    days, best = grant.timeline, None
    for offer in grant.offers:
        problems = bid_problems(
            at=offer.at,
            now=AFTER_ALL,
            trade_from=days.trade_from,
            trade_to=days.trade_to,
            method=grant.method,
            amount=offer.amount_cny_10k,
            starting=grant.starting_price_cny_10k,
            best=best,
            credit_code=offer.bidder.credit_code,
            listed=None,
        )
        assert problems == [], (offer, problems)
        assert CALENDAR.is_workday(cst_date(offer.at))
        best = offer.amount_cny_10k
    assert grant.offers[0].amount_cny_10k == grant.starting_price_cny_10k
    assert grant.reserve_price_cny_10k > grant.starting_price_cny_10k
    assert all(is_valid_credit_code(o.bidder.credit_code) for o in grant.offers)
    assert all("示意" in o.bidder.name for o in grant.offers)


@pytest.mark.parametrize("grant", grants(), ids=lambda g: f"{g.year}-{g.method}")
def test_the_result_is_the_outcome(grant: DemoGrant) -> None:
    rules = default_rules()
    result = trade_result(
        [Offer(o.bidder.credit_code, o.amount_cny_10k, o.at, o.bidder.name) for o in grant.offers],
        grant.reserve_price_cny_10k,
        rules.min_bidders(grant.method),
    )
    if grant.outcome == "failed":
        assert result.winner is None
        assert result.reason == "reserve_not_reached"
        assert grant.best_offer.amount_cny_10k < grant.reserve_price_cny_10k
        assert grant.price_cny_10k is None
    else:
        assert result.winner is not None
        assert result.winner.credit_code == grant.best_offer.bidder.credit_code
        assert grant.price_cny_10k == grant.best_offer.amount_cny_10k
        assert grant.price_cny_10k is not None
        assert grant.price_cny_10k >= grant.reserve_price_cny_10k


def test_two_or_three_bidders_and_the_quarries_holders_win() -> None:
    licences = {lic.licence_no: lic for lic in demo_licences()}
    for grant in grants():
        assert 2 <= len({o.bidder.credit_code for o in grant.offers}) <= 3
    for grant in by_outcome("contracted"):
        assert grant.licence_no is not None
        holder = licences[grant.licence_no].holder
        winner = grant.best_offer.bidder
        assert (winner.name, winner.credit_code) == (holder.name, holder.credit_code)


def test_the_contracts_instalments_sum_to_the_price_and_the_licence_follows() -> None:
    licences = {lic.licence_no: lic for lic in demo_licences()}
    for grant in by_outcome("contracted"):
        days, price = grant.timeline, grant.price_cny_10k
        assert price is not None
        assert 2 <= len(grant.instalments) <= 3
        assert sum(i.amount_cny_10k for i in grant.instalments) == price
        problems = contract_problems(
            signed_on=days.signed_on,
            instalments=grant.instalments,
            price=price,
            publicity_until=days.publicity_until,
            today=AFTER_ALL.date(),
        )
        assert problems == []
        assert grant.contract_ref is not None
        assert grant.contract_ref.endswith("（示意）")
        assert grant.licence_no is not None
        licence = licences[grant.licence_no]
        assert licence.valid_from == days.licence_issued_on
        assert CALENDAR.between(days.signed_on, licence.valid_from) == REGISTRATION_WORKDAYS - 1
        assert licence.valid_from.year == grant.year
        assert licence.licence_no[7:13] == f"{licence.valid_from:%Y%m}"
    assert all(g.instalments == () for g in grants() if g.outcome != "contracted")


def test_the_plans_are_valid_grant_plans(rules: PlanRules) -> None:
    for grant in grants():
        plan = parse_grant(grant.plan_body(), rules)  # raises InvalidInput when one is not
        assert plan.mineral.zh == grant.mineral
        assert plan.clean_grant


def test_the_quarries_grants_are_their_licences_areas_and_mines() -> None:
    licences = demo_licences()
    indices = range(BASELINE_COUNT, len(DEMO_MINES))
    for index, grant in zip(indices, by_outcome("contracted"), strict=True):
        mine, licence = DEMO_MINES[index], licences[index]
        assert grant.area == licence.area
        assert (grant.mineral, grant.zone_code) == (mine.mineral, mine.zone_code)
        assert (grant.capacity, grant.term_years) == (mine.capacity, mine.term_years)
        assert grant.capacity_unit == mine.capacity_unit


def test_the_2025_grants_lie_in_iron_zones_clear_of_every_licence() -> None:
    zones = {z.code: (z, p) for z, p in demo_zone_geometries()}
    licences = demo_licences()
    held = [shape(lic.area).buffer(MARGIN_DEG * 0.9) for lic in licences]
    blocks = [p for z, p in zones.values() if z.type == "mining_block"]
    open_grants = [g for g in grants() if g.licence_no is None]
    for grant in open_grants:
        area = shape(grant.area)
        zone, polygon = zones[grant.zone_code]
        assert polygon.contains(area)
        assert "铁矿" in zone.minerals
        assert grant.mineral == "铁矿"
        assert not any(area.intersects(h) for h in held), grant.zone_code
        barred = ("ecological_red_line", "forbidden_mining_area", "exploration_block")
        assert not any(area.intersects(p) for z, p in zones.values() if z.type in barred)
    failed, concluded = open_grants
    assert zones[failed.zone_code][0].type == "national_planning_mining_area"
    assert not any(shape(failed.area).intersects(b) for b in blocks)  # outside the blocks
    assert zones[concluded.zone_code][0].type == "mining_block"
    # the block is not held: its one licence lapsed before 2025
    in_block = [
        lic for lic in licences if shape(lic.area).intersects(zones[concluded.zone_code][1])
    ]
    assert len(in_block) == 1
    assert in_block[0].valid_to < date(2025, 1, 1)
    assert not shape(failed.area).intersects(shape(concluded.area))


def test_the_deployments_periods_move_the_days_and_the_licences_with_them() -> None:
    longer = dataclasses.replace(default_rules(), announcement_workdays=30, publicity_workdays=15)
    moved = demo_grants(longer)
    for grant in moved:
        assert CALENDAR.between(grant.timeline.announced_on, grant.timeline.trade_from) == 30
    licences = {lic.licence_no: lic for lic in demo_licences(rules=longer)}
    for before, after in zip(by_outcome("contracted"), moved[:3], strict=True):
        assert after.timeline.signed_on > before.timeline.signed_on
        assert after.licence_no is not None
        assert licences[after.licence_no].valid_from == after.timeline.licence_issued_on
    assert default_rules() == GrantRules(
        announcement_workdays=20,
        listing_workdays=10,
        publicity_workdays=10,
        auction_min_bidders=3,
        tender_min_bidders=3,
        sources=default_rules().sources,
    )
    assert default_rules().sources["announcement_workdays"].startswith("出让公告")


def test_deterministic() -> None:
    assert demo_grants() == grants()
    assert all(isinstance(o.amount_cny_10k, Decimal) for g in grants() for o in g.offers)


def test_a_zone_without_room_is_said() -> None:
    with pytest.raises(RuntimeError, match="no room in C04"):
        clear_parcel("C04", 200, 0, areas())
