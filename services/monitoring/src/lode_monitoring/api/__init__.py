"""HTTP routers of the monitoring service."""

from __future__ import annotations

from fastapi import APIRouter

ROUTERS: list[APIRouter] = []
