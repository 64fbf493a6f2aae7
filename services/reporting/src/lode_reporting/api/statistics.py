"""Statistics of the read models (统计): licences by status, mineral and scale; the year's
output and output value by mineral; the year's reserves by mineral."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlmodel import col

from lode_common.events.quantities import Quantity
from lode_common.openapi import problems
from lode_common.plan.document import PlanDocument
from lode_reporting.adapters.tables import ReportingLicence
from lode_reporting.api.deps import STAFF, PlanId, Service, YearQuery
from lode_reporting.api.indicators import AsOf
from lode_reporting.container import Reporting
from lode_reporting.domain import plan as plan_rules
from lode_reporting.domain.measures import Facts
from lode_reporting.domain.reserves import reserves_by_mineral
from lode_reporting.domain.statistics import count_licences, output_by_mineral, output_value
from lode_reporting.projections.journal import position
from lode_reporting.queries.facts import snapshot

RightType = Literal["exploration", "mining"]
LicenceStatus = Literal["active", "suspended", "expired", "revoked", "cancelled"]

router = APIRouter(prefix="/reporting/v1", tags=["statistics"])


class LicenceGroup(BaseModel):
    right_type: str
    mineral: str
    status: str
    scale: str | None
    count: int


class LicenceSummary(AsOf):
    total: int
    by_status: dict[str, int]
    by_right_type: dict[str, int]
    by_scale: dict[str, int]
    groups: list[LicenceGroup]


class ProductOutput(BaseModel):
    name: str
    output_10kt: Quantity


class MineralOutputItem(BaseModel):
    mineral: str
    mines: int
    ore_mined_10kt: Quantity
    products: list[ProductOutput]
    output_value_cny_10k: Quantity | None = Field(
        description="产值 (万元) over the mines' reports that give it; null when none does (未报)"
    )
    mines_without_value: int = Field(description="mines whose reports give no output value")


class OutputValueBaseline(BaseModel):
    """The plan's base-year output value (亿元) and the clause stating it."""

    year: int
    value_cny_100m: Quantity | None
    clause: str | None


class OutputByMineral(AsOf):
    year: int
    total_ore_mined_10kt: Quantity
    total_output_value_cny_10k: Quantity | None = Field(
        description="产值 (万元) of the mines that reported it; null when none did (未报)"
    )
    total_output_value_cny_100m: Quantity | None = Field(
        description="the same in 亿元, the unit of the plan's baseline"
    )
    mines_without_value: int
    baseline: OutputValueBaseline
    minerals: list[MineralOutputItem]


class MineralReservesItem(BaseModel):
    """One mineral's reserves in the year (万吨 of ore); null figures: no mine reported (未报)."""

    mineral: str
    mines_reporting: int
    mines_not_reporting: int = Field(
        description="mines of the mineral in force on 31 December without a report of the year"
    )
    closing_10kt: Quantity | None = Field(description="保有: the reports' closing reserves")
    used_10kt: Quantity | None = Field(description="动用: extracted + lost")
    extracted_10kt: Quantity | None
    lost_10kt: Quantity | None
    new_proven_10kt: Quantity | None = Field(description="新增: newly proven")
    recalculated_10kt: Quantity | None = Field(description="重算增减 (signed)")
    event_ids: list[str] = Field(description="the reports' current versions behind the figures")


class ReservesByMineral(AsOf):
    year: int
    mines_reporting: int
    mines_not_reporting: int
    minerals: list[MineralReservesItem]


async def _year_facts(
    service: Reporting, plan_id: str, year: int
) -> tuple[PlanDocument, Facts, dict[str, Any]]:
    """The plan version in force, the facts and their ``as_of``, read in one snapshot; a
    year outside the plan period raises :class:`~lode_reporting.domain.plan.YearOutsidePlan`."""
    async with snapshot(service.runtime.sessions) as session:
        document = (await service.plans.require(plan_id, session)).document
        plan_rules.check_year(document, year)
        as_of = await position(session)
        facts = await service.facts.load(session, document)
    return document, facts, as_of


