"""Small builders of the grant tests (矿业权出让): bodies, the trade's requests, events."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import httpx

from lode_common.credit_code import with_check_character
from lode_common.events.registry import EventPayload
from lode_common.messaging.transport import Message
from lode_common.testing.apps import ServiceUnderTest

from .builders import INSIDE, square

GRANTS = "/licensing/v1/grants"
MONITORING = "lode.monitoring"
OFFICER = "licensing_officer"
BIDDERS = tuple(with_check_character(f"91130881MA0G0000{n}") for n in range(1, 6))
"""Five bidders' 统一社会信用代码."""
NAMES = {code: f"示意竞买人{n}号矿业有限公司" for n, code in enumerate(BIDDERS, 1)}

# An announcement across the 2026 Spring Festival (holiday 15–23 Feb, 调休 Saturdays 14 and
# 28 Feb): from Monday 2 February, 9 March is the first trade day 20 working days after.
ANNOUNCED = "2026-02-02"
TRADE_FROM = "2026-03-09"
TRADE_TO = "2026-03-20"  # two plain weeks: a listing's 10 working days
CONCLUDED = "2026-03-23"
PUBLICITY_UNTIL = "2026-04-07"  # 10 working days after 23 March (清明 4–6 April)


def grant_body(**changes: Any) -> dict[str, Any]:
    """A listing (挂牌) of an iron mining right inside the tests' mining block: starting
    price 1000 万元, reserve 1500; a change to ``None`` drops that field."""
    body: dict[str, Any] = {
        "year": 2026,
        "right_type": "mining",
        "mineral": "铁矿",
        "method": "listing",
        "area": {"geometry": square(INSIDE[0] + 0.002, INSIDE[1] + 0.002, 0.005)},
        "capacity": {"value": 30, "unit": "万吨/年"},
        "reserves_10kt": 1200,
        "term_years": 10,
        "starting_price_cny_10k": 1000,
        "reserve_price_cny_10k": 1500,
        "clean_grant": True,
    }
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = copy.deepcopy(value)
    return body


async def create(lic: ServiceUnderTest, body: dict[str, Any] | None = None) -> dict[str, Any]:
    r = await lic.client.post(GRANTS, json=body or grant_body(), headers=lic.auth(OFFICER))
    assert r.status_code == 201, r.text
    view: dict[str, Any] = r.json()
    return view


async def announce(
    lic: ServiceUnderTest,
    grant_id: str,
    announced_on: str = ANNOUNCED,
    trade_from: str = TRADE_FROM,
    trade_to: str = TRADE_TO,
    **more: Any,
) -> httpx.Response:
    """Announce a grant; the iron mine's scale is in review (no mining method in a grant
    plan), so a review note is sent unless ``review_note=None``."""
    body = {
        "announced_on": announced_on,
        "trade_from": trade_from,
        "trade_to": trade_to,
        "review_note": "规模由竞得人开发利用方案确定 (scale set by the winner's plan)",
        **more,
    }
    return await lic.client.post(
        f"{GRANTS}/{grant_id}/announce",
        json={k: v for k, v in body.items() if v is not None},
        headers=lic.auth(OFFICER),
    )


async def offer(
    lic: ServiceUnderTest, grant_id: str, bidder: str, amount: Any, at: str
) -> httpx.Response:
    return await lic.client.post(
        f"{GRANTS}/{grant_id}/bids",
        json={
            "bidder": {"name": NAMES.get(bidder, "示意公司"), "credit_code": bidder},
            "amount_cny_10k": amount,
            "at": at,
        },
        headers=lic.auth(OFFICER),
    )


async def conclude(lic: ServiceUnderTest, grant_id: str, on: str = CONCLUDED) -> httpx.Response:
    return await lic.client.post(
        f"{GRANTS}/{grant_id}/conclude", json={"concluded_on": on}, headers=lic.auth(OFFICER)
    )


async def contract(
    lic: ServiceUnderTest,
    grant_id: str,
    instalments: list[tuple[str, Any]],
    signed_on: str = PUBLICITY_UNTIL,
) -> httpx.Response:
    return await lic.client.post(
        f"{GRANTS}/{grant_id}/contract",
        json={
            "signed_on": signed_on,
            "contract_ref": "平自然资出让〔2026〕1号",
            "instalments": [{"due": d, "amount_cny_10k": a} for d, a in instalments],
        },
        headers=lic.auth(OFFICER),
    )


async def publish(lic: ServiceUnderTest, subject: str, payload: EventPayload) -> None:
    """Deliver an event to licensing through the bus, as its producer would publish it."""
    await lic.transport.publish([Message(MONITORING, subject, payload.envelope(subject).to_json())])


def at(day: str, clock: str = "10:00") -> str:
    """A moment of ``day`` in China Standard Time."""
    return f"{date.fromisoformat(day).isoformat()}T{clock}:00+08:00"


def field_errors(response: httpx.Response) -> dict[str, str]:
    """The 422's field errors by field (``assert`` the status first)."""
    assert response.status_code == 422, response.text
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def has_reserve(value: Any) -> bool:
    """Whether a reserve price (底价) appears anywhere in a JSON value."""
    if isinstance(value, dict):
        return any("reserve_price" in str(k) or has_reserve(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_reserve(v) for v in value)
    return False
