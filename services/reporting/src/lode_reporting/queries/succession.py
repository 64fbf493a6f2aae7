"""The plan's indicators as measured, with a successor's baselines taken from its
predecessor's final actuals (:mod:`lode_reporting.domain.succession`), and where the plan
stands (:func:`lode_common.plan.succession.standing`, today in China Standard Time)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.plan.document import PlanDocument
from lode_common.plan.succession import PlanStanding, standing
from lode_reporting.container import Reporting
from lode_reporting.domain import plan
from lode_reporting.domain.evaluate import evaluate
from lode_reporting.domain.plan import IndicatorDefinition
from lode_reporting.domain.succession import (
    Baseline,
    PredecessorFinals,
    with_predecessor_baselines,
)


async def predecessor_finals(
    service: Reporting, session: AsyncSession, document: PlanDocument
) -> PredecessorFinals | None:
    """The final actuals of the plan ``document`` succeeds, when that plan has reached
    reporting (None for a plan that succeeds none)."""
    predecessor_id = document.plan.predecessor_plan_id
    if predecessor_id is None:
        return None
    predecessor = await service.plans.in_force(predecessor_id, session)
    if predecessor is None:
        return None
    old = predecessor.document
    _, last = plan.period(old)
    facts = await service.facts.load(session, old)
    rules = service.rules
    actuals = {}
    for definition in plan.definitions(old):
        actual = evaluate(definition, facts, last, rules).figure.actual
        if actual is not None:
            actuals[definition.id] = actual
    return PredecessorFinals(predecessor_id, last, actuals)


async def definitions(
    service: Reporting, session: AsyncSession, document: PlanDocument
) -> tuple[list[IndicatorDefinition], dict[str, Baseline]]:
    """The plan's indicators with their baselines (a successor's from its predecessor)."""
    finals = await predecessor_finals(service, session, document)
    return with_predecessor_baselines(plan.definitions(document), finals)


async def plan_standing(
    service: Reporting,
    session: AsyncSession,
    plan_id: str,
    document: PlanDocument,
    today: date | None = None,
) -> PlanStanding:
    """Where the plan stands today: in force, ended but in force until replaced, superseded."""
    predecessors = await service.plans.predecessors(session)
    return standing(plan_id, plan.period(document), predecessors, today or service.today())
