"""The routers of supervision (监督检查, issue 17) that this package registers: the roster,
draws and inspections, and the lists (rectification orders have their own router)."""

from __future__ import annotations

from fastapi import APIRouter

from lode_monitoring.api import inspections, inspectors, listings

ROUTERS: list[APIRouter] = [inspectors.router, inspections.router, listings.router]
