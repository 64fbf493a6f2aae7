"""Applications (矿业权申请): submitted, checked against the plan in force, reviewed,
forwarded to the province platform or decided locally; approval issues or changes a licence.

A submission is validated and its area analysed by zoning (over HTTP, outside any
transaction) before anything is written: an area zoning refuses is a 422 naming what is
wrong, with nothing stored. It then commits (``pending_checks``) and is checked with that
analysis; while zoning cannot answer the application stays in ``pending_checks`` and the
re-check job tries again (nothing is lost). Every move goes
through the workflow table of the domain and is recorded as a step (who, role, when, note).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import structlog
from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.auth import Principal
from lode_common.events import catalog
from lode_common.jsonable import jsonable
from lode_common.messaging.outbox import UnitOfWork
from lode_common.runtime import ServiceRuntime
from lode_licensing.adapters.tables import Application, ApplicationStep
from lode_licensing.adapters.zoning_client import ZoningClient, ZoningRefused, ZoningUnavailable
from lode_licensing.container import Licensing
from lode_licensing.domain import licence as licence_domain
from lode_licensing.domain import province, workflow
from lode_licensing.domain.application import Application as DomainApplication
from lode_licensing.domain.application import parse_application
from lode_licensing.domain.checks import (
    CheckContext,
    CheckResult,
    run_checks,
    verdict,
)
from lode_licensing.domain.decision import DecisionInput, parse_decision, same_decision
from lode_licensing.domain.errors import AlreadyDecided, FieldError, InvalidInput
from lode_licensing.domain.rulebook import PlanRules
from lode_licensing.domain.scale import classify_scale
from lode_licensing.domain.vocabulary import Verdict
from lode_licensing.handlers import check_context, licences
from lode_licensing.handlers.rules import RulesCache, RulesInForce

log = structlog.get_logger(__name__)
SYSTEM = "system"
AREA_LONLAT = "area_lonlat"
"""Kept in the stored body: the area as zoning analysed it (lon/lat), for the licence."""
DECIDED = "decided"
"""Kept in the stored body: the decision as received, to tell a repeat from another one."""
STORED_KEYS = (AREA_LONLAT, DECIDED)
"""Keys the service adds to a stored application body; a submitted body may not carry them."""


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


def store(session: AsyncSession, row: Application, after: workflow.ApplicationState) -> None:
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
def parse_stored(row: Application, rules: PlanRules) -> DomainApplication:
    """The application of a stored row (its body without the keys the service added)."""
    body = {k: v for k, v in row.body.items() if k not in STORED_KEYS}
    return parse_application(body, rules)


async def validate(
    session: AsyncSession,
    body: Mapping[str, Any],
    *,
    principal: Principal,
    rules: RulesCache,
    plan_id: str,
    today: date,
) -> DomainApplication:
    """The application of a submitted body, checked against the plan in force, the caller
    and the registry (InvalidInput, NotYours, RenewalRefused); nothing is written."""
    in_force = await rules.following(session, plan_id)
    app = parse_application(body, in_force.rules)
    if not principal.is_staff and principal.enterprise != app.applicant.credit_code:
        raise NotYours(
            f"your credentials are for enterprise {principal.enterprise or '(none)'}; they "
            f"cannot apply for {app.applicant.credit_code}"
        )
    if app.kind != "new":
        await _check_existing_licence(session, app, in_force, today)
    await _check_basis_known(session, app)
    return app


async def _check_basis_known(session: AsyncSession, app: DomainApplication) -> None:
    """The grant or exploration licence a new application names must be in the registry
    (a 422 naming the field); whether it fits is the check ``competitive_grant``'s."""
    if app.grant_id is not None and not await check_context.grant_exists(session, app.grant_id):
        raise InvalidInput(
            [
                FieldError(
                    "grant_id",
                    f"there is no grant {app.grant_id}; GET /licensing/v1/grants lists them",
                )
            ]
        )
    number = app.exploration_licence_no
    if number is not None and await check_context.exploration_basis(session, number) is None:
        raise InvalidInput(
            [
                FieldError(
                    "exploration_licence_no",
                    f"there is no licence {number} in the registry (探转采 names the "
                    "applicant's exploration licence)",
                )
            ]
        )


