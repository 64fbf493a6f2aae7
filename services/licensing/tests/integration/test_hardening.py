"""Nothing nonsensical is stored (issue 12): decisions with a validity that has ended, is
inverted or is longer than the scale allows; a second, different decision; unbounded,
unsafe or loosely typed values; unknown fields; an invalid area. Each is a 422 (or 409)
naming the field, with nothing written."""

from __future__ import annotations

import itertools
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import structlog
from sqlalchemy import select

from lode_common.testing import eventually
from lode_licensing.domain.licence import cst_today
from lode_licensing.domain.province import sign

from ..province.servers import SECRET
from .builders import HOLDER, INSIDE, OTHER, block, granted, mining, problem, square, submit
from .conftest import System, open_system

pytestmark = pytest.mark.timeout(120)
NUMBER = "C1308812026017120000051"
TODAY = cst_today(datetime.now(UTC))


def days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def approval(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "decision": "approved",
        "licence_no": NUMBER,
        "valid_from": days(-1),
        "valid_to": days(3 * 365),
        "reason": "本地审批通过",
    }
    body.update(changes)
    return body


async def _eligible(system: System, **changes: Any) -> str:
    await block(system.zoning)
    # on a contracted grant of its own (出让), so competitive_grant passes
    r = await submit(system.licensing, await granted(system.licensing, **changes))
    assert r.status_code == 201, r.text
    assert r.json()["verdict"] == "eligible", r.json()["checks"]
    application_id: str = r.json()["id"]
    return application_id


async def _decide(system: System, application_id: str, body: Any) -> Any:
    lic = system.licensing
    return await lic.client.post(
        f"/licensing/v1/applications/{application_id}/decision",
        headers=lic.auth("licensing_officer"),
        json=body,
    )


async def _nothing_issued(system: System, application_id: str) -> None:
    lic = system.licensing
    licences = await lic.client.get("/licensing/v1/licences", headers=lic.auth("viewer"))
    assert licences.json()["total"] == 0
    view = await lic.client.get(
        f"/licensing/v1/applications/{application_id}", headers=lic.auth("viewer")
    )
    assert view.json()["status"] == "checked"
    assert view.json()["decision"] is None
    assert not [t for t in await lic.types_published() if "decided" in t or "issued" in t]


# --- 1. the validity of a decision ----------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"valid_from": "1899-01-01", "valid_to": "1900-01-01"}, "valid_to", "1949"),
        ({"valid_from": days(-400), "valid_to": days(-1)}, "valid_to", "already passed"),
        ({"valid_from": days(30), "valid_to": days(10)}, "valid_to", "not after valid_from"),
        # 12 万吨/年 underground iron is a small mine: 10 years at most (licence_terms)
        ({"valid_from": days(0), "valid_to": days(11 * 365)}, "valid_to", "at most 10 years"),
        ({"valid_to": "2030/01/01"}, "valid_to", "a date like"),
        ({"valid_to": "20300101"}, "valid_to", "a date like"),
        ({"valid_to": 20300101}, "valid_to", "a date like"),
        ({"valid_to": "2030-02-30"}, "valid_to", "not a calendar date"),
        ({"valid_to": "2030-01-01T00:00:00"}, "valid_to", "a date like"),
        ({"valid_from": None}, "valid_from", "required on approval"),
        ({"licence_no": None}, "licence_no", "required on approval"),
        ({"reason": "同意\u202e"}, "reason", "bidirectional"),
        ({"reason": "x" * 2001}, "reason", "2000"),
        ({"approved_by": "张三"}, "approved_by", "xtra"),
    ],
)
async def test_a_local_decision_with_a_nonsensical_validity_is_422_and_issues_nothing(
    system: System, changes: dict[str, Any], field: str, words: str
) -> None:
    application_id = await _eligible(system)
    body = problem(await _decide(system, application_id, approval(**changes)), 422)
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert field in fields, body
    assert words in fields[field] or words in body["detail"], body
    await _nothing_issued(system, application_id)


