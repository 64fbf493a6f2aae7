"""Inspections (现场检查): checked against the roster and the draw, the mine's filed figures
filled in where the inspector left them out, recorded with ``inspection.recorded``; a
non-compliant one opens ``inspection_discrepancy`` and a false filing lists the holder on
the abnormal list (虚假填报), all in one unit of work.

``filed`` is filled from the year's current annual report (开发利用年报: ore mined, the three
rates, the restored area) and reserves report (储量年报: the closing reserves of the
licence's mineral, or of its only mineral reported); the year is the body's ``year``, else
the draw's, else the year of ``inspected_on``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.errors import InvalidInput as InvalidProblem
from lode_common.events import catalog
from lode_common.messaging.outbox import UnitOfWork
from lode_monitoring.adapters.supervision_tables import Inspection, InspectionDraw
from lode_monitoring.adapters.tables import Mine, Report, ReservesReport
from lode_monitoring.domain import inspection as domain
from lode_monitoring.domain.errors import InvalidInput
from lode_monitoring.domain.listing import false_filing_ground
from lode_monitoring.handlers import listings
from lode_monitoring.handlers.finding_store import open_finding
from lode_monitoring.handlers.roster import roster

_REPORT_FIELDS = {
    "mining_recovery": "mining_recovery_pct",
    "processing_recovery": "processing_recovery_pct",
    "comprehensive_utilization": "comprehensive_utilization_pct",
    "restoration": "restored_area_ha",
}


@dataclass(frozen=True)
class NewInspection:
    """An inspection as the route read it (types and bounds checked there)."""

    licence_no: str
    draw_id: str | None
    year: int | None
    inspected_on: date
    inspectors: list[str]
    items: list[domain.Item]
    result: domain.Result
    note: str | None


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    return None


async def filed_figures(session: AsyncSession, mine: Mine, year: int) -> dict[str, float | None]:
    """What the mine filed for ``year``, by item name (:data:`domain.FILED_FROM`)."""
    report = (
        await session.execute(
            select(Report).where(
                col(Report.licence_no) == mine.licence_no,
                col(Report.year) == year,
                col(Report.period) == "annual",
                col(Report.is_current).is_(True),
            )
        )
    ).scalar_one_or_none()
    figures: dict[str, float | None] = {}
    if report is not None:
        figures["output"] = _number(report.ore_mined_10kt)
        for item, field in _REPORT_FIELDS.items():
            figures[item] = _number(report.body.get(field))
    reserves = list(
        (
            await session.execute(
                select(ReservesReport).where(
                    col(ReservesReport.licence_no) == mine.licence_no,
                    col(ReservesReport.year) == year,
                    col(ReservesReport.is_current).is_(True),
                )
            )
        ).scalars()
    )
    main = [r for r in reserves if r.mineral == mine.mineral] or (
        reserves if len(reserves) == 1 else []
    )
    if main:
        figures["reserves"] = _number(main[0].closing_10kt)
    return figures


def _prefilled(
    items: Sequence[domain.Item], given: Sequence[bool], figures: dict[str, float | None]
) -> list[domain.Item]:
    return [
        item if sent else replace(item, filed=figures.get(item.item))
        for item, sent in zip(items, given, strict=True)
    ]


async def _licence(session: AsyncSession, licence_no: str) -> Mine:
    mine = await session.get(Mine, licence_no)
    if mine is None:
        raise InvalidProblem.field(
            "licence_no",
            f"监管中没有该许可证 — licence {licence_no} has not reached monitoring",
        )
    return mine


async def record(
    uow: UnitOfWork,
    new: NewInspection,
    *,
    filed_given: Sequence[bool],
    actor: str,
    today: date,
) -> Inspection:
    """Check and record the inspection with its event, finding and listing (the caller
    commits). 422 for a licence or draw unknown, a licence not in the draw, or any rule
    of :func:`domain.inspection_problems` broken; nothing is written then."""
    session = uow.session
    mine = await _licence(session, new.licence_no)
    assigned: list[str] | None = None
    year = new.year if new.year is not None else new.inspected_on.year
    if new.draw_id is not None:
        draw = await session.get(InspectionDraw, new.draw_id)
        if draw is None:
            raise InvalidProblem.field("draw_id", f"没有该抽查 — there is no draw {new.draw_id}")
        assignment = next((a for a in draw.assignments if a["licence_no"] == mine.licence_no), None)
        if assignment is None:
            raise InvalidProblem.field(
                "licence_no",
                f"该许可证未被抽中 — licence {mine.licence_no} is not in draw {draw.id}",
            )
        assigned = list(assignment["inspectors"])
        year = new.year if new.year is not None else draw.year
    errors = domain.inspection_problems(
        inspectors=new.inspectors,
        items=new.items,
        result=new.result,
        inspected_on=new.inspected_on,
        today=today,
        holder=mine.holder_credit_code,
        roster=await roster(session),
        assigned=assigned,
    )
    if errors:
        raise InvalidInput(errors)
    items = _prefilled(new.items, filed_given, await filed_figures(session, mine, year))
    row = Inspection(
        id=str(uuid.uuid4()),
        licence_no=mine.licence_no,
        credit_code=mine.holder_credit_code,
        year=year,
        draw_id=new.draw_id,
        inspected_on=new.inspected_on,
        inspectors=list(new.inspectors),
        items=[i.as_dict() for i in items],
        result=new.result,
        note=new.note,
        recorded_by=actor,
        recorded_at=datetime.now(UTC),
    )
    if new.result == "non_compliant":
        found = domain.discrepancy(
            inspection_id=row.id, licence_no=mine.licence_no, year=year, items=items
        )
        row.finding_id = open_finding(uow, found, report_id=None).id
    session.add(row)
    false = [i.item for i in items if i.false_filing]
    if false:
        ground = false_filing_ground(mine.holder_credit_code, row.id, mine.licence_no, false)
        await listings.put_on_list(uow, ground, name=mine.holder_name, actor=actor, today=today)
    uow.emit(
        catalog.InspectionRecorded(
            inspection_id=row.id,
            licence_no=row.licence_no,
            credit_code=row.credit_code,
            holder_name=mine.holder_name,
            draw_id=row.draw_id,
            year=year,
            inspected_on=row.inspected_on,
            result=new.result,
            items=[catalog.InspectionItem(**i.as_dict()) for i in items],
            finding_id=row.finding_id,
        ),
        subject=row.licence_no,
    )
    await session.flush()
    return row


async def load(session: AsyncSession, inspection_id: str) -> Inspection | None:
    found: Inspection | None = await session.get(Inspection, inspection_id)
    return found
