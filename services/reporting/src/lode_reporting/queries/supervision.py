"""The year's supervision (监督检查) from its read models, as the domain reads it
(:class:`~lode_reporting.domain.supervision.SupervisionYear`): the same for
``GET /reporting/v1/supervision``, the annual report and the dashboard; and the audit anchors
kept (``GET /reporting/v1/audit-anchors``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import cast

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_reporting.adapters.supervision import (
    AuditAnchor,
    InspectionDrawRecord,
    InspectionRecord,
    ListingRecord,
    RectificationRecord,
)
from lode_reporting.domain import supervision


def draw(row: InspectionDrawRecord) -> supervision.Draw:
    return supervision.Draw(
        draw_id=row.draw_id,
        year=row.year,
        ratio_pct=Decimal(row.ratio_pct),
        seed=row.seed,
        algorithm=row.algorithm,
        population=tuple(row.population),
        drawn=tuple(row.drawn),
        drawn_on=row.drawn_on,
    )


def inspection(row: InspectionRecord) -> supervision.Inspection:
    return supervision.Inspection(
        inspection_id=row.inspection_id,
        licence_no=row.licence_no,
        credit_code=row.credit_code,
        holder_name=row.holder_name,
        draw_id=row.draw_id,
        year=row.year,
        inspected_on=row.inspected_on,
        result=cast(supervision.InspectionResult, row.result),
        items=tuple(
            supervision.Item(
                item=str(i["item"]),
                filed=i.get("filed"),
                found=i.get("found"),
                ok=bool(i["ok"]),
                false_filing=bool(i.get("false_filing", False)),
            )
            for i in row.items
        ),
        finding_id=row.finding_id,
    )


def order(row: RectificationRecord) -> supervision.Order:
    return supervision.Order(
        order_id=row.order_id,
        licence_no=row.licence_no,
        credit_code=row.credit_code,
        holder_name=row.holder_name,
        finding_ids=tuple(row.finding_ids),
        requirement=row.requirement,
        ordered_on=row.ordered_on,
        due=row.due,
        status=cast(supervision.OrderStatus, row.status),
        verified_on=row.verified_on,
        verification=cast(supervision.Verification | None, row.verification),
        overdue_on=row.overdue_on,
    )


def listing(row: ListingRecord) -> supervision.Listing:
    return supervision.Listing(
        listing_id=row.listing_id,
        credit_code=row.credit_code,
        name=row.name,
        list=cast(supervision.ListName, row.list),
        reason=row.reason,
        listed_on=row.listed_on,
        until=row.until,
        released_on=row.released_on,
        release_reason=row.release_reason,
    )


async def supervision_year(
    session: AsyncSession, year: int, *, today: date
) -> supervision.SupervisionYear:
    """The year's draws, inspections, orders (issued in it) and list changes, counted; the
    lists counted at the year's end, or ``today`` while the year runs."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    as_of = supervision.counted_at(year, today)

    draws = (
        await session.execute(
            select(InspectionDrawRecord).where(col(InspectionDrawRecord.year) == year)
        )
    ).scalars()
    inspections = (
        await session.execute(select(InspectionRecord).where(col(InspectionRecord.year) == year))
    ).scalars()
    orders = (
        await session.execute(
            select(RectificationRecord).where(
                col(RectificationRecord.ordered_on).between(first, last)
            )
        )
    ).scalars()
    listings = (
        await session.execute(
            select(ListingRecord).where(
                or_(
                    col(ListingRecord.listed_on).between(first, last),
                    col(ListingRecord.released_on).between(first, last),
                    col(ListingRecord.released_on).is_(None),
                    col(ListingRecord.released_on) > as_of,
                )
            )
        )
    ).scalars()
    return supervision.supervision_year(
        year,
        as_of=as_of,
        draws=(draw(r) for r in draws),
        inspections=(inspection(r) for r in inspections),
        orders=(order(r) for r in orders),
        listings=(listing(r) for r in listings),
    )


async def anchors(
    session: AsyncSession, *, service: str | None, offset: int, limit: int
) -> tuple[list[AuditAnchor], int]:
    """The audit anchors kept, newest first (by day, then sequence), and how many in all."""
    query = select(AuditAnchor)
    if service is not None:
        query = query.where(col(AuditAnchor.service) == service)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    ordered = query.order_by(
        col(AuditAnchor.day).desc(),
        col(AuditAnchor.seq).desc(),
        col(AuditAnchor.service),
        col(AuditAnchor.entry_hash),
    )
    found = (await session.execute(ordered.offset(offset).limit(limit))).scalars().all()
    return list(found), int(total)
