"""Composition root of the licensing service (矿业权审批)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from lode_common.bootstrap import build_service
from lode_common.messaging.transport import Transport
from lode_common.runtime import ServiceRuntime, ServiceSpec
from lode_licensing.handlers import HANDLERS
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
    consumes=("lode.zoning",),
    handlers=HANDLERS,
)


def build(
    settings: LicensingSettings | None = None, *, transport: Transport | None = None
) -> tuple[ServiceRuntime, FastAPI]:
    """The licensing runtime and app; without a transport it runs standalone (distributed mode)."""
    from lode_licensing.api import ROUTERS

    return build_service(
        SPEC,
        settings or LicensingSettings(),
        transport=transport,
        title=TITLE,
        description=DESCRIPTION,
        routers=ROUTERS,
    )
