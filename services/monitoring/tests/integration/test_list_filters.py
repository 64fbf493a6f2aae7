"""The monitoring lists filtered on the server, as the officers' tables need them: findings
by code, severity and text; mines by mineral and text; inspections by result; the abnormal
list by text. ``q`` finds part of a licence number or of its holder's name or credit code
(either case, LIKE wildcards taken literally); every total counts what the filters keep."""

from __future__ import annotations

from typing import Any

import pytest

from lode_common.events.catalog import Holder, LicenceIssued
from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest

from .test_reports import IRON, A, B, iron_licence, post, publish, ready, report
from .test_supervision import roster

pytestmark = pytest.mark.timeout(180)
V1 = "/monitoring/v1"
FLUORITE = "C1308812022017120000032"
FLUORITE_HOLDER = "平泉示意萤石矿业有限公司"


async def fluorite_mine(m: ServiceUnderTest) -> None:
    """A second mine, of fluorite (萤石), held by B."""
    licence = iron_licence(
        LicenceIssued,
        licence_no=FLUORITE,
        holder=Holder(name=FLUORITE_HOLDER, credit_code=B),
        mineral="萤石",
    )
    await publish(m, "lode.licensing", FLUORITE, licence)

    async def replicated() -> bool:
        r = await m.client.get(f"{V1}/mines/{FLUORITE}", headers=m.auth("viewer"))
        return r.status_code == 200

    await eventually(replicated, timeout_s=20, what=f"the replica of {FLUORITE}")


async def listed(
    m: ServiceUnderTest, path: str, key: str = "id", **params: str
) -> tuple[list[Any], int]:
    r = await m.client.get(f"{V1}/{path}", params=params, headers=m.auth("inspector"))
    assert r.status_code == 200, r.text
    return sorted(item[key] for item in r.json()["items"]), r.json()["total"]


async def test_findings_and_mines_are_filtered_on_the_server(
    monitoring_both: ServiceUnderTest,
) -> None:
    m = monitoring_both
    keys = await ready(m)
    await fluorite_mine(m)
    low = await post(
        m, keys["a"], report(year=2024, mining_recovery_pct=74.99, ore_mined_10kt=31.0)
    )
    assert low.status_code == 201, low.text

    async def findings(**params: str) -> tuple[list[dict[str, Any]], int]:
        r = await m.client.get(f"{V1}/findings", params=params, headers=m.auth("inspector"))
        assert r.status_code == 200, r.text
        return r.json()["items"], r.json()["total"]

    # the deadline pass at start may open annual_report_missing findings of both mines too:
    # what the report opened is known exactly, the rest is checked by what the filter keeps
    every, _ = await findings()
    ours = {f["code"]: f for f in every if f["report_id"] == low.json()["id"]}
    assert sorted(ours) == ["over_capacity", "three_rates_below_standard"]
    ours_ids = {f["id"] for f in ours.values()}

    items, total = await findings(code="over_capacity")
    assert ([f["id"] for f in items], total) == ([ours["over_capacity"]["id"]], 1)
    for severity in ("info", "warning", "violation"):
        items, total = await findings(severity=severity)
        assert {f["severity"] for f in items} <= {severity}
        assert total == len(items)
        wanted = {f["id"] for f in ours.values() if f["severity"] == severity}
        assert wanted <= {f["id"] for f in items}
    for text, licences in (
        ("示意铁", {IRON}),  # the holder's name
        (IRON[-6:], {IRON}),  # part of the licence number
        ("c130881", {IRON, FLUORITE}),  # either case
        ("萤石", {FLUORITE}),  # B's mine: none of the report's
    ):
        items, total = await findings(q=text)
        assert {f["licence_no"] for f in items} <= licences, text
        assert total == len(items)
        assert (ours_ids <= {f["id"] for f in items}) == (IRON in licences), text
    assert await findings(q="%") == ([], 0)
    page, total = await findings(q=A, limit="1")
    assert len(page) == 1
    assert total >= 2  # the total is the filter's, not the page's

    assert await listed(m, "mines", "licence_no", mineral="萤石") == ([FLUORITE], 1)
    assert await listed(m, "mines", "licence_no", q="萤石矿业") == ([FLUORITE], 1)
    assert await listed(m, "mines", "licence_no", q=B[-6:].lower()) == ([FLUORITE], 1)
    assert await listed(m, "mines", "licence_no", q="C13088120220171200000") == (
        [IRON, FLUORITE],
        2,
    )
    assert await listed(m, "mines", "licence_no", q="_") == ([], 0)
    key_b = {"Authorization": keys["b"]}
    own = await m.client.get(f"{V1}/mines", params={"q": "示意"}, headers=key_b)
    assert [mine["licence_no"] for mine in own.json()["items"]] == [FLUORITE]