@dataclass(frozen=True)
class AreaAnalysis:
    """Zoning's analysis of a submitted area, or why zoning could not give it."""

    result: dict[str, Any] | None
    unavailable: str | None = None


async def analyse_area(zoning: ZoningClient, app: DomainApplication) -> AreaAnalysis | None:
    """Ask zoning about the area before anything is stored (None when there is no area).

    An area zoning refuses (invalid geometry or corners) is InvalidInput naming what is
    wrong, so the submission is a 422 and nothing is stored; while zoning cannot answer,
    the application is stored ``pending_checks`` and checked later."""
    if app.area is None:
        return None
    try:
        result = await zoning.analyse(dict(app.area), exclude_licence=app.licence_no)
    except ZoningUnavailable as exc:
        return AreaAnalysis(None, str(exc))
    except ZoningRefused as exc:
        raise InvalidInput(area_errors(exc)) from None
    return AreaAnalysis(result)


def area_errors(exc: ZoningRefused) -> list[FieldError]:
    """Zoning's reasons for refusing an area, as the application's fields (``area.geometry``)."""
    body = exc.body if isinstance(exc.body, dict) else {}
    found = [
        FieldError(f"area.{e['field']}" if e.get("field") else "area", str(e.get("message")))
        for e in body.get("errors") or ()
        if isinstance(e, dict)
    ]
    detail = body.get("detail") if body else str(exc.body)
    return found or [FieldError("area", f"the area is not valid: {detail}")]


async def submit(
    uow: UnitOfWork,
    body: Mapping[str, Any],
    *,
    principal: Principal,
    rules: RulesCache,
    plan_id: str,
    today: date,
) -> Application:
    """Validate and store an application (``pending_checks``) with its submitted event."""
    session = uow.session
    app = await validate(
        session, body, principal=principal, rules=rules, plan_id=plan_id, today=today
    )
    in_force = await rules.following(session, plan_id)
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
        grant_id=app.grant_id,
        body=dict(body),
        checks=[],
        plan_id=in_force.plan_id,
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
            grant_id=row.grant_id,
        ),
        subject=row.id,
    )
    return row


async def _check_existing_licence(
    session: AsyncSession,
    app: DomainApplication,
    in_force: RulesInForce,
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
            late_accepted=app.late,
        )


# --- checks -----------------------------------------------------------------------------------
async def run_pending_checks(
    service: Licensing, application_id: str, *, analysed: AreaAnalysis | None = None
) -> str:
    """Run the plan checks of a ``pending_checks`` application; returns its status after.

    Zoning is asked outside any transaction (unless the submission ``analysed`` the area
    already); a zoning outage leaves the application pending with its next attempt
    scheduled."""
    runtime, zoning = service.runtime, service.zoning
    async with runtime.sessions() as session:
        row = await load(session, application_id)
        if row.status != "pending_checks":
            return row.status
        in_force = await service.rules.following(session, service.plan_id)
        app = parse_stored(row, in_force.rules)
        gathered = await check_context.gather(
            session,
            app,
            in_force.rules,
            service.settings.output_year_complete_pct,
            area_tolerance_pct=service.settings.grant_area_tolerance_pct,
        )
    analysis: dict[str, Any] | None = None
    refused: ZoningRefused | None = None
    if analysed is not None and analysed.unavailable is not None:
        await _postpone(runtime, application_id, analysed.unavailable)
        return "pending_checks"
    if analysed is not None:
        analysis = analysed.result
    elif app.area is not None:
        try:
            analysis = await zoning.analyse(dict(app.area), exclude_licence=row.licence_no)
        except ZoningUnavailable as exc:
            await _postpone(runtime, application_id, str(exc))
            return "pending_checks"
        except ZoningRefused as exc:
            refused = exc
    context = check_context.with_analysis(gathered, analysis)
    results = checks_of(app, in_force.rules, context, refused)
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
        if cast(CursorResult[Any], claimed).rowcount != 1:
            return row.status  # another worker got there first
        pending = workflow.ApplicationState(status="pending_checks")
        after = workflow.record_checks(
            pending, found, actor=SYSTEM, role="system", at=datetime.now(UTC)
        )
        store(uow.session, row, after)
        row.attempts = 0
        row.next_attempt_at = None
        row.last_error = None
        record_checks(uow, row, results, found, in_force, analysis)
        await uow.commit()
    return "checked"


