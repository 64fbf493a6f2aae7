"""The background sweep of the licences in force against the plan in force (冲突排查), run
when a plan version or a zone change requested it (:func:`.conflicts.request_sweep`).

Each licence in force is read by its standing checks (the same reading as the what-if of
:mod:`.plan_impact`), zoning asked for its area concurrently and outside any transaction;
then one unit of work records the conflicts found and resolves the ones lifted
(:func:`lode_licensing.domain.conflicts.reconcile`). A licence zoning could not analyse
keeps its conflicts as they are and the request stays pending, so the next round tries
again.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from sqlalchemy import select
from sqlmodel import col

from lode_common.runtime import ServiceRuntime
from lode_licensing.adapters.tables import Licence
from lode_licensing.container import Licensing
from lode_licensing.domain.checks.result import CheckResult
from lode_licensing.domain.conflicts import reconcile
from lode_licensing.domain.licence import cst_today
from lode_licensing.handlers import conflicts, licences
from lode_licensing.handlers.plan_impact import (
    LicenceFacts,
    Unanalysed,
    Version,
    licence_standing,
    limited,
)

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Swept:
    """What a sweep did."""

    evaluated: int
    detected: int
    resolved: int
    unanalysed: int


async def sweep_once(runtime: ServiceRuntime) -> Swept | None:
    """Sweep if a sweep was requested; None when none was."""
    service = Licensing.of(runtime)
    async with runtime.sessions() as session:
        wanted = await conflicts.sweep_wanted(session)
        if wanted is None:
            return None
        in_force = await service.rules.following(session, service.plan_id)
        rows = (
            await session.execute(select(Licence).where(col(Licence.status).in_(licences.IN_FORCE)))
        ).scalars()
        facts = [LicenceFacts.of(r) for r in rows]
    version = Version(in_force.rules, None)
    analyse = limited(service.zoning, service.settings.impact_concurrency)

    async def evaluate(item: LicenceFacts) -> tuple[str, list[CheckResult] | None]:
        try:
            return item.licence_no, await licence_standing(item, version, analyse) or []
        except Unanalysed as exc:
            log.warning(
                "licence not analysed; conflicts kept", licence_no=item.licence_no, error=str(exc)
            )
            return item.licence_no, None

    evaluated = dict(await asyncio.gather(*(evaluate(f) for f in facts)))
    analysed = {no: results for no, results in evaluated.items() if results is not None}
    today = cst_today(datetime.now(UTC))
    plan = f"{in_force.plan_id} 第{in_force.version}版"
    async with runtime.uow() as uow:
        open_rows = await conflicts.open_conflicts(uow.session)
        by_key = {(r.licence_no, r.rule_id): r for r in open_rows}
        decided = reconcile(by_key, analysed)
        states = {}
        for licence_no in {k[0] for k in (*decided.detected, *decided.lifted)} | {
            r.licence_no for r in open_rows
        }:
            try:
                licence = await licences.load(uow.session, licence_no)
            except licences.UnknownLicence:
                continue
            states[licence_no] = (licence.status, licences.state(licence))
        for (licence_no, _rule), result in sorted(decided.detected.items()):
            conflicts.detect(
                uow,
                licence_state=states[licence_no][1],
                result=result,
                plan_id=in_force.plan_id,
                plan_version=in_force.version,
                today=today,
            )
        resolved = 0
        for key in sorted(decided.lifted):
            conflicts.resolve(
                uow,
                by_key[key],
                reason=f"现行规划（{plan}）下已不再冲突 — no longer in conflict under {plan}",
                today=today,
                licence_state=states.get(key[0], (None, None))[1],
            )
            resolved += 1
        for key, conflict in sorted(by_key.items()):
            status = states.get(key[0], ("unknown", None))[0]
            if key not in decided.lifted and status not in licences.IN_FORCE:
                conflicts.resolve(
                    uow,
                    conflict,
                    reason=f"许可证不再有效 — the licence is {status}",
                    today=today,
                    licence_state=states.get(key[0], (None, None))[1],
                )
                resolved += 1
        if len(analysed) == len(evaluated):
            await conflicts.sweep_done(uow.session, wanted)
        await uow.commit()
    swept = Swept(len(evaluated), len(decided.detected), resolved, len(evaluated) - len(analysed))
    if swept.detected or swept.resolved:
        log.info("licence conflicts swept", **swept.__dict__)
    return swept
