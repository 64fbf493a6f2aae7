"""What a new mining application rests on, through the API (issue 16, items 4 and 7): a
contracted grant (出让) of the same winner, mineral and area passes ``competitive_grant``
and its licence keeps ``grant_id``; another winner's, another mineral's or a draft grant
fails it; the applicant's own exploration licence over the area passes (探转采); neither
goes to review naming the cases of 协议出让. The grants are written straight into the
database (:func:`.builders.grant`), as the grant procedure leaves them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lode.doubles.province_sim import SimPolicy, create_sim_app
from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest
from lode_common.testing.services import free_port

from ..province.servers import SECRET, serve
from .builders import (
    HOLDER,
    INSIDE,
    OTHER,
    block,
    checks,
    grant,
    mining,
    problem,
    square,
    submit,
)
from .conftest import System, open_system

pytestmark = pytest.mark.timeout(120)
NUMBER = "C1308812026017120000071"
EXPLORATION_NUMBER = "T1308812026017120000071"
RESERVE = Decimal("1111.1111")
"""A reserve price (底价) no answer or event may show: digits that appear nowhere else."""


def decision(licence_no: str = NUMBER, valid_to: str = "2036-11-30") -> dict[str, Any]:
    return {
        "decision": "approved",
        "licence_no": licence_no,
        "valid_from": "2026-12-01",
        "valid_to": valid_to,
        "reason": "准予登记",
    }


async def decide(lic: ServiceUnderTest, application_id: str, body: dict[str, Any]) -> Any:
    r = await lic.client.post(
        f"/licensing/v1/applications/{application_id}/decision",
        headers=lic.auth("licensing_officer"),
        json=body,
    )
    assert r.status_code == 200, r.text
    return r.json()


async def checked(lic: ServiceUnderTest, body: dict[str, Any]) -> dict[str, Any]:
    r = await submit(lic, body)
    assert r.status_code == 201, r.text
    view: dict[str, Any] = r.json()
    assert view["status"] == "checked", view
    return view


async def test_a_mine_on_its_contracted_grant_passes_and_its_licence_keeps_the_grant(
    system_both: System,
) -> None:
    lic = system_both.licensing
    await block(system_both.zoning)
    grant_id = await grant(lic, reserve_price_cny_10k=RESERVE)
    view = await checked(lic, mining(grant_id=grant_id))
    assert view["verdict"] == "eligible", view["checks"]
    assert view["grant_id"] == grant_id
    result = checks(view)["competitive_grant"]
    assert result["outcome"] == "pass"
    assert grant_id in result["message_zh"]
    assert "平自然资出让〔2026〕5号" in result["message_zh"]
    assert result["details"]["articles_verified"] is False
    assert "第十七条至第二十一条" in result["clause"]

    decided = await decide(lic, view["id"], decision())
    assert decided["decision"]["licence_no"] == NUMBER
    licence = (
        await lic.client.get(f"/licensing/v1/licences/{NUMBER}", headers=lic.auth("viewer"))
    ).json()
    assert licence["grant_id"] == grant_id
    published = {e.type: e.data for e in await lic.published()}
    assert published["lode.licensing.application.submitted.v1"]["grant_id"] == grant_id
    assert published["lode.licensing.licence.issued.v1"]["grant_id"] == grant_id
    shown = json.dumps([view, licence, list(published.values())], ensure_ascii=False)
    assert "1111.1111" not in shown, "the reserve price is nowhere"

    # one grant, one right: the same grant named again fails, naming the licence
    again = await checked(lic, mining(grant_id=grant_id))
    assert again["verdict"] == "ineligible"
    twice = checks(again)["competitive_grant"]
    assert twice["outcome"] == "fail"
    assert f"已颁发许可证 {NUMBER}" in twice["message_zh"]


async def test_two_applications_checked_on_one_grant_get_one_licence(system: System) -> None:
    """Both were checked before either was decided, so both passed: the second approval is
    refused naming grant_id, and nothing more is issued."""
    lic = system.licensing
    await block(system.zoning)
    grant_id = await grant(lic)
    first = await checked(lic, mining(grant_id=grant_id))
    second = await checked(lic, mining(grant_id=grant_id))
    assert first["verdict"] == second["verdict"] == "eligible"
    await decide(lic, first["id"], decision())
    refused = problem(
        await lic.client.post(
            f"/licensing/v1/applications/{second['id']}/decision",
            headers=lic.auth("licensing_officer"),
            json=decision("C1308812026017120000072"),
        ),
        422,
    )
    [error] = refused["errors"]
    assert error["field"] == "grant_id"
    assert NUMBER in error["message"]
    issued = [t for t in await lic.types_published() if t.endswith("licence.issued.v1")]
    assert len(issued) == 1
    still = (
        await lic.client.get(
            f"/licensing/v1/applications/{second['id']}", headers=lic.auth("viewer")
        )
    ).json()
    assert still["status"] == "checked"


async def test_another_winners_grant_fails_naming_the_winner(system: System) -> None:
    lic = system.licensing
    await block(system.zoning)
    grant_id = await grant(lic, winner=("承德某竞得矿业有限公司", OTHER))
    view = await checked(lic, mining(grant_id=grant_id))
    assert view["verdict"] == "ineligible"
    result = checks(view)["competitive_grant"]
    assert result["outcome"] == "fail"
    assert "竞得人为 承德某竞得矿业有限公司" in result["message_zh"]
    assert "won by 承德某竞得矿业有限公司" in result["message_en"]
    assert result["details"]["mismatches"] == ["another_winner"]


async def test_a_grant_of_another_mineral_fails(system: System) -> None:
    lic = system.licensing
    await block(system.zoning)
    view = await checked(lic, mining(grant_id=await grant(lic, mineral="金矿")))
    result = checks(view)["competitive_grant"]
    assert result["outcome"] == "fail"
    assert "出让矿种为金矿，申请矿种为铁矿" in result["message_zh"]
    assert view["verdict"] == "ineligible"


async def test_a_draft_grant_fails_saying_it_is_not_contracted(system: System) -> None:
    lic = system.licensing
    await block(system.zoning)
    view = await checked(lic, mining(grant_id=await grant(lic, status="draft")))
    result = checks(view)["competitive_grant"]
    assert result["outcome"] == "fail"
    assert "（draft），须已签订出让合同" in result["message_zh"]
    assert result["details"]["mismatches"] == ["not_contracted", "no_winner"]


async def test_a_grant_over_another_area_fails_by_how_much(system: System) -> None:
    lic = system.licensing
    await block(system.zoning)
    # the area of mining() moved east by 0.002° of its 0.005°: 40 % on each side differs
    elsewhere = square(INSIDE[0] + 0.004, INSIDE[1] + 0.002, 0.005)
    view = await checked(lic, mining(grant_id=await grant(lic, area=elsewhere)))
    result = checks(view)["competitive_grant"]
    assert result["outcome"] == "fail"
    assert result["details"]["mismatches"] == ["another_area"]
    assert result["details"]["area_difference_pct"] == 80
    assert "申请范围与出让范围相差 80%（容差 1%）" in result["message_zh"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"grant_id": "00000000-0000-4000-8000-000000000000"}, "grant_id"),
        ({"exploration_licence_no": EXPLORATION_NUMBER}, "exploration_licence_no"),
    ],
)
async def test_an_unknown_basis_is_422_naming_the_field_and_stores_nothing(
    system: System, changes: dict[str, Any], field: str
) -> None:
    lic = system.licensing
    body = problem(await submit(lic, mining(**changes)), 422)
    assert [e["field"] for e in body["errors"]] == [field]
    listed = (await lic.client.get("/licensing/v1/applications", headers=lic.auth("viewer"))).json()
    assert listed["total"] == 0
    assert await lic.types_published() == []


async def _exploration_licence(lic: ServiceUnderTest, holder: dict[str, str]) -> None:
    """An iron exploration licence (勘查许可证) of ``holder`` over a square holding the area
    of :func:`.builders.mining`, applied for and approved locally (reviewed when asked)."""
    body = {
        "right_type": "exploration",
        "kind": "new",
        "applicant": holder,
        "mineral": "铁矿",
        "area": {"geometry": square(INSIDE[0] + 0.001, INSIDE[1] + 0.001, 0.01)},
    }
    view = await checked(lic, body)
    assert view["verdict"] != "ineligible", view["checks"]
    if view["verdict"] == "needs_review":
        reviewed = await lic.client.post(
            f"/licensing/v1/applications/{view['id']}/review",
            headers=lic.auth("licensing_officer"),
            json={"outcome": "accept", "reason": "勘查实施方案已审查"},
        )
        assert reviewed.status_code == 200, reviewed.text
    await decide(lic, view["id"], decision(EXPLORATION_NUMBER, valid_to="2031-11-30"))


async def test_the_applicants_own_exploration_licence_over_the_area_passes(
    system_both: System,
) -> None:
    lic = system_both.licensing
    await block(system_both.zoning)
    await _exploration_licence(lic, mining()["applicant"])
    view = await checked(lic, mining(exploration_licence_no=EXPLORATION_NUMBER))
    found = checks(view)
    assert found["competitive_grant"]["outcome"] == "pass", found["competitive_grant"]
    assert f"依勘查许可证 {EXPLORATION_NUMBER} 转采" in found["competitive_grant"]["message_zh"]
    # the mine lies in the exploration licence it converts: that is no overlap
    assert found["licence_overlap"]["outcome"] == "pass", found["licence_overlap"]
    assert view["verdict"] == "eligible", view["checks"]


async def test_another_holders_exploration_licence_does_not_convert(system: System) -> None:
    lic = system.licensing
    await block(system.zoning)
    await _exploration_licence(lic, {"name": "承德某地勘单位", "credit_code": OTHER})
    view = await checked(lic, mining(exploration_licence_no=EXPLORATION_NUMBER))
    result = checks(view)["competitive_grant"]
    assert result["outcome"] == "fail"
    assert "探矿权人为 承德某地勘单位" in result["message_zh"]


async def test_neither_basis_goes_to_review_and_the_officer_confirms_one(system: System) -> None:
    lic = system.licensing
    await block(system.zoning)
    view = await checked(lic, mining())
    assert view["verdict"] == "needs_review"
    assert view["grant_id"] is None
    result = checks(view)["competitive_grant"]
    assert result["outcome"] == "review"
    assert "国务院批准的重点建设项目" in result["message_zh"]
    assert "已设采矿权深部或上部" in result["message_zh"]
    assert result["details"]["verified"] is False
    assert all(b["verified"] is False for b in result["details"]["agreement_bases"])
    reviewed = await lic.client.post(
        f"/licensing/v1/applications/{view['id']}/review",
        headers=lic.auth("licensing_officer"),
        json={"outcome": "accept", "reason": "属已设采矿权深部同类矿产，协议出让，见批复文件"},
    )
    assert reviewed.json()["status"] == "reviewed"
    await decide(lic, view["id"], decision())
    licence = (
        await lic.client.get(f"/licensing/v1/licences/{NUMBER}", headers=lic.auth("viewer"))
    ).json()
    assert licence["grant_id"] is None


async def test_the_forward_carries_the_grant_and_contract_and_no_reserve_price(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    sim = create_sim_app(
        secret=SECRET, policy=SimPolicy(), callback_delay_s=0.05, callback_backoff_s=0.05
    )
    lode_port = free_port()
    async with (
        serve(sim) as province_url,
        open_system(
            request,
            tmp_path,
            "sqlite",
            province_url=province_url,
            province_secret=SECRET,
            public_url=f"http://127.0.0.1:{lode_port}",
        ) as system,
    ):
        lic = system.licensing
        async with serve(lic.app, lode_port):
            await block(system.zoning)
            grant_id = await grant(lic, reserve_price_cny_10k=RESERVE)
            view = await checked(lic, mining(grant_id=grant_id))
            assert view["verdict"] == "eligible", view["checks"]
            forwarded = await lic.client.post(
                f"/licensing/v1/applications/{view['id']}/forward",
                headers=lic.auth("licensing_officer"),
            )
            assert forwarded.json()["status"] == "forwarded", forwarded.text

            async def approved() -> dict[str, Any]:
                r = await lic.client.get(
                    f"/licensing/v1/applications/{view['id']}", headers=lic.auth("viewer")
                )
                assert r.json()["status"] == "approved"
                found: dict[str, Any] = r.json()
                return found

            final = await eventually(approved, timeout_s=60, what="the province to approve")
            await sim.state.simulator.drain()
        record = sim.state.simulator.find(view["id"])
        assert record is not None
        payload = record.payload
        assert payload["grant"] == {
            "grant_id": grant_id,
            "method": "listing",
            "concluded_on": "2026-06-18",
            "price_cny_10k": 1200,
            "winner": {"name": mining()["applicant"]["name"], "credit_code": HOLDER},
            "contract": {
                "signed_on": "2026-07-06",
                "contract_ref": "平自然资出让〔2026〕5号",
                "instalments": [
                    {"due": "2026-08-01", "amount_cny_10k": 600},
                    {"due": "2027-08-01", "amount_cny_10k": 600},
                ],
            },
        }
        assert "exploration_licence_no" not in payload
        assert "1111.1111" not in json.dumps(payload), "the reserve price is never forwarded"
        assert "reserve" not in json.dumps(payload["grant"])
        number = final["decision"]["licence_no"]
        licence = (
            await lic.client.get(f"/licensing/v1/licences/{number}", headers=lic.auth("viewer"))
        ).json()
        assert licence["grant_id"] == grant_id