async def test_a_validity_already_ended_is_refused_on_both_runtimes(system_both: System) -> None:
    application_id = await _eligible(system_both)
    late = approval(valid_from="2015-01-01", valid_to="2020-01-01")
    body = problem(await _decide(system_both, application_id, late), 422)
    assert [e["field"] for e in body["errors"]] == ["valid_to"]
    await _nothing_issued(system_both, application_id)


_STAMPS = itertools.count()


async def callback(client: Any, body: dict[str, Any], *, secret: str = SECRET) -> Any:
    """Signed as a platform that retries signs: each call with a timestamp of its own (a
    repeat within one second would otherwise carry the same signature: a replay)."""
    raw = json.dumps(body).encode()
    stamp = str(int(time.time()) - 100 + next(_STAMPS) % 100)
    headers = {
        "X-Lode-Timestamp": stamp,
        "X-Lode-Signature": sign(secret, stamp, raw),
        "content-type": "application/json",
    }
    return await client.post("/licensing/v1/province/decisions", content=raw, headers=headers)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"valid_from": "1899-01-01", "valid_to": "1900-01-01"}, "valid_to"),
        ({"valid_from": days(-400), "valid_to": days(-1)}, "valid_to"),
        ({"valid_from": days(30), "valid_to": days(10)}, "valid_to"),
        ({"valid_from": days(0), "valid_to": days(11 * 365)}, "valid_to"),
        ({"valid_to": "2030-13-01"}, "valid_to"),
        ({"valid_to": 1893456000}, "valid_to"),
        ({"reason": "同意\x00"}, "reason"),
        ({"reason": ["同意"]}, "reason"),
        ({"licence_no": "C" * 100_000}, "licence_no"),
        ({"extra": 1}, "extra"),
        ({"application_id": "x" * 1000}, "application_id"),
    ],
)
async def test_the_province_callback_refuses_the_same_after_its_signature_check(
    request: pytest.FixtureRequest, tmp_path: Path, changes: dict[str, Any], field: str
) -> None:
    async with open_system(
        request, tmp_path, "sqlite", province_secret=SECRET, province_url="http://127.0.0.1:9"
    ) as system:
        lic = system.licensing
        application_id = await _eligible(system)
        forwarded = await lic.client.post(
            f"/licensing/v1/applications/{application_id}/forward",
            headers=lic.auth("licensing_officer"),
        )
        assert forwarded.json()["status"] == "forwarded"
        body = {"application_id": application_id, **approval(**changes)}
        # unsigned (or signed with another key): 401 before anything is read
        problem(await callback(lic.client, body, secret="another-secret" * 4), 401)
        refused = problem(await callback(lic.client, body), 422)
        assert field in [e["field"] for e in refused["errors"]], refused
        view = await lic.client.get(
            f"/licensing/v1/applications/{application_id}", headers=lic.auth("viewer")
        )
        assert view.json()["status"] == "forwarded"
        licences = await lic.client.get("/licensing/v1/licences", headers=lic.auth("viewer"))
        assert licences.json()["total"] == 0


# --- 2. a different decision on a decided application --------------------------------------
@pytest.mark.parametrize(
    "second",
    [
        approval(licence_no="C1308812026017120000052"),
        approval(valid_to=days(5 * 365)),
        {"decision": "rejected", "reason": "改判"},
    ],
)
async def test_a_different_decision_on_a_decided_application_is_409_with_its_state(
    system: System, second: dict[str, Any]
) -> None:
    lic = system.licensing
    application_id = await _eligible(system)
    first = await _decide(system, application_id, approval())
    assert first.status_code == 200, first.text
    body = problem(await _decide(system, application_id, second), 409)
    assert body["current_state"] == "approved"
    assert body["decision"]["licence_no"] == NUMBER
    licence = (
        await lic.client.get(f"/licensing/v1/licences/{NUMBER}", headers=lic.auth("viewer"))
    ).json()
    assert licence["valid_to"] == days(3 * 365)
    assert [h["action"] for h in licence["history"]] == ["issued"]
    again = await _decide(system, application_id, approval())  # the same one: nothing new
    assert again.status_code == 200, again.text
    types = await lic.types_published()
    assert types.count("lode.licensing.application.decided.v1") == 1


