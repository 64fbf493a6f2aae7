"""Mines file reserves reports (储量年报) with their keys: the balance, findings, corrections,
who may do what, the events in the outbox, and the reserves deadline."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from lode_common.testing.apps import ServiceUnderTest
from lode_monitoring.handlers.deadlines import check_deadlines

from .test_reports import IRON, A, post, ready, report

pytestmark = pytest.mark.timeout(120)
CST = timezone(timedelta(hours=8))
PATH = "/monitoring/v1/reserves-reports"


def reserves(**changes: Any) -> dict[str, Any]:
    """The iron mine's 2023 reserves: 700 − 28 − 3 + 0 + 0 = 669 (over 20 years of 30)."""
    body: dict[str, Any] = {
        "licence_no": IRON,
        "year": 2023,
        "mineral": "铁矿",
        "opening_10kt": 700,
        "extracted_10kt": 28.0,
        "lost_10kt": 3.0,
        "new_proven_10kt": 0,
        "recalculated_10kt": 0,
        "closing_10kt": 669.0,
    }
    body.update(changes)
    return body


async def file(m: ServiceUnderTest, key: str | dict[str, str], body: Any) -> Any:
    headers = {"Authorization": key} if isinstance(key, str) else key
    return await m.client.post(PATH, json=body, headers=headers)


async def open_findings(m: ServiceUnderTest) -> list[tuple[str, int]]:
    items = (
        await m.client.get("/monitoring/v1/findings?status=open", headers=m.auth("inspector"))
    ).json()["items"]
    return sorted((f["code"], f["year"]) for f in items)


async def test_a_mine_files_its_reserves_and_the_event_carries_them(
    monitoring_both: ServiceUnderTest,
) -> None:
    m = monitoring_both
    keys = await ready(m)
    assert (await post(m, keys["a"], report())).status_code == 201  # ore mined 28 in 2023
    ok = await file(m, keys["a"], reserves())
    assert ok.status_code == 201, ok.text
    answer = ok.json()
    assert (answer["version"], answer["mineral"], answer["findings"]) == (1, "铁矿", [])
    (event,) = [e for e in await m.published() if e.type == "lode.monitoring.reserves.reported.v1"]
    assert event.subject == IRON
    data = event.data
    assert data["report_id"] == answer["id"]
    assert (data["opening_10kt"], data["closing_10kt"], data["lost_10kt"]) == (700, 669, 3)
    assert data["illustrative"] is False
    listed = (await m.client.get(f"{PATH}?licence_no={IRON}", headers=m.auth("viewer"))).json()
    assert listed["total"] == 1
    assert listed["items"][0]["closing_10kt"] == 669


async def test_a_report_that_does_not_balance_is_422_with_the_difference(
    monitoring_both: ServiceUnderTest,
) -> None:
    m = monitoring_both
    keys = await ready(m)
    off = await file(m, keys["a"], reserves(closing_10kt=669.0001))
    assert off.status_code == 422, off.text
    assert off.headers["content-type"].startswith("application/problem+json")
    problem = off.json()
    ((error),) = problem["errors"]
    assert error["field"] == "closing_10kt"
    assert "= 669, closing given 669.0001, difference 0.0001" in error["message"]
    assert problem["balance"] == {
        "computed_closing_10kt": 669,
        "closing_10kt": 669.0001,
        "difference_10kt": 0.0001,
    }
    listed = await m.client.get(PATH, headers=m.auth("viewer"))
    assert listed.json()["total"] == 0
    types = await m.types_published()
    assert "lode.monitoring.reserves.reported.v1" not in types


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lost_10kt": -1}, "lost_10kt"),
        ({"mineral": "月壤"}, "mineral"),
        ({"year": 2019}, "year"),
        ({"opening": 700}, "opening"),
        ({"licence_no": "C13"}, "licence_no"),
    ],
)
async def test_invalid_fields_are_422_naming_them(
    monitoring: ServiceUnderTest, changes: dict[str, Any], field: str
) -> None:
    m = monitoring
    keys = await ready(m)
    r = await file(m, keys["a"], reserves(**changes))
    assert r.status_code == 422, r.text
    assert field in [e["field"] for e in r.json()["errors"]]
    not_json = await m.client.post(
        PATH,
        content=b"[1]",
        headers={"Authorization": keys["a"], "content-type": "application/json"},
    )
    assert not_json.status_code == 422