@router.get(
    "/licences/summary",
    dependencies=[STAFF],
    response_model=LicenceSummary,
    summary="Licences as they stand, counted by right type, mineral, status and scale",
)
async def licence_summary(
    service: Service,
    right_type: Annotated[RightType | None, Query(description="only licences of this kind")] = None,
    status: Annotated[
        LicenceStatus | None, Query(description="only licences in this status")
    ] = None,
) -> LicenceSummary:
    query = select(
        col(ReportingLicence.right_type),
        col(ReportingLicence.mineral),
        col(ReportingLicence.status),
        col(ReportingLicence.scale),
    )
    if right_type is not None:
        query = query.where(col(ReportingLicence.right_type) == right_type)
    if status is not None:
        query = query.where(col(ReportingLicence.status) == status)
    async with snapshot(service.runtime.sessions) as session:
        as_of = await position(session)
        rows = (await session.execute(query)).all()
    counts = count_licences((r[0], r[1], r[2], r[3]) for r in rows)
    return LicenceSummary(
        total=counts.total,
        by_status=counts.by_status,
        by_right_type=counts.by_right_type,
        by_scale=counts.by_scale,
        groups=[
            LicenceGroup(right_type=k[0], mineral=k[1], status=k[2], scale=k[3], count=n)
            for k, n in counts.groups
        ],
        **as_of,
    )


@router.get(
    "/output",
    dependencies=[STAFF],
    response_model=OutputByMineral,
    summary="The year's output by mineral, from the mines' current reports",
    responses=problems(404),
)
async def output(service: Service, year: YearQuery, plan_id: PlanId) -> OutputByMineral:
    document, facts, as_of = await _year_facts(service, plan_id, year)
    minerals = output_by_mineral(facts, year)
    baseline = plan_rules.output_value_baseline(document)
    value = output_value(minerals, baseline.value_cny_100m)
    return OutputByMineral(
        year=year,
        total_ore_mined_10kt=sum((m.ore_mined_10kt for m in minerals), Decimal(0)),
        total_output_value_cny_10k=value.total_cny_10k,
        total_output_value_cny_100m=value.total_cny_100m,
        mines_without_value=value.mines_without_value,
        baseline=OutputValueBaseline(
            year=baseline.year, value_cny_100m=baseline.value_cny_100m, clause=baseline.clause
        ),
        minerals=[
            MineralOutputItem(
                mineral=m.mineral,
                mines=m.mines,
                ore_mined_10kt=m.ore_mined_10kt,
                products=[ProductOutput(name=n, output_10kt=v) for n, v in m.products],
                output_value_cny_10k=m.output_value_cny_10k,
                mines_without_value=m.mines_without_value,
            )
            for m in minerals
        ],
        **as_of,
    )


@router.get(
    "/reserves",
    dependencies=[STAFF],
    response_model=ReservesByMineral,
    summary="The year's reserves by mineral (保有, 动用, 新增), from the mines' reserves reports",
    responses=problems(404),
)
async def reserves(service: Service, year: YearQuery, plan_id: PlanId) -> ReservesByMineral:
    _, facts, as_of = await _year_facts(service, plan_id, year)
    minerals = reserves_by_mineral(facts, year)
    return ReservesByMineral(
        year=year,
        mines_reporting=sum(m.mines_reporting for m in minerals),
        mines_not_reporting=sum(m.mines_not_reporting for m in minerals),
        minerals=[
            MineralReservesItem(
                mineral=m.mineral,
                mines_reporting=m.mines_reporting,
                mines_not_reporting=m.mines_not_reporting,
                closing_10kt=m.closing_10kt,
                used_10kt=m.used_10kt,
                extracted_10kt=m.extracted_10kt,
                lost_10kt=m.lost_10kt,
                new_proven_10kt=m.new_proven_10kt,
                recalculated_10kt=m.recalculated_10kt,
                event_ids=list(m.event_ids),
            )
            for m in minerals
        ],
        **as_of,
    )
