"""Composition root of the licensing service (矿业权审批)."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI

from lode_common import api_keys
from lode_common.bootstrap import build_service
from lode_common.messaging.transport import Transport
from lode_common.runtime import ServiceRuntime, ServiceSpec
from lode_licensing import container
from lode_licensing.handlers import CONSUMES, HANDLERS, jobs
from lode_licensing.handlers.demo_loader import load_demo_licences
from lode_licensing.settings import LicensingSettings

NAME = "licensing"
SETTINGS_CLASS = LicensingSettings
TITLE = "Lode licensing (矿业权审批)"
DESCRIPTION = (
    "Exploration and mining rights: applications checked against the plan, the province "
    "approval exchange, the licence lifecycle. "
    "探矿权、采矿权申请、规划审查与许可证生命周期。"
)
SPEC = ServiceSpec(
    name=NAME,
    migrations_dir=Path(__file__).parent / "migrations",
    consumes=CONSUMES,
    handlers=HANDLERS,
    background=(jobs.recheck_and_forward, jobs.daily_expiry, load_demo_licences),
    on_stop=(container.close_clients,),
)


def build(
    settings: LicensingSettings | None = None,
    *,
    transport: Transport | None = None,
    zoning_http: httpx.AsyncBaseTransport | None = None,
) -> tuple[ServiceRuntime, FastAPI]:
    """The licensing runtime and app; without a transport it runs standalone (distributed
    mode). ``zoning_http`` reaches zoning in-process (embedded mode)."""
    from lode_common.openapi import publish_bodies
    from lode_licensing.api import ROUTERS
    from lode_licensing.api.applications import SUBMITTED
    from lode_licensing.api.errors import ERRORS
    from lode_licensing.api.grant_bodies import GRANT_PLAN
    from lode_licensing.api.province import PROVINCE_DECISION

    settings = settings or LicensingSettings()
    runtime, app = build_service(
        SPEC,
        settings,
        transport=transport,
        title=TITLE,
        description=DESCRIPTION,
        routers=ROUTERS,
        errors=ERRORS,
    )
    # the bodies routes read by hand
    publish_bodies(app, [SUBMITTED, PROVINCE_DECISION, GRANT_PLAN])
    keys = api_keys.recognise_api_keys(runtime)  # mines' keys, from monitoring's events
    container.build(runtime, settings, keys, zoning_http).attach()
    return runtime, app