async def test_who_may_file_read_and_correct(monitoring: ServiceUnderTest) -> None:
    m = monitoring
    keys = await ready(m)
    assert (await file(m, {}, reserves())).status_code == 401
    for role in ("viewer", "planner", "licensing_officer"):
        wrong = await file(m, m.auth(role), reserves())
        assert wrong.status_code == 403, role
        assert wrong.headers["content-type"].startswith("application/problem+json")
    theirs = await file(m, keys["b"], reserves())
    assert theirs.status_code == 403
    unknown = await file(m, keys["b"], reserves(licence_no="C1308812022017120099999"))
    assert unknown.status_code == 403, "an unknown licence is answered as another's"
    staff_unknown = await file(
        m, m.auth("inspector"), reserves(licence_no="C1308812022017120099999")
    )
    assert staff_unknown.status_code == 422
    assert (await m.client.get(PATH, headers=m.auth("viewer"))).json()["total"] == 0

    mine = (await file(m, keys["a"], reserves())).json()
    item = f"{PATH}/{mine['id']}"
    by_inspector = await file(m, m.auth("inspector"), reserves(year=2022, closing_10kt=669))
    assert by_inspector.status_code == 201, by_inspector.text
    fix = {"reason": "损失量复核更正", "lost_10kt": 4.0, "closing_10kt": 668.0}
    assert (await m.client.put(item, json=fix)).status_code == 401
    assert (
        await m.client.put(item, json=fix, headers={"Authorization": keys["b"]})
    ).status_code == 403
    assert (await m.client.put(item, json=fix, headers=m.auth("viewer"))).status_code == 403
    assert (await m.client.get(item)).status_code == 401
    assert (await m.client.get(item, headers={"Authorization": keys["b"]})).status_code == 403
    assert (await m.client.get(item, headers={"Authorization": keys["a"]})).status_code == 200
    assert (await m.client.get(PATH)).status_code == 401
    listed_b = await m.client.get(f"{PATH}?licence_no={IRON}", headers={"Authorization": keys["b"]})
    assert listed_b.json()["total"] == 0
    listed_a = await m.client.get(PATH, headers={"Authorization": keys["a"]})
    assert listed_a.json()["total"] == 2
    assert (await m.client.get(f"{PATH}/nope", headers=m.auth("viewer"))).status_code == 404
    missing = await m.client.put(f"{PATH}/nope", json=fix, headers=m.auth("inspector"))
    assert missing.status_code == 404


async def test_one_report_a_year_and_corrections_are_versions(
    monitoring_both: ServiceUnderTest,
) -> None:
    m = monitoring_both
    keys = await ready(m)
    # closing 500 is under 20 years of 30 万吨/年: service_years_short
    first = (await file(m, keys["a"], reserves(recalculated_10kt=-169, closing_10kt=500))).json()
    assert [f["code"] for f in first["findings"]] == ["service_years_short"]
    again = await file(m, keys["a"], reserves())
    assert again.status_code == 409
    assert again.json()["report_id"] == first["id"]
    assert f"PUT {PATH}/{first['id']}" in again.json()["detail"]
    item = f"{PATH}/{first['id']}"
    headers = {"Authorization": keys["a"]}
    no_reason = await m.client.put(item, json={"recalculated_10kt": 0}, headers=headers)
    assert no_reason.status_code == 422
    unbalanced = await m.client.put(
        item, json={"recalculated_10kt": 0, "reason": "重算更正"}, headers=headers
    )
    assert unbalanced.status_code == 422
    assert unbalanced.json()["balance"]["difference_10kt"] == -169
    fixed = await m.client.put(
        item,
        json={"recalculated_10kt": 0, "closing_10kt": 669, "reason": "重算更正"},
        headers=headers,
    )
    assert fixed.status_code == 200, fixed.text
    assert (fixed.json()["version"], fixed.json()["findings"]) == (2, [])
    versions = (await m.client.get(item, headers=headers)).json()["versions"]
    assert [(v["version"], v["current"], v["closing_10kt"]) for v in versions] == [
        (1, False, 500),
        (2, True, 669),
    ]
    assert versions[1]["reason"] == "重算更正"
    assert await open_findings(m) == []
    types = await m.types_published()
    assert types.count("lode.monitoring.reserves.reported.v1") == 1
    assert types.count("lode.monitoring.reserves.corrected.v1") == 1
    assert "lode.monitoring.finding.closed.v1" in types
    corrected = [e for e in await m.published() if e.type.endswith("reserves.corrected.v1")]
    assert corrected[0].data["reason"] == "重算更正"
    assert corrected[0].data["version"] == 2