async def test_the_same_decision_from_the_province_stays_200_a_different_one_is_409(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    async with open_system(
        request, tmp_path, "sqlite", province_secret=SECRET, province_url="http://127.0.0.1:9"
    ) as system:
        lic = system.licensing
        application_id = await _eligible(system)
        await lic.client.post(
            f"/licensing/v1/applications/{application_id}/forward",
            headers=lic.auth("licensing_officer"),
        )
        body = {"application_id": application_id, **approval()}
        first = await callback(lic.client, body)
        assert first.status_code == 200, first.text
        repeat = await callback(lic.client, body)
        assert repeat.status_code == 200, repeat.text
        assert repeat.json()["changed"] is False
        other = {**body, "licence_no": "C1308812026017120000053"}
        conflict = problem(await callback(lic.client, other), 409)
        assert conflict["current_state"] == "approved"
        licences = (
            await lic.client.get("/licensing/v1/licences", headers=lic.auth("viewer"))
        ).json()
        assert [i["licence_no"] for i in licences["items"]] == [NUMBER]


# --- 3 and 4. bounded, strict, known fields ---------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"applicant": {"name": "矿" * 300_001, "credit_code": HOLDER}}, "applicant.name"),
        ({"applicant": {"name": "平泉\x00矿业", "credit_code": HOLDER}}, "applicant.name"),
        ({"applicant": {"name": "平泉\u202e矿业", "credit_code": HOLDER}}, "applicant.name"),
        ({"capacity": {"value": 1e308, "unit": "万吨/年"}}, "capacity.value"),
        ({"capacity": {"value": "12", "unit": "万吨/年"}}, "capacity.value"),
        ({"depth_m": [1e308, 420]}, "depth_m"),
        ({"reserves_10kt": 1e300}, "reserves_10kt"),
        ({"green_mine_plan": "yes"}, "green_mine_plan"),
        (
            {
                "development_plan": {
                    "mining_recovery_pct": 85,
                    "processing_recovery_pct": 90,
                    "comprehensive_utilization_pct": 40,
                    "ore_type": "m" * 100_000,
                }
            },
            "development_plan.ore_type",
        ),
        (
            {"restoration_plan": [{"year": 2027 + i, "restored_area_ha": i} for i in range(101)]},
            "restoration_plan",
        ),
        ({"restoration_plan": [{"year": 9999, "restored_area_ha": 1}]}, "restoration_plan[0].year"),
        ({"capacty": {"value": 12, "unit": "万吨/年"}}, "capacty"),
        ({"area_lonlat": {"type": "Point", "coordinates": [0, 0]}}, "area_lonlat"),
    ],
)
async def test_an_unbounded_unsafe_loose_or_unknown_value_is_422_and_stores_nothing(
    system: System, changes: dict[str, Any], field: str
) -> None:
    lic = system.licensing
    body = problem(await submit(lic, mining(**changes)), 422)
    assert field in [e["field"] for e in body["errors"]], body["errors"]
    assert len(json.dumps(body)) < 5_000, "a refused value is not echoed whole"
    listed = (await lic.client.get("/licensing/v1/applications", headers=lic.auth("viewer"))).json()
    assert listed["total"] == 0
    assert await lic.types_published() == []


