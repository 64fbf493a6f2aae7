"""Random inspection draws (双随机抽查): made over the licences in force in a year, kept
with their seed, population and eligible inspectors, redrawn on demand
(:mod:`lode_monitoring.domain.draw` documents the algorithm)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.errors import NotFound
from lode_common.events import catalog
from lode_common.messaging.outbox import UnitOfWork
from lode_monitoring.adapters.supervision_tables import InspectionDraw
from lode_monitoring.adapters.tables import Mine
from lode_monitoring.domain import draw as domain
from lode_monitoring.handlers.reports import view_of
from lode_monitoring.handlers.roster import roster

SEED_BYTES = 32


def new_seed() -> str:
    """32 random bytes from the operating system (``secrets``), as hex."""
    return secrets.token_hex(SEED_BYTES)


async def in_force(session: AsyncSession, year: int) -> list[Mine]:
    """The licences in force (active on at least one day) in ``year``, by number."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    mines = (await session.execute(select(Mine).order_by(col(Mine.licence_no)))).scalars()
    return [m for m in mines if view_of(m).active_in(first, last)]


async def make_draw(
    uow: UnitOfWork,
    *,
    year: int,
    ratio_pct: Decimal,
    seed: str | None,
    actor: str,
    today: date,
) -> InspectionDraw:
    """Draw, keep the draw and stage ``inspection.drawn`` (the caller commits). InvalidDraw
    (422) when nothing is in force or a drawn licence lacks two eligible inspectors."""
    session = uow.session
    mines = await in_force(session, year)
    staff = await roster(session)
    active = sorted(staff.active)
    eligible = {
        m.licence_no: domain.eligible_inspectors(active, staff.related, m.holder_credit_code)
        for m in mines
    }
    seed = seed if seed is not None else new_seed()
    made = domain.draw(seed, [m.licence_no for m in mines], ratio_pct, eligible)
    row = InspectionDraw(
        id=str(uuid.uuid4()),
        year=year,
        ratio_pct=ratio_pct,
        seed=seed,
        algorithm=made.algorithm,
        population=list(made.population),
        candidates={licence_no: eligible[licence_no] for licence_no in made.drawn},
        drawn=list(made.drawn),
        assignments=[a.as_dict() for a in made.assignments],
        drawn_by=actor,
        drawn_at=datetime.now(UTC),
    )
    session.add(row)
    uow.emit(
        catalog.InspectionDrawn(
            draw_id=row.id,
            year=year,
            ratio_pct=float(ratio_pct),
            seed=seed,
            algorithm=made.algorithm,
            population=row.population,
            drawn=row.drawn,
            drawn_on=today,
        ),
        subject=row.id,
    )
    await session.flush()
    return row


async def load(session: AsyncSession, draw_id: str) -> InspectionDraw:
    """The draw, or NotFound (404)."""
    row = await session.get(InspectionDraw, draw_id)
    if row is None:
        raise NotFound(
            f"没有该抽查 — there is no draw {draw_id}; GET /monitoring/v1/inspection-draws "
            "lists them."
        )
    return row


@dataclass(frozen=True)
class Redrawn:
    """A draw made again from its kept seed, population and eligible inspectors."""

    made: domain.Draw
    same: bool


def redraw(row: InspectionDraw) -> Redrawn:
    """Make ``row``'s draw again and compare it with what was kept."""
    made = domain.draw(row.seed, row.population, Decimal(row.ratio_pct), row.candidates)
    same = (
        list(made.drawn) == row.drawn and [a.as_dict() for a in made.assignments] == row.assignments
    )
    return Redrawn(made, same)


async def of_year(session: AsyncSession, year: int | None) -> list[InspectionDraw]:
    """The draws (of ``year`` when given), the latest first."""
    query = select(InspectionDraw).order_by(col(InspectionDraw.drawn_at).desc())
    if year is not None:
        query = query.where(col(InspectionDraw.year) == year)
    return list((await session.execute(query)).scalars())
