"""A grant's trade (矿业权交易): announced (出让公告), offers recorded in the window, the
result drawn (成交 or 流拍); the contract and a cancellation are :mod:`.grant_contract`.

Every move goes through the grant's state table (:mod:`..domain.grant_workflow`) and is
claimed with one conditional UPDATE before anything else is read (:func:`.grants.claim`),
so of two requests at once exactly one moves the grant, on SQLite as on PostgreSQL (a
second offer waits for the first and is compared with it). Each move is recorded as a step
and emits its event with it (outbox); no event carries the reserve price (底价).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from lode_common.auth import Principal
from lode_common.cst import cst_date
from lode_common.events import catalog
from lode_common.messaging.outbox import UnitOfWork
from lode_licensing.adapters.tables import Bid, Grant
from lode_licensing.container import Licensing
from lode_licensing.domain import grant_workflow as flow
from lode_licensing.domain.errors import FieldError, InvalidInput
from lode_licensing.domain.grant_law import FAILURE_ZH, METHOD_ZH
from lode_licensing.domain.grant_periods import (
    Offer,
    PeriodCount,
    announcement_periods,
    best_offer,
    bid_problems,
    publicity,
    trade_result,
)
from lode_licensing.handlers import grants, listings
from lode_licensing.handlers.applications import role_of


def _offers(bids: Sequence[Bid]) -> list[Offer]:
    """The stored bids as offers (their instants in UTC: SQLite gives them back naive)."""
    return [
        Offer(
            b.bidder_credit_code,
            b.amount_cny_10k,
            b.at if b.at.tzinfo else b.at.replace(tzinfo=UTC),
            b.bidder_name,
        )
        for b in bids
    ]


def _holder(offer: Offer) -> catalog.Holder:
    return catalog.Holder(name=offer.name, credit_code=offer.credit_code)


@dataclass(frozen=True)
class Announcement:
    announced_on: date
    trade_from: date
    trade_to: date
    review_note: str | None = None


def _period_note(periods: dict[str, PeriodCount], review_note: str | None) -> str:
    counted = "；".join(
        f"{name} {p.counted}（≥{p.required}，{p.first} 至 {p.last}）" for name, p in periods.items()
    )
    return f"{review_note.strip()} | {counted}" if review_note and review_note.strip() else counted


async def announce(
    service: Licensing, uow: UnitOfWork, grant_id: str, given: Announcement, principal: Principal
) -> Grant:
    """出让公告: the periods counted and the checks run again under the plan in force; any
    check failing, or one in review without ``review_note``, refuses it with the periods."""
    async with service.runtime.sessions() as session:
        row = await grants.load(session, grant_id)
        flow.require(grants.state_of(row), "announce")
        in_force = await service.rules.following(session, service.plan_id)
    plan = grants.plan_of(row, in_force)
    errors: list[FieldError] = []
    periods: dict[str, PeriodCount] = {}
    try:
        periods = announcement_periods(
            service.workdays,
            announced_on=given.announced_on,
            trade_from=given.trade_from,
            trade_to=given.trade_to,
            method=plan.method,
            rules=grants.grant_rules(service.settings),
        )
    except InvalidInput as exc:
        errors += exc.errors
    checked = await grants.check(service, plan, in_force)
    failed = [r for r in checked.results if r.outcome == "fail"]
    review = [r for r in checked.results if r.outcome == "review"]
    if failed:
        errors.append(
            FieldError(
                "checks",
                "规划审查未通过，不得公告 / the plan checks fail: "
                + "; ".join(f"{r.rule_id}: {r.message}" for r in failed),
            )
        )
    if review and not (given.review_note and given.review_note.strip()):
        errors.append(
            FieldError(
                "review_note",
                "以下审查项须经办人确认并说明（如论证情况）/ confirm the checks in review, with "
                "a note (e.g. the demonstration made): " + ", ".join(r.rule_id for r in review),
            )
        )
    if errors:
        raise InvalidInput(errors)
    row = await grants.claim(uow, grant_id, "announce")
    after = flow.announce(
        grants.state_of(row),
        actor=principal.subject,
        role=role_of(principal),
        at=datetime.now(UTC),
        note=_period_note(periods, given.review_note),
    )
    grants.store(uow.session, row, after)
    grants.record_checks(row, checked)
    row.announced_on, row.trade_from, row.trade_to = (
        given.announced_on,
        given.trade_from,
        given.trade_to,
    )
    row.failed_on = row.failed_reason = None
    capacity = (
        catalog.Capacity(value=row.capacity_value, unit=row.capacity_unit)
        if row.capacity_value is not None and row.capacity_unit
        else None
    )
    uow.emit(
        catalog.GrantAnnounced(
            **grants.event_fields(row),
            announced_on=given.announced_on,
            trade_from=given.trade_from,
            trade_to=given.trade_to,
            starting_price_cny_10k=row.starting_price_cny_10k,
            area=row.area_lonlat,
            area_ha=row.area_ha,
            capacity=capacity,
            mining_method=row.mining_method,
            reserves_10kt=row.reserves_10kt,
            term_years=row.term_years,
            clean_grant=row.clean_grant,
            zones=[
                catalog.GrantZone(**{k: z[k] for k in ("zone_id", "type", "code", "name_zh")})
                for z in row.zones
            ],
            plan_id=row.plan_id,
            plan_version=row.plan_version,
            announcement=row.announcement,
        ),
        subject=row.id,
    )
    return row


@dataclass(frozen=True)
class Offered:
    name: str
    credit_code: str
    amount_cny_10k: Decimal
    at: datetime


async def bid(
    service: Licensing, uow: UnitOfWork, grant_id: str, given: Offered, principal: Principal
) -> Bid:
    """Record an offer of the current announcement's trade (only while ``announced``)."""
    row = await grants.claim(uow, grant_id, "bid")
    now = datetime.now(UTC)
    best = best_offer(_offers(await grants.bids_of(uow.session, row.id, row.announcement)))
    assert row.trade_from is not None
    assert row.trade_to is not None
    problems = bid_problems(
        at=given.at,
        now=now,
        trade_from=row.trade_from,
        trade_to=row.trade_to,
        method=grants.plan_method(row),
        amount=given.amount_cny_10k,
        starting=row.starting_price_cny_10k,
        best=best.amount_cny_10k if best else None,
        credit_code=given.credit_code,
        listed=await listings.standing(uow.session, given.credit_code, cst_date(now)),
    )
    if problems:
        raise InvalidInput(problems)
    offer = Bid(
        id=str(uuid.uuid4()),
        grant_id=row.id,
        announcement=row.announcement,
        bidder_name=given.name,
        bidder_credit_code=given.credit_code,
        amount_cny_10k=given.amount_cny_10k,
        at=given.at.astimezone(UTC),  # stored in UTC: SQLite keeps no zone
        recorded_by=principal.subject,
        recorded_at=now,
    )
    uow.session.add(offer)
    return offer


