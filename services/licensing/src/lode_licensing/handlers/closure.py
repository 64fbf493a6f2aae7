"""Closure facts (闭坑): the bureau records that a mine's closure report was received and
that its restoration was accepted; the cancellation check reads them (not the applicant's
own declaration). Each record is kept, with a line in the licence's history."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.errors import Conflict, InvalidInput
from lode_common.jsonable import jsonable
from lode_common.messaging.outbox import UnitOfWork
from lode_licensing.adapters.tables import ClosureFact, LicenceHistory
from lode_licensing.domain import closure as domain
from lode_licensing.domain.checks.context import ClosureFacts, ClosureRecord
from lode_licensing.handlers import licences

HISTORY_ACTION: dict[domain.ClosureFactKind, str] = {
    "closure_report": "closure_report",
    "restoration_acceptance": "restoration_accepted",
}


async def facts(session: AsyncSession, licence_no: str) -> ClosureFacts:
    """The latest closure report and restoration acceptance recorded for the licence."""
    rows = (
        await session.execute(
            select(ClosureFact)
            .where(col(ClosureFact.licence_no) == licence_no)
            .order_by(col(ClosureFact.id))
        )
    ).scalars()
    kinds = {kind: kind for kind in domain.CLOSURE_FACT_KINDS}
    return domain.latest_facts(
        licence_no,
        (
            (
                kinds[row.kind],
                ClosureRecord(
                    on=row.happened_on,
                    reference=row.reference,
                    recorded_by=row.recorded_by,
                    role=row.role,
                    note=row.note,
                ),
            )
            for row in rows
            if row.kind in kinds
        ),
    )


async def record(
    uow: UnitOfWork,
    licence_no: str,
    kind: domain.ClosureFactKind,
    *,
    on: date,
    reference: str,
    note: str | None,
    actor: str,
    role: str,
    today: date,
) -> ClosureFacts:
    """Record one closure fact of a mining licence (UnknownLicence → 404; a licence that is
    not a mining licence still to be cancelled → 409; a date in the future or before the
    licence → 422 naming the date field). The same fact recorded again (kind, date and
    reference) adds nothing."""
    session = uow.session
    row = await licences.load(session, licence_no, lock=True)
    licence = licences.to_domain(row)
    problem = domain.state_problem(licence)
    if problem is not None:
        raise Conflict(f"{problem}.", current_state=licence.status)
    wrong_date = domain.date_problem(kind, on, licence, today)
    if wrong_date is not None:
        raise InvalidInput.field(domain.DATE_FIELD[kind], wrong_date)
    current = await facts(session, licence_no)
    latest = getattr(current, kind)
    if latest is not None and (latest.on, latest.reference) == (on, reference):
        return current
    now = datetime.now(UTC)
    session.add(
        ClosureFact(
            licence_no=licence_no,
            kind=kind,
            happened_on=on,
            reference=reference,
            note=note,
            recorded_by=actor,
            role=role,
            recorded_at=now,
        )
    )
    text = f"{domain.CLOSURE_FACT_ZH[kind]} {on.isoformat()}：{reference}"
    session.add(
        LicenceHistory(
            licence_no=licence_no,
            action=HISTORY_ACTION[kind],
            actor=actor,
            at=now,
            note=f"{text} — {note}" if note else text,
            state=jsonable(licences.state(row)),
        )
    )
    await session.flush()
    return await facts(session, licence_no)
