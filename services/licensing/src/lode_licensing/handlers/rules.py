"""The plan in force (from the shared replica) and the rules licensing's checks read from it.

The replica (:mod:`lode_common.plan.replica`) keeps the latest version zoning published and
types its document; the rules of a version are derived from that document once per
process (a published version never changes) and kept by the service's container.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.plan.replica import PlanInForce, PlanReplica
from lode_licensing.domain.plan_rules import load_plan_rules
from lode_licensing.domain.rulebook import PlanRules


@dataclass(frozen=True)
class RulesInForce:
    """A version of the plan in force and the checks' rules read from it."""

    plan: PlanInForce
    rules: PlanRules

    @property
    def plan_id(self) -> str:
        return self.plan.plan_id

    @property
    def version(self) -> int:
        return self.plan.version


class RulesCache:
    """The rules of each plan version in force, derived once per ``(plan_id, version)``."""

    def __init__(self, plans: PlanReplica) -> None:
        self._plans = plans
        self._rules: dict[tuple[str, int], PlanRules] = {}

    async def in_force(self, session: AsyncSession, plan_id: str) -> RulesInForce:
        """The rules of ``plan_id`` in force, read in ``session``; ``PlanNotLoaded`` (503)
        while zoning's plan has not reached licensing."""
        plan = await self._plans.require(plan_id, session)
        key = (plan.plan_id, plan.version)
        rules = self._rules.get(key)
        if rules is None:
            rules = self._rules[key] = load_plan_rules(plan.document)
        return RulesInForce(plan, rules)

    async def following(self, session: AsyncSession, configured: str) -> RulesInForce:
        """The rules of the plan in force for a deployment configured with ``configured``:
        that plan, or the successor zoning published on its approval (规划接续)."""
        return await self.in_force(session, await self._plans.following(configured, session))
