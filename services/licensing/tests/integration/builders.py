"""Small builders of licensing test requests."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from lode_common.credit_code import with_check_character
from lode_common.testing.apps import ServiceUnderTest

PLAN = "pingquan-2021-2025"
HOLDER = "91130881MA0A000007"
OTHER = with_check_character("91130881MA0B00002")
THIRD = with_check_character("91130800MA0C00003")
INSIDE = (118.80, 41.00)  # where the tests draw their mining block


def square(lon: float, lat: float, d: float = 0.01) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
        ],
    }


def mining(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "right_type": "mining",
        "kind": "new",
        "applicant": {"name": "平泉市示意矿业有限公司", "credit_code": HOLDER},
        "mineral": "铁矿",
        "mining_method": "underground",
        "capacity": {"value": 12, "unit": "万吨/年"},
        "area": {"geometry": square(INSIDE[0] + 0.002, INSIDE[1] + 0.002, 0.005)},
        "depth_m": [650, 420],
        "reserves_10kt": 1200,
        "development_plan": {
            "mining_recovery_pct": 85,
            "processing_recovery_pct": 90,
            "comprehensive_utilization_pct": 40,
            "ore_type": "magnetite",
            "concentrate_output_10kt": 2.5,
        },
        "green_mine_plan": True,
        "demonstration_report": False,
    }
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return copy.deepcopy(body)


def checks(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["rule_id"]: c for c in view["checks"]}


async def block(
    zoning: ServiceUnderTest,
    code: str = "C-01",
    *,
    lon: float = INSIDE[0],
    lat: float = INSIDE[1],
    zone_type: str = "mining_block",
) -> str:
    r = await zoning.client.post(
        "/zoning/v1/zones",
        headers=zoning.auth("planner"),
        json={
            "type": "Feature",
            "geometry": square(lon, lat, 0.02),
            "properties": {
                "plan_id": PLAN,
                "type": zone_type,
                "code": code,
                "name_zh": f"示意{code}",
                "minerals": ["铁矿"],
            },
        },
    )
    assert r.status_code == 201, r.text
    zone_id: str = r.json()["id"]
    return zone_id


async def submit(
    licensing: ServiceUnderTest, body: dict[str, Any], role: str = "licensing_officer", **auth: Any
) -> httpx.Response:
    return await licensing.client.post(
        "/licensing/v1/applications", json=body, headers=licensing.auth(role, **auth)
    )


async def eventually(predicate: Callable[[], Awaitable[bool]], seconds: float = 30) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out waiting")


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    return body
