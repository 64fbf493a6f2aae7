"""Distributed mode entry point: ``uvicorn lode_monitoring.main:create_app --factory``."""

from __future__ import annotations

from fastapi import FastAPI

from lode_common.logging import configure_logging
from lode_monitoring.bootstrap import build
from lode_monitoring.settings import MonitoringSettings


def create_app() -> FastAPI:
    settings = MonitoringSettings()
    configure_logging(settings.log_level, json=settings.log_json)
    _runtime, app = build(settings)
    return app
