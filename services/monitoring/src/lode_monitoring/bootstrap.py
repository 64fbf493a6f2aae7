"""Composition root of the monitoring service (开发利用监管)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from lode_common.auth import Authenticator
from lode_common.bootstrap import build_service
from lode_common.messaging.transport import Transport
from lode_common.runtime import ServiceRuntime, ServiceSpec
from lode_monitoring.handlers import HANDLERS
from lode_monitoring.handlers.api_keys import EXTENSION as KEY_LOOKUP
from lode_monitoring.handlers.api_keys import KeyLookup
from lode_monitoring.handlers.deadlines import daily_deadlines
from lode_monitoring.handlers.demo_loader import load_demo_reports
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
    consumes=(
        "lode.licensing",
        "lode.zoning",
    ),
    handlers=HANDLERS,
    background=(daily_deadlines, load_demo_reports),
)


def build(
    settings: MonitoringSettings | None = None, *, transport: Transport | None = None
) -> tuple[ServiceRuntime, FastAPI]:
    """The monitoring runtime and app; without a transport it runs standalone (distributed mode)."""
    from lode_monitoring.api import ROUTERS

    runtime, app = build_service(
        SPEC,
        settings or MonitoringSettings(),
        transport=transport,
        title=TITLE,
        description=DESCRIPTION,
        routers=ROUTERS,
    )
    # mines authenticate with their enterprise's API key, looked up in this database
    key_lookup = KeyLookup(runtime.sessions)
    runtime.extensions[KEY_LOOKUP] = key_lookup  # the revoking route forgets the key's row
    runtime.authenticator = Authenticator(
        admin_token=runtime.settings.admin_token,
        jwt_secret=runtime.settings.jwt_secret,
        api_keys=key_lookup,
    )
    return runtime, app
