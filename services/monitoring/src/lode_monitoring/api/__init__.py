"""HTTP routers of the monitoring service."""

from __future__ import annotations

from fastapi import APIRouter

from lode_monitoring.api import (
    enterprises,
    progress,
    rectifications,
    reports,
    reserves,
    supervision,
)

ROUTERS: list[APIRouter] = [
    reports.hot_router,  # first: the route every mine's report takes
    enterprises.router,
    reports.router,
    progress.router,
    reserves.router,
    rectifications.router,
    *supervision.ROUTERS,
]