def inspection(result: str, licence_no: str = IRON) -> dict[str, Any]:
    ok = result == "compliant"
    return {
        "licence_no": licence_no,
        "inspected_on": "2024-05-20",
        "inspectors": ["insp-1", "insp-2"],
        "items": [{"item": "boundary", "ok": ok}],
        "result": result,
    }


async def test_inspections_and_the_abnormal_list_are_filtered_on_the_server(
    monitoring_both: ServiceUnderTest,
) -> None:
    m = monitoring_both
    await ready(m)
    await fluorite_mine(m)
    await roster(m)
    inspector = m.auth("inspector", user="insp-1@bureau")
    recorded = {}
    for result, licence_no in (("compliant", IRON), ("non_compliant", FLUORITE)):
        r = await m.client.post(
            f"{V1}/inspections", json=inspection(result, licence_no), headers=inspector
        )
        assert r.status_code == 201, r.text
        recorded[result] = r.json()["id"]
    assert await listed(m, "inspections", result="compliant") == ([recorded["compliant"]], 1)
    assert await listed(m, "inspections", result="non_compliant", licence_no=FLUORITE) == (
        [recorded["non_compliant"]],
        1,
    )
    assert await listed(m, "inspections", result="non_compliant", licence_no=IRON) == ([], 0)

    for credit_code in (A, B):
        listed_now = await m.client.post(
            f"{V1}/serious-violations",
            json={"credit_code": credit_code, "reason": "拒不整改（示意）"},
            headers=inspector,
        )
        assert listed_now.status_code == 201, listed_now.text
    serious = {"list": "serious_violation"}  # the deadline job may list them as abnormal too
    assert await listed(m, "abnormal-list", "credit_code", q="萤石", **serious) == ([B], 1)
    assert await listed(m, "abnormal-list", "credit_code", q=A[-6:].lower(), **serious) == (
        [A],
        1,
    )
    both = await listed(m, "abnormal-list", "credit_code", q="示意", **serious)
    assert both == (sorted([A, B]), 2)
    fluorite_only, total = await listed(m, "abnormal-list", "credit_code", q="萤石")
    assert set(fluorite_only) == {B}
    assert total == len(fluorite_only)


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("findings", {"code": "bogus"}, "query.code"),
        ("findings", {"severity": "fatal"}, "query.severity"),
        ("findings", {"q": "示意\x1b"}, "q"),
        ("findings", {"q": "x" * 301}, "query.q"),
        ("findings", {"licence_no": "C" * 24}, "query.licence_no"),
        ("reports", {"licence_no": "C" * 24}, "query.licence_no"),
        ("mines", {"q": "\u202e示意"}, "q"),
        ("mines", {"mineral": "铁\x7f矿"}, "mineral"),
        ("mines", {"mineral": "x" * 61}, "query.mineral"),
        ("inspections", {"result": "fine"}, "query.result"),
        ("abnormal-list", {"q": "示\u2066意"}, "q"),
        ("abnormal-list", {"q": "x" * 301}, "query.q"),
    ],
)
async def test_a_bad_filter_is_422_naming_it(
    monitoring_both: ServiceUnderTest, path: str, params: dict[str, str], field: str
) -> None:
    m = monitoring_both
    r = await m.client.get(f"{V1}/{path}", params=params, headers=m.auth("inspector"))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["field"] == field
