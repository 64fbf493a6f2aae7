"""HTTP routers of the reporting service."""

from __future__ import annotations

from fastapi import APIRouter

from lode_reporting.accounts import api as accounts_api
from lode_reporting.accounts import oidc_api, session_api
from lode_reporting.api import (
    annual_report,
    compliance,
    final_evaluation,
    grants,
    home,
    indicators,
    map,
    pages,
    statistics,
    stream,
    supervision,
)
from lode_reporting.public import api as public_api

ROUTERS: list[APIRouter] = [
    home.router,
    pages.router,
    indicators.router,
    compliance.router,
    map.router,
    stream.router,
    annual_report.router,
    statistics.router,
    final_evaluation.router,
    grants.router,
    supervision.router,
    session_api.router,  # staff sign-in (issue 18)
    oidc_api.router,
    accounts_api.router,
    public_api.router,
]