async def _issued(system: System) -> None:
    application_id = await _eligible(system)
    decided = await _decide(system, application_id, approval())
    assert decided.status_code == 200, decided.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"green_mine": "yes", "list_ref": "河北省绿色矿山名录"}, "green_mine"),
        ({"green_mine": 1, "list_ref": "河北省绿色矿山名录"}, "green_mine"),
        ({"green_mine": "true", "list_ref": "河北省绿色矿山名录"}, "green_mine"),
        ({"green_mine": True, "list_ref": "名录\x1b[31m"}, "list_ref"),
        ({"green_mine": True, "list_ref": "名" * 301}, "list_ref"),
        ({"green_mine": True, "list_ref": "河北省绿色矿山名录", "note": "\u2066x"}, "note"),
        ({"green_mine": True, "list_ref": "河北省绿色矿山名录", "listed": True}, "listed"),
    ],
)
async def test_the_green_mine_listing_is_strict(
    system: System, body: dict[str, Any], field: str
) -> None:
    lic = system.licensing
    await _issued(system)
    r = await lic.client.put(
        f"/licensing/v1/licences/{NUMBER}/green-mine",
        headers=lic.auth("licensing_officer"),
        json=body,
    )
    assert field in [e["field"] for e in problem(r, 422)["errors"]]
    licence = (
        await lic.client.get(f"/licensing/v1/licences/{NUMBER}", headers=lic.auth("viewer"))
    ).json()
    assert licence["green_mine"] is False
    assert [h["action"] for h in licence["history"]] == ["issued"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (f"/licensing/v1/licences/{NUMBER}/suspend", {"reason": "停产\x00整顿"}, "reason"),
        (f"/licensing/v1/licences/{NUMBER}/suspend", {"reason": "停产整顿", "until": 1}, "until"),
        (f"/licensing/v1/licences/{NUMBER}/revoke", {"reason": "x" * 2001}, "reason"),
    ],
)
async def test_status_actions_refuse_unsafe_reasons_and_unknown_fields(
    system: System, path: str, body: dict[str, Any], field: str
) -> None:
    lic = system.licensing
    await _issued(system)
    r = await lic.client.post(path, headers=lic.auth("licensing_officer"), json=body)
    assert field in [e["field"] for e in problem(r, 422)["errors"]]
    licence = (
        await lic.client.get(f"/licensing/v1/licences/{NUMBER}", headers=lic.auth("viewer"))
    ).json()
    assert licence["status"] == "active"


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("review", {"outcome": "accept", "reason": "符合\u202e要求"}, "reason"),
        ("review", {"outcome": "accept", "reason": "符合要求", "by": "x"}, "by"),
        ("withdraw", {"reason": "撤回\x07"}, "reason"),
        ("withdraw", {"reason": "撤回", "force": True}, "force"),
        ("forward", {"urgent": True}, "urgent"),
    ],
)
async def test_review_and_withdrawal_refuse_unsafe_reasons_and_unknown_fields(
    system: System, action: str, body: dict[str, Any], field: str
) -> None:
    lic = system.licensing
    view = (await submit(lic, mining())).json()  # no block: needs_review
    r = await lic.client.post(
        f"/licensing/v1/applications/{view['id']}/{action}",
        headers=lic.auth("licensing_officer"),
        json=body,
    )
    assert field in [e["field"] for e in problem(r, 422)["errors"]]
    after = await lic.client.get(
        f"/licensing/v1/applications/{view['id']}", headers=lic.auth("viewer")
    )
    assert after.json()["status"] == view["status"]


# --- 5. an invalid area ------------------------------------------------------------------------
BOW_TIE = {
    "type": "Polygon",
    "coordinates": [
        [
            [INSIDE[0], INSIDE[1]],
            [INSIDE[0] + 0.01, INSIDE[1] + 0.01],
            [INSIDE[0] + 0.01, INSIDE[1]],
            [INSIDE[0], INSIDE[1] + 0.01],
            [INSIDE[0], INSIDE[1]],
        ]
    ],
}