async def test_continuity_and_extraction_findings(monitoring: ServiceUnderTest) -> None:
    m = monitoring
    keys = await ready(m)
    y2022 = (await file(m, keys["a"], reserves(year=2022, closing_10kt=669))).json()
    # 2023 opens at 700, not 2022's 669; 32 extracted against 28 mined is 14 % off
    assert (await post(m, keys["a"], report())).status_code == 201
    y2023 = await file(m, keys["a"], reserves(extracted_10kt=32, closing_10kt=665))
    assert sorted(f["code"] for f in y2023.json()["findings"]) == [
        "extraction_mismatch",
        "reserves_discontinuity",
    ]
    # correcting 2022's closing to 2023's opening closes 2023's discontinuity
    fixed = await m.client.put(
        f"{PATH}/{y2022['id']}",
        json={"recalculated_10kt": 31, "closing_10kt": 700, "reason": "储量核实重算"},
        headers={"Authorization": keys["a"]},
    )
    assert fixed.status_code == 200, fixed.text
    assert await open_findings(m) == [("extraction_mismatch", 2023)]
    # a low implied recovery: 28 ÷ (28 + 12) is 70 %, under the underground iron 75 %
    low = await file(
        m, keys["a"], reserves(year=2021, extracted_10kt=28, lost_10kt=12, closing_10kt=660)
    )
    (finding,) = low.json()["findings"]
    assert finding["code"] == "recovery_implied_low"
    assert finding["details"]["implied_pct"] == 70
    assert Decimal(str(finding["details"]["minimum_pct"])) == 75


async def test_the_reserves_deadline_is_31_january_and_a_late_filing_closes_it(
    monitoring: ServiceUnderTest,
) -> None:
    m = monitoring
    keys = await ready(m)  # the licence is valid from 2021-01-01
    for year, opening in ((2021, 731), (2022, 700)):
        assert (await post(m, keys["a"], report(year=year))).status_code == 201
        filed = await file(
            m, keys["a"], reserves(year=year, opening_10kt=opening, closing_10kt=opening - 31)
        )
        assert filed.status_code == 201, filed.text
    last_minute = datetime(2024, 1, 31, 23, 59, tzinfo=CST)
    assert await check_deadlines(m.runtime, last_minute) == (0, 0)
    just_after = datetime(2024, 2, 1, 0, 0, tzinfo=CST)
    assert await check_deadlines(m.runtime, just_after) == (1, 0)
    assert await open_findings(m) == [("reserves_report_missing", 2023)]
    (finding,) = (
        await m.client.get("/monitoring/v1/findings?status=open", headers=m.auth("inspector"))
    ).json()["items"]
    assert "储量年报截止 1月31日" in finding["standard"]
    assert await check_deadlines(m.runtime, just_after) == (0, 0), "opened once"
    late = await file(m, keys["a"], reserves(opening_10kt=669, closing_10kt=638))
    assert late.json()["findings"] == []
    assert await check_deadlines(m.runtime, just_after) == (0, 1)
    assert A in (await m.client.get(f"/monitoring/v1/mines/{IRON}", headers=m.auth("viewer"))).text
