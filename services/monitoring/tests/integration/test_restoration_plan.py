"""The licence's restoration plan (复垦方案) reaches the mine replica from licensing's events,
and an annual report behind it opens ``restoration_behind_plan``; a correction closes it."""

from __future__ import annotations

from typing import Any

import pytest

from lode_common.events.catalog import LicenceChanged, RestorationMilestone
from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest

from .test_reports import IRON, iron_licence, post, publish, ready, report

pytestmark = pytest.mark.timeout(120)


def _changed(plan: list[RestorationMilestone], green_mine: bool) -> LicenceChanged:
    return iron_licence(
        LicenceChanged,
        restoration_plan=plan,
        green_mine=green_mine,
        changed=["restoration_plan", "green_mine"],
    )


async def _mine(m: ServiceUnderTest, until: Any) -> dict[str, Any]:
    async def replica() -> dict[str, Any]:
        r = await m.client.get(f"/monitoring/v1/mines/{IRON}", headers=m.auth("viewer"))
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        assert until(body), body
        return body

    return await eventually(
        replica, timeout_s=20, what="the licence's new state to reach the replica"
    )


async def test_a_report_behind_the_plan_opens_the_finding_and_a_correction_closes_it(
    monitoring_both: ServiceUnderTest,
) -> None:
    m = monitoring_both
    keys = await ready(m)
    plan = [
        RestorationMilestone(year=2022, restored_area_ha=2),
        RestorationMilestone(year=2023, restored_area_ha=4),
    ]
    # a later state than the issue: the replica keeps the newest one
    await publish(m, "lode.licensing", IRON, _changed(plan, green_mine=True))
    mine = await _mine(m, lambda b: b["green_mine"])
    assert mine["restoration_plan"] == [
        {"year": 2022, "restored_area_ha": 2},
        {"year": 2023, "restored_area_ha": 4},
    ]

    first = await post(m, keys["a"], report(year=2022, restored_area_ha=2.0))
    assert first.status_code == 201, first.text
    assert first.json()["findings"] == []  # 2 ha of 2 planned: on plan
    behind = await post(m, keys["a"], report(year=2023, restored_area_ha=1.99))
    assert behind.status_code == 201, behind.text
    (finding,) = behind.json()["findings"]
    assert finding["code"] == "restoration_behind_plan"
    assert finding["details"]["cumulative_restored_ha"] == 3.99
    assert finding["details"]["expected_restored_ha"] == 4
    assert "第五章第三节" in finding["standard"]
    opened = await m.client.get("/monitoring/v1/findings?status=open", headers=m.auth("inspector"))
    assert [f["code"] for f in opened.json()["items"]] == ["restoration_behind_plan"]

    fixed = await m.client.put(
        f"/monitoring/v1/reports/{behind.json()['id']}",
        json={"restored_area_ha": 2.0, "reason": "复垦面积漏报更正"},
        headers={"Authorization": keys["a"]},
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["findings"] == []
    findings = await m.client.get("/monitoring/v1/findings", headers=m.auth("inspector"))
    assert [f["status"] for f in findings.json()["items"]] == ["closed"]
    types = await m.types_published()
    assert types.count("lode.monitoring.finding.opened.v1") == 1
    assert types.count("lode.monitoring.finding.closed.v1") == 1


async def test_a_licence_without_a_plan_has_no_restoration_finding(
    monitoring: ServiceUnderTest,
) -> None:
    m = monitoring
    keys = await ready(m)
    r = await post(m, keys["a"], report(year=2023, restored_area_ha=0))
    assert r.status_code == 201, r.text
    assert r.json()["findings"] == []
    mine = await _mine(m, lambda b: True)
    assert mine["restoration_plan"] == []
    assert mine["green_mine"] is False
