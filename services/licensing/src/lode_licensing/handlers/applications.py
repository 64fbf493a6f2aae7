"""Applications (矿业权申请): submitted, checked against the plan in force, reviewed,
forwarded to the province platform or decided locally; approval issues or changes a licence.

A submission commits first (``pending_checks``) and is then checked: the spatial part asks
zoning over HTTP outside any transaction; while zoning cannot answer the application stays
in ``pending_checks`` and the re-check job tries again (nothing is lost). Every move goes
through the workflow table of the domain and is recorded as a step (who, role, when, note).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.auth import Principal
from lode_common.events import catalog
from lode_common.jsonable import jsonable
from lode_common.messaging.outbox import UnitOfWork
from lode_licensing.adapters.tables import Application, ApplicationStep, BlockHolderReplica
from lode_licensing.adapters.zoning_client import ZoningClient, ZoningRefused, ZoningUnavailable
from lode_licensing.domain import licence as licence_domain
from lode_licensing.domain import workflow
from lode_licensing.domain.application import Application as DomainApplication
from lode_licensing.domain.application import parse_application
from lode_licensing.domain.checks import (
    CheckContext,
    CheckResult,
    RegistryFigures,
    run_checks,
    spatial_from_analysis,
    verdict,
)
from lode_licensing.domain.errors import FieldError, InvalidInput
from lode_licensing.domain.scale import classify_scale
from lode_licensing.handlers import licences
from lode_licensing.handlers.rules import RulesInForce, rules_in_force

log = structlog.get_logger(__name__)
SYSTEM = "system"


class UnknownApplication(Exception):
    def __init__(self, application_id: str) -> None:
        super().__init__(
            f"there is no application {application_id}; GET /licensing/v1/applications lists them"
        )


class NotYours(Exception):
    """A mine's or applicant's token acting for another enterprise."""


def recheck_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(300.0, 2.0 * 2 ** max(0, attempts - 1)))


def state_of(row: Application) -> workflow.ApplicationState:
    return workflow.ApplicationState(
        status=row.status,  # type: ignore[arg-type]
        verdict=row.verdict,  # type: ignore[arg-type]
        review_outcome=row.review_outcome,  # type: ignore[arg-type]
        review_reason=row.review_reason,
        decision=row.decision,  # type: ignore[arg-type]
    )


def _store(session: AsyncSession, row: Application, after: workflow.ApplicationState) -> None:
    for record in after.history:
        session.add(
            ApplicationStep(
                application_id=row.id,
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
    row.verdict = after.verdict
    row.review_outcome = after.review_outcome
    row.review_reason = after.review_reason
    row.decision = after.decision
    row.updated_at = datetime.now(UTC)


def role_of(principal: Principal) -> str:
    order = ("admin", "licensing_officer", "planner", "inspector", "viewer", "mine")
    return next((r for r in order if r in principal.roles), "unknown")


def may_see(principal: Principal, row: Application) -> bool:
    return principal.is_staff or principal.enterprise == row.applicant_credit_code


async def load(session: AsyncSession, application_id: str, *, lock: bool = False) -> Application:
    query = select(Application).where(col(Application.id) == application_id)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None:
        raise UnknownApplication(application_id)
    return row


# --- submission -------------------------------------------------------------------------------
async def submit(
    uow: UnitOfWork, body: Mapping[str, Any], *, principal: Principal, plan_id: str, today: date
) -> Application:
    """Validate and store an application (``pending_checks``) with its submitted event."""
    session = uow.session
    in_force = await rules_in_force(session, plan_id)
    app = parse_application(body, in_force.rules)
    if not principal.is_staff and principal.enterprise != app.applicant.credit_code:
        raise NotYours(
            f"your credentials are for enterprise {principal.enterprise or '(none)'}; they "
            f"cannot apply for {app.applicant.credit_code}"
        )
    if app.kind != "new":
        await _check_existing_licence(session, app, in_force, body, today)
    now = datetime.now(UTC)
    row = Application(
        id=str(uuid.uuid4()),
        right_type=app.right_type,
        kind=app.kind,
        status="pending_checks",
        applicant_name=app.applicant.name,
        applicant_credit_code=app.applicant.credit_code,
        mineral=app.mineral.zh,
        licence_no=app.licence_no,
        body=dict(body),
        checks=[],
        plan_id=plan_id,
        plan_version=in_force.version,
        submitted_by=principal.subject,
        submitted_at=now,
        updated_at=now,
        next_attempt_at=now + recheck_delay(1),  # the request checks it first
    )
    session.add(row)
    session.add(
        ApplicationStep(
            application_id=row.id,
            action="submit",
            from_status="",
            to_status="pending_checks",
            actor=principal.subject,
            role=role_of(principal),
            at=now,
            note=None,
        )
    )
    uow.emit(
        catalog.ApplicationSubmitted(
            application_id=row.id,
            right_type=row.right_type,
            kind=row.kind,
            applicant=catalog.Holder(
                name=row.applicant_name, credit_code=row.applicant_credit_code
            ),
            mineral=row.mineral,
            licence_no=row.licence_no,
        ),
        subject=row.id,
    )
    return row


async def _check_existing_licence(
    session: AsyncSession,
    app: DomainApplication,
    in_force: RulesInForce,
    body: Mapping[str, Any],
    today: date,
) -> None:
    assert app.licence_no is not None
    try:
        existing = await licences.load(session, app.licence_no)
    except licences.UnknownLicence:
        raise InvalidInput(
            [FieldError("licence_no", f"there is no licence {app.licence_no} in the registry")]
        ) from None
    if existing.holder_credit_code != app.applicant.credit_code:
        raise InvalidInput(
            [
                FieldError(
                    "applicant.credit_code",
                    f"licence {existing.licence_no} is held by "
                    f"{existing.holder_credit_code}; only its holder applies for it",
                )
            ]
        )
    if existing.right_type != app.right_type:
        raise InvalidInput(
            [
                FieldError(
                    "right_type",
                    f"licence {existing.licence_no} is a {existing.right_type} licence",
                )
            ]
        )
    if app.kind == "renewal":
        licence_domain.check_renewal_filing(
            licences.to_domain(existing),
            today,
            in_force.rules.licence_terms,
            late_accepted=bool(body.get("late")),
        )


# --- checks -----------------------------------------------------------------------------------
async def run_pending_checks(runtime: Any, zoning: ZoningClient, application_id: str) -> str:
    """Run the plan checks of a ``pending_checks`` application; returns its status after.

    Zoning is asked outside any transaction; a zoning outage leaves the application pending
    with its next attempt scheduled."""
    async with runtime.sessions() as session:
        row = await load(session, application_id)
        if row.status != "pending_checks":
            return row.status
        in_force = await rules_in_force(session, row.plan_id or "")
        app = parse_application(row.body, in_force.rules)
        holders = {
            h.zone_id: h.holder_credit_code
            for h in (await session.execute(select(BlockHolderReplica))).scalars()
        }
        active = await licences.active_mining_count(session)
    analysis: dict[str, Any] | None = None
    refused: ZoningRefused | None = None
    if app.area is not None:
        try:
            analysis = await zoning.analyse(dict(app.area), exclude_licence=row.licence_no)
        except ZoningUnavailable as exc:
            await _postpone(runtime, application_id, str(exc))
            return "pending_checks"
        except ZoningRefused as exc:
            refused = exc
    context = CheckContext(
        spatial=spatial_from_analysis(analysis) if analysis is not None else None,
        block_holders=holders,
        registry=RegistryFigures(active_mining_licences=active),
    )
    results = run_checks(app, in_force.rules, context)
    if refused is not None:
        results.append(_area_refused(refused))
    found = verdict(results)
    async with runtime.uow() as uow:
        # Claim the move with one conditional UPDATE: of two workers checking at once (the
        # request and the re-check job), exactly one wins, on SQLite as on PostgreSQL.
        claimed = await uow.session.execute(
            update(Application)
            .where(
                col(Application.id) == application_id, col(Application.status) == "pending_checks"
            )
            .values(status="checked", verdict=found)
        )
        row = await load(uow.session, application_id, lock=True)
        if claimed.rowcount != 1:
            return row.status  # another worker got there first
        pending = workflow.ApplicationState(status="pending_checks")
        after = workflow.record_checks(
            pending, found, actor=SYSTEM, role="system", at=datetime.now(UTC)
        )
        _store(uow.session, row, after)
        row.checks = [jsonable(r.as_dict()) for r in results]
        row.plan_version = in_force.version
        row.attempts = 0
        row.next_attempt_at = None
        row.last_error = None
        if analysis is not None:
            row.body = {**row.body, "area_lonlat": analysis.get("geometry")}
        uow.emit(
            catalog.ApplicationChecked(
                application_id=row.id,
                verdict=found,
                checks=[
                    catalog.Check(**{k: c[k] for k in ("rule_id", "outcome", "message", "clause")})
                    for c in row.checks
                ],
                plan_id=in_force.plan_id,
                plan_version=in_force.version,
            ),
            subject=row.id,
        )
        await uow.commit()
    return "checked"


def _area_refused(exc: ZoningRefused) -> CheckResult:
    detail = exc.body.get("detail") if isinstance(exc.body, dict) else str(exc.body)
    return CheckResult(
        rule_id="area_valid",
        outcome="fail",
        message_zh=f"申请范围无效：{detail}",
        message_en=f"the area is not valid: {detail}",
        clause="（非规划条款）申请范围须为有效的拐点坐标或图形",
        details={"zoning_status": exc.status},
    )


async def _postpone(runtime: Any, application_id: str, error: str) -> None:
    async with runtime.uow() as uow:
        row = await load(uow.session, application_id, lock=True)
        row.attempts += 1
        row.next_attempt_at = datetime.now(UTC) + recheck_delay(row.attempts)
        row.last_error = error[:500]
        await uow.commit()
    log.warning(
        "zoning unavailable; application waits in pending_checks",
        application_id=application_id,
        error=error,
    )


# --- officer actions --------------------------------------------------------------------------
Move = Callable[[workflow.ApplicationState], workflow.ApplicationState]


async def move(uow: UnitOfWork, application_id: str, step: Move) -> Application:
    """Apply one workflow step (IllegalTransition → 409 at the API)."""
    row = await load(uow.session, application_id, lock=True)
    before = state_of(row)
    _store(uow.session, row, step(before))
    return row


async def forward(uow: UnitOfWork, application_id: str, *, actor: str, role: str) -> Application:
    row = await move(
        uow,
        application_id,
        lambda s: workflow.forward(s, actor=actor, role=role, at=datetime.now(UTC)),
    )
    row.attempts = 0
    row.forward_key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"lode-forward:{row.id}"))
    row.forward_acknowledged = False
    row.next_attempt_at = datetime.now(UTC)
    uow.emit(catalog.ApplicationForwarded(application_id=row.id), subject=row.id)
    return row


async def decide(
    uow: UnitOfWork,
    application_id: str,
    body: Mapping[str, Any],
    *,
    actor: str,
    role: str,
    by_province: bool,
) -> tuple[Application, bool]:
    """Record a decision; approval issues (or renews, changes, transfers, cancels) the licence.

    Returns (application, changed): a repeated identical decision changes nothing."""
    session = uow.session
    row = await load(session, application_id, lock=True)
    decision = body.get("decision")
    if decision not in ("approved", "rejected"):
        raise InvalidInput([FieldError("decision", "approved or rejected")])
    if workflow.already_decided(state_of(row), decision):
        return row, False
    reason = body.get("reason")
    now = datetime.now(UTC)
    if by_province:
        after = workflow.record_decision(
            state_of(row), decision, actor=actor, role=role, at=now, reason=reason
        )
    else:
        after = workflow.decide_locally(
            state_of(row), decision, actor=actor, role=role, at=now, reason=reason
        )
    in_force = await rules_in_force(session, row.plan_id or "")
    if decision == "approved":
        row.issued_licence_no = await _carry_out(uow, row, body, in_force, actor)
    _store(session, row, after)
    row.decision_reason = reason
    uow.emit(
        catalog.ApplicationDecided(
            application_id=row.id,
            decision=decision,
            reason=reason,
            licence_no=row.issued_licence_no,
        ),
        subject=row.id,
    )
    return row, True


def _date(body: Mapping[str, Any], key: str) -> date:
    value = body.get(key)
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput([FieldError(key, f"a date like 2022-01-01, got {value!r}")]) from None


async def _carry_out(
    uow: UnitOfWork, row: Application, body: Mapping[str, Any], in_force: RulesInForce, actor: str
) -> str:
    rules = in_force.rules
    app = parse_application(row.body, rules)
    terms = rules.licence_terms
    if app.kind == "new":
        number = licence_domain.check_licence_no(
            str(body.get("licence_no") or ""), app.right_type, terms
        )
        valid_from, valid_to = _date(body, "valid_from"), _date(body, "valid_to")
        scale = (
            classify_scale(app.capacity, app.mineral, app.mining_method, rules).scale
            if app.capacity
            else None
        )
        problem = licence_domain.validity_problem(
            app.right_type, scale, valid_from, valid_to, terms
        )
        if problem:
            raise InvalidInput([FieldError("valid_to", problem)])
        try:
            await licences.load(uow.session, number)
        except licences.UnknownLicence:
            pass
        else:
            raise InvalidInput([FieldError("licence_no", f"{number} is already registered")])
        lic = licence_domain.Licence(
            licence_no=number,
            right_type=app.right_type,
            holder=app.applicant,
            mineral_zh=app.mineral.zh,
            valid_from=valid_from,
            valid_to=valid_to,
            mining_method=app.mining_method,
            capacity=app.capacity,
            scale=scale,
            area=row.body.get("area_lonlat") or (app.area or {}).get("geometry"),
        )
        if app.restoration_plan is not None:
            lic = licence_domain.with_restoration_plan(lic, app.restoration_plan)
        await licences.issue(uow, lic, rules=rules, actor=actor, application_id=row.id)
        return number
    assert app.licence_no is not None
    existing = await licences.load(uow.session, app.licence_no, lock=True)
    current = licences.to_domain(existing)
    if app.kind == "renewal":
        renewed = licence_domain.renew(
            current,
            filed_on=row.submitted_at.date(),
            valid_to=_date(body, "valid_to"),
            terms=terms,
            late_accepted=bool(row.body.get("late")),
        )
        if app.restoration_plan is not None:
            renewed = licence_domain.with_restoration_plan(renewed, app.restoration_plan)
        await licences.apply(uow, existing, renewed, action="renewed", actor=actor, note=None)
    elif app.kind == "transfer":
        assert app.new_holder is not None
        moved = licence_domain.transfer(current, app.new_holder)
        await licences.apply(uow, existing, moved, action="transferred", actor=actor, note=None)
    elif app.kind == "change":
        changed = licence_domain.apply_action(current, "change")
        updates: dict[str, Any] = {}
        if "capacity" in app.changes and app.capacity:
            updates["capacity"] = app.capacity
        if "mineral" in app.changes:
            updates["mineral_zh"] = app.mineral.zh
        if "method" in app.changes:
            updates["mining_method"] = app.mining_method
        if "area" in app.changes:
            updates["area"] = row.body.get("area_lonlat") or (app.area or {}).get("geometry")
        after = replace(changed, **updates)
        changed_items: list[str] = sorted(app.changes)
        if app.restoration_plan is not None:
            after = licence_domain.with_restoration_plan(after, app.restoration_plan)
            changed_items = sorted({*changed_items, "restoration_plan"})
        await licences.apply(
            uow, existing, after, action="changed", actor=actor, note=None, changed=changed_items
        )
    elif app.kind == "cancellation":
        cancelled = licence_domain.apply_action(current, "cancel")
        await licences.apply(
            uow,
            existing,
            cancelled,
            action="cancelled",
            actor=actor,
            note=None,
            reason="注销 (cancellation approved)",
        )
    return app.licence_no
