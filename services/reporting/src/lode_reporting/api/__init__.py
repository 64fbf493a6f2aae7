"""HTTP routers of the reporting service."""

from __future__ import annotations

from fastapi import APIRouter

from lode_reporting.api import (
    annual_report,
    compliance,
    final_evaluation,
    grants,
    home,
    indicators,
    map,
    statistics,
    stream,
    supervision,
)

ROUTERS: list[APIRouter] = [
    home.router,
    indicators.router,
    compliance.router,
    map.router,
    stream.router,
    annual_report.router,
    statistics.router,
    final_evaluation.router,
    grants.router,
    supervision.router,
]