async def conclude(
    service: Licensing,
    uow: UnitOfWork,
    grant_id: str,
    concluded_on: date | None,
    principal: Principal,
) -> Grant:
    """The trade's result: the best offer at or above the reserve price wins (成交, with the
    publicity's end); none → failed (流拍), to be announced again or cancelled."""
    row = await grants.claim(uow, grant_id, "conclude")
    now = datetime.now(UTC)
    today = cst_date(now)
    on = concluded_on or today
    assert row.trade_to is not None
    if on < row.trade_to or on > today:
        raise InvalidInput(
            [
                FieldError(
                    "concluded_on",
                    f"{on} is not between the end of the trade ({row.trade_to}) and today "
                    f"({today}) / 成交确认日须在交易截止日之后且不晚于今日",
                )
            ]
        )
    rules = grants.grant_rules(service.settings)
    method = grants.plan_method(row)
    offers = _offers(await grants.bids_of(uow.session, row.id, row.announcement))
    result = trade_result(offers, row.reserve_price_cny_10k, rules.min_bidders(method))
    winner = result.winner
    until = publicity(service.workdays, on, rules).last if winner else None
    if winner is not None:
        note = f"成交 / concluded: {winner.name} {winner.amount_cny_10k} 万元 ({METHOD_ZH[method]})"
    else:
        assert result.reason is not None
        note = f"流拍 / failed: {FAILURE_ZH[result.reason]} ({result.reason}, {result.bidders} 人)"
        if result.reason == "too_few_bidders":
            key = f"{method}_min_bidders"
            note += f"; 至少 {rules.min_bidders(method)} 人: {rules.sources.get(key, key)}"
    after = flow.conclude(
        grants.state_of(row),
        won=winner is not None,
        actor=principal.subject,
        role=role_of(principal),
        at=now,
        note=note,
    )
    grants.store(uow.session, row, after)
    if winner is not None and until is not None:
        row.concluded_on, row.publicity_until = on, until
        row.winner_name, row.winner_credit_code = winner.name, winner.credit_code
        row.price_cny_10k = winner.amount_cny_10k
        uow.emit(
            catalog.GrantConcluded(
                **grants.event_fields(row),
                winner=_holder(winner),
                price_cny_10k=winner.amount_cny_10k,
                concluded_on=on,
                publicity_until=until,
                bidders=result.bidders,
            ),
            subject=row.id,
        )
    else:
        assert result.reason is not None
        row.failed_on, row.failed_reason = on, result.reason
        uow.emit(
            catalog.GrantFailed(
                **grants.event_fields(row),
                failed_on=on,
                reason=result.reason,
                bidders=result.bidders,
            ),
            subject=row.id,
        )
    return row