@pytest.mark.parametrize(
    "area",
    [
        {"geometry": BOW_TIE},
        {"geometry": {"type": "Polygon", "coordinates": [[[118.8, 41.0], [118.81, 41.0]]]}},
        {"corners": [[4541387.43, 40390622.93]], "crs": "EPSG:4528"},
    ],
)
async def test_an_invalid_area_is_422_naming_it_and_stores_nothing(
    system_both: System, area: dict[str, Any]
) -> None:
    lic = system_both.licensing
    await block(system_both.zoning)
    body = problem(await submit(lic, mining(area=area)), 422)
    assert [e for e in body["errors"] if e["field"].startswith("area")], body
    listed = (await lic.client.get("/licensing/v1/applications", headers=lic.auth("viewer"))).json()
    assert listed["total"] == 0
    assert await lic.types_published() == []


# --- 6. the callback without a secret ------------------------------------------------------------
async def test_the_callback_without_a_secret_says_not_available_and_logs_why(
    system: System,
) -> None:
    with structlog.testing.capture_logs() as logs:
        r = await system.licensing.client.post(
            "/licensing/v1/province/decisions", json={"application_id": "x"}
        )
    body = problem(r, 503)
    assert "not available" in body["detail"]
    assert "secret" not in json.dumps(body).lower()
    assert "LODE_PROVINCE_SECRET" not in r.text
    assert any("LODE_PROVINCE_SECRET" in str(entry.get("event")) for entry in logs), logs


# --- 7. a mine reads its own licences and applications ----------------------------------------
async def test_a_mine_reads_its_own_licences_and_applications_only(system: System) -> None:
    lic = system.licensing
    officer = lic.auth("licensing_officer")
    mine, other = lic.auth("mine", enterprise=HOLDER), lic.auth("mine", enterprise=OTHER)
    application_id = await _eligible(system)
    assert (await _decide(system, application_id, approval())).status_code == 200
    theirs = await submit(
        lic,
        mining(
            applicant={"name": "平泉市另一矿业有限公司", "credit_code": OTHER},
            area={"geometry": square(118.9, 41.1)},
        ),
    )
    assert theirs.status_code == 201, theirs.text
    other_id = theirs.json()["id"]

    own = await lic.client.get(f"/licensing/v1/licences/{NUMBER}", headers=mine)
    assert own.status_code == 200
    assert own.json()["holder"]["credit_code"] == HOLDER
    assert (
        await lic.client.get(f"/licensing/v1/applications/{application_id}", headers=mine)
    ).status_code == 200
    mine_apps = (await lic.client.get("/licensing/v1/applications", headers=mine)).json()
    assert [a["id"] for a in mine_apps["items"]] == [application_id]
    mine_licences = (await lic.client.get("/licensing/v1/licences", headers=mine)).json()
    assert [i["licence_no"] for i in mine_licences["items"]] == [NUMBER]
    holder_query = await lic.client.get(
        "/licensing/v1/licences", params={"holder": OTHER}, headers=mine
    )
    assert holder_query.json()["total"] == 0

    body = problem(await lic.client.get(f"/licensing/v1/licences/{NUMBER}", headers=other), 403)
    assert HOLDER not in json.dumps(body)
    problem(
        await lic.client.get(f"/licensing/v1/applications/{application_id}", headers=other), 403
    )
    problem(await lic.client.get(f"/licensing/v1/applications/{other_id}", headers=mine), 403)
    other_apps = (await lic.client.get("/licensing/v1/applications", headers=other)).json()
    assert [a["id"] for a in other_apps["items"]] == [other_id]
    assert (await lic.client.get("/licensing/v1/licences", headers=other)).json()["total"] == 0
    # a mine's credentials never move anything but its own withdrawal
    problem(
        await lic.client.post(
            f"/licensing/v1/licences/{NUMBER}/suspend", headers=mine, json={"reason": "自行暂停"}
        ),
        403,
    )
    assert (await lic.client.get("/licensing/v1/licences", headers=officer)).json()["total"] == 1


