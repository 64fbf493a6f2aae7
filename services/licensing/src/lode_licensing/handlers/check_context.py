"""What the checks of an application read besides the application and the plan: the one
place it is gathered, so the real checks (:func:`.applications.run_pending_checks`), the
re-check after a new plan version and the what-if of a proposed version
(:mod:`.plan_impact`) see the same facts.

* from the database (:func:`gather`): the planning blocks' holders, the count of active
  mining licences, the current output of each controlled total the application counts
  toward, the licence's latest reserves report (储量年报), its registered capacity (a
  change), the closure facts recorded (a cancellation), what a new application rests
  on: the grant it names (出让, with the licence already issued from it) or the
  exploration licence it converts (探转采), and the supervision list the applicant is on
  (异常名录 / 严重违法失信名单, for ``applicant_standing``);
* from zoning (:func:`with_analysis`): the analysis of the area, asked over HTTP outside
  any transaction by the caller.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.cst import cst_date
from lode_licensing.adapters.tables import BlockHolderReplica, Grant, Licence
from lode_licensing.domain.application import Application
from lode_licensing.domain.checks import (
    CheckContext,
    RegistryFigures,
    applicant_standing,
    spatial_from_analysis,
)
from lode_licensing.domain.checks.context import (
    CurrentOutput,
    ExplorationBasis,
    GrantBasis,
    Instalment,
)
from lode_licensing.domain.grant_periods import Standing
from lode_licensing.domain.party import Party
from lode_licensing.domain.rulebook import PlanRules
from lode_licensing.handlers import closure, licences, listings, mine_reports


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
    area_tolerance_pct: Decimal,
) -> CheckContext:
    """The registry's side of the checks' context (no spatial analysis yet). ``holders`` and
    ``active`` may be read once by a caller checking many applications in one session, and
    ``outputs`` keeps the current outputs read for one set of controlled indicators under one
    version's rules (they tally every report: the what-if reads them once, not per
    application). ``area_tolerance_pct``: the setting ``grant_area_tolerance_pct``."""
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
        grant=await grant_basis(session, app.grant_id) if app.grant_id else None,
        exploration=(
            await exploration_basis(session, app.exploration_licence_no)
            if app.exploration_licence_no
            else None
        ),
        area_tolerance_pct=area_tolerance_pct,
        listing=await _listing(session, app),
    )


async def _listing(session: AsyncSession, app: Application) -> Standing | None:
    """The list the enterprise whose standing counts is on today (China Standard Time), by
    the same reading as a bid's refusal (:func:`.listings.standing`)."""
    if not applicant_standing.applies(app):
        return None
    party = applicant_standing.standing_party(app)
    return await listings.standing(session, party.credit_code, cst_date(datetime.now(UTC)))


def _instalment(item: Any) -> Instalment | None:
    """One stored instalment ``{due, amount_cny_10k}``; None when it does not read as one."""
    if not isinstance(item, dict):
        return None
    try:
        return Instalment(
            date.fromisoformat(str(item["due"])), Decimal(str(item["amount_cny_10k"]))
        )
    except (KeyError, ValueError, ArithmeticError):
        return None


def grant_of(row: Grant, licence_no: str | None) -> GrantBasis:
    """The grant row as the check reads it (never its reserve price, 底价)."""
    winner = (
        Party(row.winner_name or "", row.winner_credit_code) if row.winner_credit_code else None
    )
    return GrantBasis(
        grant_id=row.id,
        status=row.status,
        right_type="exploration" if row.right_type == "exploration" else "mining",
        mineral_zh=row.mineral,
        winner=winner,
        area=row.area_lonlat,
        method=row.method,
        concluded_on=row.concluded_on,
        price_cny_10k=row.price_cny_10k,
        signed_on=row.signed_on,
        contract_ref=row.contract_ref,
        instalments=tuple(i for i in map(_instalment, row.instalments or ()) if i is not None),
        licence_no=licence_no,
    )


async def grant_exists(session: AsyncSession, grant_id: str) -> bool:
    found = await session.execute(select(col(Grant.id)).where(col(Grant.id) == grant_id))
    return found.scalar_one_or_none() is not None


async def grant_basis(session: AsyncSession, grant_id: str) -> GrantBasis | None:
    """The grant a new application names, with the licence already issued from it; None
    when there is no such grant."""
    row = (
        await session.execute(select(Grant).where(col(Grant.id) == grant_id))
    ).scalar_one_or_none()
    if row is None:
        return None
    issued = (
        await session.execute(
            select(col(Licence.licence_no))
            .where(col(Licence.grant_id) == grant_id)
            .order_by(col(Licence.issued_at))
            .limit(1)
        )
    ).scalar_one_or_none()
    return grant_of(row, issued)


async def exploration_basis(session: AsyncSession, licence_no: str) -> ExplorationBasis | None:
    """The exploration licence a new mining application converts (探转采); None when the
    registry has no such licence."""
    row = (
        await session.execute(select(Licence).where(col(Licence.licence_no) == licence_no))
    ).scalar_one_or_none()
    if row is None:
        return None
    return ExplorationBasis(
        licence_no=row.licence_no,
        holder=Party(row.holder_name, row.holder_credit_code),
        mineral_zh=row.mineral,
        status=row.status,
        area=row.area,
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
