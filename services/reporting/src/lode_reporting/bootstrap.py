"""Composition root of the reporting service (规划实施报告)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from lode_common import api_keys
from lode_common.bootstrap import build_service
from lode_common.messaging.transport import Transport
from lode_common.runtime import ServiceRuntime, ServiceSpec
from lode_reporting.handlers import HANDLERS
from lode_reporting.settings import ReportingSettings

NAME = "reporting"
SETTINGS_CLASS = ReportingSettings
TITLE = "Lode reporting (规划实施报告)"
DESCRIPTION = (
    "Read models fed by events: plan indicators against targets, compliance, the annual "
    "implementation report, the dashboard. "
    "规划指标、合规视图、年度实施报告与看板。"
)
SPEC = ServiceSpec(
    name=NAME,
    migrations_dir=Path(__file__).parent / "migrations",
    consumes=(
        "lode.zoning",
        "lode.licensing",
        "lode.monitoring",
    ),
    handlers={**HANDLERS, **api_keys.REPLICA_HANDLERS},
    publishes=False,
)


def build(
    settings: ReportingSettings | None = None, *, transport: Transport | None = None
) -> tuple[ServiceRuntime, FastAPI]:
    """The reporting runtime and app; without a transport it runs standalone (distributed mode)."""
    from lode_reporting.api import ROUTERS
    from lode_reporting.api.stream import journal_signal

    runtime, app = build_service(
        SPEC,
        settings or ReportingSettings(),
        transport=transport,
        title=TITLE,
        description=DESCRIPTION,
        routers=ROUTERS,
    )
    journal_signal(runtime)  # the inbox wakes the SSE streams when it commits
    api_keys.recognise_api_keys(runtime)  # mines' keys, from monitoring's events
    return runtime, app
