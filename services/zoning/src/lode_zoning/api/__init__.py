"""HTTP routers of the zoning service."""

from __future__ import annotations

from fastapi import APIRouter

ROUTERS: list[APIRouter] = []
