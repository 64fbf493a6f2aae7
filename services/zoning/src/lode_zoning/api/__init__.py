"""HTTP routers of the zoning service."""

from __future__ import annotations

from fastapi import APIRouter

from lode_zoning.api import analysis, plans, zone_import, zones

ROUTERS: list[APIRouter] = [plans.router, zone_import.router, zones.router, analysis.router]