# --- path and query parameters ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/licensing/v1/licences", {"mineral": "铁矿\u202e"}, "mineral"),
        ("/licensing/v1/licences", {"holder": "平泉\x1b[2J"}, "holder"),
        ("/licensing/v1/licences", {"holder": "x" * 301}, "holder"),
        ("/licensing/v1/licences/C130881202601712%E2%80%AE", {}, "licence_no"),
        ("/licensing/v1/licences/" + "C" * 200, {}, "licence_no"),
        ("/licensing/v1/applications/%E2%80%AE" + "a" * 10, {}, "application_id"),
        ("/licensing/v1/applications", {"status": "x" * 100}, "status"),
    ],
)
async def test_hostile_path_and_query_parameters_are_422_on_both_runtimes(
    system_both: System, path: str, params: dict[str, str], field: str
) -> None:
    lic = system_both.licensing
    r = await lic.client.get(path, params=params, headers=lic.auth("viewer"))
    body = problem(r, 422)
    assert any(e["field"].endswith(field) for e in body["errors"]), body


async def test_an_area_found_invalid_after_an_outage_is_ineligible_saying_why(
    system: System,
) -> None:
    """Zoning was down at submission (pending_checks, stored); when it answers that the area
    is invalid, the application is ineligible on ``area_valid``, and the area rules say they
    were not checked because of the area, not that the analysis is unavailable."""
    lic = system.licensing
    system.zoning_link.down = True
    view = (await submit(lic, mining(area={"geometry": BOW_TIE}))).json()
    assert view["status"] == "pending_checks"
    system.zoning_link.down = False

    async def checked() -> bool:
        r = await lic.client.get(
            f"/licensing/v1/applications/{view['id']}", headers=lic.auth("viewer")
        )
        return bool(r.json()["status"] == "checked")

    await eventually(checked, what="the application to be checked")
    final = (
        await lic.client.get(f"/licensing/v1/applications/{view['id']}", headers=lic.auth("viewer"))
    ).json()
    assert final["verdict"] == "ineligible"
    found = {c["rule_id"]: c for c in final["checks"]}
    assert found["area_valid"]["outcome"] == "fail"
    assert not [c for c in final["checks"] if "not available" in c["message"]], final["checks"]


async def test_a_mine_reading_its_application_is_not_told_who_holds_the_block(
    system: System,
) -> None:
    """The block-holder check names the other enterprise to staff; the applicant learns the
    block is held, not by whom (as zoning's analysis tells a mine which licences it
    overlaps, not whose), and none of the service's internal errors."""
    from lode_licensing.adapters.tables import BlockHolderReplica

    lic = system.licensing
    await block(system.zoning)
    theirs = await submit(
        lic,
        await granted(lic, applicant={"name": "平泉市另一矿业有限公司", "credit_code": OTHER}),
    )
    assert theirs.json()["verdict"] == "eligible", theirs.json()["checks"]
    assert (await _decide(system, theirs.json()["id"], approval())).status_code == 200

    async def replicated() -> bool:
        async with lic.runtime.sessions() as session:
            return (await session.execute(select(BlockHolderReplica))).first() is not None

    await eventually(replicated, what="the licence to be replicated")
    mine = lic.auth("mine", enterprise=HOLDER)
    area = {"geometry": square(INSIDE[0] + 0.012, INSIDE[1] + 0.012, 0.005)}
    own = await lic.client.post("/licensing/v1/applications", json=mining(area=area), headers=mine)
    assert own.status_code == 201, own.text
    staff_view = (
        await lic.client.get(
            f"/licensing/v1/applications/{own.json()['id']}", headers=lic.auth("viewer")
        )
    ).json()
    held = {c["rule_id"]: c for c in staff_view["checks"]}["one_holder_per_mining_block"]
    assert OTHER in held["message"], "staff see who holds the block"
    for seen in (
        own.json(),
        (
            await lic.client.get(f"/licensing/v1/applications/{own.json()['id']}", headers=mine)
        ).json(),
        (await lic.client.get("/licensing/v1/applications", headers=mine)).json(),
    ):
        assert OTHER not in json.dumps(seen, ensure_ascii=False)
        assert "另一主体" in json.dumps(seen, ensure_ascii=False)
