"""The abnormal list (异常名录) and the serious-violation list (严重违法失信名单): listing
and release with their events (``enterprise.listed`` / ``enterprise.released``, the
listing's id stable from one to the other), and the daily pass that lists enterprises whose
annual report is missing after the deadline and releases terms that ended
(:mod:`lode_monitoring.domain.listing`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.errors import Conflict, InvalidInput, NotFound
from lode_common.events import catalog
from lode_common.messaging.outbox import UnitOfWork
from lode_common.plan.replica import PlanNotLoaded
from lode_common.runtime import ServiceRuntime
from lode_monitoring.adapters.supervision_tables import EnterpriseListing
from lode_monitoring.adapters.tables import Mine, Report
from lode_monitoring.container import Monitoring
from lode_monitoring.domain import listing as domain
from lode_monitoring.domain.findings import missing_reports
from lode_monitoring.domain.periods import cst_date
from lode_monitoring.handlers.reports import view_of

log = structlog.get_logger(__name__)
ACTOR = "system:deadline"


async def holder_name(session: AsyncSession, credit_code: str) -> str | None:
    """The enterprise's name as its latest replicated licence gives it, or None when no
    licence of the enterprise has reached monitoring."""
    found: str | None = (
        await session.execute(
            select(col(Mine.holder_name))
            .where(col(Mine.holder_credit_code) == credit_code)
            .order_by(col(Mine.updated_at).desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    return found


async def put_on_list(
    uow: UnitOfWork,
    ground: domain.ListingGround,
    *,
    name: str,
    actor: str,
    today: date,
    until: date | None = None,
) -> EnterpriseListing | None:
    """List the enterprise on ``ground`` with ``enterprise.listed``, unless that ground
    listed it already (then None: listing is once per ground, released or not)."""
    session = uow.session
    existing = (
        await session.execute(
            select(EnterpriseListing).where(
                col(EnterpriseListing.credit_code) == ground.credit_code,
                col(EnterpriseListing.reason_code) == ground.reason_code,
                col(EnterpriseListing.source_ref) == ground.source_ref,
            )
        )
    ).scalar_one_or_none()
    if existing is not None:
        return None
    row = EnterpriseListing(
        listing_id=str(uuid.uuid4()),
        credit_code=ground.credit_code,
        name=name,
        list=ground.list,
        reason_code=ground.reason_code,
        reason=ground.reason,
        source_ref=ground.source_ref,
        listed_on=today,
        until=until,
        status="listed",
        listed_by=actor,
    )
    session.add(row)
    uow.emit(
        catalog.EnterpriseListed(
            listing_id=row.listing_id,
            credit_code=row.credit_code,
            name=row.name,
            list=ground.list,
            reason=row.reason,
            listed_on=today,
            until=until,
        ),
        subject=row.credit_code,
    )
    await session.flush()
    return row


def release_one(
    uow: UnitOfWork, row: EnterpriseListing, *, reason: str, actor: str, today: date
) -> None:
    """Take the listing off its list with ``enterprise.released``."""
    row.status, row.released_on = "released", today
    row.release_reason, row.released_by = reason, actor
    uow.emit(
        catalog.EnterpriseReleased(
            listing_id=row.listing_id,
            credit_code=row.credit_code,
            name=row.name,
            list="serious_violation" if row.list == "serious_violation" else "abnormal",
            reason=reason,
            released_on=today,
        ),
        subject=row.credit_code,
    )


async def listed(
    session: AsyncSession, credit_code: str, list_name: domain.ListName
) -> list[EnterpriseListing]:
    """The enterprise's listings on ``list_name`` still in force, locked."""
    query = (
        select(EnterpriseListing)
        .where(
            col(EnterpriseListing.credit_code) == credit_code,
            col(EnterpriseListing.list) == list_name,
            col(EnterpriseListing.status) == "listed",
        )
        .order_by(col(EnterpriseListing.listed_on))
        .with_for_update()
    )
    return list((await session.execute(query)).scalars())


async def still_missing(
    service: Monitoring, session: AsyncSession, credit_code: str, now: datetime
) -> dict[int, list[str]]:
    """The enterprise's annual reports still missing after their deadline: {year: licences}."""
    standards = await service.standards.require(await service.plan_id(session), session)
    mines = (
        await session.execute(select(Mine).where(col(Mine.holder_credit_code) == credit_code))
    ).scalars()
    views = [view_of(m) for m in mines]
    filed = (
        await session.execute(
            select(Report).where(
                col(Report.licence_no).in_([v.licence_no for v in views]),
                col(Report.is_current).is_(True),
            )
        )
    ).scalars()
    missing: dict[int, list[str]] = {}
    for finding in missing_reports(
        views,
        list(filed),
        now,
        due=service.settings.annual_report_due_on(),
        first_year=standards.plan_period[0],
    ):
        missing.setdefault(finding.year, []).append(finding.licence_no)
    return missing


