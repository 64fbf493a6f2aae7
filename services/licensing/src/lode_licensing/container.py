"""The licensing service's parts, typed (矿业权审批): built once by :func:`build` in
``bootstrap``, reached by routes as ``Annotated[Licensing, Depends(Licensing.from_request)]``
(``api.deps.Service``) and by background jobs as ``Licensing.of(runtime)``."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx

from lode_common.api_keys import ReplicaKeyLookup
from lode_common.container import ServiceContainer
from lode_common.plan.replica import PlanReplica
from lode_common.runtime import ServiceRuntime
from lode_common.workdays import WorkdayCalendar, calendar
from lode_licensing.adapters.province_client import ProvinceClient
from lode_licensing.adapters.zoning_client import ZoningClient
from lode_licensing.handlers.rules import RulesCache
from lode_licensing.settings import LicensingSettings

CALLBACK_PATH = "/licensing/v1/province/decisions"
"""Where the province platform sends its signed decisions (``api.province``)."""


@dataclass
class Licensing(ServiceContainer):
    """The zoning and province clients, the plan in force and its rules, the keys of mines,
    the callback URL given to the province platform, and the wake-up of the background job.
    """

    settings: LicensingSettings
    zoning: ZoningClient
    province: ProvinceClient | None
    plans: PlanReplica
    rules: RulesCache
    keys: ReplicaKeyLookup
    callback_url: str
    workdays: WorkdayCalendar = field(default_factory=WorkdayCalendar)
    """The working-day calendar of the grant periods (调休 included; the settings' added
    years, ``holiday_schedule_file``), read once at start."""
    woken: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def plan_id(self) -> str:
        """The plan applications are checked against (``LODE_LICENSING_PLAN_ID``)."""
        return self.settings.plan_id

    def wake(self) -> None:
        """Run the background job now (a forward was queued)."""
        self.woken.set()

    async def aclose(self) -> None:
        """Close the HTTP clients (the runtime's ``on_stop``)."""
        await self.zoning.aclose()
        if self.province is not None:
            await self.province.aclose()


def build(
    runtime: ServiceRuntime,
    settings: LicensingSettings,
    keys: ReplicaKeyLookup,
    zoning_http: httpx.AsyncBaseTransport | None,
) -> Licensing:
    """The container of ``runtime`` (not attached yet). ``zoning_http`` reaches zoning
    in-process (embedded mode); without it zoning is asked at ``zoning_url``, or at this
    process's own public URL when that is empty."""
    public_url = settings.resolved_public_url().rstrip("/")
    plans = PlanReplica(runtime.sessions)
    return Licensing(
        runtime=runtime,
        settings=settings,
        zoning=ZoningClient(
            settings.zoning_url or settings.resolved_public_url(),
            jwt_secret=settings.jwt_secret,
            timeout_s=settings.zoning_timeout_s,
            transport=zoning_http,
        ),
        province=ProvinceClient(settings.province_url) if settings.province_url else None,
        plans=plans,
        rules=RulesCache(plans),
        keys=keys,
        callback_url=public_url + CALLBACK_PATH,
        workdays=calendar(settings.holiday_schedule_file),
    )


async def close_clients(runtime: ServiceRuntime) -> None:
    await Licensing.of(runtime).aclose()
