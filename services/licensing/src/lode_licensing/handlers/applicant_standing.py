"""The applicant's standing kept current (申请人信用状况): monitoring's ``enterprise.listed`` /
``.released`` events update the replica (:mod:`.listings`, which the grants' bid refusal
reads) and, in the same transaction, re-read the check ``applicant_standing`` of that
enterprise's open applications (checked, reviewed, forwarded; not a transfer, whose
standing is the transferee's: it is read again at its next re-check).

Only that check is read again (it needs nothing from zoning): its stored result is
replaced, the verdict recomputed from all the checks, and when it changed the workflow's
``recheck`` step is recorded with the reason and ``application.checked`` written with the
new checks (under the plan version they already cite). An application still in
``pending_checks`` reads the listing when its checks run; a decided one is not touched.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.cst import cst_date
from lode_common.events import catalog
from lode_common.events.catalog import EnterpriseListed, EnterpriseReleased
from lode_common.events.envelope import Envelope
from lode_common.jsonable import jsonable
from lode_common.messaging.consumers import Consumers
from lode_common.messaging.outbox import emit
from lode_licensing.adapters.tables import Application
from lode_licensing.domain import workflow
from lode_licensing.domain.checks import verdict
from lode_licensing.domain.checks.applicant_standing import APPLICANT_STANDING, standing_result
from lode_licensing.domain.party import Party
from lode_licensing.handlers import listings

consumers = Consumers()


@consumers.on(EnterpriseListed)
async def on_listed(session: AsyncSession, envelope: Envelope, listed: EnterpriseListed) -> None:
    await listings.on_listed(session, envelope, listed)
    await restand(session, listed.credit_code, f"列入名录 {listed.listing_id} — listed")


@consumers.on(EnterpriseReleased)
async def on_released(
    session: AsyncSession, envelope: Envelope, released: EnterpriseReleased
) -> None:
    await listings.on_released(session, envelope, released)
    await restand(session, released.credit_code, f"移出名录 {released.listing_id} — released")


async def restand(session: AsyncSession, credit_code: str, why: str) -> int:
    """Re-read ``applicant_standing`` of the enterprise's open applications; how many
    changed."""
    # imported here: the application handlers import the container, which imports this
    # module's consumers (the handler table)
    from lode_licensing.handlers.applications import SYSTEM, state_of, store
    from lode_licensing.handlers.recheck import RECHECKED, stored_results

    await session.flush()  # the replica's change is what the standing reads
    rows = list(
        (
            await session.execute(
                select(Application)
                .where(
                    col(Application.applicant_credit_code) == credit_code,
                    col(Application.status).in_(RECHECKED),
                    col(Application.kind)
                    != "transfer",  # a transfer's standing is the transferee's
                )
                .with_for_update()
            )
        ).scalars()
    )
    now = datetime.now(UTC)
    listed = await listings.standing(session, credit_code, cst_date(now))
    changed = 0
    for row in rows:
        checks = list(row.checks or [])
        at = next((n for n, c in enumerate(checks) if c.get("rule_id") == APPLICANT_STANDING), None)
        if at is None or row.plan_id is None or row.plan_version is None:
            continue  # checked before the rule existed: the next re-check adds it
        party = Party(row.applicant_name, row.applicant_credit_code)
        result = standing_result(row.kind, party, listed)  # type: ignore[arg-type]
        was = checks[at].get("outcome")
        if result.outcome == was:
            continue
        checks[at] = jsonable(result.as_dict())
        found = verdict(stored_results(checks))
        before = row.verdict
        note = (
            f"申请人名录状态变化后重新审查（{why}）：applicant_standing "
            f"{was} → {result.outcome}；{before} → {found} — "
            f"re-checked as the applicant's standing changed"
        )
        after = workflow.recheck(
            state_of(row), found, changed=True, actor=SYSTEM, role="system", at=now, note=note
        )
        store(session, row, after)
        row.checks = checks
        await emit(
            session,
            catalog.ApplicationChecked(
                application_id=row.id,
                verdict=found,
                checks=[
                    catalog.Check(**{k: c[k] for k in ("rule_id", "outcome", "message", "clause")})
                    for c in checks
                ],
                plan_id=row.plan_id,
                plan_version=row.plan_version,
            ),
            subject=row.id,
        )
        changed += 1
    return changed
