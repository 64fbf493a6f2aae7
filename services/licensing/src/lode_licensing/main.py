"""Distributed mode entry point: ``uvicorn lode_licensing.main:create_app --factory``."""

from __future__ import annotations

from fastapi import FastAPI

from lode_common.logging import configure_logging
from lode_licensing.bootstrap import build
from lode_licensing.settings import LicensingSettings


def create_app() -> FastAPI:
    settings = LicensingSettings()
    configure_logging(settings.log_level, json=settings.log_json)
    _runtime, app = build(settings)
    return app
