"""Output reports (开发利用年报): accepted with their findings in one unit of work, corrected
by new versions (the old kept, the reason required), findings opened and closed by events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Generic, NoReturn, TypeVar

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.auth import Principal
from lode_common.events import catalog
from lode_common.jsonable import jsonable
from lode_common.limits import CODE_MAX
from lode_common.messaging.outbox import UnitOfWork
from lode_monitoring.adapters.tables import Finding, Mine, Report, ReservesReport
from lode_monitoring.domain.capacity import Capacity
from lode_monitoring.domain.errors import FieldError, InvalidInput, InvalidReport
from lode_monitoring.domain.fields import shown
from lode_monitoring.domain.finding import REPORT_CODES
from lode_monitoring.domain.finding import Finding as DomainFinding
from lode_monitoring.domain.findings import evaluate
from lode_monitoring.domain.licence import (
    LicenceView,
    RestorationMilestone,
    RestorationPlan,
    StatusChange,
)
from lode_monitoring.domain.report import OutputReport, parse_correction, parse_output_report
from lode_monitoring.domain.standards import MonitoringStandards
from lode_monitoring.handlers.finding_store import settle

log = structlog.get_logger(__name__)


class NotYourLicence(Exception):
    """A mine's key used for a licence (or a report of a licence) that is not its
    enterprise's, or for a licence number monitoring does not know: the two are answered
    alike, so that a key cannot probe which licences exist. The argument is for the log."""


class UnknownReport(Exception):
    pass


class ReportExists(Exception):
    def __init__(self, report_id: str) -> None:
        super().__init__(report_id)
        self.report_id = report_id


Versioned = TypeVar("Versioned", Report, ReservesReport)
"""A table of reports kept by versions: output reports, reserves reports."""


def unknown_licence(licence_no: Any, invalid: type[InvalidInput] = InvalidReport) -> InvalidInput:
    """The ``invalid`` error (of the filing refused) naming a licence monitoring does not know."""
    return invalid(
        [
            FieldError(
                "licence_no",
                f"unknown licence {shown(licence_no)}: no such licence has reached monitoring",
            )
        ]
    )


def licence_key(licence_no: object) -> str | None:
    """A body's ``licence_no`` as the key to look the licence up by: None when it is no
    text of a licence number's length."""
    return licence_no if isinstance(licence_no, str) and len(licence_no) <= CODE_MAX else None


def refuse_unknown_licence(
    principal: Principal,
    licence_no: Any,
    standards: MonitoringStandards,
    *,
    body_errors: Callable[[], object],
    invalid: type[InvalidInput] = InvalidReport,
) -> NoReturn:
    """A filing names a licence monitoring does not know. What is no licence number at all
    gets the body's own errors (``body_errors`` raises them), naming no licence; a key
    gets NotYourLicence, as for another enterprise's licence, so that it cannot probe which
    licences exist; staff get ``invalid`` (:func:`unknown_licence`)."""
    looked_up = licence_key(licence_no)
    if looked_up is None or not standards.numbering_pattern.fullmatch(looked_up):
        body_errors()
    elif not principal.is_staff:
        raise NotYourLicence(looked_up)
    raise unknown_licence(licence_no, invalid)


def history_of(
    bodies: Iterable[Mapping[str, Any]], standards: MonitoringStandards, today: date
) -> list[OutputReport]:
    """The licence's other current reports as the rules read them. A body stored before
    today's bounds (a number sent as text, say) that they now refuse is left out and logged:
    it must not make a valid new report fail on fields its sender never sent."""
    history: list[OutputReport] = []
    for body in bodies:
        try:
            history.append(
                parse_output_report(body, standards=standards, today=today, ignore=("reason",))
            )
        except InvalidReport as error:
            log.warning(
                "stored report left out of the history: today's rules refuse it",
                licence_no=str(body.get("licence_no"))[:23],
                problem=str(error)[:500],
            )
    return history


def view_from(mine: Mapping[str, Any]) -> LicenceView:
    """The licence view of a ``mine`` row's columns (an ORM row's, a Core row's or a record's)."""
    capacity_value, capacity_unit = mine["capacity_value"], mine["capacity_unit"]
    return LicenceView(
        licence_no=mine["licence_no"],
        right_type=mine["right_type"],
        mineral=mine["mineral"],
        valid_from=mine["valid_from"],
        valid_to=mine["valid_to"],
        status_history=tuple(
            StatusChange(h["status"], date.fromisoformat(h["from"])) for h in mine["status_history"]
        ),
        mining_method=mine["mining_method"],
        capacity=Capacity(capacity_value, capacity_unit)
        if capacity_value is not None and capacity_unit
        else None,
        scale=mine["scale"],
        restoration_plan=restoration_plan_of(mine["restoration_plan"]),
    )


def view_of(mine: Mine) -> LicenceView:
    return view_from(mine.model_dump())


def _decimal(value: Any) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def restoration_plan_of(milestones: Sequence[Mapping[str, Any]] | None) -> RestorationPlan | None:
    """The replica's 复垦方案 (cumulative hectares by year) as the rules read it."""
    if not milestones:
        return None
    return RestorationPlan(
        tuple(
            RestorationMilestone(int(m["year"]), restored_ha=_decimal(m["restored_area_ha"]))
            for m in milestones
        )
    )


def finding_view(f: DomainFinding) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity,
        "message": f"{f.message_zh} — {f.message_en}",
        "message_zh": f.message_zh,
        "message_en": f.message_en,
        "standard": f.standard_or_clause,
        "year": f.year,
        "key": f.key,
        "details": jsonable(dict(f.details)),
    }


@dataclass
class Accepted:
    report: Report
    findings: list[dict[str, Any]]


