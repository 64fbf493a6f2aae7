"""The public disclosure's answers (信息公示): each model lists every field the public sees,
and nothing else is ever sent (the page at ``/public/`` reads these shapes: add fields, never
rename them). Built from read-model rows with the rules of
:mod:`lode_reporting.domain.public`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from lode_common.events.quantities import Quantity
from lode_reporting.adapters.decisions import PublicDecision
from lode_reporting.adapters.supervision import (
    InspectionDrawRecord,
    InspectionRecord,
    ListingRecord,
)
from lode_reporting.adapters.tables import GrantRecord, ReportingLicence
from lode_reporting.domain import public, supervision

RightType = Literal["exploration", "mining"]


class Page(BaseModel):
    total: int = Field(description="how many match, over all pages")
    limit: int
    offset: int


# --- licences ------------------------------------------------------------------------------
class LicenceOut(BaseModel):
    """A licence (探矿权/采矿权许可证) in force on some day of the year asked for, as it
    stands now."""

    licence_no: str
    right_type: RightType = Field(description="exploration (探矿权) or mining (采矿权)")
    holder_name: str = Field(description="the right holder (矿业权人)")
    holder_credit_code: str = Field(description="统一社会信用代码")
    mineral: str
    scale: Literal["large", "medium", "small"] | None = Field(description="开采规模 (mining)")
    valid_from: date
    valid_to: date
    area_ha: Quantity | None = Field(
        description="the licensed area in hectares (公顷), on the CGCS2000 ellipsoid"
    )
    status: Literal["active", "suspended", "expired", "revoked", "cancelled"] = Field(
        description="now: active (有效), suspended (暂扣/停产整顿), expired, revoked (吊销), "
        "cancelled (注销)"
    )
    illustrative: bool = Field(description="demo data (示例数据), not a real licence")


class LicencePage(Page):
    year: int
    items: list[LicenceOut]


class LicenceFeature(BaseModel):
    type: Literal["Feature"] = "Feature"
    id: str = Field(description="the licence number")
    geometry: dict[str, Any] = Field(description="the licensed area, GeoJSON in CRS84")
    properties: LicenceOut


class LicenceMap(BaseModel):
    """A GeoJSON FeatureCollection (RFC 7946, CRS84) of the licences with an area; ``year``,
    ``total`` and ``truncated`` are foreign members."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    year: int
    total: int = Field(description="licences in force with an area that match")
    truncated: bool = Field(
        description="more matched than the map draws (LODE_REPORTING_PUBLIC_MAP_FEATURES_MAX): "
        "the first by number are drawn; filter by right_type, mineral or q"
    )
    features: list[LicenceFeature]


def licence(row: ReportingLicence) -> LicenceOut:
    return LicenceOut.model_validate(
        {
            "licence_no": row.licence_no,
            "right_type": row.right_type,
            "holder_name": row.holder_name,
            "holder_credit_code": row.holder_credit_code,
            "mineral": row.mineral,
            "scale": row.scale,
            "valid_from": row.valid_from,
            "valid_to": row.valid_to,
            "area_ha": public.area_ha(row.area),
            "status": row.status,
            "illustrative": row.illustrative,
        }
    )


def feature(row: ReportingLicence) -> LicenceFeature:
    assert row.area is not None
    return LicenceFeature(id=row.licence_no, geometry=row.area, properties=licence(row))


# --- decisions -----------------------------------------------------------------------------
class DecisionOut(BaseModel):
    """A decided application (行政许可决定): who applied for what, and the decision."""

    application_id: str
    applicant_name: str = Field(description="the applicant enterprise (申请人)")
    applicant_credit_code: str = Field(description="统一社会信用代码")
    kind: Literal["new", "renewal", "change", "transfer", "cancellation"] = Field(
        description="新立, 延续, 变更, 转让, 注销"
    )
    right_type: RightType
    mineral: str
    decision: public.Decision = Field(description="approved (准予许可) or rejected (不予许可)")
    decided_on: date = Field(description="the day of the decision, China Standard Time")
    licence_no: str | None = Field(description="the licence an approval issued or concerns")
    reason: str | None = Field(
        description="a rejection's reason (不予许可的理由), where the bureau publishes them; "
        "never for an approval"
    )


