"""Opening and closing findings (监管发现), each with its event, in the caller's unit of work."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from lode_common.events import catalog
from lode_common.jsonable import jsonable
from lode_common.messaging.outbox import UnitOfWork
from lode_monitoring.adapters.tables import Finding
from lode_monitoring.domain.finding import Finding as DomainFinding
from lode_monitoring.domain.finding import reconcile


def finding_values(found: DomainFinding, *, report_id: str | None, now: datetime) -> dict[str, Any]:
    """The ``finding`` row of a newly opened finding, as column values."""
    return {
        "id": str(uuid.uuid4()),
        "key": found.key,
        "licence_no": found.licence_no,
        "code": found.code,
        "severity": found.severity,
        "message": f"{found.message_zh} — {found.message_en}",
        "standard": found.standard_or_clause,
        "year": found.year,
        "details": jsonable(dict(found.details)),
        "status": "open",
        "opened_at": now,
        "report_id": report_id,
        "closed_at": None,
        "closed_by": None,
        "note": None,
    }


def opened_event(values: Mapping[str, Any]) -> catalog.FindingOpened:
    """The ``finding.opened`` event of a row from :func:`finding_values`."""
    return catalog.FindingOpened(
        finding_id=values["id"],
        licence_no=values["licence_no"],
        code=values["code"],
        severity=values["severity"],
        message=values["message"],
        standard=values["standard"],
        year=values["year"],
    )


def open_finding(uow: UnitOfWork, found: DomainFinding, *, report_id: str | None) -> Finding:
    values = finding_values(found, report_id=report_id, now=datetime.now(UTC))
    row = Finding(**values)
    uow.session.add(row)
    uow.emit(opened_event(values), subject=row.licence_no)
    return row


def close_finding(uow: UnitOfWork, row: Finding, *, actor: str, note: str) -> None:
    row.status, row.closed_at, row.closed_by, row.note = "closed", datetime.now(UTC), actor, note
    uow.emit(
        catalog.FindingClosed(
            finding_id=row.id,
            licence_no=row.licence_no,
            code=row.code,
            severity=row.severity,
            message=row.message,
            standard=row.standard,
            year=row.year,
            note=note,
            closed_by=actor,
        ),
        subject=row.licence_no,
    )


def settle(
    uow: UnitOfWork,
    open_rows: Sequence[Finding],
    found: Sequence[DomainFinding],
    *,
    actor: str,
    closing_note: str,
    report_id: str | None = None,
) -> tuple[int, int]:
    """Open the new findings, close the open ones no longer found (``open_rows`` must be the
    open findings of the scope re-evaluated); returns (opened, closed)."""
    to_open, to_close = reconcile([r.key for r in open_rows], found)
    for f in to_open:
        open_finding(uow, f, report_id=report_id)
    closing = [r for r in open_rows if r.key in set(to_close)]
    for row in closing:
        close_finding(uow, row, actor=actor, note=closing_note)
    return len(to_open), len(closing)
