"""The standards of the plan version in force, as monitoring reads them: each version's
:class:`~lode_monitoring.domain.standards.MonitoringStandards` built once per process from
the shared replica's typed document, then reused by every report judged under it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.plan.replica import PlanInForce, PlanNotLoaded, PlanReplica
from lode_monitoring.domain.standards import MonitoringStandards


class StandardsInForce:
    """Monitoring's standards of each plan version, read from the replica once a version.

    A published version never changes, so what was read for ``(plan_id, version)`` stays
    true; a newer version is read when a report first meets it."""

    def __init__(self, plans: PlanReplica) -> None:
        self._plans = plans
        self._read: dict[tuple[str, int], MonitoringStandards] = {}

    def _kept(self, plan: PlanInForce) -> MonitoringStandards:
        key = (plan.plan_id, plan.version)
        standards = self._read.get(key)
        if standards is None:
            standards = self._read[key] = MonitoringStandards.of(plan.document)
        return standards

    async def of_version(
        self, plan_id: str, version: int, session: AsyncSession | None = None
    ) -> MonitoringStandards:
        """The standards of ``version`` (known from a read the caller made anyway): no
        read at all once that version is kept; else the version in force, read once."""
        kept = self._read.get((plan_id, version))
        if kept is not None:
            return kept
        return self._kept(await self._plans.require(plan_id, session))

    async def require(
        self, plan_id: str, session: AsyncSession | None = None
    ) -> MonitoringStandards:
        """The standards of the version in force (one small read of its version number);
        :class:`~lode_common.plan.replica.PlanNotLoaded` when no version has arrived."""
        version = await self._plans.version_of(plan_id, session)
        if version is None:
            raise PlanNotLoaded(plan_id)
        return await self.of_version(plan_id, version, session)
