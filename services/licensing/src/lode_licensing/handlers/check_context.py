"""What the checks of an application read besides the application and the plan: the one
place it is gathered, so the real checks (:func:`.applications.run_pending_checks`), the
re-check after a new plan version and the what-if of a proposed version
(:mod:`.plan_impact`) see the same facts.

* from the database (:func:`gather`): the planning blocks' holders, the count of active
  mining licences, the current output of each controlled total the application counts
  toward, the licence's latest reserves report (储量年报), its registered capacity (a
  change) and the closure facts recorded (a cancellation);
* from zoning (:func:`with_analysis`): the analysis of the area, asked over HTTP outside
  any transaction by the caller.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lode_licensing.adapters.tables import BlockHolderReplica
from lode_licensing.domain.application import Application
from lode_licensing.domain.checks import CheckContext, RegistryFigures, spatial_from_analysis
from lode_licensing.domain.checks.context import CurrentOutput
from lode_licensing.domain.rulebook import PlanRules
from lode_licensing.handlers import closure, licences, mine_reports


async def block_holders(session: AsyncSession) -> dict[str, str]:
    """Planning block (规划区块) zone id → its one holder's 统一社会信用代码."""
    return {
        h.zone_id: h.holder_credit_code
        for h in (await session.execute(select(BlockHolderReplica))).scalars()
    }


async def gather(
    session: AsyncSession,
    app: Application,
    rules: PlanRules,
    complete_pct: Decimal,
    *,
    holders: dict[str, str] | None = None,
    active: int | None = None,
    outputs: OutputsRead | None = None,
) -> CheckContext:
    """The registry's side of the checks' context (no spatial analysis yet). ``holders`` and
    ``active`` may be read once by a caller checking many applications in one session, and
    ``outputs`` keeps the current outputs read for one set of controlled indicators under one
    version's rules (they tally every report: the what-if reads them once, not per
    application)."""
    capacity = None
    if app.kind == "change" and app.licence_no is not None:
        try:
            capacity = licences.to_domain(await licences.load(session, app.licence_no)).capacity
        except licences.UnknownLicence:
            capacity = None
    closure_facts = None
    if app.kind == "cancellation" and app.licence_no is not None:
        closure_facts = await closure.facts(session, app.licence_no)
    return CheckContext(
        block_holders=holders if holders is not None else await block_holders(session),
        registry=RegistryFigures(
            active_mining_licences=(
                active if active is not None else await licences.active_mining_count(session)
            ),
            current_output=await _current_outputs(session, app, rules, complete_pct, outputs),
        ),
        filed_reserves=await mine_reports.filed_reserves(session, app, rules),
        licensed_capacity=capacity,
        closure=closure_facts,
    )


OutputsRead = dict[tuple[int, tuple[str, ...]], dict[str, CurrentOutput]]
"""Current outputs already read in one what-if, by (the rules' identity, the indicator ids)."""


async def _current_outputs(
    session: AsyncSession,
    app: Application,
    rules: PlanRules,
    complete_pct: Decimal,
    outputs: OutputsRead | None,
) -> dict[str, CurrentOutput]:
    if outputs is None:
        return await mine_reports.current_outputs(session, app, rules, complete_pct)
    key = (id(rules), mine_reports.controlled_ids(app, rules))
    found = outputs.get(key)
    if found is None:
        found = outputs[key] = await mine_reports.current_outputs(session, app, rules, complete_pct)
    return found


def with_analysis(gathered: CheckContext, analysis: dict[str, Any] | None) -> CheckContext:
    """The context with zoning's analysis of the area (None: no area, or not analysed)."""
    return replace(
        gathered, spatial=spatial_from_analysis(analysis) if analysis is not None else None
    )