async def release(
    service: Monitoring,
    uow: UnitOfWork,
    *,
    credit_code: str,
    list_name: domain.ListName,
    reason: str,
    actor: str,
    now: datetime,
) -> list[EnterpriseListing]:
    """Release the enterprise from ``list_name`` (every listing on it). NotFound (404) when
    it is not listed there; Conflict (409) while an annual report that listed it is still
    missing (nothing is released then)."""
    session = uow.session
    rows = await listed(session, credit_code, list_name)
    if not rows:
        raise NotFound(
            f"该企业不在{domain.LIST_ZH[list_name]}中 — {credit_code} is not on the "
            f"{list_name} list; GET /monitoring/v1/abnormal-list shows who is."
        )
    years = {domain.year_of_source(r.source_ref) for r in rows} - {None}
    if years:
        missing = await still_missing(service, session, credit_code, now)
        open_years = sorted(y for y in years if y is not None and y in missing)
        if open_years:
            licences = sorted({n for y in open_years for n in missing[y]})
            raise Conflict(
                "年报仍未报送，不能移出异常名录 — the annual report of "
                f"{', '.join(map(str, open_years))} is still missing for "
                f"{', '.join(licences)}: file it, then release.",
                missing_years=open_years,
                licences=licences,
            )
    today = cst_date(now)
    for row in rows:
        release_one(uow, row, reason=reason, actor=actor, today=today)
    await session.flush()
    return rows


async def list_serious_violation(
    uow: UnitOfWork,
    *,
    credit_code: str,
    reason: str,
    until: date,
    actor: str,
    today: date,
) -> EnterpriseListing:
    """Put the enterprise on the serious-violation list until ``until``. InvalidInput (422)
    naming ``credit_code`` when no licence of it has reached monitoring; Conflict (409)
    when it is on the list already."""
    session = uow.session
    name = await holder_name(session, credit_code)
    if name is None:
        raise InvalidInput.field(
            "credit_code",
            f"监管中没有该企业的许可证 — no licence held by {credit_code} has reached monitoring",
        )
    if until <= today:
        raise InvalidInput.field("until", f"期限须晚于今天 — {until} is not after today")
    if await listed(session, credit_code, "serious_violation"):
        raise Conflict(
            f"已在严重违法失信名单中 — {credit_code} is on the serious-violation list already."
        )
    listing_id = str(uuid.uuid4())
    ground = domain.ListingGround(
        credit_code=credit_code,
        reason_code="serious_violation",
        reason=reason,
        source_ref=f"serious_violation:{listing_id}",
    )
    row = await put_on_list(uow, ground, name=name, actor=actor, today=today, until=until)
    assert row is not None  # a new source: never listed before
    return row


async def _late_filers(
    service: Monitoring, session: AsyncSession, now: datetime
) -> list[tuple[domain.ListingGround, str]]:
    """Each enterprise and year with an annual report missing past its deadline, with the
    enterprise's name. Illustrative licences (the demo's, 示意) never put their holder on
    the list: the list is public, and a figure made up for a demonstration must not name a
    real enterprise as a late filer."""
    try:
        standards = await service.standards.require(await service.plan_id(session), session)
    except PlanNotLoaded:
        return []
    mines = list((await session.execute(select(Mine))).scalars())
    filed = (
        await session.execute(select(Report).where(col(Report.is_current).is_(True)))
    ).scalars()
    missing = missing_reports(
        [view_of(m) for m in mines],
        list(filed),
        now,
        due=service.settings.annual_report_due_on(),
        first_year=standards.plan_period[0],
    )
    holders = {m.licence_no: m.holder_credit_code for m in mines if not m.illustrative}
    names = {m.holder_credit_code: m.holder_name for m in mines}
    return [(g, names[g.credit_code]) for g in domain.missing_report_grounds(missing, holders)]


async def _ended_terms(session: AsyncSession, today: date) -> Sequence[EnterpriseListing]:
    query = select(EnterpriseListing).where(
        col(EnterpriseListing.list) == "serious_violation",
        col(EnterpriseListing.status) == "listed",
        col(EnterpriseListing.until) < today,
    )
    return list((await session.execute(query)).scalars())


async def check_listings(runtime: ServiceRuntime, now: datetime | None = None) -> tuple[int, int]:
    """One daily pass: list the late filers (once per enterprise and year) and release the
    serious-violation listings whose term ended (期满); returns (listed, released)."""
    service = Monitoring.of(runtime)
    now = now or datetime.now(UTC)
    today = cst_date(now)
    listed_now = released = 0
    try:
        async with runtime.uow() as uow:
            for ground, name in await _late_filers(service, uow.session, now):
                added = await put_on_list(uow, ground, name=name, actor=ACTOR, today=today)
                listed_now += added is not None
            for row in await _ended_terms(uow.session, today):
                release_one(uow, row, reason=domain.TERM_ENDED, actor=ACTOR, today=today)
                released += 1
            await uow.commit()
    except IntegrityError:  # another instance listed the same enterprise first: next pass
        log.info("listing pass lost a race with another instance; retried next pass")
        return 0, 0
    if listed_now or released:
        log.info("supervision lists checked", listed=listed_now, released=released)
    return listed_now, released
