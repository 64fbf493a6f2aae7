"""What the grant routes answer (矿业权出让), as the OpenAPI document publishes it.

The answers are built as JSON by :mod:`.grant_views`; these models describe that shape.
``reserve_price_cny_10k`` (底价) and ``bids`` are left out, not sent as null, where the
reader may not see them (routes answer with ``response_model_exclude_unset``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from lode_licensing.api.answers import CapacityAnswer, CheckAnswer, Day, Holder, Instant, Number
from lode_licensing.domain.grant_law import FailureReason, GrantMethod
from lode_licensing.domain.grant_workflow import GrantAction, GrantStatus
from lode_licensing.domain.vocabulary import RightType, Verdict


class GrantZoneAnswer(BaseModel):
    """A planning zone or block (规划分区/区块) the grant's area lies in."""

    zone_id: str
    type: str
    code: str
    name_zh: str
    overlap_ha: Number


class PeriodAnswer(BaseModel):
    """A period counted in working days (调休 included): from ``first`` to ``last``, both
    counted, against the setting in force and its source."""

    counted: int | None = Field(description="working days counted; null: not countable now")
    required: int = Field(description="the setting's minimum (the publicity: its length)")
    first: Day
    last: Day
    source: str = Field(description="the setting and where its figure comes from")


class PeriodsAnswer(BaseModel):
    """The grant's periods once announced (公告期, 挂牌期) and concluded (结果公示期)."""

    announcement_workdays: PeriodAnswer | None = None
    listing_workdays: PeriodAnswer | None = None
    publicity_workdays: PeriodAnswer | None = None


class InstalmentAnswer(BaseModel):
    """One instalment of the grant fee (出让收益)."""

    due: Day
    amount_cny_10k: Number


class BidAnswer(BaseModel):
    """An offer (报价) recorded in the trade of one announcement."""

    id: str
    grant_id: str
    announcement: int = Field(description="which announcement's trade it was made in")
    bidder: Holder
    amount_cny_10k: Number
    at: Instant = Field(description="when it was made (on the trading platform)")
    recorded_by: str
    recorded_at: Instant


class BidsAnswer(BaseModel):
    """The offers: licensing officers see every one; other staff, once the grant concluded,
    only how many there were and the winning one."""

    count: int = Field(description="offers in the current announcement's trade")
    bidders: int = Field(description="distinct bidders in it")
    winning: BidAnswer | None = Field(description="the offer that won (成交), once concluded")
    items: list[BidAnswer] | None = Field(
        None, description="every offer of every announcement (licensing officers only)"
    )


class GrantStepAnswer(BaseModel):
    """One move of the grant (出让办理记录): who, in which role, when, why."""

    action: str = Field(description="create, announce, conclude, contract, cancel")
    from_: GrantStatus | None = Field(alias="from")
    to: GrantStatus
    actor: str
    role: str
    at: Instant
    note: str | None


class GrantAnswer(BaseModel):
    """A grant (出让方案 to 出让合同) and where it stands."""

    id: str
    year: int = Field(description="the year's grant plan (年度出让计划) it belongs to")
    right_type: RightType
    mineral: str
    method: GrantMethod = Field(description="auction 拍卖, listing 挂牌, tender 招标")
    area: dict[str, Any] = Field(description="the area as given ({geometry} or {corners, crs})")
    area_lonlat: dict[str, Any] | None = Field(description="as zoning read it, GeoJSON CRS84")
    area_ha: Number | None
    zones: list[GrantZoneAnswer]
    mining_method: str | None = Field(None, description="开采方式, when the plan names it")
    capacity: CapacityAnswer | None
    reserves_10kt: Number | None
    term_years: int
    starting_price_cny_10k: Number = Field(description="起始价, 万元")
    reserve_price_cny_10k: Number | None = Field(
        None,
        description="底价, 万元: only to licensing officers until the grant concludes; absent "
        "otherwise",
    )
    clean_grant: bool = Field(description="净矿出让")
    status: GrantStatus
    checks: list[CheckAnswer]
    verdict: Verdict | None
    plan_id: str
    plan_version: int
    announcement: int = Field(description="how many times it was announced")
    announced_on: Day | None
    trade_from: Day | None
    trade_to: Day | None
    periods: PeriodsAnswer
    concluded_on: Day | None
    publicity_until: Day | None = Field(description="结果公示 ends; the contract from then")
    winner: Holder | None
    price_cny_10k: Number | None = Field(description="成交价, 万元")
    failed_on: Day | None
    failed_reason: FailureReason | None
    signed_on: Day | None
    contract_ref: str | None
    instalments: list[InstalmentAnswer]
    allowed_actions: list[GrantAction]
    created_by: str
    created_at: Instant
    updated_at: Instant


class GrantWithSteps(GrantAnswer):
    """One grant, with every step it went through and (to whom they are shown) its bids."""

    steps: list[GrantStepAnswer]
    bids: BidsAnswer | None = Field(
        None,
        description="licensing officers: always; other staff: once concluded (the count "
        "and the winning offer); otherwise absent",
    )


class MineralCount(BaseModel):
    mineral: str
    count: int
    by_status: dict[str, int]


class ZoneCount(BaseModel):
    zone_id: str
    type: str
    code: str
    name_zh: str
    count: int


class GrantPlanSummary(BaseModel):
    """The grants the filter selects, in figures (not only the page shown)."""

    by_mineral: list[MineralCount]
    by_zone: list[ZoneCount]
    by_status: dict[str, int]
    price_total_cny_10k: Number = Field(description="成交价 summed over the grants concluded")


class GrantPlan(BaseModel):
    """The year's grant plan (年度出让计划): a page of grants and the figures of all."""

    year: int | None
    items: list[GrantAnswer]
    total: int
    summary: GrantPlanSummary
