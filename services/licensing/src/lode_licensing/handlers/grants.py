"""Grant plans (出让方案): drawn up, checked against the plan in force by the rule engine
applications go through, read one by one or as the year's grant plan (年度出让计划).

A grant is checked as the new application of the granting authority (出让人, no credit
code: a planning block anyone holds reads as taken). Its area is analysed by zoning over
HTTP, outside any transaction, before anything is written: an area zoning refuses is a 422
naming what is wrong, and while zoning cannot answer the request is a 503 saying to retry
(a grant is never stored unchecked). The trade itself is :mod:`.grant_trade`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.auth import Principal
from lode_common.errors import NotFound, Unavailable
from lode_common.jsonable import jsonable
from lode_common.messaging.outbox import UnitOfWork
from lode_licensing.adapters.tables import Bid, Grant, GrantStep
from lode_licensing.adapters.zoning_client import ZoningRefused, ZoningUnavailable
from lode_licensing.container import Licensing
from lode_licensing.domain import grant_workflow as flow
from lode_licensing.domain.checks import CheckResult, run_checks, verdict
from lode_licensing.domain.errors import IllegalTransition, InvalidInput
from lode_licensing.domain.grant import Grant as GrantPlan
from lode_licensing.domain.grant import as_application, deferred_to_winner, parse_grant
from lode_licensing.domain.grant_law import GRANT_METHODS, GrantMethod
from lode_licensing.domain.grant_periods import GrantRules
from lode_licensing.domain.minerals import Capacity, resolve_mineral
from lode_licensing.domain.vocabulary import Verdict
from lode_licensing.handlers import check_context
from lode_licensing.handlers.applications import area_errors, role_of
from lode_licensing.handlers.rules import RulesInForce
from lode_licensing.settings import LicensingSettings

SETTINGS = {
    "announcement_workdays": "grant_announcement_workdays",
    "listing_workdays": "grant_listing_workdays",
    "publicity_workdays": "grant_publicity_workdays",
    "auction_min_bidders": "grant_auction_min_bidders",
    "tender_min_bidders": "grant_tender_min_bidders",
}
"""Each number of the procedure and the setting it comes from."""


def grant_rules(settings: LicensingSettings) -> GrantRules:
    """The procedure's numbers as set, each with its source (the setting's description)."""
    fields = type(settings).model_fields
    return GrantRules(
        **{name: getattr(settings, key) for name, key in SETTINGS.items()},
        sources={name: fields[key].description or key for name, key in SETTINGS.items()},
    )


async def load(session: AsyncSession, grant_id: str, *, lock: bool = False) -> Grant:
    query = select(Grant).where(col(Grant.id) == grant_id)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"There is no grant {grant_id}; GET /licensing/v1/grants lists them.")
    return row


async def steps_of(session: AsyncSession, grant_id: str) -> list[GrantStep]:
    query = select(GrantStep).where(col(GrantStep.grant_id) == grant_id)
    return list((await session.execute(query.order_by(col(GrantStep.id)))).scalars())


async def bids_of(
    session: AsyncSession, grant_id: str, announcement: int | None = None
) -> list[Bid]:
    """The bids of a grant (of one announcement when given), in the order recorded."""
    query = select(Bid).where(col(Bid.grant_id) == grant_id)
    if announcement is not None:
        query = query.where(col(Bid.announcement) == announcement)
    order = (col(Bid.recorded_at), col(Bid.id))
    return list((await session.execute(query.order_by(*order))).scalars())


def state_of(row: Grant) -> flow.GrantState:
    return flow.GrantState(status=row.status, announcement=row.announcement)  # type: ignore[arg-type]


def store(session: AsyncSession, row: Grant, after: flow.GrantState) -> None:
    """Write the state reached and a step for each move made."""
    for record in after.history:
        session.add(
            GrantStep(
                grant_id=row.id,
                action=record.action,
                from_status=record.from_status,
                to_status=record.to_status,
                actor=record.actor,
                role=record.role,
                at=record.at,
                note=record.note,
            )
        )
    row.status = after.status
    row.announcement = after.announcement
    row.updated_at = datetime.now(UTC)


def plan_method(row: Grant) -> GrantMethod:
    """The stored grant's method (auction, listing, tender)."""
    return next((m for m in GRANT_METHODS if m == row.method), "auction")


def plan_of(row: Grant, in_force: RulesInForce) -> GrantPlan:
    """The stored grant as the domain reads it, under the plan in force."""
    capacity = (
        Capacity(row.capacity_value, row.capacity_unit)
        if row.capacity_value is not None and row.capacity_unit
        else None
    )
    return GrantPlan(
        year=row.year,
        right_type="exploration" if row.right_type == "exploration" else "mining",
        mineral=resolve_mineral(row.mineral, in_force.rules.standards),
        method=plan_method(row),
        area=row.area,
        term_years=row.term_years,
        starting_price_cny_10k=row.starting_price_cny_10k,
        reserve_price_cny_10k=row.reserve_price_cny_10k,
        capacity=capacity,
        reserves_10kt=row.reserves_10kt,
        clean_grant=row.clean_grant,
        mining_method=row.mining_method,
    )


