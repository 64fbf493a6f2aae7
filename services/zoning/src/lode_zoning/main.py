"""Distributed mode entry point: ``uvicorn lode_zoning.main:create_app --factory``."""

from __future__ import annotations

from fastapi import FastAPI

from lode_common.logging import configure_logging
from lode_zoning.bootstrap import build
from lode_zoning.settings import ZoningSettings


def create_app() -> FastAPI:
    settings = ZoningSettings()
    configure_logging(settings.log_level, json=settings.log_json)
    _runtime, app = build(settings)
    return app
