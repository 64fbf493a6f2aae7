"""The compliance view, the map and the SSE stream (resuming with Last-Event-ID)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from lode_common.testing.apps import ServiceUnderTest
from services.reporting.tests.integration.events import (
    SQUARE,
    finding,
    licence,
    output,
    plan_published,
    send,
)

C1 = "C1308812018019900000001"
C2 = "C1308812018019900000002"


async def test_compliance_groups_open_findings_by_kind_with_their_history(
    reporting_both: ServiceUnderTest,
) -> None:
    r = reporting_both
    await send(r, plan_published(), licence(C1), licence(C2))
    await send(r, finding("f-1", C1), finding("f-2", C1, code="over_capacity"))
    await send(r, finding("f-3", C2))
    await send(r, finding("f-3", C2, "closed"))
    body = (
        await r.client.get(
            "/reporting/v1/compliance", params={"year": 2022}, headers=r.auth("viewer")
        )
    ).json()
    assert body["kinds"] == [
        {"code": "over_capacity", "open_findings": 1, "licence_nos": [C1]},
        {"code": "three_rates_below_standard", "open_findings": 1, "licence_nos": [C1]},
    ]
    [mine] = body["mines"]
    assert mine["licence_no"] == C1
    assert mine["mineral"] == "铁矿"
    assert [f["finding_id"] for f in mine["open_findings"]] == ["f-2", "f-1"]
    await send(r, finding("f-4", C2, code="over_capacity"))
    body = (await r.client.get("/reporting/v1/compliance", headers=r.auth("viewer"))).json()
    other = next(m for m in body["mines"] if m["licence_no"] == C2)
    [closed] = other["closed_findings"]
    assert [h["status"] for h in closed["history"]] == ["open", "closed"]
    assert closed["history"][1]["closed_by"] == "inspector-1"


async def test_three_rate_compliance_counts_open_findings_of_the_year(
    reporting: ServiceUnderTest,
) -> None:
    await send(reporting, plan_published(), licence(C1), licence(C2))
    await send(reporting, output("r1", C1), output("r2", C2), finding("f-1", C1))
    body = (
        await reporting.client.get(
            "/reporting/v1/indicators", params={"year": 2022}, headers=reporting.auth("viewer")
        )
    ).json()
    rates = next(i for i in body["items"] if i["id"] == "three_rates_compliance")
    assert (rates["actual"], rates["status"], rates["target_text"]) == (50, "not_met", "≥100")
    await send(reporting, finding("f-1", C1, "closed"))
    body = (
        await reporting.client.get(
            "/reporting/v1/indicators", params={"year": 2022}, headers=reporting.auth("viewer")
        )
    ).json()
    rates = next(i for i in body["items"] if i["id"] == "three_rates_compliance")
    assert (rates["actual"], rates["status"]) == (100, "met")


async def test_the_map_has_zones_and_licence_areas(reporting: ServiceUnderTest) -> None:
    from lode_common.events import catalog

    zone = catalog.ZoneCreated(
        zone_id="z-1",
        plan_id="pingquan-2021-2025",
        type="mining_block",
        code="KC01",
        name_zh="开采规划区块（示意）",
        version=1,
        geometry=SQUARE,
        illustrative=True,
    ).envelope("z-1")
    retired = catalog.ZoneRetired(
        zone_id="z-2",
        plan_id="pingquan-2021-2025",
        type="mining_block",
        code="KC02",
        name_zh="已撤销",
        version=1,
        geometry=SQUARE,
    ).envelope("z-2")
    await send(reporting, plan_published(), zone, retired, licence(C1))
    r = await reporting.client.get("/reporting/v1/map", headers=reporting.auth("planner"))
    assert r.status_code == 200
    body = r.json()
    assert body["type"] == "FeatureCollection"
    kinds = [(f["properties"]["kind"], f["properties"].get("code")) for f in body["features"]]
    assert kinds == [("zone", "KC01"), ("licence", None)]
    props = body["features"][1]["properties"]
    assert props["licence_no"] == C1
    assert props["holder_name"] == "平泉示意矿业有限公司"
    assert (props["status"], props["scale"], props["right_type"]) == ("active", "medium", "mining")


# --- the SSE stream ---------------------------------------------------------------------------
async def read_stream(
    service: ServiceUnderTest, headers: dict[str, str], count: int
) -> tuple[int, list[dict[str, Any]]]:
    """Call the stream as a browser would (the ASGI app directly, so the body can be read
    while it is still open), collect ``count`` events, then disconnect."""
    frames: list[dict[str, Any]] = []
    status: list[int] = []
    done = asyncio.Event()
    buffer = ""
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/reporting/v1/stream",
        "raw_path": b"/reporting/v1/stream",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"lode.test"), *raw],
        "client": ("127.0.0.1", 1234),
        "server": ("lode.test", 80),
    }
    sent_request = False

    async def receive() -> dict[str, Any]:
        nonlocal sent_request
        if not sent_request:
            sent_request = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send_(message: dict[str, Any]) -> None:
        nonlocal buffer
        if message["type"] == "http.response.start":
            status.append(message["status"])
            if message["status"] != 200:
                done.set()
            return
        buffer += message.get("body", b"").decode()
        while "\r\n\r\n" in buffer or "\n\n" in buffer:
            sep = "\r\n\r\n" if "\r\n\r\n" in buffer else "\n\n"
            block, buffer = buffer.split(sep, 1)
            frame: dict[str, Any] = {}
            for line in block.replace("\r\n", "\n").split("\n"):
                if line and not line.startswith(":"):
                    key, _, value = line.partition(":")
                    frame[key] = value[1:] if value.startswith(" ") else value
            if "id" in frame:
                frames.append(frame)
                if len(frames) >= count:
                    done.set()
                    return

    await asyncio.wait_for(service.app(scope, receive, send_), timeout=30)
    return status[0], frames


async def test_stream_sends_each_event_and_resumes_after_last_event_id(
    reporting_both: ServiceUnderTest,
) -> None:
    r = reporting_both
    first = licence(C1)
    await send(r, plan_published())
    await send(r, first)  # topics are consumed independently: one after the other
    headers = {**r.auth("viewer"), "Accept": "text/event-stream"}
    reader = asyncio.create_task(read_stream(r, headers, 2))
    await asyncio.sleep(0.2)  # connected at the end of the journal: only new events come
    live = [output("r1", C1), finding("f-1", C1)]
    await send(r, *live)
    status, frames = await reader
    assert status == 200
    assert [f["id"] for f in frames] == [e.id for e in live]
    assert [f["event"] for f in frames] == [e.type for e in live]
    envelope = json.loads(frames[0]["data"])
    assert envelope["subject"] == C1
    assert envelope["data"]["licence_no"] == C1

    status, resumed = await read_stream(r, {**headers, "Last-Event-ID": first.id}, 2)
    assert [f["id"] for f in resumed] == [e.id for e in live]


async def test_stream_needs_the_event_stream_media_type_and_a_known_last_event_id(
    reporting: ServiceUnderTest,
) -> None:
    await send(reporting, plan_published())
    r = await reporting.client.get(
        "/reporting/v1/stream", headers={**reporting.auth("viewer"), "Accept": "application/json"}
    )
    assert r.status_code == 406
    assert r.json()["errors"][0]["field"] == "Accept"
    r = await reporting.client.get(
        "/reporting/v1/stream",
        headers={
            **reporting.auth("viewer"),
            "Accept": "text/event-stream",
            "Last-Event-ID": "no-such-event",
        },
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "Last-Event-ID"
