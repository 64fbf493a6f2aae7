"""Small builders of licensing test requests."""

from __future__ import annotations

import copy
from typing import Any

import httpx

from lode_common.credit_code import with_check_character
from lode_common.testing import examples
from lode_common.testing.apps import ServiceUnderTest
from lode_common.testing.examples import iron_mine_application

PLAN = "pingquan-2021-2025"
HOLDER = "91130881MA0A000007"
OTHER = with_check_character("91130881MA0B00002")
THIRD = with_check_character("91130800MA0C00003")
INSIDE = (118.80, 41.00)  # where the tests draw their mining block


def square(lon: float, lat: float, d: float = 0.01) -> dict[str, Any]:
    return examples.square(lon, lat, d)


def mining(**changes: Any) -> dict[str, Any]:
    """The valid iron mine of :func:`iron_mine_application` inside the tests' mining block;
    a change to ``None`` drops that field."""
    body = iron_mine_application(
        "平泉市示意矿业有限公司", HOLDER, square(INSIDE[0] + 0.002, INSIDE[1] + 0.002, 0.005)
    )
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = copy.deepcopy(value)
    return body


def checks(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["rule_id"]: c for c in view["checks"]}


async def zone(
    zoning: ServiceUnderTest, zone_type: str, geometry: dict[str, Any], **properties: Any
) -> str:
    """Draw a zone of the tests' plan; its ``code`` and ``name_zh`` made up from the type
    unless given. Returns the zone's id."""
    r = await zoning.client.post(
        "/zoning/v1/zones",
        headers=zoning.auth("planner"),
        json={
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "plan_id": PLAN,
                "type": zone_type,
                "code": properties.pop("code", f"{zone_type[:2].upper()}-01"),
                "name_zh": properties.pop("name_zh", f"示意{zone_type}"),
                **properties,
            },
        },
    )
    assert r.status_code == 201, r.text
    zone_id: str = r.json()["id"]
    return zone_id


async def block(
    zoning: ServiceUnderTest,
    code: str = "C-01",
    *,
    lon: float = INSIDE[0],
    lat: float = INSIDE[1],
    zone_type: str = "mining_block",
) -> str:
    """Draw an iron mining block (or a zone of ``zone_type``) around (lon, lat)."""
    geometry = square(lon, lat, 0.02)
    return await zone(
        zoning, zone_type, geometry, code=code, name_zh=f"示意{code}", minerals=["铁矿"]
    )


async def submit(
    licensing: ServiceUnderTest, body: dict[str, Any], role: str = "licensing_officer", **auth: Any
) -> httpx.Response:
    return await licensing.client.post(
        "/licensing/v1/applications", json=body, headers=licensing.auth(role, **auth)
    )


async def issue(licensing: ServiceUnderTest, licence_no: str) -> None:
    """Submit the iron mine of :func:`mining` (its :func:`block` drawn already) and approve
    it locally as licence ``licence_no``, valid 2021-01-01 to 2031-01-01."""
    r = await submit(licensing, mining())
    assert r.status_code == 201, r.text
    decided = await licensing.client.post(
        f"/licensing/v1/applications/{r.json()['id']}/decision",
        headers=licensing.auth("licensing_officer"),
        json={
            "decision": "approved",
            "licence_no": licence_no,
            "valid_from": "2021-01-01",
            "valid_to": "2031-01-01",
            "reason": "准予登记",
        },
    )
    assert decided.status_code == 200, decided.text


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    return body
