"""HTTP routers of the licensing service."""

from __future__ import annotations

from fastapi import APIRouter

ROUTERS: list[APIRouter] = []
