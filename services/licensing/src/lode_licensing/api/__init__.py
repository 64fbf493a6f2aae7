"""HTTP routers of the licensing service."""

from __future__ import annotations

from fastapi import APIRouter

from lode_licensing.api import applications, licences, province

ROUTERS: list[APIRouter] = [applications.router, licences.router, province.router]