def record_checks(
    uow: UnitOfWork,
    row: Application,
    results: list[CheckResult],
    found: Verdict,
    in_force: RulesInForce,
    analysis: dict[str, Any] | None,
) -> None:
    """Write ``results`` on ``row`` as the checks under the plan version in force (with the
    area zoning analysed, when it did) and emit ``application.checked`` with them: the same
    record whether the checks ran first (:func:`run_pending_checks`) or again after a new
    plan version (:mod:`.recheck`)."""
    row.checks = [jsonable(r.as_dict()) for r in results]
    row.plan_id = in_force.plan_id
    row.plan_version = in_force.version
    if analysis is not None:
        row.body = {**row.body, AREA_LONLAT: analysis.get("geometry")}
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


def checks_of(
    app: DomainApplication,
    rules: PlanRules,
    context: CheckContext,
    refused: ZoningRefused | None = None,
) -> list[CheckResult]:
    """Every check of ``app`` under ``rules``, as the real checks run them; ``refused``:
    zoning refused the area when it was analysed (the area rules did not run because of
    the area, not because of an outage)."""
    results = run_checks(app, rules, context)
    if refused is None:
        return results
    results = [
        replace(
            r,
            message_zh="申请范围无效，未核查",
            message_en="the area is not valid (see area_valid); not checked",
        )
        if r.details == {"spatial_analysis": None}
        else r
        for r in results
    ]
    results.append(_area_refused(refused))
    return results


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


async def _postpone(runtime: ServiceRuntime, application_id: str, error: str) -> None:
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


async def forward_basis(session: AsyncSession, row: Application) -> dict[str, Any]:
    """What the forward to the province platform carries of the application's basis: the
    grant it names (with its contract, never the reserve price) or the exploration licence
    it converts (探转采), as JSON."""
    grant = await check_context.grant_basis(session, row.grant_id) if row.grant_id else None
    number = row.body.get("exploration_licence_no")
    basis = province.forward_basis(grant, number if isinstance(number, str) else None)
    return dict(jsonable(basis))


# --- officer actions --------------------------------------------------------------------------
Move = Callable[[workflow.ApplicationState], workflow.ApplicationState]


async def move(uow: UnitOfWork, application_id: str, step: Move) -> Application:
    """Apply one workflow step (IllegalTransition → 409 at the API)."""
    row = await load(uow.session, application_id, lock=True)
    before = state_of(row)
    store(uow.session, row, step(before))
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
    rules: RulesCache,
    actor: str,
    role: str,
    by_province: bool,
    today: date,
) -> tuple[Application, bool]:
    """Record a decision; approval issues (or renews, changes, transfers, cancels) the licence.

    Returns (application, changed): the same decision repeated changes nothing; a different
    one on an application already decided is AlreadyDecided (409 with the current state).
    ``today`` (China Standard Time) is the day the validity must not have ended by."""
    session = uow.session
    row = await load(session, application_id, lock=True)
    given = parse_decision(body, also=("application_id",) if by_province else ())
    if row.status in ("approved", "rejected") and row.decision:
        recorded = recorded_decision(row)
        if same_decision(recorded, given):
            return row, False
        raise AlreadyDecided(current_state=row.status, recorded=recorded)
    now = datetime.now(UTC)
    if by_province:
        after = workflow.record_decision(
            state_of(row), given.decision, actor=actor, role=role, at=now, reason=given.reason
        )
    else:
        after = workflow.decide_locally(
            state_of(row), given.decision, actor=actor, role=role, at=now, reason=given.reason
        )
    in_force = await rules.in_force(session, row.plan_id or "")
    if given.decision == "approved":
        row.issued_licence_no = await _carry_out(uow, row, given, in_force, actor, today)
    store(session, row, after)
    row.decision_reason = given.reason
    row.body = {**row.body, DECIDED: given.as_record()}
    uow.emit(
        catalog.ApplicationDecided(
            application_id=row.id,
            decision=given.decision,
            reason=given.reason,
            licence_no=row.issued_licence_no,
        ),
        subject=row.id,
    )
    return row, True


