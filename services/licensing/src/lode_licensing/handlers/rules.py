"""The plan in force, as licensing's checks read it (from zoning's ``plan.published``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lode_licensing.adapters.tables import PlanInForce
from lode_licensing.domain.plan_rules import load_plan_rules
from lode_licensing.domain.rulebook import PlanRules

_CACHE: dict[tuple[str, int], PlanRules] = {}  # a version never changes once published


class PlanNotLoaded(Exception):
    """No version of the plan has reached licensing yet."""


@dataclass(frozen=True)
class RulesInForce:
    plan_id: str
    version: int
    rules: PlanRules
    document: dict[str, Any]


async def rules_in_force(session: AsyncSession, plan_id: str) -> RulesInForce:
    row = await session.get(PlanInForce, plan_id)
    if row is None:
        raise PlanNotLoaded(plan_id)
    key = (plan_id, row.version)
    if key not in _CACHE:
        _CACHE[key] = load_plan_rules(row.document)
    return RulesInForce(plan_id, row.version, _CACHE[key], row.document)
