"""Composition root of the zoning service (规划分区)."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI

from lode_common import api_keys
from lode_common.bootstrap import build_service
from lode_common.messaging.transport import Transport
from lode_common.runtime import ServiceRuntime, ServiceSpec
from lode_zoning.adapters.licensing_client import LicensingClient
from lode_zoning.adapters.spatial_index import IndexHolder
from lode_zoning.container import Zoning, close_clients
from lode_zoning.demo import load_demo_zones
from lode_zoning.handlers import CONSUMERS
from lode_zoning.handlers.plans import load_bundled_plan
from lode_zoning.settings import ZoningSettings

NAME = "zoning"
SETTINGS_CLASS = ZoningSettings
TITLE = "Lode zoning (规划分区)"
DESCRIPTION = (
    "The plan as versioned data (indicators, mineral policy, entry rules), zones and planning "
    "blocks as geometry, spatial analysis. "
    "规划数据、分区与规划区块、空间分析。"
)
SPEC = ServiceSpec(
    name=NAME,
    migrations_dir=Path(__file__).parent / "migrations",
    # lode.monitoring only for mines' API keys (the rest is skipped before any database work)
    consumes=("lode.licensing", api_keys.TOPIC),
    handlers=CONSUMERS.handlers,
    on_start=(load_bundled_plan, load_demo_zones),
    on_stop=(close_clients,),
)


def build(
    settings: ZoningSettings | None = None,
    *,
    transport: Transport | None = None,
    licensing_http: httpx.AsyncBaseTransport | None = None,
) -> tuple[ServiceRuntime, FastAPI]:
    """The zoning runtime and app; without a transport it runs standalone (distributed mode).
    ``licensing_http`` reaches licensing in-process (embedded mode); without it licensing is
    asked at ``licensing_url``, or at this process's public URL."""
    from lode_common.openapi import publish_bodies
    from lode_zoning.api import BODIES, ROUTERS
    from lode_zoning.api.errors import ERRORS

    settings = settings or ZoningSettings()
    runtime, app = build_service(
        SPEC,
        settings,
        transport=transport,
        title=TITLE,
        description=DESCRIPTION,
        routers=ROUTERS,
        errors=ERRORS,
    )
    publish_bodies(app, BODIES)
    Zoning(
        runtime,
        settings=settings,
        api_keys=api_keys.recognise_api_keys(runtime),  # mines' keys, from monitoring's events
        spatial_index=IndexHolder(runtime.sessions),
        licensing=LicensingClient(
            settings.licensing_url or settings.resolved_public_url(),
            jwt_secret=settings.jwt_secret,
            timeout_s=settings.licensing_timeout_s,
            transport=licensing_http,
        ),
    ).attach()
    return runtime, app