def recorded_decision(row: Application) -> dict[str, str | None]:
    """The decision recorded on a decided application (as received, where it was kept)."""
    kept = row.body.get(DECIDED)
    if isinstance(kept, dict):
        return dict(kept)
    return {"decision": row.decision, "licence_no": row.issued_licence_no}


async def _grant_not_used(session: AsyncSession, grant_id: str) -> None:
    """One grant, one right: the check said so when it ran, and it is said again here, since
    two applications naming one grant may both have been checked before either was decided."""
    basis = await check_context.grant_basis(session, grant_id)
    if basis is not None and basis.licence_no is not None:
        raise InvalidInput(
            [
                FieldError(
                    "grant_id",
                    f"licence {basis.licence_no} was already issued from grant {grant_id} "
                    "(一个出让，一个矿业权): this application cannot be approved on it",
                )
            ]
        )


def _required(value: date | None, key: str) -> date:
    if value is None:
        raise InvalidInput([FieldError(key, "required on approval: a date like 2027-01-01")])
    return value


async def _carry_out(
    uow: UnitOfWork,
    row: Application,
    given: DecisionInput,
    in_force: RulesInForce,
    actor: str,
    today: date,
) -> str:
    rules = in_force.rules
    app = parse_stored(row, rules)
    terms = rules.licence_terms
    if app.kind == "new":
        number = licence_domain.check_licence_no(given.licence_no or "", app.right_type, terms)
        valid_from = _required(given.valid_from, "valid_from")
        valid_to = _required(given.valid_to, "valid_to")
        scale = (
            classify_scale(app.capacity, app.mineral, app.mining_method, rules).scale
            if app.capacity
            else None
        )
        problem = licence_domain.validity_problem(
            app.right_type, scale, valid_from, valid_to, terms, today=today
        )
        if problem:
            raise InvalidInput([FieldError("valid_to", problem)])
        try:
            await licences.load(uow.session, number)
        except licences.UnknownLicence:
            pass
        else:
            raise InvalidInput([FieldError("licence_no", f"{number} is already registered")])
        if app.grant_id is not None:
            await _grant_not_used(uow.session, app.grant_id)
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
            area=row.body.get(AREA_LONLAT) or (app.area or {}).get("geometry"),
            grant_id=app.grant_id,
        )
        if app.restoration_plan is not None:
            lic = licence_domain.with_restoration_plan(lic, app.restoration_plan)
        await licences.issue(uow, lic, rules=rules, actor=actor, application_id=row.id)
        return number
    assert app.licence_no is not None
    if given.licence_no != app.licence_no:
        raise InvalidInput(
            [
                FieldError(
                    "licence_no",
                    f"this {app.kind} is of licence {app.licence_no}; the decision names "
                    f"{given.licence_no}",
                )
            ]
        )
    existing = await licences.load(uow.session, app.licence_no, lock=True)
    current = licences.to_domain(existing)
    if app.kind == "renewal":
        renewed = licence_domain.renew(
            current,
            filed_on=row.submitted_at.date(),
            valid_to=_required(given.valid_to, "valid_to"),
            terms=terms,
            late_accepted=app.late,
            today=today,
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
            updates["area"] = row.body.get(AREA_LONLAT) or (app.area or {}).get("geometry")
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
