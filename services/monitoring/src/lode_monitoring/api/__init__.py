"""HTTP routers of the monitoring service."""

from __future__ import annotations

from fastapi import APIRouter

from lode_monitoring.api import enterprises, progress, reports

ROUTERS: list[APIRouter] = [enterprises.router, reports.router, progress.router]
