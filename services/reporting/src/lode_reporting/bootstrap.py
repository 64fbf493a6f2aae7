"""Composition root of the reporting service (规划实施报告)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from lode_common import api_keys
from lode_common.bootstrap import build_service
from lode_common.messaging.transport import Transport
from lode_common.plan import replica
from lode_common.plan.data import bundled_documents
from lode_common.plan.replica import PlanReplica
from lode_common.runtime import ServiceRuntime, ServiceSpec
from lode_reporting.accounts.signin import StaffSignIn
from lode_reporting.api.errors import ERRORS
from lode_reporting.api.plan_years import document_plan_years
from lode_reporting.container import Reporting
from lode_reporting.handlers import HANDLERS
from lode_reporting.settings import ReportingSettings
from lode_reporting.signal import JournalSignal

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
    consumes=(replica.TOPIC, "lode.licensing", "lode.monitoring", "lode.reporting"),  # plans first
    handlers=HANDLERS,
)


def build(
    settings: ReportingSettings | None = None, *, transport: Transport | None = None
) -> tuple[ServiceRuntime, FastAPI]:
    """The reporting runtime and app; without a transport it runs standalone (distributed mode)."""
    from lode_reporting.api import ROUTERS

    settings = settings or ReportingSettings()
    runtime, app = build_service(
        SPEC,
        settings,
        transport=transport,
        title=TITLE,
        description=DESCRIPTION,
        routers=ROUTERS,
        errors=ERRORS,
    )
    bundled = bundled_documents().plan
    if bundled.id == settings.plan_id:
        document_plan_years(app, bundled)
    journal = JournalSignal()
    runtime.inbox.after_commit.append(journal.notify)  # the inbox wakes the SSE streams
    Reporting(
        runtime,
        settings=settings,
        plans=PlanReplica(runtime.sessions),
        journal=journal,
        api_keys=api_keys.recognise_api_keys(runtime),  # mines' keys, from monitoring's events
        sign_in=StaffSignIn.from_settings(settings),  # staff accounts, sessions, OIDC
    ).attach()
    return runtime, app
