"""A competitive grant (矿业权出让) through HTTP, on both databases: drawn up and checked by
the rule engine applications go through, announced with its periods counted in working
days (the 2026 Spring Festival and its 调休 Saturdays), offers recorded and refused, the
result drawn, the contract signed with instalments summing to the price."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .builders import block, checks, problem
from .conftest import System, open_system
from .grant_builders import (
    ANNOUNCED,
    BIDDERS,
    CONCLUDED,
    GRANTS,
    OFFICER,
    PUBLICITY_UNTIL,
    TRADE_FROM,
    TRADE_TO,
    announce,
    at,
    conclude,
    contract,
    create,
    field_errors,
    grant_body,
    has_reserve,
    offer,
)

pytestmark = pytest.mark.timeout(180)


async def test_a_grant_goes_from_draft_to_contract(system_both: System) -> None:
    lic = system_both.licensing
    zone_id = await block(system_both.zoning)
    draft = await create(lic)
    grant_id = draft["id"]
    assert draft["status"] == "draft"
    assert draft["allowed_actions"] == ["announce", "cancel"]
    assert draft["verdict"] == "needs_review"  # no mining method: the scale is reviewed
    found = checks(draft)
    assert found["one_holder_per_mining_block"]["outcome"] == "pass"
    assert found["green_mine_plan_required"]["outcome"] == "warn"  # the winner's to write
    assert draft["zones"][0]["zone_id"] == zone_id
    assert draft["area_lonlat"]["type"] == "Polygon"
    assert draft["reserve_price_cny_10k"] == 1500  # the officer sees it
    assert [s["action"] for s in draft["steps"]] == ["create"]

    # 19 working days across the Spring Festival: refused, naming the field and the count
    short = field_errors(await announce(lic, grant_id, trade_from="2026-03-06"))
    assert "19" in short["trade_from"]
    assert "20" in short["trade_from"]
    assert "2026-02-03 至 2026-03-05" in short["trade_from"]
    # a listing open 9 working days, and a date the calendar does not know
    window = field_errors(await announce(lic, grant_id, trade_to="2026-03-19"))
    assert set(window) == {"trade_to"}
    assert "9" in window["trade_to"]
    unknown = field_errors(await announce(lic, grant_id, trade_to="2027-01-15"))
    assert "2027" in unknown["trade_to"]
    assert "LODE_HOLIDAY_SCHEDULE_FILE" in unknown["trade_to"]
    backwards = field_errors(await announce(lic, grant_id, trade_to="2026-03-08"))
    assert "trade_to" in backwards
    # a check in review needs the officer's note
    assert "review_note" in field_errors(await announce(lic, grant_id, review_note=None))

    r = await announce(lic, grant_id)  # 20 working days: accepted
    assert r.status_code == 200, r.text
    announced = r.json()
    assert (announced["status"], announced["announcement"]) == ("announced", 1)
    periods = announced["periods"]
    assert periods["announcement_workdays"]["counted"] == 20
    assert periods["announcement_workdays"]["required"] == 20
    assert "PROCEDURES.md" in periods["announcement_workdays"]["source"]
    assert periods["listing_workdays"]["counted"] == 10
    assert announced["allowed_actions"] == ["bid", "conclude"]

    # offers: below the starting price, outside the window, not above the best
    low = field_errors(await offer(lic, grant_id, BIDDERS[0], 900, at("2026-03-10")))
    assert "1000" in low["amount_cny_10k"]
    early = field_errors(await offer(lic, grant_id, BIDDERS[0], 1200, at("2026-03-06")))
    assert "2026-03-09" in early["at"]
    # 23:30 on 20 March in UTC is 21 March in China: outside the window
    late = field_errors(await offer(lic, grant_id, BIDDERS[0], 1200, "2026-03-20T23:30:00+00:00"))
    assert "2026-03-21" in late["at"]
    first = await offer(lic, grant_id, BIDDERS[0], 1200, at("2026-03-10"))
    assert first.status_code == 201, first.text
    assert first.json()["amount_cny_10k"] == 1200
    assert not has_reserve(first.json())
    same = field_errors(await offer(lic, grant_id, BIDDERS[1], 1200, at("2026-03-11")))
    assert "1200" in same["amount_cny_10k"]
    best = await offer(lic, grant_id, BIDDERS[1], 1600.5, at("2026-03-12"))
    assert best.status_code == 201, best.text

    premature = field_errors(await conclude(lic, grant_id, on="2026-03-19"))
    assert "concluded_on" in premature
    r = await conclude(lic, grant_id)
    assert r.status_code == 200, r.text
    concluded = r.json()
    assert concluded["status"] == "concluded"
    assert concluded["winner"]["credit_code"] == BIDDERS[1]
    assert concluded["price_cny_10k"] == 1600.5
    assert (concluded["concluded_on"], concluded["publicity_until"]) == (
        CONCLUDED,
        PUBLICITY_UNTIL,
    )
    assert concluded["periods"]["publicity_workdays"]["counted"] == 10
    assert concluded["bids"]["winning"]["amount_cny_10k"] == 1600.5

    # the contract: not before the publicity ends; the instalments sum to the price
    before = field_errors(await contract(lic, grant_id, [("2026-05-01", 1600.5)], "2026-04-03"))
    assert PUBLICITY_UNTIL in before["signed_on"]
    uneven = field_errors(await contract(lic, grant_id, [("2026-05-01", 800), ("2026-11-01", 800)]))
    assert "1600" in uneven["instalments"]
    assert "-0.5" in uneven["instalments"]
    disordered = field_errors(
        await contract(lic, grant_id, [("2026-11-01", 800), ("2026-05-01", 800.5)])
    )
    assert "instalments[1].due" in disordered
    r = await contract(lic, grant_id, [("2026-05-01", 800), ("2026-11-01", 800.5)])
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "contracted"
    assert done["allowed_actions"] == []
    assert done["instalments"] == [
        {"due": "2026-05-01", "amount_cny_10k": 800},
        {"due": "2026-11-01", "amount_cny_10k": 800.5},
    ]
    assert [s["action"] for s in done["steps"]] == ["create", "announce", "conclude", "contract"]

    # an illegal move: 409 naming the state and what is allowed (nothing, it is final)
    late_bid = problem(await offer(lic, grant_id, BIDDERS[2], 2000, at("2026-03-13")), 409)
    assert (late_bid["current_state"], late_bid["allowed_actions"]) == ("contracted", [])

    events = [e for e in await lic.published() if ".grant." in e.type]
    assert [e.type for e in events] == [
        "lode.licensing.grant.announced.v1",
        "lode.licensing.grant.concluded.v1",
        "lode.licensing.grant.contracted.v1",
    ]
    assert all(e.subject == grant_id for e in events)
    assert not any(has_reserve(e.data) for e in events)
    announced_event: dict[str, Any] = events[0].data
    assert announced_event["zones"][0]["zone_id"] == zone_id
    assert announced_event["starting_price_cny_10k"] == 1000
    assert announced_event["plan_id"] == draft["plan_id"]
    assert (announced_event["trade_from"], announced_event["announcement"]) == (TRADE_FROM, 1)
    assert events[2].data["instalments"][1] == {"due": "2026-11-01", "amount_cny_10k": 800.5}


async def test_a_grant_plan_is_refused_field_by_field(system: System) -> None:
    lic = system.licensing
    await block(system.zoning)
    r = await lic.client.post(
        GRANTS,
        json=grant_body(
            year=2030,
            method="lottery",
            reserve_price_cny_10k=900,
            capacity=None,
            term_years=99,
            surplus=1,
        ),
        headers=lic.auth(OFFICER),
    )
    errors = field_errors(r)
    assert set(errors) == {
        "year",
        "method",
        "reserve_price_cny_10k",
        "capacity",
        "term_years",
        "surplus",
    }
    assert "2021..2026" in errors["year"]
    exploration = field_errors(
        await lic.client.post(
            GRANTS,
            json=grant_body(right_type="exploration", term_years=5),
            headers=lic.auth(OFFICER),
        )
    )
    assert set(exploration) == {"capacity"}
    point = {"geometry": {"type": "Point", "coordinates": [118.8, 41.0]}}
    refused_area = field_errors(
        await lic.client.post(GRANTS, json=grant_body(area=point), headers=lic.auth(OFFICER))
    )
    assert all(name.startswith("area") for name in refused_area), refused_area
    system.zoning_link.down = True
    down = problem(await lic.client.post(GRANTS, json=grant_body(), headers=lic.auth(OFFICER)), 503)
    assert "retry" in down["detail"].lower()
    system.zoning_link.down = False
    listed = await lic.client.get(GRANTS, headers=lic.auth(OFFICER))
    assert listed.json()["total"] == 0  # nothing stored


async def test_a_grant_outside_every_block_needs_the_demonstration_confirmed(
    system: System,
) -> None:
    lic = system.licensing
    body = grant_body(right_type="exploration", mineral="钼矿", capacity=None, term_years=5)
    draft = await create(lic, body)
    assert checks(draft)["outside_blocks_needs_demonstration"]["outcome"] == "review"
    refused = field_errors(await announce(lic, draft["id"], review_note=None))
    assert "outside_blocks_needs_demonstration" in refused["review_note"]
    r = await announce(lic, draft["id"], review_note="已经专家论证 (demonstrated)")
    assert r.status_code == 200, r.text
    assert "已经专家论证" in r.json()["steps"][-1]["note"]


async def test_illegal_moves_are_409_with_the_allowed_actions(system: System) -> None:
    lic = system.licensing
    await block(system.zoning)
    grant_id = (await create(lic))["id"]
    early = problem(await conclude(lic, grant_id), 409)
    assert (early["current_state"], early["allowed_actions"]) == ("draft", ["announce", "cancel"])
    bidless = problem(await offer(lic, grant_id, BIDDERS[0], 1200, at("2026-03-10")), 409)
    assert bidless["allowed_actions"] == ["announce", "cancel"]
    unsigned = await contract(lic, grant_id, [("2026-05-01", 1)])
    assert problem(unsigned, 409)["current_state"] == "draft"
    no_reason = await lic.client.post(
        f"{GRANTS}/{grant_id}/cancel", json={}, headers=lic.auth(OFFICER)
    )
    assert "reason" in field_errors(no_reason)
    r = await lic.client.post(
        f"{GRANTS}/{grant_id}/cancel",
        json={"reason": "纳入下一年度出让计划"},
        headers=lic.auth(OFFICER),
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["steps"][-1]["note"]) == (
        "cancelled",
        "纳入下一年度出让计划",
    )
    again = problem(await announce(lic, grant_id), 409)
    assert (again["current_state"], again["allowed_actions"]) == ("cancelled", [])
    missing = await lic.client.get(
        f"{GRANTS}/00000000-0000-4000-8000-000000000000", headers=lic.auth("viewer")
    )
    assert "GET /licensing/v1/grants" in problem(missing, 404)["detail"]


async def test_a_retried_write_with_its_idempotency_key_is_done_once(system: System) -> None:
    lic = system.licensing
    await block(system.zoning)
    headers = {**lic.auth(OFFICER), "Idempotency-Key": "grant-2026-01"}
    first = await lic.client.post(GRANTS, json=grant_body(), headers=headers)
    again = await lic.client.post(GRANTS, json=grant_body(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    other = await lic.client.post(GRANTS, json=grant_body(term_years=12), headers=headers)
    assert other.status_code == 409
    grant_id = first.json()["id"]
    assert (await announce(lic, grant_id)).status_code == 200
    keyed = {**lic.auth(OFFICER), "Idempotency-Key": "bid-1"}
    body = {
        "bidder": {"name": "示意公司", "credit_code": BIDDERS[0]},
        "amount_cny_10k": 1200,
        "at": at("2026-03-10"),
    }
    bids = [
        await lic.client.post(f"{GRANTS}/{grant_id}/bids", json=body, headers=keyed)
        for _ in range(2)
    ]
    assert [b.status_code for b in bids] == [201, 201]
    assert bids[0].json()["id"] == bids[1].json()["id"]
    view = await lic.client.get(f"{GRANTS}/{grant_id}", headers=lic.auth(OFFICER))
    assert view.json()["bids"]["count"] == 1
    assert view.json()["trade_from"] == TRADE_FROM
    assert view.json()["trade_to"] == TRADE_TO
    assert view.json()["announced_on"] == ANNOUNCED


async def test_a_year_added_to_the_calendar_by_the_settings_is_counted(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    schedule = tmp_path / "holidays.yaml"
    schedule.write_text(
        "years:\n  - year: 2027\n    source: 国办发明电〔2026〕示意 (test notice)\n"
        "    holidays: [2027-01-01]\n    workdays: []\n",
        "utf-8",
    )
    async with open_system(request, tmp_path, "sqlite", holiday_schedule_file=schedule) as system:
        lic = system.licensing
        await block(system.zoning)
        grant_id = (await create(lic))["id"]
        beyond = field_errors(await announce(lic, grant_id, "2026-12-14", "2028-01-13"))
        assert "2028" in beyond["trade_from"]
        # 14 Dec 2026 to 13 Jan 2027: 2027's New Year's Day is not a working day
        r = await announce(lic, grant_id, "2026-12-14", "2027-01-13", "2027-01-26")
        assert r.status_code == 200, r.text
        assert r.json()["periods"]["announcement_workdays"]["counted"] == 20
