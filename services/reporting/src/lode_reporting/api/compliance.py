"""The compliance view (合规视图): mines with open findings, grouped by kind, and why."""

from __future__ import annotations

from typing import Annotated, Literal, NotRequired

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlmodel import col
from typing_extensions import TypedDict

from lode_common.limits import YEAR_MAX, YEAR_MIN
from lode_reporting.adapters.tables import ReportingFinding, ReportingLicence
from lode_reporting.api.deps import STAFF, Service
from lode_reporting.api.indicators import AsOf
from lode_reporting.projections.journal import position
from lode_reporting.queries.facts import snapshot

router = APIRouter(prefix="/reporting/v1", tags=["compliance"])


FindingStatus = Literal["open", "closed"]


class FindingEvent(TypedDict):
    """One event of a finding's history: opened (again) or closed, with what it said."""

    event_id: str
    type: str
    time: Annotated[str, Field(json_schema_extra={"format": "date-time"})]
    status: FindingStatus
    message: str
    note: NotRequired[str]
    closed_by: NotRequired[str]


class FindingView(BaseModel):
    finding_id: str
    code: str
    severity: Literal["info", "warning", "violation"]
    message: str
    standard: str
    year: int | None
    status: FindingStatus
    history: list[FindingEvent]


class MineCompliance(BaseModel):
    licence_no: str
    holder_name: str | None
    mineral: str | None
    licence_status: str | None
    open_findings: list[FindingView]
    closed_findings: list[FindingView]


class KindGroup(BaseModel):
    code: str
    open_findings: int
    licence_nos: list[str]


class Compliance(AsOf):
    year: int | None
    kinds: list[KindGroup]
    mines: list[MineCompliance]


def _view(row: ReportingFinding) -> FindingView:
    return FindingView.model_validate(row, from_attributes=True)


@router.get(
    "/compliance",
    dependencies=[STAFF],
    response_model=Compliance,
    summary="Mines with open findings (of a year, or all), by kind, with their history",
)
async def compliance(
    service: Service,
    year: Annotated[
        int | None, Query(ge=YEAR_MIN, le=YEAR_MAX, description="findings about this year")
    ] = None,
) -> Compliance:
    async with snapshot(service.runtime.sessions) as session:
        as_of = await position(session)
        open_query = select(ReportingFinding).where(col(ReportingFinding.status) == "open")
        if year is not None:
            open_query = open_query.where(col(ReportingFinding.year) == year)
        open_rows = (await session.execute(open_query)).scalars().all()
        licence_nos = sorted({r.licence_no for r in open_rows})
        closed_rows = (
            (
                await session.execute(
                    select(ReportingFinding).where(
                        col(ReportingFinding.status) == "closed",
                        col(ReportingFinding.licence_no).in_(licence_nos),
                    )
                )
            )
            .scalars()
            .all()
        )
        licences = {
            r.licence_no: r
            for r in (
                await session.execute(
                    select(ReportingLicence).where(
                        col(ReportingLicence.licence_no).in_(licence_nos)
                    )
                )
            ).scalars()
        }
    order = lambda r: (r.year or 0, r.code, r.finding_id)  # noqa: E731
    mines = []
    for licence_no in licence_nos:
        licence = licences.get(licence_no)
        mines.append(
            MineCompliance(
                licence_no=licence_no,
                holder_name=licence.holder_name if licence else None,
                mineral=licence.mineral if licence else None,
                licence_status=licence.status if licence else None,
                open_findings=[
                    _view(r) for r in sorted(open_rows, key=order) if r.licence_no == licence_no
                ],
                closed_findings=[
                    _view(r) for r in sorted(closed_rows, key=order) if r.licence_no == licence_no
                ],
            )
        )
    kinds: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for row in open_rows:
        counts[row.code] = counts.get(row.code, 0) + 1
        if row.licence_no not in kinds.setdefault(row.code, []):
            kinds[row.code].append(row.licence_no)
    groups = [
        KindGroup(code=code, open_findings=counts[code], licence_nos=sorted(kinds[code]))
        for code in sorted(kinds, key=lambda c: (-counts[c], c))
    ]
    return Compliance(year=year, kinds=groups, mines=mines, **as_of)
