"""Composition root of the licensing service (矿业权审批)."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI

from lode_common import api_keys
from lode_common.bootstrap import build_service
from lode_common.messaging.transport import Transport
from lode_common.runtime import ServiceRuntime, ServiceSpec
from lode_licensing.handlers import HANDLERS, jobs
from lode_licensing.handlers.demo_loader import load_demo_licences
from lode_licensing.settings import LicensingSettings
from lode_licensing.wiring import KEY, close_clients, wire

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
    # lode.monitoring only for mines' API keys (the rest is skipped before any database work)
    consumes=("lode.zoning", api_keys.TOPIC),
    handlers={**HANDLERS, **api_keys.REPLICA_HANDLERS},
    background=(jobs.recheck_and_forward, jobs.daily_expiry, load_demo_licences),
    on_stop=(close_clients,),
)


def build(
    settings: LicensingSettings | None = None,
    *,
    transport: Transport | None = None,
    zoning_http: httpx.AsyncBaseTransport | None = None,
) -> tuple[ServiceRuntime, FastAPI]:
    """The licensing runtime and app; without a transport it runs standalone (distributed
    mode). ``zoning_http`` reaches zoning in-process (embedded mode)."""
    from lode_licensing.api import ROUTERS

    settings = settings or LicensingSettings()
    runtime, app = build_service(
        SPEC,
        settings,
        transport=transport,
        title=TITLE,
        description=DESCRIPTION,
        routers=ROUTERS,
    )
    runtime.extensions[KEY] = wire(settings, zoning_http)
    api_keys.recognise_api_keys(runtime)  # mines' keys, from monitoring's events
    return runtime, app
