"""Zoning and licensing together on one bus, each with its own database; licensing asks
zoning in-process through a transport that can be switched off (zoning "down")."""

from __future__ import annotations

import json
import math
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
    """The real zoning app, unless ``down``: then the connection is refused.

    ``proposals`` stands in for zoning's analysis of an area "as the zones would be once the
    proposal is approved" (``proposal_id`` in the body, zoning's side of issue 15): the
    real analysis of the zones as they are, plus each zone the test lists for the proposal
    whose box overlaps the area's box (by that overlap, in hectares)."""

    def __init__(self, app: FastAPI) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.down = False
        self.calls = 0
        self.proposals: dict[str, list[dict[str, Any]]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.down:
            raise httpx.ConnectError("connection refused (zoning is down)", request=request)
        if request.url.path != "/zoning/v1/analysis":
            return await self.inner.handle_async_request(request)
        body = json.loads(await request.aread())
        proposal = body.pop("proposal_id", None)
        forwarded = httpx.Request(request.method, request.url, headers=request.headers, json=body)
        response = await self.inner.handle_async_request(forwarded)
        if proposal is None or response.status_code != 200:
            return response
        if proposal not in self.proposals:
            return httpx.Response(404, json={"detail": f"no proposal {proposal}"})
        result = json.loads(await response.aread())
        area = _box(body["geometry"])
        for zone in self.proposals[proposal]:
            overlap = _overlap_ha(area, _box(zone["geometry"]))
            if overlap > 0:
                hit = {k: v for k, v in zone.items() if k != "geometry"}
                result["zones"].append({**hit, "overlap_ha": overlap, "conditions_zh": None})
        return httpx.Response(200, json=result)


def _box(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    ring = geometry["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return min(lons), min(lats), max(lons), max(lats)


def _overlap_ha(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    metres = width * 111_320 * math.cos(math.radians((a[1] + a[3]) / 2)) * height * 110_540
    return round(metres / 10_000, 4)


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
