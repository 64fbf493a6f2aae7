"""Who reads what of a grant: the reserve price (底价) only licensing officers until the
trade concludes, the offers only officers (others, once concluded, their count and the
winning one), nothing a mine; and the year's grant plan (年度出让计划) in figures."""

from __future__ import annotations

from typing import Any

import pytest

from .builders import HOLDER, block, problem
from .conftest import System
from .grant_builders import (
    BIDDERS,
    GRANTS,
    OFFICER,
    announce,
    at,
    conclude,
    contract,
    create,
    grant_body,
    has_reserve,
    offer,
)

pytestmark = pytest.mark.timeout(180)

NOT_OFFICERS = ("viewer", "planner", "inspector", "approver")


async def _reads(system: System, grant_id: str, role: str) -> list[dict[str, Any]]:
    """The grant as ``role`` reads it: on its own and in the list."""
    lic = system.licensing
    headers = lic.auth("admin-token") if role == "admin-token" else lic.auth(role)
    one = await lic.client.get(f"{GRANTS}/{grant_id}", headers=headers)
    listed = await lic.client.get(GRANTS, params={"year": 2026}, headers=headers)
    assert (one.status_code, listed.status_code) == (200, 200), (one.text, listed.text)
    item = next(i for i in listed.json()["items"] if i["id"] == grant_id)
    return [one.json(), item]


async def test_the_reserve_price_is_the_officers_until_the_grant_concludes(
    system_both: System,
) -> None:
    lic = system_both.licensing
    await block(system_both.zoning)
    draft = await create(lic)
    grant_id = draft["id"]
    announced = await announce(lic, grant_id)
    bid = await offer(lic, grant_id, BIDDERS[0], 1600, at("2026-03-10"))
    assert has_reserve(draft)
    assert has_reserve(announced.json())
    assert not has_reserve(bid.json())
    for role in NOT_OFFICERS:
        for view in await _reads(system_both, grant_id, role):
            assert not has_reserve(view), role
            assert "bids" not in view, role
    for role in (OFFICER, "admin-token"):
        one, item = await _reads(system_both, grant_id, role)
        assert one["reserve_price_cny_10k"] == item["reserve_price_cny_10k"] == 1500
        assert [b["amount_cny_10k"] for b in one["bids"]["items"]] == [1600]

    concluded = await conclude(lic, grant_id)
    assert concluded.json()["reserve_price_cny_10k"] == 1500
    for role in NOT_OFFICERS:
        one, item = await _reads(system_both, grant_id, role)
        assert one["reserve_price_cny_10k"] == item["reserve_price_cny_10k"] == 1500
        assert one["bids"] == {
            "count": 1,
            "bidders": 1,
            "winning": one["bids"]["winning"],
        }  # no items
        assert one["bids"]["winning"]["bidder"]["credit_code"] == BIDDERS[0]
    signed = await contract(lic, grant_id, [("2026-05-01", 1600)])
    assert signed.json()["reserve_price_cny_10k"] == 1500
    one, _ = await _reads(system_both, grant_id, "viewer")
    assert one["reserve_price_cny_10k"] == 1500
    events = [e for e in await lic.published() if ".grant." in e.type]
    assert len(events) == 3
    assert not any(has_reserve(e.data) for e in events)


async def test_a_mine_reads_no_grant_and_only_officers_write(system: System) -> None:
    lic = system.licensing
    await block(system.zoning)
    grant_id = (await create(lic))["id"]
    mine = lic.auth("mine", enterprise=HOLDER)
    for path in (GRANTS, f"{GRANTS}/{grant_id}"):
        assert (await lic.client.get(path, headers=mine)).status_code == 403
    writes: list[tuple[str, dict[str, Any]]] = [
        (GRANTS, grant_body()),
        (f"{GRANTS}/{grant_id}/announce", {"announced_on": "2026-02-02"}),
        (f"{GRANTS}/{grant_id}/bids", {}),
        (f"{GRANTS}/{grant_id}/conclude", {}),
        (f"{GRANTS}/{grant_id}/contract", {}),
        (f"{GRANTS}/{grant_id}/cancel", {"reason": "不出让"}),
    ]
    for role in ("mine", "viewer", "planner"):
        headers = lic.auth(role, enterprise=HOLDER if role == "mine" else None)
        for path, body in writes:
            r = await lic.client.post(path, json=body, headers=headers)
            assert problem(r, 403), (role, path)
    view = await lic.client.get(f"{GRANTS}/{grant_id}", headers=lic.auth(OFFICER))
    assert view.json()["status"] == "draft"


async def test_the_years_grant_plan_counts_by_mineral_zone_and_status(system: System) -> None:
    lic = system.licensing
    zone_id = await block(system.zoning)
    iron = [(await create(lic))["id"] for _ in range(2)]
    stone = await create(
        lic,
        grant_body(mineral="建筑石料", capacity={"value": 30, "unit": "万立方米/年"}),
    )
    elsewhere = await create(
        lic,
        grant_body(
            right_type="exploration",
            mineral="钼矿",
            capacity=None,
            term_years=5,
            year=2025,
            area={
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [118.5, 40.8],
                            [118.51, 40.8],
                            [118.51, 40.81],
                            [118.5, 40.81],
                            [118.5, 40.8],
                        ]
                    ],
                }
            },
        ),
    )
    assert (await announce(lic, iron[0])).status_code == 200
    assert (await offer(lic, iron[0], BIDDERS[0], 1700, at("2026-03-10"))).status_code == 201
    assert (await conclude(lic, iron[0])).status_code == 200

    r = await lic.client.get(GRANTS, params={"year": 2026, "limit": 1}, headers=lic.auth("viewer"))
    assert r.status_code == 200, r.text
    plan = r.json()
    assert (plan["year"], plan["total"], len(plan["items"])) == (2026, 3, 1)
    summary = plan["summary"]
    assert summary["by_mineral"] == [
        {"mineral": "建筑石料", "count": 1, "by_status": {"draft": 1}},
        {"mineral": "铁矿", "count": 2, "by_status": {"concluded": 1, "draft": 1}},
    ]
    assert summary["by_zone"] == [
        {
            "zone_id": zone_id,
            "type": "mining_block",
            "code": "C-01",
            "name_zh": "示意C-01",
            "count": 3,
        }
    ]
    assert summary["by_status"] == {"concluded": 1, "draft": 2}
    assert summary["price_total_cny_10k"] == 1700
    iron_only = await lic.client.get(
        GRANTS, params={"mineral": "铁矿", "status": "draft"}, headers=lic.auth("viewer")
    )
    assert [i["id"] for i in iron_only.json()["items"]] == [iron[1]]
    every = await lic.client.get(GRANTS, headers=lic.auth("viewer"))
    assert every.json()["total"] == 4
    assert every.json()["year"] is None
    assert stone["id"] in {i["id"] for i in every.json()["items"]}
    assert elsewhere["zones"] == []
