"""The what-if of a proposed plan version (规划调整影响分析), computed, not stored.

Every licence in force (active, suspended) and every open application (pending_checks,
checked, reviewed, forwarded) is checked twice with the same check functions the real
decisions use: BEFORE, under the plan in force with zoning's analysis of the area as the
zones are now; AFTER, under the proposed document with zoning's analysis as the zones would
be once the proposal is approved (``proposal_id`` in the analysis). A licence is read by its
standing checks (:mod:`..domain.checks.standing`), an application by all its checks and
the verdict (the path of :func:`.applications.run_pending_checks`, context gathered by
:mod:`.check_context`). Only the subjects whose verdict or any check outcome changes are
answered; a subject zoning could not analyse is named under ``unavailable``.

Zoning is asked concurrently, at most ``impact_concurrency`` at once (a setting), and
outside any transaction.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.plan.document import PlanDocument
from lode_licensing.adapters.tables import Application, Licence
from lode_licensing.adapters.zoning_client import ZoningClient, ZoningRefused, ZoningUnavailable
from lode_licensing.container import Licensing
from lode_licensing.domain.application import Application as DomainApplication
from lode_licensing.domain.check_changes import check_changes
from lode_licensing.domain.checks import CheckContext, CheckResult, verdict
from lode_licensing.domain.checks.standing import (
    as_application,
    needs_area,
    standing_checks,
    standing_of,
)
from lode_licensing.domain.errors import InvalidInput
from lode_licensing.domain.party import Party
from lode_licensing.domain.plan_rules import load_plan_rules
from lode_licensing.domain.rulebook import PlanRules
from lode_licensing.domain.vocabulary import RightType
from lode_licensing.handlers import check_context, licences
from lode_licensing.handlers.applications import checks_of, parse_stored
from lode_licensing.handlers.check_context import with_analysis
from lode_licensing.handlers.rules import RulesInForce

OPEN = ("pending_checks", "checked", "reviewed", "forwarded")
"""The application statuses still open to a decision."""


class Analyse(Protocol):
    """Zoning's analysis of an area (its own licence not counted), as the zones are now or,
    with ``proposal``, as they would be after that proposal's approval."""

    async def __call__(
        self, area: dict[str, Any], exclude: str | None, proposal: str | None
    ) -> dict[str, Any]: ...


class Unanalysed(Exception):
    """Zoning could not analyse a subject's area (down, or refused it): named, not dropped."""


@dataclass(frozen=True)
class Version:
    """A plan version the subjects are checked under, and how zoning is asked of it."""

    rules: PlanRules
    proposal_id: str | None


@dataclass(frozen=True)
class LicenceFacts:
    """What the standing checks read of a licence (copied out of its row)."""

    licence_no: str
    right_type: RightType
    holder_name: str
    holder_credit_code: str
    mineral: str
    mining_method: str | None
    area: dict[str, Any] | None

    @classmethod
    def of(cls, row: Licence) -> LicenceFacts:
        return cls(
            row.licence_no,
            row.right_type,  # type: ignore[arg-type]
            row.holder_name,
            row.holder_credit_code,
            row.mineral,
            row.mining_method,
            row.area,
        )


def limited(zoning: ZoningClient, concurrency: int) -> Analyse:
    """Zoning's analysis, at most ``concurrency`` requests at once (Unanalysed on failure)."""
    gate = asyncio.Semaphore(concurrency)

    async def analyse(
        area: dict[str, Any], exclude: str | None, proposal: str | None
    ) -> dict[str, Any]:
        async with gate:
            try:
                return await zoning.analyse(area, exclude_licence=exclude, proposal_id=proposal)
            except ZoningUnavailable as exc:
                raise Unanalysed(str(exc)) from exc
            except ZoningRefused as exc:
                raise Unanalysed(f"zoning refused the area ({exc.status})") from exc

    return analyse


async def licence_standing(
    facts: LicenceFacts, version: Version, analyse: Analyse
) -> list[CheckResult] | None:
    """The standing checks of a licence under ``version`` (None: its mineral is unknown
    to that version's catalogue); Unanalysed when zoning could not analyse its area."""
    app = as_application(
        licence_no=facts.licence_no,
        right_type=facts.right_type,
        holder=Party(facts.holder_name, facts.holder_credit_code),
        mineral_zh=facts.mineral,
        mining_method=facts.mining_method,
        area_lonlat=facts.area,
        rules=version.rules,
    )
    if app is None:
        return None
    spatial = None
    if needs_area(app, version.rules):
        analysis = await analyse(dict(app.area or {}), facts.licence_no, version.proposal_id)
        spatial = with_analysis(CheckContext(), analysis).spatial
    return standing_checks(app, version.rules, spatial)


async def application_checks(
    app: DomainApplication,
    gathered: CheckContext,
    rules: PlanRules,
    analyse: Analyse,
    *,
    proposal_id: str | None,
) -> list[CheckResult]:
    """Every check of an open application under ``rules``, as the real checks run them."""
    analysis = None
    if app.area is not None:
        analysis = await analyse(dict(app.area), app.licence_no, proposal_id)
    return checks_of(app, rules, with_analysis(gathered, analysis))


