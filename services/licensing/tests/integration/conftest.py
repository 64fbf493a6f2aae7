"""Zoning and licensing together on one bus, each with its own database; licensing asks
zoning in-process through a transport that can be switched off (zoning "down")."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest, services_under_test
from lode_common.testing.plugin import BACKENDS, backend_services
from lode_licensing.bootstrap import build as build_licensing
from lode_licensing.container import Licensing
from lode_licensing.settings import LicensingSettings
from lode_zoning.bootstrap import build as build_zoning
from lode_zoning.settings import ZoningSettings


class SwitchableTransport(httpx.AsyncBaseTransport):
    """The real zoning app, unless ``down``: then the connection is refused."""

    def __init__(self, app: FastAPI) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.down = False
        self.calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.down:
            raise httpx.ConnectError("connection refused (zoning is down)", request=request)
        return await self.inner.handle_async_request(request)


@dataclass
class System:
    zoning: ServiceUnderTest
    licensing: ServiceUnderTest
    zoning_link: SwitchableTransport


async def _system(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str, **overrides: Any
) -> AsyncIterator[System]:
    links: dict[str, SwitchableTransport] = {}

    def wiring(apps: dict[str, FastAPI]) -> dict[str, dict[str, Any]]:
        if "zoning" in apps and "link" not in links:
            links["link"] = SwitchableTransport(apps["zoning"])
        return {"licensing": {"zoning_http": links["link"]}} if links else {}

    extra = backend_services(request, backend)
    async with services_under_test(
        {
            "zoning": (build_zoning, ZoningSettings),
            "licensing": (build_licensing, LicensingSettings),
        },
        backend=backend,
        tmp_path=tmp_path,
        wiring=wiring,
        recheck_interval_s=0.2,
        **extra,
        **overrides,
    ) as services:
        system = System(services["zoning"], services["licensing"], links["link"])
        await _wait_for_plan(system.licensing)
        yield system


async def _wait_for_plan(licensing: ServiceUnderTest) -> None:
    async def plan_known() -> bool:
        service = Licensing.of(licensing.runtime)
        return await service.plans.in_force(service.plan_id) is not None

    await eventually(plan_known, what="the plan to reach licensing")


open_system = asynccontextmanager(_system)
"""``async with open_system(request, tmp_path, backend, **settings) as system``."""


@pytest.fixture
async def system(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[System]:
    async for s in _system(request, tmp_path, "sqlite"):
        yield s


@pytest.fixture(params=BACKENDS)
async def system_both(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[System]:
    async for s in _system(request, tmp_path, request.param):
        yield s