class DecisionPage(Page):
    items: list[DecisionOut]


def decision(row: PublicDecision, *, publish_reasons: bool) -> DecisionOut:
    decided = row.decision or ""
    return DecisionOut.model_validate(
        {
            "application_id": row.application_id,
            "applicant_name": row.applicant_name,
            "applicant_credit_code": row.applicant_credit_code,
            "kind": row.kind,
            "right_type": row.right_type,
            "mineral": row.mineral,
            "decision": decided,
            "decided_on": row.decided_on,
            "licence_no": public.decision_licence(decided, row.licence_no),
            "reason": public.decision_reason(decided, row.reason, publish=publish_reasons),
        }
    )


# --- grants --------------------------------------------------------------------------------
class GrantOut(BaseModel):
    """A competitive grant (矿业权出让): its announcement (公告), then, once the trade is
    concluded (成交), its winner, price and publicity (结果公示), or its failure (流拍), and
    the contract (出让合同). Never a reserve price (底价)."""

    grant_id: str
    year: int
    right_type: RightType
    mineral: str
    method: str = Field(description="auction (拍卖), listing (挂牌) or tender (招标)")
    status: public.GrantStatus
    announced_on: date | None
    trade_from: date | None
    trade_to: date | None
    starting_price_cny_10k: Quantity | None = Field(description="起始价, 万元")
    area_ha: Quantity | None
    winner_name: str | None = Field(description="竞得人, once concluded")
    winner_credit_code: str | None = Field(description="once concluded")
    price_cny_10k: Quantity | None = Field(description="成交价, 万元, once concluded")
    publicity_until: date | None = Field(description="the result's publicity (结果公示) ends")
    failed_on: date | None = Field(description="流拍: the last failed trade")
    failed_reason: str | None = Field(description="no_bids, reserve_not_reached, too_few_bidders")
    signed_on: date | None = Field(description="the grant contract (出让合同) was signed")


class GrantPage(Page):
    year: int
    items: list[GrantOut]


