"""Composition root of the zoning service (规划分区)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from lode_common import api_keys
from lode_common.bootstrap import build_service
from lode_common.messaging.transport import Transport
from lode_common.runtime import ServiceRuntime, ServiceSpec
from lode_zoning.demo import load_demo_zones
from lode_zoning.handlers import HANDLERS
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
    handlers={**HANDLERS, **api_keys.REPLICA_HANDLERS},
    on_start=(load_bundled_plan, load_demo_zones),
)


def build(
    settings: ZoningSettings | None = None, *, transport: Transport | None = None
) -> tuple[ServiceRuntime, FastAPI]:
    """The zoning runtime and app; without a transport it runs standalone (distributed mode)."""
    from lode_zoning.api import ROUTERS

    runtime, app = build_service(
        SPEC,
        settings or ZoningSettings(),
        transport=transport,
        title=TITLE,
        description=DESCRIPTION,
        routers=ROUTERS,
    )
    api_keys.recognise_api_keys(runtime)  # mines' keys, from monitoring's events
    return runtime, app
