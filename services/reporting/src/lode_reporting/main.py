"""Distributed mode entry point: ``uvicorn lode_reporting.main:create_app --factory``."""

from __future__ import annotations

from fastapi import FastAPI

from lode_common.logging import configure_logging
from lode_reporting.bootstrap import build
from lode_reporting.settings import ReportingSettings


def create_app() -> FastAPI:
    settings = ReportingSettings()
    configure_logging(settings.log_level, json=settings.log_json)
    _runtime, app = build(settings)
    return app
