"""Statistics of the read models: licences by status, mineral and scale; output by mineral."""

from __future__ import annotations

from lode_common.testing.apps import ServiceUnderTest
from services.reporting.tests.integration.events import licence, output, plan_published, send

C1 = "C1308812018019900000001"
C2 = "C1308812018019900000002"
C3 = "C1308812018019900000003"


async def test_licences_are_counted_as_they_stand_and_output_summed_by_mineral(
    reporting_both: ServiceUnderTest,
) -> None:
    service = reporting_both
    viewer = service.auth("viewer")
    await send(
        service,
        plan_published(),
        licence(C1, scale="medium"),
        licence(C2, scale="small"),
        licence(C3, mineral="建筑石料用灰岩", scale="small"),
        output("r1", C1, year=2022, concentrate="30", ore="100"),
        output("r2", C2, year=2022, concentrate="12.5", ore="40"),
        output("r3", C3, year=2022, concentrate="0", ore="55"),
    )
    await send(service, licence(C2, "suspended", status="suspended", scale="small"))

    summary = await service.client.get("/reporting/v1/licences/summary", headers=viewer)
    assert summary.status_code == 200, summary.text
    body = summary.json()
    assert body["total"] == 3
    assert body["by_status"] == {"active": 2, "suspended": 1}
    assert body["by_scale"] == {"medium": 1, "small": 2}
    assert {(g["mineral"], g["status"], g["scale"], g["count"]) for g in body["groups"]} == {
        ("铁矿", "active", "medium", 1),
        ("铁矿", "suspended", "small", 1),
        ("建筑石料用灰岩", "active", "small", 1),
    }
    active = await service.client.get(
        "/reporting/v1/licences/summary", params={"status": "active"}, headers=viewer
    )
    assert active.json()["total"] == 2

    year = await service.client.get("/reporting/v1/output", params={"year": 2022}, headers=viewer)
    assert year.status_code == 200, year.text
    minerals = {m["mineral"]: m for m in year.json()["minerals"]}
    assert minerals["铁矿"]["mines"] == 2
    assert minerals["铁矿"]["ore_mined_10kt"] == 140
    assert minerals["铁矿"]["products"][0]["output_10kt"] == 42.5
    assert minerals["建筑石料用灰岩"]["ore_mined_10kt"] == 55
    assert year.json()["total_ore_mined_10kt"] == 195

    await send(service, output("r1", C1, year=2022, version=2, concentrate="20", ore="80"))
    corrected = await service.client.get(
        "/reporting/v1/output", params={"year": 2022}, headers=viewer
    )
    assert {m["mineral"]: m["ore_mined_10kt"] for m in corrected.json()["minerals"]}["铁矿"] == 120


async def test_the_statistics_refuse_bad_filters_and_mines(reporting: ServiceUnderTest) -> None:
    await send(reporting, plan_published())
    viewer = reporting.auth("viewer")
    for path, params, field in (
        ("/reporting/v1/licences/summary", {"status": "lost"}, "status"),
        ("/reporting/v1/output", {"year": 2019}, "year"),
        ("/reporting/v1/output", {}, "year"),
    ):
        r = await reporting.client.get(path, params=params, headers=viewer)
        assert r.status_code == 422, r.text
        assert field in r.text
    mine = reporting.auth("mine", enterprise="91130881MA0A000007")
    for path in ("/reporting/v1/licences/summary", "/reporting/v1/output?year=2022"):
        assert (await reporting.client.get(path, headers=mine)).status_code == 403
