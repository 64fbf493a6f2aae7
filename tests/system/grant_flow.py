"""The competitive granting (矿业权出让) story of issue 16, written once and run on both
runtimes: the four services as processes on PostgreSQL and the Kafka-protocol broker
(``test_6_granting.py``), and the embedded runtime with the demo data on SQLite and the
in-process bus (``tests/embedded/test_granting.py``).

A licensing officer drafts a listing (挂牌) of an iron mining right in a mining block; the
announcement is refused when the trade would open 19 working days after it across the 2025
Spring Festival (the same dates are 23 days Monday to Friday), and accepted at 20; offers
below the starting price or not above the best are refused; no offer reaches the reserve
price, so the trade fails (流拍); the grant is announced again, the best offer wins and the
result is published; a contract whose instalments do not sum to the price is refused, the
one that does is signed; the loser's application naming the grant fails
``competitive_grant`` naming the winner; the winner's is eligible and becomes a licence
that keeps ``grant_id``; reporting shows the grant contracted with its fee schedule. No
one but a licensing officer ever reads the reserve price."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from lode_common.credit_code import with_check_character
from lode_common.testing import eventually
from lode_common.testing.examples import iron_mine_application, mining_block, square

RESERVE = "reserve_price_cny_10k"
# Monday 20 January 2025; the Spring Festival holiday runs 28 January to 4 February, with
# Sunday 26 January and Saturday 8 February worked (调休). 20 working days after the
# announcement end on Friday 21 February, so the trade may open on Monday 24 February.
ANNOUNCED = "2025-01-20"
TOO_EARLY = "2025-02-21"  # 19 working days between; Monday to Friday would count 23
TRADE_FROM, TRADE_TO = "2025-02-24", "2025-03-07"  # a listing's 10 working days
FAILED_ON = "2025-03-10"
# announced again: 20 working days from 24 March (清明 4–6 April) to the trade on 23 April,
# 10 working days (劳动节 1–5 May, Sunday 27 April worked) to 8 May
AGAIN = {"announced_on": "2025-03-24", "trade_from": "2025-04-23", "trade_to": "2025-05-08"}
CONCLUDED = "2025-05-09"


class Lode(Protocol):
    """Where the services answer and how a staff user signs in."""

    def url(self, service: str) -> str: ...

    def auth(self, *roles: str, user: str) -> dict[str, str]: ...


@dataclass(frozen=True)
class GrantSite:
    """Where the grant lies (a free corner of the plan's region) and who bids."""

    lon: float
    lat: float
    code: str
    winner: str = with_check_character("91130881MA0GW0001")
    loser: str = with_check_character("91130881MA0GL0001")

    def block(self) -> dict[str, Any]:
        return mining_block(self.code, f"示意出让区块{self.code}", square(self.lon, self.lat, 0.02))

    def area(self) -> dict[str, Any]:
        return square(self.lon + 0.002, self.lat + 0.002, 0.005)


def _json(answer: httpx.Response, status: int, what: str) -> dict[str, Any]:
    assert answer.status_code == status, f"{what}: {answer.status_code} {answer.text}"
    body: dict[str, Any] = answer.json()
    return body


def _fields(problem: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in problem.get("errors") or ()}


class Granting:
    """The requests of the story, with the roles each is made in."""

    def __init__(self, http: httpx.AsyncClient, lode: Lode) -> None:
        self.http = http
        self.base = lode.url("licensing") + "/licensing/v1"
        self.officer = lode.auth("licensing_officer", user="officer-li")
        self.viewer = lode.auth("viewer", user="viewer-zhao")
        self.lode = lode

    async def post(self, path: str, body: dict[str, Any], status: int, what: str) -> Any:
        answer = await self.http.post(f"{self.base}{path}", json=body, headers=self.officer)
        return _json(answer, status, what)

    async def seen_by_viewer(self, grant_id: str) -> dict[str, Any]:
        answer = await self.http.get(f"{self.base}/grants/{grant_id}", headers=self.viewer)
        return _json(answer, 200, "the grant as a viewer reads it")

    async def bid(self, grant_id: str, code: str, amount: int, at: str) -> httpx.Response:
        body = {
            "bidder": {"name": f"示意竞买人{code[-4:]}矿业有限公司", "credit_code": code},
            "amount_cny_10k": amount,
            "at": at,
        }
        return await self.http.post(
            f"{self.base}/grants/{grant_id}/bids", json=body, headers=self.officer
        )


async def run_granting(
    http: httpx.AsyncClient, lode: Lode, site: GrantSite, *, decide_locally: bool
) -> str:
    """The story; returns the licence number issued from the grant."""
    planner = lode.auth("planner", user="planner-chen")
    zones = f"{lode.url('zoning')}/zoning/v1/zones"
    _json(await http.post(zones, json=site.block(), headers=planner), 201, "the mining block")
    g = Granting(http, lode)

    draft = await g.post(
        "/grants",
        {
            "year": 2025,
            "right_type": "mining",
            "mineral": "铁矿",
            "method": "listing",
            "area": {"geometry": site.area()},
            "mining_method": "underground",
            "capacity": {"value": 12, "unit": "万吨/年"},
            "reserves_10kt": 1200,
            "term_years": 10,
            "starting_price_cny_10k": 1000,
            "reserve_price_cny_10k": 1500,
            "clean_grant": True,
        },
        201,
        "the grant plan (出让方案)",
    )
    grant_id = draft["id"]
    assert draft["status"] == "draft", draft
    assert draft[RESERVE] == 1500, draft  # the officer reads it
    outcomes = {c["rule_id"]: c["outcome"] for c in draft["checks"]}
    assert outcomes["ecological_red_line"] == "pass", draft["checks"]
    assert outcomes["scale_matches_reserves"] == "pass", draft["checks"]  # its method named
    assert "competitive_grant" not in outcomes  # a grant is not checked for its own basis
    assert RESERVE not in await g.seen_by_viewer(grant_id)

    # the announcement: 19 working days across the Spring Festival are too few
    early = {"announced_on": ANNOUNCED, "trade_from": TOO_EARLY, "trade_to": TRADE_TO}
    early["review_note"] = "规模由竞得人开发利用方案确定（示意）"
    refused = _fields(await g.post(f"/grants/{grant_id}/announce", early, 422, "too early"))
    assert "19" in refused["trade_from"], refused
    announce = {**early, "trade_from": TRADE_FROM}
    announced = await g.post(f"/grants/{grant_id}/announce", announce, 200, "the announcement")
    assert announced["status"] == "announced", announced
    assert announced["periods"]["announcement_workdays"]["counted"] == 20, announced["periods"]
    assert RESERVE not in await g.seen_by_viewer(grant_id)

    # the first trade: a low offer, one not above the best, then none reaches the reserve
    low = await g.bid(grant_id, site.loser, 900, "2025-02-25T10:00:00+08:00")
    assert "amount_cny_10k" in _fields(_json(low, 422, "below the starting price"))
    _json(await g.bid(grant_id, site.loser, 1100, "2025-02-25T10:00:00+08:00"), 201, "offer 1")
    _json(await g.bid(grant_id, site.winner, 1200, "2025-02-26T10:00:00+08:00"), 201, "offer 2")
    under = await g.bid(grant_id, site.loser, 1150, "2025-02-27T10:00:00+08:00")
    assert "1200" in _fields(_json(under, 422, "not above the best"))["amount_cny_10k"]
    failed = await g.post(
        f"/grants/{grant_id}/conclude", {"concluded_on": FAILED_ON}, 200, "the first trade"
    )
    assert (failed["status"], failed["failed_reason"]) == ("failed", "reserve_not_reached")
    assert RESERVE not in await g.seen_by_viewer(grant_id)  # kept secret: announced again

    # announced again; the winner's offer reaches the reserve
    again = {**AGAIN, "review_note": early["review_note"]}
    await g.post(f"/grants/{grant_id}/announce", again, 200, "announced again")
    _json(await g.bid(grant_id, site.loser, 1400, "2025-04-24T10:00:00+08:00"), 201, "offer 3")
    _json(await g.bid(grant_id, site.winner, 1600, "2025-04-25T10:00:00+08:00"), 201, "offer 4")
    concluded = await g.post(
        f"/grants/{grant_id}/conclude", {"concluded_on": CONCLUDED}, 200, "the second trade"
    )
    assert concluded["status"] == "concluded", concluded
    assert concluded["winner"]["credit_code"] == site.winner
    assert concluded["price_cny_10k"] == 1600
    publicity_until = concluded["publicity_until"]
    assert publicity_until > CONCLUDED
    public = await g.seen_by_viewer(grant_id)
    assert public[RESERVE] == 1500, public  # once concluded, every staff reader may see it

    # the contract: instalments must sum to the price
    contract = {
        "signed_on": publicity_until,
        "contract_ref": "平自然资采出〔2025〕1号（示意）",
        "instalments": [
            {"due": "2025-06-30", "amount_cny_10k": 1000},
            {"due": "2026-06-30", "amount_cny_10k": 500},
        ],
    }
    short = _fields(await g.post(f"/grants/{grant_id}/contract", contract, 422, "short"))
    assert "1600" in short["instalments"], short
    contract["instalments"][1]["amount_cny_10k"] = 600
    contracted = await g.post(f"/grants/{grant_id}/contract", contract, 200, "the contract")
    assert contracted["status"] == "contracted", contracted

    # the loser's application naming the grant fails; the winner's is eligible
    apply = f"{g.base}/applications"
    theirs = iron_mine_application(
        "平泉市示意落选矿业有限公司", site.loser, site.area(), grant_id=grant_id
    )
    lost = _json(await http.post(apply, json=theirs, headers=g.officer), 201, "loser's")
    check = next(c for c in lost["checks"] if c["rule_id"] == "competitive_grant")
    assert check["outcome"] == "fail", check
    assert site.winner in str(check), check  # it names the winner
    ours = iron_mine_application(
        "平泉市示意竞得矿业有限公司", site.winner, site.area(), grant_id=grant_id
    )
    won = _json(await http.post(apply, json=ours, headers=g.officer), 201, "winner's")
    assert won["verdict"] == "eligible", won["checks"]
    assert won["grant_id"] == grant_id

    if decide_locally:
        licence_no = "C1308812025057120000001"
        decision = {
            "decision": "approved",
            "licence_no": licence_no,
            "valid_from": "2025-06-01",
            "valid_to": "2035-05-31",
            "reason": "出让合同已签订，准予登记（示意）",
        }
        await g.post(f"/applications/{won['id']}/decision", decision, 200, "the decision")
    else:
        forwarded = await http.post(f"{apply}/{won['id']}/forward", headers=g.officer)
        assert forwarded.status_code in (200, 202), forwarded.text

        async def approved() -> str:
            view = _json(
                await http.get(f"{apply}/{won['id']}", headers=g.officer), 200, "application"
            )
            assert view["status"] == "approved", view["status"]
            number: str = view["decision"]["licence_no"]
            return number

        licence_no = await eventually(approved, timeout_s=60, what="the province's approval")
    licence = await http.get(f"{g.base}/licences/{licence_no}", headers=g.officer)
    assert _json(licence, 200, "the licence")["grant_id"] == grant_id

    async def reported() -> None:
        answer = await http.get(
            f"{lode.url('reporting')}/reporting/v1/grants",
            params={"year": 2025},
            headers=g.viewer,
        )
        body = _json(answer, 200, "reporting's grants")
        found = [i for i in body["items"] if i["grant_id"] == grant_id]
        assert found, "reporting has not the grant yet"
        item = found[0]
        assert item["status"] == "contracted", item
        dues = [f["due"] for f in body["fee_schedule"] if f["grant_id"] == grant_id]
        assert dues == ["2025-06-30", "2026-06-30"], body["fee_schedule"]
        assert "reserve_price" not in answer.text  # (a failed_reason may say reserve_not_reached)

    await eventually(reported, timeout_s=60, what="reporting's view of the grant")
    return licence_no
