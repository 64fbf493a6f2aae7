"""Exploration results, project progress, and the annual report deadline job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from lode_common.testing.apps import ServiceUnderTest
from lode_monitoring.handlers.deadlines import check_deadlines

from .test_reports import IRON, post, ready, report

pytestmark = pytest.mark.timeout(120)
CST = timezone(timedelta(hours=8))


async def test_project_progress_is_staff_only_and_validated(monitoring: ServiceUnderTest) -> None:
    m = monitoring
    keys = await ready(m)
    ok = await m.client.post(
        "/monitoring/v1/projects/geochem_survey/progress",
        json={"year": 2022, "completed_sheets": 2},
        headers=m.auth("planner"),
    )
    assert ok.status_code == 201, ok.text
    restored = await m.client.post(
        "/monitoring/v1/projects/abandoned_mine_restoration/progress",
        json={"year": 2022, "restored_area_ha": 12.5, "site": "平泉县齐盛矿业有限公司迹地（示意）"},
        headers=m.auth("inspector"),
    )
    assert restored.status_code == 201, restored.text
    assert restored.json()["restored_area_ha"] == 12.5
    unknown = await m.client.post(
        "/monitoring/v1/projects/moon_base/progress",
        json={"year": 2022, "completed_sheets": 1},
        headers=m.auth("planner"),
    )
    assert unknown.status_code == 422
    negative = await m.client.post(
        "/monitoring/v1/projects/geochem_survey/progress",
        json={"year": 2022, "completed_sheets": -1},
        headers=m.auth("planner"),
    )
    assert negative.status_code == 422
    as_mine = await m.client.post(
        "/monitoring/v1/projects/geochem_survey/progress",
        json={"year": 2022, "completed_sheets": 1},
        headers={"Authorization": keys["a"]},
    )
    assert as_mine.status_code == 403
    listed = (
        await m.client.get(
            "/monitoring/v1/projects/geochem_survey/progress", headers=m.auth("viewer")
        )
    ).json()
    assert [i["completed_sheets"] for i in listed["items"]] == [2]
    types = await m.types_published()
    assert types.count("lode.monitoring.project.progress_reported.v1") == 2


async def test_exploration_results_by_staff_and_not_for_others_licences(
    monitoring: ServiceUnderTest,
) -> None:
    m = monitoring
    keys = await ready(m)
    staff = await m.client.post(
        "/monitoring/v1/exploration-results",
        json={"licence_no": None, "year": 2023, "mineral": "钼矿", "new_resources_ore_10kt": 120},
        headers=m.auth("inspector"),
    )
    assert staff.status_code == 201, staff.text
    other = await m.client.post(
        "/monitoring/v1/exploration-results",
        json={"licence_no": IRON, "year": 2023, "mineral": "钼矿", "new_resources_ore_10kt": 1},
        headers={"Authorization": keys["b"]},
    )
    assert other.status_code == 403
    bad = await m.client.post(
        "/monitoring/v1/exploration-results",
        json={"licence_no": None, "year": 2023, "mineral": "钼矿", "new_resources_ore_10kt": -5},
        headers=m.auth("inspector"),
    )
    assert bad.status_code == 422
    types = await m.types_published()
    assert types.count("lode.monitoring.exploration.result_reported.v1") == 1


async def test_the_deadline_is_31_march_china_time_and_a_late_report_closes_it(
    monitoring: ServiceUnderTest,
) -> None:
    m = monitoring
    keys = await ready(m)  # the licence is valid from 2021-01-01
    for year in (2021, 2022):
        assert (await post(m, keys["a"], report(year=year))).status_code == 201
    last_minute = datetime(2024, 3, 31, 23, 59, tzinfo=CST)
    # no reserves report was filed: 2021-2023's, due by 31 January, are missing; no annual one
    assert await check_deadlines(m.runtime, last_minute) == (3, 0)
    before = (
        await m.client.get("/monitoring/v1/findings?status=open", headers=m.auth("inspector"))
    ).json()["items"]
    assert {f["code"] for f in before} == {"reserves_report_missing"}
    just_after = datetime(2024, 4, 1, 0, 0, tzinfo=CST)  # 2024-03-31 16:00 UTC
    assert just_after.astimezone(UTC).day == 31
    assert await check_deadlines(m.runtime, just_after) == (1, 0)
    assert await check_deadlines(m.runtime, just_after) == (0, 0), "opened once"
    missing = (
        await m.client.get("/monitoring/v1/findings?status=open", headers=m.auth("inspector"))
    ).json()["items"]
    assert [(f["code"], f["year"]) for f in missing if f["code"] == "annual_report_missing"] == [
        ("annual_report_missing", 2023)
    ]
    assert (await post(m, keys["a"], report(year=2023))).status_code == 201
    assert await check_deadlines(m.runtime, just_after) == (0, 1)
