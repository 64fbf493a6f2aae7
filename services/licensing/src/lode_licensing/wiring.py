"""The licensing service's own collaborators, kept on its runtime: the zoning client, the
province platform client (when one is configured), the callback URL, and the wake-up of
the background job."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx

from lode_common.runtime import ServiceRuntime
from lode_licensing.adapters.province_client import ProvinceClient
from lode_licensing.adapters.zoning_client import ZoningClient
from lode_licensing.settings import LicensingSettings

KEY = "licensing"


@dataclass
class Licensing:
    plan_id: str
    zoning: ZoningClient
    province: ProvinceClient | None
    province_secret: str
    province_window_s: int
    callback_url: str
    woken: asyncio.Event = field(default_factory=asyncio.Event)

    def wake(self) -> None:
        """Run the background job now (a forward was queued)."""
        self.woken.set()


def wire(settings: LicensingSettings, zoning_http: httpx.AsyncBaseTransport | None) -> Licensing:
    zoning_url = settings.zoning_url or settings.resolved_public_url()
    return Licensing(
        plan_id=settings.plan_id,
        zoning=ZoningClient(
            zoning_url,
            jwt_secret=settings.jwt_secret,
            timeout_s=settings.zoning_timeout_s,
            transport=zoning_http,
        ),
        province=ProvinceClient(settings.province_url) if settings.province_url else None,
        province_secret=settings.province_secret,
        province_window_s=settings.province_window_s,
        callback_url=settings.resolved_public_url().rstrip("/")
        + "/licensing/v1/province/decisions",
    )


def licensing_of(runtime: ServiceRuntime) -> Licensing:
    service = runtime.extensions[KEY]
    assert isinstance(service, Licensing)
    return service


async def close_clients(runtime: ServiceRuntime) -> None:
    service = licensing_of(runtime)
    await service.zoning.aclose()
    if service.province is not None:
        await service.province.aclose()
