"""The year's competitive grants (矿业权出让, 年度出让计划): every grant, counts by mineral and
the contracted grants' fee schedule (出让收益缴纳计划), for staff (and, through issue 18, the
public pages).

Nothing here is secret: a grant is shown with its announcement (公告) until its trade ends,
then with its winner, price and schedule, which are public after conclusion (结果公示).
Reporting never holds the reserve price (底价): no event carries it."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from lode_common.events.quantities import Quantity
from lode_common.openapi import problems
from lode_reporting.api.deps import STAFF, PlanId, Service, YearQuery
from lode_reporting.domain import grants
from lode_reporting.domain import plan as plan_rules
from lode_reporting.queries import grants as grant_queries
from lode_reporting.queries.facts import snapshot

router = APIRouter(prefix="/reporting/v1", tags=["grants"])


class GrantWinner(BaseModel):
    """The winning bidder (竞得人/中标人)."""

    name: str
    credit_code: str


class GrantInstalment(BaseModel):
    """One instalment of the grant fee (出让收益)."""

    due: date
    amount_cny_10k: Quantity


class GrantZoneOut(BaseModel):
    zone_id: str
    type: str
    code: str
    name_zh: str


class GrantItem(BaseModel):
    """A grant as far as it went: the announcement; then the result (成交: winner, price,
    publicity; 流拍: when and why); then the contract and its instalments."""

    grant_id: str
    year: int = Field(description="the year's grant plan (年度出让计划) it belongs to")
    right_type: str = Field(description="exploration (探矿权) or mining (采矿权)")
    mineral: str
    method: str = Field(description="auction (拍卖), listing (挂牌) or tender (招标)")
    status: grants.GrantStatus
    announcement: int | None = Field(description="1 the first time, 2 after a failed trade...")
    announced_on: date | None
    trade_from: date | None
    trade_to: date | None
    starting_price_cny_10k: Quantity | None = Field(description="起始价, 万元")
    area_ha: Quantity | None
    zones: list[GrantZoneOut]
    winner: GrantWinner | None
    price_cny_10k: Quantity | None = Field(description="成交价, 万元")
    concluded_on: date | None
    publicity_until: date | None = Field(description="the result's publicity (结果公示) ends")
    failed_on: date | None = Field(description="流拍: of the last failed trade")
    failed_reason: str | None = Field(
        description="no_bids, reserve_not_reached or too_few_bidders (of the last failed trade)"
    )
    bidders: int | None
    signed_on: date | None = Field(description="the grant contract (出让合同) was signed")
    contract_ref: str | None
    instalments: list[GrantInstalment]
    updated_at: datetime = Field(description="when the event that set the status was published")


class GrantsByMineral(BaseModel):
    mineral: str
    count: int
    concluded: int
    price_total_cny_10k: Quantity


class GrantSummaryOut(BaseModel):
    announced: int = Field(description="every grant of the year (each was announced)")
    concluded: int = Field(description="trades concluded (成交), the contracted ones included")
    failed: int = Field(description="last trade failed (流拍) and not announced again")
    contracted: int = Field(description="grant contract (出让合同) signed")
    price_total_cny_10k: Quantity = Field(description="the concluded grants' prices, 万元")
    by_mineral: list[GrantsByMineral]


class FeeScheduleItem(BaseModel):
    """One instalment of a contracted grant's fee, by due date."""

    grant_id: str
    winner: str = Field(description="the winner's name")
    due: date
    amount_cny_10k: Quantity


class GrantYearOut(BaseModel):
    year: int
    items: list[GrantItem]
    summary: GrantSummaryOut
    fee_schedule: list[FeeScheduleItem]


def _item(grant: grants.Grant) -> GrantItem:
    return GrantItem(
        grant_id=grant.grant_id,
        year=grant.year,
        right_type=grant.right_type,
        mineral=grant.mineral,
        method=grant.method,
        status=grant.status,
        announcement=grant.announcement,
        announced_on=grant.announced_on,
        trade_from=grant.trade_from,
        trade_to=grant.trade_to,
        starting_price_cny_10k=grant.starting_price_cny_10k,
        area_ha=grant.area_ha,
        zones=[
            GrantZoneOut(zone_id=z.zone_id, type=z.type, code=z.code, name_zh=z.name_zh)
            for z in grant.zones
        ],
        winner=(
            GrantWinner(name=grant.winner.name, credit_code=grant.winner.credit_code)
            if grant.winner
            else None
        ),
        price_cny_10k=grant.price_cny_10k,
        concluded_on=grant.concluded_on,
        publicity_until=grant.publicity_until,
        failed_on=grant.failed_on,
        failed_reason=grant.failed_reason,
        bidders=grant.bidders,
        signed_on=grant.signed_on,
        contract_ref=grant.contract_ref,
        instalments=[
            GrantInstalment(due=i.due, amount_cny_10k=i.amount_cny_10k) for i in grant.instalments
        ],
        updated_at=grant.updated_at,
    )


def grant_year_out(year: int, found: grants.GrantYear) -> GrantYearOut:
    summary = found.summary
    return GrantYearOut(
        year=year,
        items=[_item(g) for g in found.items],
        summary=GrantSummaryOut(
            announced=summary.announced,
            concluded=summary.concluded,
            failed=summary.failed,
            contracted=summary.contracted,
            price_total_cny_10k=summary.price_total_cny_10k,
            by_mineral=[
                GrantsByMineral(
                    mineral=m.mineral,
                    count=m.count,
                    concluded=m.concluded,
                    price_total_cny_10k=m.price_total_cny_10k,
                )
                for m in summary.by_mineral
            ],
        ),
        fee_schedule=[
            FeeScheduleItem(
                grant_id=f.grant_id, winner=f.winner, due=f.due, amount_cny_10k=f.amount_cny_10k
            )
            for f in found.fee_schedule
        ],
    )


@router.get(
    "/grants",
    dependencies=[STAFF],
    response_model=GrantYearOut,
    summary="The year's competitive grants (矿业权出让): every grant as far as it went, counts "
    "by mineral, and the contracted grants' fee schedule (出让收益) by due date",
    description="No answer holds a reserve price (底价): no grant event carries one. A year "
    "before the plan period, or after it and after this year, is a 422 naming `year` (the plan "
    "stays in force after its period until a successor replaces it).",
    responses=problems(404),
)
async def grants_of_year(service: Service, year: YearQuery, plan_id: PlanId) -> GrantYearOut:
    async with snapshot(service.runtime.sessions) as session:
        document = (await service.plans.require(plan_id, session)).document
        plan_rules.check_year_in_force(
            plan_rules.period(document), year, this_year=service.today().year
        )
        found = await grant_queries.grant_year(session, year)
    return grant_year_out(year, found)
