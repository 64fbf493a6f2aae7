"""The year's supervision and enforcement (监督检查) for staff: random inspection draws
(双随机抽查), inspections (检查结果), rectification orders (责令限期整改) and the supervision
lists (异常名录, 严重违法失信名单); and the audit anchors kept (审计锚点), for the
administrator and inspectors.

No answer names an inspector: monitoring's events carry no staff names."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from lode_common import auth
from lode_common.events.quantities import Quantity
from lode_common.http import MAX_OFFSET, requires
from lode_common.openapi import problems
from lode_reporting.api.deps import STAFF, PlanId, Service, YearQuery
from lode_reporting.domain import plan as plan_rules
from lode_reporting.domain import supervision
from lode_reporting.projections.journal import aware
from lode_reporting.queries import supervision as supervision_queries
from lode_reporting.queries.facts import snapshot

router = APIRouter(prefix="/reporting/v1", tags=["supervision"])
ANCHOR_READERS = Depends(requires(auth.ADMIN, auth.INSPECTOR))
"""Who reads the audit anchors: the administrator and the inspectors (audit is theirs)."""
ServiceName = Literal["zoning", "licensing", "monitoring", "reporting"]


class DrawOut(BaseModel):
    """A random inspection draw (双随机抽查): redraw it from ``seed`` and ``population`` with
    ``algorithm`` and get ``drawn``."""

    draw_id: str
    year: int
    drawn_on: date
    ratio_pct: Quantity = Field(description="the ratio the draw was asked for (%)")
    seed: str
    algorithm: str
    population: list[str] = Field(description="licence numbers drawn from, in draw order")
    drawn: list[str] = Field(description="licence numbers drawn, in draw order")
    drawn_pct: Quantity = Field(description="the share of the population drawn (%)")


class DrawsOut(BaseModel):
    count: int
    population: int = Field(description="licences the year's draws were made from (summed)")
    drawn: int = Field(description="licences drawn (summed)")
    drawn_pct: Quantity = Field(description="drawn / population (%)")
    items: list[DrawOut]


class ItemOut(BaseModel):
    """One inspection item (检查事项): filed against found."""

    item: str
    item_zh: str
    filed: str | float | None
    found: str | float | None
    ok: bool
    false_filing: bool = Field(description="the filing was found false (虚假填报)")


class InspectionOut(BaseModel):
    inspection_id: str
    licence_no: str
    credit_code: str
    holder_name: str
    draw_id: str | None
    inspected_on: date
    result: supervision.InspectionResult
    items: list[ItemOut]
    finding_id: str | None = Field(description="the finding inspection_discrepancy it opened")


class ItemCountOut(BaseModel):
    item: str
    item_zh: str
    count: int = Field(description="inspections that found the item not as filed")
    false_filings: int


class InspectionsOut(BaseModel):
    count: int
    compliant: int
    non_compliant: int
    enterprises: int = Field(description="enterprises inspected (户)")
    enterprises_non_compliant: int = Field(description="enterprises found with problems (户)")
    by_item: list[ItemCountOut] = Field(description="the items of discrepancy, most found first")
    items: list[InspectionOut]


class OrderOut(BaseModel):
    """A rectification order (责令限期整改) and where it stands."""

    order_id: str
    licence_no: str
    credit_code: str
    holder_name: str
    finding_ids: list[str]
    requirement: str
    ordered_on: date
    due: date
    status: supervision.OrderStatus = Field(description="open (整改期内), overdue, done (已整改)")
    verified_on: date | None = Field(description="the last verification (整改核查)")
    verification: supervision.Verification | None
    overdue_on: date | None


class OrdersOut(BaseModel):
    issued: int = Field(description="orders issued in the year; = done + overdue + open")
    done: int
    overdue: int
    open: int
    items: list[OrderOut]


class ListCountOut(BaseModel):
    list: supervision.ListName
    list_zh: str
    listed: int = Field(description="enterprises listed in the year")
    released: int = Field(description="enterprises released in the year")
    on_list: int = Field(description="enterprises on the list at as_of")


class ListingOut(BaseModel):
    listing_id: str
    credit_code: str
    name: str
    list: supervision.ListName
    status: Literal["listed", "released"]
    reason: str | None
    listed_on: date | None
    until: date | None = Field(description="the end of the term; none: until released")
    released_on: date | None
    release_reason: str | None


class ListsOut(BaseModel):
    by_list: list[ListCountOut]
    items: list[ListingOut] = Field(description="listed or released in the year, or on a list")


class SupervisionOut(BaseModel):
    year: int
    as_of: date = Field(description="the day the lists are counted at (year end, or today)")
    draws: DrawsOut
    inspections: InspectionsOut
    orders: OrdersOut
    lists: ListsOut


def supervision_out(found: supervision.SupervisionYear) -> SupervisionOut:
    draws, inspections = found.draw_summary, found.inspection_summary
    orders = found.order_summary
    return SupervisionOut(
        year=found.year,
        as_of=found.as_of,
        draws=DrawsOut(
            count=draws.count,
            population=draws.population,
            drawn=draws.drawn,
            drawn_pct=draws.drawn_pct,
            items=[
                DrawOut(
                    draw_id=d.draw_id,
                    year=d.year,
                    drawn_on=d.drawn_on,
                    ratio_pct=d.ratio_pct,
                    seed=d.seed,
                    algorithm=d.algorithm,
                    population=list(d.population),
                    drawn=list(d.drawn),
                    drawn_pct=d.drawn_pct,
                )
                for d in found.draws
            ],
        ),
        inspections=InspectionsOut(
            count=inspections.count,
            compliant=inspections.compliant,
            non_compliant=inspections.non_compliant,
            enterprises=inspections.enterprises,
            enterprises_non_compliant=inspections.enterprises_non_compliant,
            by_item=[
                ItemCountOut(
                    item=c.item,
                    item_zh=supervision.item_zh(c.item),
                    count=c.count,
                    false_filings=c.false_filings,
                )
                for c in inspections.by_item
            ],
            items=[
                InspectionOut(
                    inspection_id=i.inspection_id,
                    licence_no=i.licence_no,
                    credit_code=i.credit_code,
                    holder_name=i.holder_name,
                    draw_id=i.draw_id,
                    inspected_on=i.inspected_on,
                    result=i.result,
                    items=[
                        ItemOut(
                            item=item.item,
                            item_zh=supervision.item_zh(item.item),
                            filed=item.filed,
                            found=item.found,
                            ok=item.ok,
                            false_filing=item.false_filing,
                        )
                        for item in i.items
                    ],
                    finding_id=i.finding_id,
                )
                for i in found.inspections
            ],
        ),
        orders=OrdersOut(
            issued=orders.issued,
            done=orders.done,
            overdue=orders.overdue,
            open=orders.open,
            items=[
                OrderOut(
                    order_id=o.order_id,
                    licence_no=o.licence_no,
                    credit_code=o.credit_code,
                    holder_name=o.holder_name,
                    finding_ids=list(o.finding_ids),
                    requirement=o.requirement,
                    ordered_on=o.ordered_on,
                    due=o.due,
                    status=o.status,
                    verified_on=o.verified_on,
                    verification=o.verification,
                    overdue_on=o.overdue_on,
                )
                for o in found.orders
            ],
        ),
        lists=ListsOut(
            by_list=[
                ListCountOut(
                    list=c.list,
                    list_zh=supervision.LIST_ZH[c.list],
                    listed=c.listed,
                    released=c.released,
                    on_list=c.on_list,
                )
                for c in found.list_counts
            ],
            items=[
                ListingOut(
                    listing_id=i.listing_id,
                    credit_code=i.credit_code,
                    name=i.name,
                    list=i.list,
                    status="released" if i.released_on is not None else "listed",
                    reason=i.reason,
                    listed_on=i.listed_on,
                    until=i.until,
                    released_on=i.released_on,
                    release_reason=i.release_reason,
                )
                for i in found.listings
            ],
        ),
    )


@router.get(
    "/supervision",
    dependencies=[STAFF],
    response_model=SupervisionOut,
    summary="The year's supervision (监督检查): random inspection draws (双随机抽查), "
    "inspections and the items found, rectification orders (责令限期整改) and the lists "
    "(异常名录, 严重违法失信名单)",
    description="Orders count by the day they were issued and stand as they are now; the "
    "lists are counted at the year's end (or today, within the year). No inspector is named. "
    "A year before the plan period, or after it and after this year, is a 422 naming `year` "
    "(the plan stays in force after its period until a successor replaces it).",
    responses=problems(404),
)
async def supervision_of_year(service: Service, year: YearQuery, plan_id: PlanId) -> SupervisionOut:
    async with snapshot(service.runtime.sessions) as session:
        document = (await service.plans.require(plan_id, session)).document
        plan_rules.check_year_in_force(
            plan_rules.period(document), year, this_year=service.today().year
        )
        found = await supervision_queries.supervision_year(session, year, today=service.today())
    return supervision_out(found)


class AnchorOut(BaseModel):
    """A daily anchor of a service's audit chain (审计锚点), as the service published it."""

    service: ServiceName
    day: date
    seq: int = Field(description="the last sealed entry's sequence number")
    entry_hash: str = Field(description="that entry's hash, lower-case hex")
    algorithm: Literal["sm3", "sha256"]
    anchored_at: datetime
    event_id: str = Field(description="the anchor event (first published)")


class AnchorsOut(BaseModel):
    items: list[AnchorOut]
    total: int


@router.get(
    "/audit-anchors",
    dependencies=[ANCHOR_READERS],
    response_model=AnchorsOut,
    summary="The audit anchors kept (审计锚点): each service's daily audit-chain head, newest "
    "first, the copy outside each service that `lode audit verify` compares the chain with",
    description="Two anchors of one day and service claiming different hashes are both "
    "kept. For the administrator and inspectors.",
)
async def audit_anchors(
    service: Service,
    service_name: Annotated[
        ServiceName | None,
        Query(alias="service", description="only this service's anchors"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> AnchorsOut:
    async with service.runtime.sessions() as session:
        rows, total = await supervision_queries.anchors(
            session, service=service_name, offset=offset, limit=limit
        )
        items = [
            AnchorOut.model_validate(
                {
                    "service": r.service,
                    "day": r.day,
                    "seq": r.seq,
                    "entry_hash": r.entry_hash,
                    "algorithm": r.algorithm,
                    "anchored_at": aware(r.anchored_at),
                    "event_id": r.event_id,
                }
            )
            for r in rows
        ]
    return AnchorsOut(items=items, total=total)