@dataclass(frozen=True)
class Correctable(Generic[Versioned]):
    """The current version of a report the caller may correct, and its licence."""

    current: Versioned
    mine: Mine


async def owned_current(
    session: AsyncSession,
    table: type[Versioned],
    report_id: str,
    principal: Principal,
    *,
    unknown: Callable[[str], Exception],
    invalid: type[InvalidInput],
) -> Correctable[Versioned]:
    """The current version of ``table``'s report ``report_id``, locked, once the caller is
    known to own it, before anything of the body is read: ``unknown(report_id)`` when there
    is none, NotYourLicence for a key and another enterprise's report, ``invalid``
    (:func:`unknown_licence`) when its licence has not reached monitoring."""
    current = (
        await session.execute(
            select(table)
            .where(col(table.id) == report_id, col(table.is_current).is_(True))
            .with_for_update()
        )
    ).scalar_one_or_none()
    if current is None:
        raise unknown(report_id)
    mine = await session.get(Mine, current.licence_no)
    if not principal.is_staff and (mine is None or principal.enterprise != mine.holder_credit_code):
        raise NotYourLicence(current.licence_no)
    if mine is None:  # a report is only accepted for a replicated licence
        raise unknown_licence(current.licence_no, invalid)
    return Correctable(current, mine)


async def correctable(
    session: AsyncSession, report_id: str, principal: Principal
) -> Correctable[Report]:
    """The output report to correct (:func:`owned_current`): UnknownReport, NotYourLicence
    (a key for another enterprise's report), before anything of the body is read."""
    return await owned_current(
        session, Report, report_id, principal, unknown=UnknownReport, invalid=InvalidReport
    )


async def _history(
    session: AsyncSession, licence: LicenceView, standards: MonitoringStandards, today: date
) -> list[OutputReport]:
    """The licence's other current reports: only the restoration rule reads them, and only
    for a licence with a restoration plan."""
    if licence.restoration_plan is None:
        return []
    licence_no = licence.licence_no
    rows = (
        await session.execute(
            select(Report).where(
                col(Report.licence_no) == licence_no, col(Report.is_current).is_(True)
            )
        )
    ).scalars()
    return history_of((r.body for r in rows), standards, today)


async def _apply_findings(
    uow: UnitOfWork, report: Report, found: Sequence[DomainFinding], actor: str
) -> list[dict[str, Any]]:
    """Open what is new, close what the report no longer shows (the report's scope only)."""
    session = uow.session
    open_rows: list[Finding] = []
    if report.version > 1:  # a first version has no findings of its own yet
        query = select(Finding).where(
            col(Finding.licence_no) == report.licence_no,
            col(Finding.year) == report.year,
            col(Finding.status) == "open",
            col(Finding.code).in_(sorted(REPORT_CODES)),
            col(Finding.report_id) == report.id,
        )
        open_rows = list((await session.execute(query)).scalars())
    settle(
        uow,
        open_rows,
        found,
        actor=actor,
        closing_note="no longer found in the corrected report",
        report_id=report.id,
    )
    return [finding_view(f) for f in found]


def event_fields(report: Mapping[str, Any], parsed: OutputReport, mineral: str) -> dict[str, Any]:
    """The fields of ``output.reported`` / ``output.corrected`` for a report row's values."""
    return {
        "report_id": report["id"],
        "version": report["version"],
        "licence_no": report["licence_no"],
        "year": report["year"],
        "period": report["period"],
        "ore_mined_10kt": parsed.ore_mined_10kt,
        "products": [
            {"name": p.name, "grade_pct": p.grade_pct, "output_10kt": p.output_10kt}
            for p in parsed.products
        ],
        "mining_recovery_pct": parsed.mining_recovery_pct,
        "processing_recovery_pct": parsed.processing_recovery_pct,
        "comprehensive_utilization_pct": parsed.comprehensive_utilization_pct,
        "disturbed_area_ha": parsed.disturbed_area_ha,
        "restored_area_ha": parsed.restored_area_ha,
        "output_value_cny_10k": parsed.output_value_cny_10k,
        "mineral": mineral,
        "illustrative": report["illustrative"],
    }


async def correct(
    uow: UnitOfWork,
    target: Correctable[Report],
    body: object,
    *,
    principal: Principal,
    standards: MonitoringStandards,
    today: date,
) -> Accepted:
    """A new version of the ``target`` report (see :func:`correctable`) with the fields and
    the reason of the correction ``body``, judged by ``standards`` (those of the plan in
    force); InvalidReport lists every bad field."""
    session = uow.session
    current, mine = target.current, target.mine
    licence = view_of(mine)
    correction = parse_correction(
        current.body, body, standards=standards, today=today, licence=licence
    )
    parsed = correction.report
    await session.execute(
        update(Report).where(col(Report.row_id) == current.row_id).values(is_current=False)
    )
    report = Report(
        id=current.id,
        version=current.version + 1,
        is_current=True,
        licence_no=current.licence_no,
        year=current.year,
        period=current.period,
        body=correction.body,
        ore_mined_10kt=parsed.ore_mined_10kt,
        reason=correction.reason,
        submitted_by=principal.subject,
        submitted_at=datetime.now(UTC),
        illustrative=current.illustrative,
    )
    session.add(report)
    await session.flush()
    history = await _history(session, licence, standards, today)
    found = evaluate(parsed, licence, standards, today, history=history)
    uow.emit(
        catalog.OutputCorrected(
            **event_fields(report.model_dump(), parsed, mine.mineral), reason=correction.reason
        ),
        subject=report.licence_no,
    )
    findings = await _apply_findings(uow, report, found, principal.subject)
    return Accepted(report, findings)
