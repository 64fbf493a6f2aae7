"""The monitoring service's parts, typed (开发利用监管): built once by :func:`build` in
``bootstrap``, reached by routes as ``api.deps.Service`` (``Annotated[Monitoring,
Depends(Monitoring.from_request)]``) and by background jobs as ``Monitoring.of(runtime)``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.container import ServiceContainer
from lode_common.plan.replica import PlanReplica
from lode_common.runtime import ServiceRuntime
from lode_monitoring.adapters.report_store import IntakeConnections
from lode_monitoring.handlers.api_keys import KeyLookup
from lode_monitoring.handlers.standards import StandardsInForce
from lode_monitoring.settings import MonitoringSettings


@dataclass
class Monitoring(ServiceContainer):
    """The plan in force and the standards read from it, the look-up of mines' keys
    (which the revoking route tells to forget a key at once), and the report intake's
    connections (closed when the service stops)."""

    settings: MonitoringSettings
    plans: PlanReplica
    standards: StandardsInForce
    keys: KeyLookup
    intake: IntakeConnections

    async def plan_id(self, session: AsyncSession | None = None) -> str:
        """The plan reports are judged against: the configured one
        (``LODE_MONITORING_PLAN_ID``) or, once approved, its successor
        (:mod:`lode_common.plan.succession`)."""
        return await self.plans.following(self.settings.plan_id, session)


def build(runtime: ServiceRuntime, settings: MonitoringSettings) -> Monitoring:
    """The container of ``runtime`` (not attached yet)."""
    plans = PlanReplica(runtime.sessions)
    intake = IntakeConnections(runtime.engine, size=settings.intake_pool_size)
    return Monitoring(
        runtime=runtime,
        settings=settings,
        plans=plans,
        standards=StandardsInForce(plans),
        keys=KeyLookup(runtime.sessions, connections=intake),
        intake=intake,
    )
