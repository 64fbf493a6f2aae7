"""HTTP routers of the reporting service."""

from __future__ import annotations

from fastapi import APIRouter

from lode_reporting.api import home

ROUTERS: list[APIRouter] = [home.router]