def _price(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def grant(row: GrantRecord) -> GrantOut:
    concluded = public.result_public(row.status)
    return GrantOut.model_validate(
        {
            "grant_id": row.grant_id,
            "year": row.year,
            "right_type": row.right_type,
            "mineral": row.mineral,
            "method": row.method,
            "status": row.status,
            "announced_on": row.announced_on,
            "trade_from": row.trade_from,
            "trade_to": row.trade_to,
            "starting_price_cny_10k": _price(row.starting_price_cny_10k),
            "area_ha": _price(row.area_ha),
            "winner_name": row.winner_name if concluded else None,
            "winner_credit_code": row.winner_credit_code if concluded else None,
            "price_cny_10k": _price(row.price_cny_10k) if concluded else None,
            "publicity_until": row.publicity_until if concluded else None,
            "failed_on": row.failed_on,
            "failed_reason": row.failed_reason,
            "signed_on": row.signed_on if concluded else None,
        }
    )


# --- the lists -----------------------------------------------------------------------------
class PublicListing(BaseModel):
    """An enterprise on a supervision list today."""

    credit_code: str
    name: str
    list: supervision.ListName = Field(
        description="abnormal (异常名录) or serious_violation (严重违法失信名单)"
    )
    list_zh: str
    reason: str | None = Field(description="why it was listed (列入原因)")
    listed_on: date | None
    until: date | None = Field(description="the end of its term; none: until released")


class ListingPage(Page):
    items: list[PublicListing]


def listing(row: ListingRecord) -> PublicListing:
    return PublicListing.model_validate(
        {
            "credit_code": row.credit_code,
            "name": row.name,
            "list": row.list,
            "list_zh": supervision.LIST_ZH.get(row.list, row.list),
            "reason": row.reason,
            "listed_on": row.listed_on,
            "until": row.until,
        }
    )


# --- inspections ---------------------------------------------------------------------------
class PublicDraw(BaseModel):
    """A random inspection draw (双随机抽查, 双随机一公开): with the seed, the algorithm and
    the population, anyone can draw it again and get ``drawn``."""

    draw_id: str
    year: int
    drawn_on: date
    ratio_pct: Quantity = Field(description="the share asked for (%)")
    algorithm: str = Field(description="sha256-rank-v1: see docs/monitoring.md")
    seed: str
    population_size: int = Field(description="licences drawn from")
    population: list[str] = Field(description="the licence numbers drawn from, in draw order")
    drawn: list[str] = Field(description="the licence numbers drawn, in draw order")


class PublicInspectionItem(BaseModel):
    """An inspection item (检查事项) and whether it was found as filed: no figures."""

    item: str
    item_zh: str
    ok: bool


class ResultOut(BaseModel):
    """An inspection's result (检查结果). No inspector is named."""

    licence_no: str
    holder_name: str
    credit_code: str
    inspected_on: date
    result: supervision.InspectionResult = Field(
        description="compliant (未发现问题) or non_compliant (发现问题)"
    )
    draw_id: str | None = Field(description="the draw it was chosen by, if any")
    items: list[PublicInspectionItem]


class ResultPage(Page):
    items: list[ResultOut]


class PublicInspections(BaseModel):
    year: int
    draws: list[PublicDraw] = Field(description="the year's draws, the latest first (all of them)")
    results: ResultPage


def draw(row: InspectionDrawRecord) -> PublicDraw:
    return PublicDraw(
        draw_id=row.draw_id,
        year=row.year,
        drawn_on=row.drawn_on,
        ratio_pct=Decimal(row.ratio_pct),
        algorithm=row.algorithm,
        seed=row.seed,
        population_size=len(row.population),
        population=list(row.population),
        drawn=list(row.drawn),
    )


def result(row: InspectionRecord) -> ResultOut:
    return ResultOut.model_validate(
        {
            "licence_no": row.licence_no,
            "holder_name": row.holder_name,
            "credit_code": row.credit_code,
            "inspected_on": row.inspected_on,
            "result": row.result,
            "draw_id": row.draw_id,
            "items": [
                {
                    "item": str(i["item"]),
                    "item_zh": supervision.item_zh(str(i["item"])),
                    "ok": bool(i["ok"]),
                }
                for i in row.items
            ],
        }
    )


# --- the summary ---------------------------------------------------------------------------
class PlanOut(BaseModel):
    plan_id: str
    title_zh: str
    title_en: str | None
    period: tuple[int, int]


class YearsOut(BaseModel):
    """The years that may be asked for (``year=``)."""

    first: int
    last: int


class PublicLicenceCounts(BaseModel):
    exploration: int
    mining: int
    total: int


class DecisionCounts(BaseModel):
    since: date = Field(description="the first day counted (the last 30 days)")
    approved: int
    rejected: int
    total: int


class GrantCounts(BaseModel):
    announced: int = Field(description="announced, trade not concluded yet")
    concluded: int
    failed: int
    contracted: int
    total: int


class ListCounts(BaseModel):
    abnormal: int
    serious_violation: int


class InspectionCounts(BaseModel):
    draws: int
    inspections: int


class SummaryOut(BaseModel):
    """The page's header: this year's figures and how current they are."""

    year: int = Field(description="this year, China Standard Time")
    years: YearsOut
    plan: PlanOut | None = Field(description="the plan in force; none before it arrives")
    licences: PublicLicenceCounts = Field(description="licences in force this year")
    decisions: DecisionCounts = Field(description="decisions of the last 30 days")
    grants: GrantCounts = Field(description="this year's grants by status")
    listed: ListCounts = Field(description="enterprises on each list today")
    inspections: InspectionCounts = Field(description="this year's draws and inspections")
    as_of: datetime | None = Field(description="the latest event the figures include")