@dataclass(frozen=True)
class OpenApplication:
    """An open application read under both versions, with the registry's facts for each."""

    row_id: str
    status: str
    applicant: str
    mineral: str
    before: tuple[DomainApplication, CheckContext] | None
    after: tuple[DomainApplication, CheckContext] | None
    problem: str | None = None


async def _read_under(
    session: AsyncSession, row: Application, rules: PlanRules, complete_pct: Any, **shared: Any
) -> tuple[DomainApplication, CheckContext]:
    app = parse_stored(row, rules)
    return app, await check_context.gather(session, app, rules, complete_pct, **shared)


async def impact(service: Licensing, *, proposal_id: str, document: PlanDocument) -> dict[str, Any]:
    """The what-if of ``document`` (proposal ``proposal_id``) against the plan in force."""
    proposed = Version(load_plan_rules(document), proposal_id)
    complete_pct = service.settings.output_year_complete_pct
    async with service.runtime.sessions() as session:
        in_force: RulesInForce = await service.rules.following(session, service.plan_id)
        current = Version(in_force.rules, None)
        licence_rows = (
            await session.execute(
                select(Licence)
                .where(col(Licence.status).in_(licences.IN_FORCE))
                .order_by(col(Licence.licence_no))
            )
        ).scalars()
        in_force_licences = [LicenceFacts.of(r) for r in licence_rows]
        rows = list(
            (
                await session.execute(
                    select(Application)
                    .where(col(Application.status).in_(OPEN))
                    .order_by(col(Application.submitted_at), col(Application.id))
                )
            ).scalars()
        )
        shared = {
            "holders": await check_context.block_holders(session),
            "active": await licences.active_mining_count(session),
            "outputs": {},  # the output tallies, read once per version and indicator set
            "area_tolerance_pct": service.settings.grant_area_tolerance_pct,
        }
        opened: list[OpenApplication] = []
        for row in rows:
            try:
                before = await _read_under(session, row, current.rules, complete_pct, **shared)
                after = await _read_under(session, row, proposed.rules, complete_pct, **shared)
            except InvalidInput as exc:
                opened.append(
                    OpenApplication(
                        row.id, row.status, row.applicant_name, row.mineral, None, None, str(exc)
                    )
                )
                continue
            opened.append(
                OpenApplication(row.id, row.status, row.applicant_name, row.mineral, before, after)
            )
    analyse = limited(service.zoning, service.settings.impact_concurrency)
    unavailable: list[dict[str, str]] = []
    licence_answers = await asyncio.gather(
        *(_licence(facts, current, proposed, analyse, unavailable) for facts in in_force_licences)
    )
    application_answers = await asyncio.gather(
        *(_application(item, current, proposed, analyse, unavailable) for item in opened)
    )
    return {
        "plan_id": in_force.plan_id,
        "plan_version": in_force.version,
        "proposal_id": proposal_id,
        "proposed_plan_id": document.plan.id,
        "evaluated": {"licences": len(in_force_licences), "applications": len(opened)},
        "licences": [a for a in licence_answers if a is not None],
        "applications": [a for a in application_answers if a is not None],
        "unavailable": sorted(unavailable, key=lambda u: (u["kind"], u["id"])),
    }


async def _licence(
    facts: LicenceFacts,
    current: Version,
    proposed: Version,
    analyse: Analyse,
    unavailable: list[dict[str, str]],
) -> dict[str, Any] | None:
    try:
        before, after = await asyncio.gather(
            licence_standing(facts, current, analyse), licence_standing(facts, proposed, analyse)
        )
    except Unanalysed as exc:
        unavailable.append(_unavailable("licence", facts.licence_no, str(exc)))
        return None
    changes = check_changes(before or [], after or [])
    was, will_be = standing_of(before or []), standing_of(after or [])
    if not changes and was == will_be:
        return None
    return {
        "licence_no": facts.licence_no,
        "holder": {"name": facts.holder_name, "credit_code": facts.holder_credit_code},
        "mineral": facts.mineral,
        "before": was,
        "after": will_be,
        "changes": [c.as_dict() for c in changes],
    }


async def _application(
    item: OpenApplication,
    current: Version,
    proposed: Version,
    analyse: Analyse,
    unavailable: list[dict[str, str]],
) -> dict[str, Any] | None:
    if item.before is None or item.after is None:
        unavailable.append(_unavailable("application", item.row_id, item.problem or "unreadable"))
        return None
    try:
        before, after = await asyncio.gather(
            application_checks(*item.before, current.rules, analyse, proposal_id=None),
            application_checks(
                *item.after, proposed.rules, analyse, proposal_id=proposed.proposal_id
            ),
        )
    except Unanalysed as exc:
        unavailable.append(_unavailable("application", item.row_id, str(exc)))
        return None
    changes = check_changes(before, after)
    was, will_be = verdict(before), verdict(after)
    if not changes and was == will_be:
        return None
    return {
        "application_id": item.row_id,
        "status": item.status,
        "applicant": item.applicant,
        "mineral": item.mineral,
        "before": was,
        "after": will_be,
        "changes": [c.as_dict() for c in changes],
    }


def _unavailable(
    kind: Literal["licence", "application"], ident: str, reason: str
) -> dict[str, str]:
    return {"kind": kind, "id": ident, "reason": reason[:500]}
