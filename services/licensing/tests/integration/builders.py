"""Small builders of licensing test requests."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx

from lode_common.credit_code import with_check_character
from lode_common.testing import examples
from lode_common.testing.apps import ServiceUnderTest
from lode_common.testing.examples import iron_mine_application
from lode_licensing.adapters.tables import Grant

PLAN = "pingquan-2021-2025"
HOLDER = "91130881MA0A000007"
OTHER = with_check_character("91130881MA0B00002")
THIRD = with_check_character("91130800MA0C00003")
INSIDE = (118.80, 41.00)  # where the tests draw their mining block
HOLDER_NAME = "平泉市示意矿业有限公司"


def square(lon: float, lat: float, d: float = 0.01) -> dict[str, Any]:
    return examples.square(lon, lat, d)


def mine_area() -> dict[str, Any]:
    """The area of :func:`mining` (GeoJSON, lon/lat)."""
    return square(INSIDE[0] + 0.002, INSIDE[1] + 0.002, 0.005)


def mining(**changes: Any) -> dict[str, Any]:
    """The valid iron mine of :func:`iron_mine_application` inside the tests' mining block;
    a change to ``None`` drops that field. It names no basis (出让 or 探转采): with neither,
    ``competitive_grant`` sends it to review; :func:`granted` gives it a grant."""
    body = iron_mine_application(HOLDER_NAME, HOLDER, mine_area())
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


async def grant(
    licensing: ServiceUnderTest,
    *,
    status: str = "contracted",
    winner: tuple[str, str] | None = (HOLDER_NAME, HOLDER),
    right_type: str = "mining",
    mineral: str = "铁矿",
    area: dict[str, Any] | None = None,
    reserve_price_cny_10k: Decimal = Decimal(1100),
) -> str:
    """A competitive grant (出让) written straight into licensing's database, as the grant
    procedure would have left it: by default contracted (出让合同 signed), won by the holder
    of :func:`mining` by listing at 1,200 万元 in two instalments, for an iron mining right
    over the area of :func:`mining`. Returns its id."""
    concluded = status in ("concluded", "contracted")
    contracted = status == "contracted"
    area = area or mine_area()
    now = datetime.now(UTC)
    row = Grant(
        id=str(uuid.uuid4()),
        year=2026,
        right_type=right_type,
        mineral=mineral,
        method="listing",
        area={"geometry": area},
        area_lonlat=area,
        area_ha=Decimal("22.9"),
        zones=[],
        capacity_value=Decimal(12) if right_type == "mining" else None,
        capacity_unit="万吨/年" if right_type == "mining" else None,
        reserves_10kt=Decimal(1200),
        term_years=10 if right_type == "mining" else 5,
        starting_price_cny_10k=Decimal(1000),
        reserve_price_cny_10k=reserve_price_cny_10k,
        clean_grant=True,
        status=status,
        checks=[],
        verdict="eligible",
        plan_id=PLAN,
        plan_version=1,
        announcement=0 if status == "draft" else 1,
        announced_on=None if status == "draft" else date(2026, 5, 6),
        trade_from=None if status == "draft" else date(2026, 6, 3),
        trade_to=None if status == "draft" else date(2026, 6, 17),
        concluded_on=date(2026, 6, 18) if concluded else None,
        publicity_until=date(2026, 6, 29) if concluded else None,
        winner_name=winner[0] if winner and concluded else None,
        winner_credit_code=winner[1] if winner and concluded else None,
        price_cny_10k=Decimal(1200) if concluded else None,
        signed_on=date(2026, 7, 6) if contracted else None,
        contract_ref="平自然资出让〔2026〕5号" if contracted else None,
        instalments=[
            {"due": "2026-08-01", "amount_cny_10k": 600},
            {"due": "2027-08-01", "amount_cny_10k": 600},
        ]
        if contracted
        else [],
        created_by="officer",
        created_at=now,
        updated_at=now,
    )
    async with licensing.runtime.uow() as uow:
        uow.session.add(row)
        await uow.commit()
    return row.id


async def with_grant(licensing: ServiceUnderTest, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` resting on a contracted grant of its own (:func:`grant`: won by its
    applicant, of its mineral, over its area as sent in lon/lat): its competitive_grant
    check passes."""
    applicant = body["applicant"]
    grant_id = await grant(
        licensing,
        winner=(applicant["name"], applicant["credit_code"]),
        mineral=body["mineral"],
        area=(body.get("area") or {}).get("geometry"),
    )
    return {**body, "grant_id": grant_id}


async def granted(licensing: ServiceUnderTest, **changes: Any) -> dict[str, Any]:
    """The iron mine of :func:`mining` (with ``changes``) on a grant of its own
    (:func:`with_grant`)."""
    return await with_grant(licensing, mining(**changes))


async def issue(licensing: ServiceUnderTest, licence_no: str) -> None:
    """Submit the iron mine of :func:`mining` (its :func:`block` drawn already) on a grant
    of its own and approve it locally as licence ``licence_no``, valid 2021-01-01 to
    2031-01-01."""
    r = await submit(licensing, await granted(licensing))
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
