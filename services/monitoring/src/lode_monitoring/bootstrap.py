"""Composition root of the monitoring service (开发利用监管)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from lode_common.auth import Authenticator
from lode_common.bootstrap import build_service
from lode_common.messaging.transport import Transport
from lode_common.plan import replica
from lode_common.runtime import ServiceRuntime, ServiceSpec
from lode_monitoring import container
from lode_monitoring.handlers import HANDLERS
from lode_monitoring.handlers.deadlines import daily_deadlines
from lode_monitoring.handlers.demo_loader import load_demo_reports
from lode_monitoring.handlers.intake import close_connections
from lode_monitoring.handlers.rectifications import daily_overdue
from lode_monitoring.settings import MonitoringSettings

NAME = "monitoring"
SETTINGS_CLASS = MonitoringSettings
TITLE = "Lode monitoring (开发利用监管)"
DESCRIPTION = (
    "Mines report output and the three rates with their own keys; checks against national "
    "standards and licences open findings. "
    "矿山年报、三率核查与问题发现。"
)
SPEC = ServiceSpec(
    name=NAME,
    migrations_dir=Path(__file__).parent / "migrations",
    consumes=("lode.licensing", replica.TOPIC),
    handlers=HANDLERS,
    background=(daily_deadlines, daily_overdue, load_demo_reports),
    on_stop=(close_connections,),
)


def build(
    settings: MonitoringSettings | None = None, *, transport: Transport | None = None
) -> tuple[ServiceRuntime, FastAPI]:
    """The monitoring runtime and app, its container attached; without a transport it runs
    standalone (distributed mode)."""
    from lode_common.openapi import publish_bodies
    from lode_monitoring.api import ROUTERS
    from lode_monitoring.api.errors import ERRORS
    from lode_monitoring.api.reserves_schemas import RESERVES_BODIES
    from lode_monitoring.api.schemas import BODIES

    settings = settings or MonitoringSettings()
    runtime, app = build_service(
        SPEC,
        settings,
        transport=transport,
        title=TITLE,
        description=DESCRIPTION,
        routers=ROUTERS,
        errors=ERRORS,
    )
    publish_bodies(app, BODIES + RESERVES_BODIES)  # the bodies routes read by hand
    service = container.build(runtime, settings).attach()
    # mines authenticate with their enterprise's API key, looked up in this database
    runtime.authenticator = Authenticator(
        admin_token=settings.admin_token, jwt_secret=settings.jwt_secret, api_keys=service.keys
    )
    return runtime, app
