"""Indicators fed by events: figures, corrections, duplicates, sources, trend, roles."""

from __future__ import annotations

from datetime import date
from typing import Any

from lode_common.testing.apps import ServiceUnderTest
from services.reporting.tests.integration.events import (
    at,
    licence,
    output,
    plan_published,
    progress,
    send,
)

C1 = "C1308812018019900000001"
C2 = "C1308812018019900000002"
C3 = "C1308812021069900000003"


async def indicators(service: ServiceUnderTest, year: int) -> dict[str, Any]:
    r = await service.client.get(
        "/reporting/v1/indicators",
        params={"plan_id": "pingquan-2021-2025", "year": year},
        headers=service.auth("viewer"),
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def item(body: dict[str, Any], indicator_id: str) -> dict[str, Any]:
    return next(i for i in body["items"] if i["id"] == indicator_id)


async def test_indicators_follow_events_and_a_correction_replaces_its_report(
    reporting_both: ServiceUnderTest,
) -> None:
    r = reporting_both
    await send(
        r,
        plan_published(),
        licence(C1, scale="medium"),
        licence(C2, scale="small", mineral="建筑石料"),
        licence(C3, scale="large", valid_from=date(2021, 6, 1), green_mine=True),
        output("rep-1", C1, concentrate="30", grade="64"),
        output("rep-2", C1, year=2021, concentrate="12", grade="61"),  # below 62 %: not counted
        output("rep-3", C2, ore="45.5", concentrate="0"),
        progress("p-1", "abandoned_mine_restoration", 2021, restored_area_ha=8.5, site="示意"),
        progress("p-2", "abandoned_mine_restoration", 2022, restored_area_ha=12, site="示意"),
    )
    body = await indicators(r, 2022)
    ids = [i["id"] for i in body["items"]]
    assert ids[:6] == [
        "geochem_survey_sheets",
        "new_resources_molybdenum_ore",
        "iron_concentrate_output",
        "building_stone_output",
        "large_medium_mine_ratio",
        "historical_restoration_area",
    ]
    assert len(ids) == 12
    iron = item(body, "iron_concentrate_output")
    assert (iron["actual"], iron["target"], iron["unit_zh"]) == (30, 200, "万吨/年")
    assert iron["status"] == "not_met"
    assert iron["clause"].startswith("第二章第三节 专栏2")
    assert item(body, "building_stone_output")["actual"] == 45.5
    assert item(body, "large_medium_mine_ratio")["actual"] == 66.67  # 2 of 3
    assert item(body, "total_mines_cap")["actual"] == 3
    assert item(body, "historical_restoration_area")["actual"] == 20.5
    assert item(body, "abandoned_mine_restoration")["actual"] == 20.5
    assert item(body, "new_mines_green")["actual"] == 100  # C3, licensed 2021, green
    assert item(body, "geochem_survey_sheets")["status"] == "no_data"
    assert body["as_of_position"] == 9
    assert body["as_of"]
    assert (await indicators(r, 2021))["items"][2]["actual"] is None  # 61 % is no concentrate

    correction = output("rep-1", C1, version=2, concentrate="35", grade="64")
    await send(r, correction)
    body = await indicators(r, 2022)
    assert item(body, "iron_concentrate_output")["actual"] == 35
    assert body["as_of_event_id"] == correction.id

    sources = await r.client.get(
        "/reporting/v1/indicators/iron_concentrate_output/sources",
        params={"year": 2022},
        headers=r.auth("planner"),
    )
    assert sources.status_code == 200, sources.text
    assert sources.json()["actual"] == 35
    [source] = sources.json()["items"]
    assert source["event_id"] == correction.id
    assert source["type"] == "lode.monitoring.output.corrected.v1"
    assert (source["licence_no"], source["contribution"]) == (C1, 35)


async def test_a_duplicate_event_counts_once_and_a_late_old_version_is_ignored(
    reporting: ServiceUnderTest,
) -> None:
    first = output("rep-1", C1, concentrate="30")
    await send(reporting, plan_published(), licence(C1), first)
    await send(reporting, output("rep-1", C1, version=2, concentrate="40"))
    await send(reporting, first, expect_new=0)  # redelivered: the inbox skips it
    late = output("rep-1", C1, version=1, concentrate="99")  # another copy of v1, new id
    await send(reporting, late)
    body = await indicators(reporting, 2022)
    assert item(body, "iron_concentrate_output")["actual"] == 40


async def test_mines_are_counted_in_their_state_at_each_year_end(
    reporting: ServiceUnderTest,
) -> None:
    await send(
        reporting,
        plan_published(),
        licence(C1, scale="medium"),
        licence(C2, scale="small"),
        licence(C2, "revoked", status="revoked", scale="small", time=at(2023)),
    )
    trend = await reporting.client.get(
        "/reporting/v1/indicators/total_mines_cap/trend", headers=reporting.auth("inspector")
    )
    assert trend.status_code == 200, trend.text
    body = trend.json()
    assert (body["baseline_2020"], body["baseline_source"], body["target_text"]) == (
        63,
        "plan",
        "≤50",
    )
    assert [(y["year"], y["actual"], y["status"]) for y in body["years"]] == [
        (2021, 2, "met"),
        (2022, 2, "met"),
        (2023, 1, "met"),
        (2024, 1, "met"),
        (2025, 1, "met"),
    ]
    ratio = await reporting.client.get(
        "/reporting/v1/indicators/large_medium_mine_ratio/trend", headers=reporting.auth("viewer")
    )
    assert [y["actual"] for y in ratio.json()["years"]] == [50, 50, 100, 100, 100]


async def test_invalid_requests_name_the_field(reporting: ServiceUnderTest) -> None:
    await send(reporting, plan_published())
    viewer = reporting.auth("viewer")
    r = await reporting.client.get(
        "/reporting/v1/indicators", params={"year": 2031}, headers=viewer
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "year"
    r = await reporting.client.get(
        "/reporting/v1/indicators", params={"year": 2022, "plan_id": "nope"}, headers=viewer
    )
    assert r.status_code == 404
    assert "plan_id" in r.json()["detail"]
    r = await reporting.client.get(
        "/reporting/v1/indicators/nope/sources", params={"year": 2022}, headers=viewer
    )
    assert r.status_code == 404
    assert "indicator_id" in r.json()["detail"]


async def test_a_mine_key_gets_403_everywhere(reporting: ServiceUnderTest) -> None:
    await send(reporting, plan_published(), licence(C1))
    mine = reporting.auth("mine", enterprise="91130881MA0A000007")
    for path in (
        "/reporting/v1/indicators?year=2022",
        "/reporting/v1/indicators/total_mines_cap/trend",
        "/reporting/v1/indicators/total_mines_cap/sources?year=2022",
        "/reporting/v1/compliance",
        "/reporting/v1/map",
        "/reporting/v1/stream",
    ):
        r = await reporting.client.get(path, headers=mine)
        assert r.status_code == 403, (path, r.text)


async def test_the_facts_are_read_once_per_state_of_the_read_models(
    reporting_both: ServiceUnderTest,
) -> None:
    """A dashboard polling the indicators reads the tables only after something changed."""
    from lode_reporting.container import Reporting
    from lode_reporting.queries.facts import snapshot

    service = reporting_both
    reporting = Reporting.of(service.runtime)
    await send(service, plan_published(), licence(C1, scale="medium"))

    async def facts() -> Any:
        async with snapshot(service.runtime.sessions) as session:
            plan = await reporting.plans.require("pingquan-2021-2025", session)
            return await reporting.facts.load(session, plan.document)

    first = await facts()
    assert await facts() is first  # nothing changed: the same facts
    await send(service, output("r1", C1, year=2022, concentrate="30"))
    changed = await facts()
    assert changed is not first
    assert [o.report_id for o in changed.outputs] == ["r1"]
    body = await indicators(service, 2022)
    assert item(body, "iron_concentrate_output")["actual"] == 30


async def test_every_indicator_has_its_name_in_english_beside_the_plans(
    reporting: ServiceUnderTest,
) -> None:
    await send(reporting, plan_published())
    items = (await indicators(reporting, 2022))["items"]
    assert len(items) == 12
    assert all(i["name_zh"] and i["name_en"] and i["definition_en"] for i in items), items
    assert item({"items": items}, "iron_concentrate_output")["name_en"] == (
        "Iron concentrate output (grade ≥ 62 %)"
    )


async def test_an_unchanged_answer_is_a_304_to_a_caller_holding_its_etag(
    reporting_both: ServiceUnderTest,
) -> None:
    service = reporting_both
    viewer = service.auth("viewer")
    await send(service, plan_published(), licence(C1, scale="medium"))
    for path in (
        "/reporting/v1/indicators?year=2022",
        "/reporting/v1/indicators/iron_concentrate_output/sources?year=2022",
    ):
        first = await service.client.get(path, headers=viewer)
        assert first.status_code == 200
        etag = first.headers["etag"]
        assert etag.startswith('W/"')
        again = await service.client.get(path, headers={**viewer, "If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag
    await send(service, output("r9", C1, year=2022, concentrate="5"))
    changed = await service.client.get(
        "/reporting/v1/indicators?year=2022", headers={**viewer, "If-None-Match": etag}
    )
    assert changed.status_code == 200  # a new event: a new answer, a new tag
    assert changed.headers["etag"] != etag
    assert item(changed.json(), "iron_concentrate_output")["actual"] == 5
    mine = service.auth("mine", enterprise="91130881MA0A000007")
    refused = await service.client.get(
        "/reporting/v1/indicators?year=2022",
        headers={**mine, "If-None-Match": changed.headers["etag"]},
    )
    assert refused.status_code == 403  # the tag is no way around the role
