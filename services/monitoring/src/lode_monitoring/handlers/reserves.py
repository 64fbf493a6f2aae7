"""Reserves reports (储量年报): filed with their findings and events in one unit of work,
corrected by new versions (the old kept, the reason required).

A report is judged with last year's report of the same mineral (continuity), the year's
annual output report (ore mined) and the licence; filing or correcting year Y also
re-judges the continuity of year Y+1's report, when there is one, so that a late filing or
a corrected closing opens or closes ``reserves_discontinuity`` there.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.auth import Principal
from lode_common.events import catalog
from lode_common.messaging.outbox import UnitOfWork
from lode_monitoring.adapters.tables import Finding, Mine, Report, ReservesReport
from lode_monitoring.domain import reserves as domain
from lode_monitoring.domain.errors import InvalidReservesReport
from lode_monitoring.domain.finding import RESERVES_CODES, finding_key
from lode_monitoring.domain.finding import Finding as DomainFinding
from lode_monitoring.domain.report import OutputReport
from lode_monitoring.domain.reserves_rules import evaluate_reserves, reserves_discontinuity
from lode_monitoring.domain.standards import MonitoringStandards
from lode_monitoring.handlers.finding_store import settle
from lode_monitoring.handlers.reports import (
    Correctable,
    NotYourLicence,
    finding_view,
    history_of,
    licence_key,
    owned_current,
    refuse_unknown_licence,
    view_of,
)

FIGURES = (*domain.UNSIGNED, domain.SIGNED)


class UnknownReservesReport(Exception):
    """No reserves report has this id."""


class ReservesReportExists(Exception):
    """A reserves report for the licence, year and mineral exists: correct it with PUT.
    ``report_id`` None when a concurrent filing took the slot first."""

    def __init__(self, report_id: str | None) -> None:
        super().__init__(report_id or "unknown")
        self.report_id = report_id


@dataclass(frozen=True)
class Filed:
    """A reserves report version stored, with the findings it gave."""

    row: ReservesReport
    findings: list[dict[str, Any]]


@dataclass(frozen=True)
class Judged:
    """What a report is judged with: the standards of the plan in force, the bureau's
    reserves settings and today (CST)."""

    standards: MonitoringStandards
    policy: domain.ReservesPolicy
    today: date


def as_domain(row: ReservesReport, *, main: bool = True) -> domain.ReservesReport:
    """A stored version as the rules read it."""
    return domain.ReservesReport(
        licence_no=row.licence_no,
        year=row.year,
        mineral=row.mineral,
        opening_10kt=row.opening_10kt,
        extracted_10kt=row.extracted_10kt,
        lost_10kt=row.lost_10kt,
        new_proven_10kt=row.new_proven_10kt,
        recalculated_10kt=row.recalculated_10kt,
        closing_10kt=row.closing_10kt,
        main=main,
    )


def event_fields(row: ReservesReport) -> dict[str, Any]:
    """The fields of ``reserves.reported`` / ``reserves.corrected`` for a stored version."""
    return {
        "report_id": row.id,
        "version": row.version,
        "licence_no": row.licence_no,
        "year": row.year,
        "mineral": row.mineral,
        **{name: getattr(row, name) for name in FIGURES},
        "illustrative": row.illustrative,
    }


async def _current(
    session: AsyncSession, licence_no: str, year: int, mineral: str, *, lock: bool = False
) -> ReservesReport | None:
    query = select(ReservesReport).where(
        col(ReservesReport.licence_no) == licence_no,
        col(ReservesReport.year) == year,
        col(ReservesReport.mineral) == mineral,
        col(ReservesReport.is_current).is_(True),
    )
    if lock:
        query = query.with_for_update()
    found: ReservesReport | None = (await session.execute(query)).scalar_one_or_none()
    return found


async def _annual_output(
    session: AsyncSession, licence_no: str, year: int, today: date, standards: MonitoringStandards
) -> OutputReport | None:
    body = (
        await session.execute(
            select(col(Report.body)).where(
                col(Report.licence_no) == licence_no,
                col(Report.year) == year,
                col(Report.period) == "annual",
                col(Report.is_current).is_(True),
            )
        )
    ).scalar_one_or_none()
    if body is None:
        return None
    parsed = history_of([body], standards, today)
    return parsed[0] if parsed else None


async def _open_findings(session: AsyncSession, keys: Sequence[str]) -> list[Finding]:
    query = select(Finding).where(col(Finding.status) == "open", col(Finding.key).in_(keys))
    return list((await session.execute(query)).scalars())


async def _judge_and_emit(
    uow: UnitOfWork,
    row: ReservesReport,
    parsed: domain.ReservesReport,
    mine: Mine,
    judged: Judged,
    *,
    actor: str,
    reason: str | None,
) -> Filed:
    """Store ``row``, stage its event, and settle its findings and its successor's
    continuity, all in ``uow``."""
    session = uow.session
    licence = view_of(mine)
    previous = await _current(session, row.licence_no, row.year - 1, row.mineral)
    output = await _annual_output(session, row.licence_no, row.year, judged.today, judged.standards)
    found = evaluate_reserves(
        parsed,
        licence,
        judged.standards,
        judged.policy,
        previous=as_domain(previous) if previous is not None else None,
        output=output,
    )
    if reason is None:
        uow.emit(catalog.ReservesReported(**event_fields(row)), subject=row.licence_no)
    else:
        uow.emit(
            catalog.ReservesCorrected(**event_fields(row), reason=reason), subject=row.licence_no
        )
    own = [
        finding_key(code, row.licence_no, row.year, subject=row.mineral) for code in RESERVES_CODES
    ]
    settle(
        uow,
        await _open_findings(session, sorted(own)),
        found,
        actor=actor,
        closing_note="no longer found in the reserves report",
        report_id=row.id,
    )
    successor = await _current(session, row.licence_no, row.year + 1, row.mineral)
    if successor is not None:
        key = finding_key(
            "reserves_discontinuity", row.licence_no, successor.year, subject=row.mineral
        )
        again: Sequence[DomainFinding] = reserves_discontinuity(
            as_domain(successor), parsed, judged.policy
        )
        settle(
            uow,
            await _open_findings(session, [key]),
            again,
            actor=actor,
            closing_note=f"the {row.year} closing reserves now match",
            report_id=successor.id,
        )
    return Filed(row, [finding_view(f) for f in found])


def _row(
    parsed: domain.ReservesReport,
    body: Mapping[str, Any],
    *,
    report_id: str,
    version: int,
    actor: str,
    reason: str | None,
    illustrative: bool,
) -> ReservesReport:
    return ReservesReport(
        id=report_id,
        version=version,
        is_current=True,
        licence_no=parsed.licence_no,
        year=parsed.year,
        mineral=parsed.mineral,
        **{name: getattr(parsed, name) for name in FIGURES},
        body=dict(body),
        reason=reason,
        submitted_by=actor,
        submitted_at=datetime.now(UTC),
        illustrative=illustrative,
    )


async def file_reserves(
    uow: UnitOfWork,
    body: Mapping[str, Any],
    judged: Judged,
    *,
    principal: Principal,
    illustrative: bool = False,
) -> Filed:
    """A first reserves report for its licence, year and mineral, judged and stored with its
    event and findings (not committed). InvalidReservesReport / UnbalancedReserves (422),
    NotYourLicence (a key for another enterprise's licence, or an unknown one: answered
    alike), ReservesReportExists (filed already: correct it)."""
    session = uow.session
    looked_up = licence_key(body.get("licence_no"))
    mine = await session.get(Mine, looked_up) if looked_up is not None else None
    if mine is None:
        refuse_unknown_licence(
            principal,
            body.get("licence_no"),
            judged.standards,
            body_errors=lambda: domain.parse_reserves_report(
                body, standards=judged.standards, today=judged.today
            ),
            invalid=InvalidReservesReport,
        )
    if not principal.is_staff and principal.enterprise != mine.holder_credit_code:
        raise NotYourLicence(mine.licence_no)
    parsed = domain.parse_reserves_report(
        body, standards=judged.standards, today=judged.today, licence=view_of(mine)
    )
    existing = await _current(session, parsed.licence_no, parsed.year, parsed.mineral)
    if existing is not None:
        raise ReservesReportExists(existing.id)
    row = _row(
        parsed,
        body,
        report_id=str(uuid.uuid4()),
        version=1,
        actor=principal.subject,
        reason=None,
        illustrative=illustrative,
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:  # a concurrent filing took the slot between the read and the write
        raise ReservesReportExists(None) from None
    return await _judge_and_emit(
        uow, row, parsed, mine, judged, actor=principal.subject, reason=None
    )


async def correctable(
    session: AsyncSession, report_id: str, principal: Principal
) -> Correctable[ReservesReport]:
    """The reserves report to correct (:func:`~.reports.owned_current`):
    UnknownReservesReport, NotYourLicence (a key for another enterprise's report), before
    anything of the body is read."""
    return await owned_current(
        session,
        ReservesReport,
        report_id,
        principal,
        unknown=UnknownReservesReport,
        invalid=InvalidReservesReport,
    )


async def correct_reserves(
    uow: UnitOfWork,
    target: Correctable[ReservesReport],
    body: object,
    judged: Judged,
    *,
    principal: Principal,
) -> Filed:
    """A new version of ``target`` (see :func:`correctable`) with the figures and reason of
    the correction ``body``; it must balance. Findings it no longer gives are closed."""
    session = uow.session
    current, mine = target.current, target.mine
    correction = domain.parse_reserves_correction(
        current.body, body, standards=judged.standards, today=judged.today, licence=view_of(mine)
    )
    # the slot is the current version's, even if the licence's mineral was renamed since
    parsed = replace(correction.report, mineral=current.mineral)
    await session.execute(
        update(ReservesReport)
        .where(col(ReservesReport.row_id) == current.row_id)
        .values(is_current=False)
    )
    row = _row(
        parsed,
        correction.body,
        report_id=current.id,
        version=current.version + 1,
        actor=principal.subject,
        reason=correction.reason,
        illustrative=current.illustrative,
    )
    session.add(row)
    await session.flush()
    return await _judge_and_emit(
        uow, row, parsed, mine, judged, actor=principal.subject, reason=correction.reason
    )
