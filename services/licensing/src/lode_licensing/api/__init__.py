"""HTTP routers of the licensing service."""

from __future__ import annotations

from fastapi import APIRouter

from lode_licensing.api import (
    applications,
    closure,
    enforcement,
    grants,
    licences,
    plan_impact,
    province,
)

ROUTERS: list[APIRouter] = [
    applications.router,
    closure.router,
    licences.router,
    province.router,
    plan_impact.router,
    enforcement.router,
    grants.router,
]
"""Closure's routes come before the licences' ``/{licence_no}/{action}``, which would take
``closure-report`` for an action."""
