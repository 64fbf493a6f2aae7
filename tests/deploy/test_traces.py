"""One application followed across services in traces, on both runtimes (SQLite + in-process
bus, PostgreSQL + Kafka): the request to licensing, its call to zoning over HTTP, the events
licensing emits, and zoning's handler of the licence it issued share one trace."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from lode_common import telemetry
from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest, services_under_test
from lode_common.testing.examples import AGREEMENT_REVIEW, iron_mine_application, square
from lode_common.testing.plugin import BACKENDS, backend_services
from lode_licensing.bootstrap import build as build_licensing
from lode_licensing.container import Licensing
from lode_licensing.settings import LicensingSettings
from lode_zoning.bootstrap import build as build_zoning
from lode_zoning.settings import ZoningSettings

pytestmark = pytest.mark.timeout(180)

PLAN = "pingquan-2021-2025"
HOLDER = "91130881MA0A000007"
LICENCE_NO = "C1308812026017120000077"
SUBMIT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
DECIDE_TRACE = "5cf92f3577b34da6a3ce929d0e0e4737"


def application() -> dict[str, Any]:
    area = square(118.802, 41.002, 0.005)
    return iron_mine_application("平泉市示意矿业有限公司", HOLDER, area)


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    telemetry.add_span_processor(SimpleSpanProcessor(exporter))
    try:
        yield exporter
    finally:
        telemetry.shutdown()


@pytest.fixture(params=BACKENDS)
async def system(
    request: pytest.FixtureRequest, tmp_path: Path, spans: InMemorySpanExporter
) -> AsyncIterator[dict[str, ServiceUnderTest]]:
    extra = backend_services(request, request.param)

    def wiring(apps: dict[str, FastAPI]) -> dict[str, dict[str, Any]]:
        if "zoning" not in apps:
            return {}
        return {"licensing": {"zoning_http": httpx.ASGITransport(app=apps["zoning"])}}

    async with services_under_test(
        {
            "zoning": (build_zoning, ZoningSettings),
            "licensing": (build_licensing, LicensingSettings),
        },
        backend=request.param,
        tmp_path=tmp_path,
        wiring=wiring,
        **extra,
    ) as services:
        await eventually(
            lambda: _plan_known(services["licensing"]),
            timeout_s=60,
            what="the plan reaches licensing",
        )
        yield services


async def _plan_known(licensing: ServiceUnderTest) -> bool:
    service = Licensing.of(licensing.runtime)
    return await service.plans.in_force(PLAN) is not None


def traceparent(trace_id: str) -> dict[str, str]:
    return {"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"}


def trace_of(span: ReadableSpan) -> str:
    assert span.context is not None
    return f"{span.context.trace_id:032x}"


def service_of(span: ReadableSpan) -> str:
    return str(span.resource.attributes["service.name"])


async def test_an_application_is_one_trace_across_http_the_bus_and_services(
    system: dict[str, ServiceUnderTest], spans: InMemorySpanExporter
) -> None:
    zoning, licensing = system["zoning"], system["licensing"]
    zone = await zoning.client.post(
        "/zoning/v1/zones",
        headers=zoning.auth("planner"),
        json={
            "type": "Feature",
            "geometry": square(118.80, 41.00, 0.02),
            "properties": {
                "plan_id": PLAN,
                "type": "mining_block",
                "code": "T-01",
                "name_zh": "示意T-01",
                "minerals": ["铁矿"],
            },
        },
    )
    assert zone.status_code == 201, zone.text

    submitted = await licensing.client.post(
        "/licensing/v1/applications",
        json=application(),
        headers={**licensing.auth("licensing_officer"), **traceparent(SUBMIT_TRACE)},
    )
    assert submitted.status_code == 201, submitted.text
    assert submitted.json()["status"] == "checked"

    # HTTP: licensing's check asked zoning inside the submit request's trace.
    zoning_served = [
        s
        for s in spans.get_finished_spans()
        if s.kind == SpanKind.SERVER and service_of(s) == "lode-zoning"
    ]
    assert any(trace_of(s) == SUBMIT_TRACE for s in zoning_served), [
        (s.name, trace_of(s)) for s in zoning_served
    ]
    calls = [
        s
        for s in spans.get_finished_spans()
        if s.kind == SpanKind.CLIENT and trace_of(s) == SUBMIT_TRACE
    ]
    assert calls
    assert all(service_of(s) == "lode-licensing" for s in calls)

    reviewed = await licensing.client.post(
        f"/licensing/v1/applications/{submitted.json()['id']}/review",
        headers=licensing.auth("licensing_officer"),
        json=AGREEMENT_REVIEW,
    )
    assert reviewed.status_code == 200, reviewed.text
    decided = await licensing.client.post(
        f"/licensing/v1/applications/{submitted.json()['id']}/decision",
        headers={**licensing.auth("licensing_officer"), **traceparent(DECIDE_TRACE)},
        json={
            "decision": "approved",
            "licence_no": LICENCE_NO,
            "valid_from": "2026-12-01",
            "valid_to": "2036-11-30",
            "reason": "本地审批通过",
        },
    )
    assert decided.status_code == 200, decided.text

    # The bus: every event carries its request's trace as the CloudEvents extension.
    published = {e.type: e for e in await licensing.published()}
    for event_type, trace_id in (
        ("lode.licensing.application.submitted.v1", SUBMIT_TRACE),
        ("lode.licensing.licence.issued.v1", DECIDE_TRACE),
    ):
        parent = published[event_type].traceparent
        assert parent is not None, event_type
        assert parent.split("-")[1] == trace_id, event_type
    issued = published["lode.licensing.licence.issued.v1"]

    # The consumer: zoning's handler of the licence runs in the decision's trace, as the
    # child of the span the event was emitted in ...
    def zoning_handler() -> ReadableSpan | None:
        return next(
            (
                s
                for s in spans.get_finished_spans()
                if s.kind == SpanKind.CONSUMER
                and service_of(s) == "lode-zoning"
                and (s.attributes or {}).get("messaging.message.id") == issued.id
            ),
            None,
        )

    async def handled() -> bool:
        return zoning_handler() is not None

    await eventually(handled, timeout_s=60, what="zoning handles the licence")
    handler = zoning_handler()
    assert handler is not None
    assert handler.name == "lode.licensing.licence.issued process"
    assert trace_of(handler) == DECIDE_TRACE
    assert handler.parent is not None
    assert f"{handler.parent.span_id:016x}" == (issued.traceparent or "").split("-")[2]

    # ... and what zoning emits in turn carries the same trace on.
    async def holder_assigned() -> bool:
        return any(e.type.endswith("block.holder_assigned.v1") for e in await zoning.published())

    await eventually(holder_assigned, timeout_s=60, what="zoning assigns the block's holder")
    assigned = [e for e in await zoning.published() if e.type.endswith("block.holder_assigned.v1")]
    assert (assigned[-1].traceparent or "").split("-")[1] == DECIDE_TRACE
