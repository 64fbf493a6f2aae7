"""The public disclosure's reads of reporting's read models (never another service's), each
in the order it states. The rules of what is public are
:mod:`lode_reporting.domain.public`'s; these only fetch."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_reporting.adapters.decisions import PublicDecision
from lode_reporting.adapters.supervision import (
    InspectionDrawRecord,
    InspectionRecord,
    ListingRecord,
)
from lode_reporting.adapters.tables import GrantRecord, ReportingLicence, ReportingLicenceVersion
from lode_reporting.domain import public
from lode_reporting.domain.measures import LicenceVersion

T = TypeVar("T")
IN_CHUNK = 1000
"""Licence numbers per ``IN (...)``: well within SQLite's and asyncpg's parameter limits."""


@dataclass(frozen=True, slots=True)
class LicenceFilter:
    year: int
    right_type: str | None = None
    mineral: str | None = None
    q: str | None = None


async def _page(
    session: AsyncSession, query: Select[T], order: Sequence[Any], offset: int, limit: int
) -> tuple[list[T], int]:
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = (await session.execute(query.order_by(*order).offset(offset).limit(limit))).scalars()
    return list(rows), int(total)


# --- licences ------------------------------------------------------------------------------
async def licences_in_force(session: AsyncSession, wanted: LicenceFilter) -> list[str]:
    """The numbers of the licences in force on some day of the year that match the filters
    (``q``: part of the number or of the holder's name, any case), by number."""
    year_end = date(wanted.year, 12, 31)
    v = ReportingLicenceVersion
    rows = await session.execute(
        select(
            col(v.licence_no),
            col(v.event_id),
            col(v.effective_on),
            col(v.right_type),
            col(v.status),
            col(v.scale),
            col(v.mineral),
            col(v.valid_from),
            col(v.valid_to),
        ).where(col(v.effective_on) <= year_end)
    )
    versions = (LicenceVersion(*row) for row in rows.all())
    in_force = public.in_force_during(versions, wanted.year)
    query = select(col(ReportingLicence.licence_no))
    if wanted.right_type:
        query = query.where(col(ReportingLicence.right_type) == wanted.right_type)
    if wanted.mineral:
        query = query.where(col(ReportingLicence.mineral) == wanted.mineral)
    if wanted.q:
        query = query.where(
            or_(
                col(ReportingLicence.licence_no).icontains(wanted.q, autoescape=True),
                col(ReportingLicence.holder_name).icontains(wanted.q, autoescape=True),
            )
        )
    matching = (await session.execute(query)).scalars()
    return sorted(no for no in matching if no in in_force)


async def licences(session: AsyncSession, numbers: Sequence[str]) -> list[ReportingLicence]:
    """The licences ``numbers`` name, in that order."""
    found: dict[str, ReportingLicence] = {}
    for start in range(0, len(numbers), IN_CHUNK):
        chunk = numbers[start : start + IN_CHUNK]
        query = select(ReportingLicence).where(col(ReportingLicence.licence_no).in_(chunk))
        found.update((row.licence_no, row) for row in (await session.execute(query)).scalars())
    return [found[no] for no in numbers if no in found]


async def right_types(session: AsyncSession, numbers: set[str]) -> Counter[str]:
    """How many of ``numbers`` are exploration and how many mining licences."""
    query = select(col(ReportingLicence.licence_no), col(ReportingLicence.right_type))
    return Counter(kind for no, kind in (await session.execute(query)).all() if no in numbers)


# --- decisions -----------------------------------------------------------------------------
def _decided() -> Select[PublicDecision]:
    """Decided applications whose submission has arrived too (who applied is known)."""
    return select(PublicDecision).where(
        col(PublicDecision.decision).is_not(None),
        col(PublicDecision.decided_on).is_not(None),
        col(PublicDecision.applicant_name).is_not(None),
    )


async def decisions(
    session: AsyncSession,
    *,
    since: date | None,
    until: date | None,
    decision: str | None,
    offset: int,
    limit: int,
) -> tuple[list[PublicDecision], int]:
    """Decided applications, the latest decided first (then by application id)."""
    query = _decided()
    if since is not None:
        query = query.where(col(PublicDecision.decided_on) >= since)
    if until is not None:
        query = query.where(col(PublicDecision.decided_on) <= until)
    if decision is not None:
        query = query.where(col(PublicDecision.decision) == decision)
    order = (col(PublicDecision.decided_on).desc(), col(PublicDecision.application_id))
    return await _page(session, query, order, offset, limit)


async def decisions_since(session: AsyncSession, since: date) -> Counter[str]:
    """Decisions from ``since`` on, by decision."""
    query = _decided().where(col(PublicDecision.decided_on) >= since)
    return Counter(row.decision or "" for row in (await session.execute(query)).scalars())


# --- grants --------------------------------------------------------------------------------
async def grants(
    session: AsyncSession, *, year: int, status: str | None, offset: int, limit: int
) -> tuple[list[GrantRecord], int]:
    """The year's grants, the latest announced first (a grant whose announcement has not
    arrived last), then by grant id."""
    query = select(GrantRecord).where(col(GrantRecord.year) == year)
    if status is not None:
        query = query.where(col(GrantRecord.status) == status)
    order = (col(GrantRecord.announced_on).desc().nulls_last(), col(GrantRecord.grant_id))
    return await _page(session, query, order, offset, limit)


async def grant_statuses(session: AsyncSession, year: int) -> Counter[str]:
    query = (
        select(col(GrantRecord.status), func.count())
        .where(col(GrantRecord.year) == year)
        .group_by(col(GrantRecord.status))
    )
    return Counter({status: int(n) for status, n in (await session.execute(query)).all()})


# --- the lists -----------------------------------------------------------------------------
async def on_lists(
    session: AsyncSession, *, today: date, list_name: str | None = None
) -> list[ListingRecord]:
    """The enterprises on a list today (:func:`~lode_reporting.domain.public.on_list`), the
    latest listed first (then by listing id)."""
    query = select(ListingRecord).where(col(ListingRecord.status) == "listed")
    if list_name is not None:
        query = query.where(col(ListingRecord.list) == list_name)
    rows = (await session.execute(query)).scalars()
    standing = [r for r in rows if public.on_list(r.status, r.until, today)]
    standing.sort(key=lambda r: r.listing_id)
    standing.sort(key=lambda r: r.listed_on or date.min, reverse=True)
    return standing


# --- inspections ---------------------------------------------------------------------------
async def draws(session: AsyncSession, year: int) -> list[InspectionDrawRecord]:
    """The year's random draws, the latest first (then by draw id)."""
    query = (
        select(InspectionDrawRecord)
        .where(col(InspectionDrawRecord.year) == year)
        .order_by(col(InspectionDrawRecord.drawn_on).desc(), col(InspectionDrawRecord.draw_id))
    )
    return list((await session.execute(query)).scalars())


async def inspections(
    session: AsyncSession, *, year: int, result: str | None, offset: int, limit: int
) -> tuple[list[InspectionRecord], int]:
    """The year's inspection results, the latest first (then by inspection id)."""
    query = select(InspectionRecord).where(col(InspectionRecord.year) == year)
    if result is not None:
        query = query.where(col(InspectionRecord.result) == result)
    order = (col(InspectionRecord.inspected_on).desc(), col(InspectionRecord.inspection_id))
    return await _page(session, query, order, offset, limit)


async def inspection_count(session: AsyncSession, year: int) -> tuple[int, int]:
    """The year's (draws, inspections)."""
    counted = []
    for table in (InspectionDrawRecord, InspectionRecord):
        query = select(func.count()).select_from(table).where(col(table.year) == year)
        counted.append(int((await session.execute(query)).scalar_one()))
    return counted[0], counted[1]