@dataclass(frozen=True)
class CheckedGrant:
    """A grant's checks under one plan version, with zoning's analysis of its area."""

    results: list[CheckResult]
    verdict: Verdict
    analysis: Mapping[str, Any]
    in_force: RulesInForce


async def check(service: Licensing, plan: GrantPlan, in_force: RulesInForce) -> CheckedGrant:
    """Run the plan checks of a grant (the registry read first, zoning asked after, outside
    any transaction). InvalidInput on ``area`` when zoning refuses it; 503 while zoning
    cannot answer."""
    app = as_application(plan)
    rules = in_force.rules
    async with service.runtime.sessions() as session:
        gathered = await check_context.gather(
            session,
            app,
            rules,
            service.settings.output_year_complete_pct,
            area_tolerance_pct=service.settings.grant_area_tolerance_pct,
        )
    try:
        analysis = await service.zoning.analyse(dict(plan.area))
    except ZoningUnavailable as exc:
        raise Unavailable(
            "Zoning cannot analyse the grant's area now, so its plan checks cannot run; "
            f"nothing was stored. Retry in a few seconds ({exc})."
        ) from exc
    except ZoningRefused as exc:
        raise InvalidInput(area_errors(exc)) from None
    results = run_checks(app, rules, check_context.with_analysis(gathered, analysis))
    results = deferred_to_winner(results, rules)
    return CheckedGrant(results, verdict(results), analysis, in_force)


def _zones(analysis: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The zones the area lies in (more than a shared boundary), as stored and announced."""
    kept = []
    for zone in analysis.get("zones") or ():
        overlap = Decimal(str(zone.get("overlap_ha") or 0))
        if overlap > 0:
            kept.append(
                {
                    "zone_id": str(zone["id"]),
                    "type": str(zone["type"]),
                    "code": str(zone.get("code") or ""),
                    "name_zh": str(zone.get("name_zh") or ""),
                    "overlap_ha": jsonable(overlap),
                }
            )
    return kept


def record_checks(row: Grant, checked: CheckedGrant) -> None:
    """Keep the checks, the plan version they ran under and the area as zoning read it."""
    row.checks = [jsonable(r.as_dict()) for r in checked.results]
    row.verdict = checked.verdict
    row.plan_id = checked.in_force.plan_id
    row.plan_version = checked.in_force.version
    row.area_lonlat = checked.analysis.get("geometry")
    area_ha = checked.analysis.get("area_ha")
    row.area_ha = Decimal(str(area_ha)) if area_ha is not None else None
    row.zones = _zones(checked.analysis)


async def create(
    service: Licensing, uow: UnitOfWork, body: Mapping[str, Any], principal: Principal
) -> Grant:
    """Validate a grant plan, check it, and store it as a ``draft`` (no event: a draft is
    the bureau's own until announced)."""
    async with service.runtime.sessions() as session:
        in_force = await service.rules.following(session, service.plan_id)
    plan = parse_grant(body, in_force.rules)
    checked = await check(service, plan, in_force)
    now = datetime.now(UTC)
    row = Grant(
        id=str(uuid.uuid4()),
        year=plan.year,
        right_type=plan.right_type,
        mineral=plan.mineral.zh,
        method=plan.method,
        area=dict(plan.area),
        mining_method=plan.mining_method,
        capacity_value=plan.capacity.value if plan.capacity else None,
        capacity_unit=plan.capacity.unit if plan.capacity else None,
        reserves_10kt=plan.reserves_10kt,
        term_years=plan.term_years,
        starting_price_cny_10k=plan.starting_price_cny_10k,
        reserve_price_cny_10k=plan.reserve_price_cny_10k,
        clean_grant=plan.clean_grant,
        status="draft",
        checks=[],
        plan_id=in_force.plan_id,
        plan_version=in_force.version,
        announcement=0,
        instalments=[],
        zones=[],
        created_by=principal.subject,
        created_at=now,
        updated_at=now,
    )
    record_checks(row, checked)
    uow.session.add(row)
    store(uow.session, row, flow.created(actor=principal.subject, role=role_of(principal), at=now))
    return row


async def claim(uow: UnitOfWork, grant_id: str, action: flow.GrantAction) -> Grant:
    """Take the grant for ``action`` (one conditional UPDATE), then read it locked;
    IllegalTransition (409) when its state does not allow the action, 404 when unknown."""
    sources = [r.source for r in flow.GRANT_TRANSITIONS if r.action == action]
    claimed = await uow.session.execute(
        update(Grant)
        .where(col(Grant.id) == grant_id, col(Grant.status).in_(sources))
        .values(updated_at=datetime.now(UTC))
    )
    row = await load(uow.session, grant_id, lock=True)
    if cast(CursorResult[Any], claimed).rowcount != 1:
        state = state_of(row)
        raise IllegalTransition(
            current_state=state.status, action=action, allowed=flow.allowed_actions(state)
        )
    return row


def event_fields(row: Grant) -> dict[str, Any]:
    return {
        "grant_id": row.id,
        "year": row.year,
        "right_type": row.right_type,
        "mineral": row.mineral,
        "method": row.method,
    }
