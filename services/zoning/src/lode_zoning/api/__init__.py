"""HTTP routers of the zoning service."""

from __future__ import annotations

from fastapi import APIRouter

from lode_zoning.api import analysis, plans, zones

ROUTERS: list[APIRouter] = [plans.router, zones.router, analysis.router]
