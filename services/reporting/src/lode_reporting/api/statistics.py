"""Statistics of the read models (统计): licences by status, mineral and scale; the year's
output by mineral."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import select
from sqlmodel import col

from lode_common.events.quantities import Quantity
from lode_common.openapi import problems
from lode_reporting.adapters.tables import ReportingLicence
from lode_reporting.api.deps import STAFF, PlanId, Service, YearQuery
from lode_reporting.api.indicators import AsOf
from lode_reporting.domain import plan as plan_rules
from lode_reporting.domain.statistics import count_licences, output_by_mineral
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


class OutputByMineral(AsOf):
    year: int
    total_ore_mined_10kt: Quantity
    minerals: list[MineralOutputItem]


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
    async with snapshot(service.runtime.sessions) as session:
        document = (await service.plans.require(plan_id, session)).document
        plan_rules.check_year(document, year)
        as_of = await position(session)
        facts = await service.facts.load(session, document)
    minerals = output_by_mineral(facts, year)
    return OutputByMineral(
        year=year,
        total_ore_mined_10kt=sum((m.ore_mined_10kt for m in minerals), Decimal(0)),
        minerals=[
            MineralOutputItem(
                mineral=m.mineral,
                mines=m.mines,
                ore_mined_10kt=m.ore_mined_10kt,
                products=[ProductOutput(name=n, output_10kt=v) for n, v in m.products],
            )
            for m in minerals
        ],
        **as_of,
    )
