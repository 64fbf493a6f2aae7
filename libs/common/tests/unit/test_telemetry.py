"""Tracing across HTTP and the bus (lode_common.telemetry), with the SDK's in-memory exporter;
and the events-emitted metric the outbox keeps."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from cloudevents.core.formats.json import JSONFormat
from fastapi import FastAPI, Request
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from prometheus_client.parser import text_string_to_metric_families

from lode_common import telemetry
from lode_common.events.envelope import Envelope
from lode_common.metrics import ServiceMetrics, count_emitted
from lode_common.testing import eventually

from .conftest import Service

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
PARENT_SPAN = "b7ad6b7169203331"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_SPAN}-01"


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    telemetry.add_span_processor(SimpleSpanProcessor(exporter))
    try:
        yield exporter
    finally:
        telemetry.shutdown()


def named(exporter: InMemorySpanExporter, kind: SpanKind) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.kind == kind]


def hex_trace(span: ReadableSpan) -> str:
    assert span.context is not None
    return f"{span.context.trace_id:032x}"


# --- configuration --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"},
        {"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"},
    ],
)
def test_without_an_endpoint_or_when_disabled_tracing_stays_off(
    environ: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(telemetry, "_state", telemetry._State())
    assert telemetry.configure_from_env(environ) is False
    assert not telemetry.tracing_enabled()
    assert telemetry.current_traceparent() is None
    assert telemetry.trace_extensions() == {}


def test_an_otlp_endpoint_turns_tracing_on_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telemetry, "_state", telemetry._State())
    environ = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}
    try:
        assert telemetry.configure_from_env(environ) is True
        assert telemetry.tracing_enabled()
        assert len(telemetry._state.processors) == 1
        assert telemetry.configure_from_env(environ) is True  # read once per process
        assert len(telemetry._state.processors) == 1
        resource = telemetry.tracer("licensing").resource  # type: ignore[attr-defined]
        assert resource.attributes["service.name"] == "lode-licensing"
    finally:
        telemetry.shutdown()


# --- HTTP and the bus in one service --------------------------------------------------------
async def test_tracing_off_leaves_envelopes_without_trace_context(service: Service) -> None:
    assert not telemetry.tracing_enabled()
    r = await service.client.post(
        "/zoning/v1/probe/things/off-1", headers={"traceparent": TRACEPARENT}
    )
    assert r.status_code == 201
    await eventually(lambda: _handled(service, "off-1"), timeout_s=5, what="the event handled")
    envelope = next(e for e in service.handled if e.subject == "off-1")
    assert envelope.traceparent is None
    assert "traceparent" not in json.loads(envelope.to_json())


async def _handled(service: Service, subject: str) -> bool:
    return any(e.subject == subject for e in service.handled)


async def test_a_request_and_the_handler_of_its_event_share_one_trace(
    service: Service, spans: InMemorySpanExporter
) -> None:
    r = await service.client.post(
        "/zoning/v1/probe/things/t-1",
        headers={"traceparent": TRACEPARENT, "tracestate": "lode=1"},
    )
    assert r.status_code == 201
    await eventually(lambda: _handled(service, "t-1"), timeout_s=5, what="the event handled")

    server = next(
        s
        for s in named(spans, SpanKind.SERVER)
        if s.name == "POST /zoning/v1/probe/things/{thing_id}"
    )
    assert hex_trace(server) == TRACE_ID
    assert server.parent is not None
    assert f"{server.parent.span_id:016x}" == PARENT_SPAN  # the caller's span
    assert server.attributes is not None
    assert server.attributes["http.response.status_code"] == 201
    assert server.attributes["http.route"] == "/zoning/v1/probe/things/{thing_id}"
    assert server.resource.attributes["service.name"] == "lode-zoning"

    # The event carries the server span as the CloudEvents tracing extension ...
    envelope = next(e for e in service.handled if e.subject == "t-1")
    assert server.context is not None
    assert envelope.traceparent == f"00-{TRACE_ID}-{server.context.span_id:016x}-01"
    assert (envelope.model_extra or {}).get("tracestate") == "lode=1"
    event = JSONFormat().read(None, envelope.to_json())  # still a valid CloudEvent
    assert event.get_extension("traceparent") == envelope.traceparent
    assert event.get_extension("tracestate") == "lode=1"

    # ... and the consumer's handler runs in a span that is its child.
    await eventually(
        lambda: _async(bool(named(spans, SpanKind.CONSUMER))), timeout_s=5, what="the consumer span"
    )
    consumer = named(spans, SpanKind.CONSUMER)[0]
    assert consumer.name == "lode.licensing.application.forwarded process"
    assert hex_trace(consumer) == TRACE_ID
    assert consumer.parent is not None
    assert consumer.parent.span_id == server.context.span_id
    assert consumer.attributes is not None
    assert consumer.attributes["messaging.message.id"] == envelope.id


async def _async(value: bool) -> bool:
    return value


async def test_a_failing_request_marks_its_span_as_an_error(
    service: Service, spans: InMemorySpanExporter, quiet_logs: None
) -> None:
    async with service.client_seeing_500s() as client:
        r = await client.get("/zoning/v1/probe/boom")
    assert r.status_code == 500
    server = next(s for s in named(spans, SpanKind.SERVER) if s.name.endswith("/boom"))
    assert server.status.status_code == StatusCode.ERROR


async def test_httpx_requests_carry_the_current_trace(spans: InMemorySpanExporter) -> None:
    seen: dict[str, str] = {}
    peer = FastAPI()

    @peer.get("/peer")
    async def echo(request: Request) -> dict[str, str]:
        seen.update(request.headers)
        return {}

    with telemetry.tracer("licensing").start_as_current_span("outer") as outer:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=peer), base_url="http://zoning"
        ) as client:
            await client.get("/peer")
    client_span = named(spans, SpanKind.CLIENT)[0]
    assert client_span.parent is not None
    assert client_span.parent.span_id == outer.get_span_context().span_id
    assert client_span.context is not None
    trace_id = f"{outer.get_span_context().trace_id:032x}"
    version, sent_trace, sent_span, flags = seen["traceparent"].split("-")
    span_id = f"{client_span.context.span_id:016x}"
    assert (version, sent_trace, sent_span) == ("00", trace_id, span_id)
    assert int(flags, 16) & 0x01, "sampled"


async def test_logs_inside_a_request_carry_its_trace_id(
    service: Service, spans: InMemorySpanExporter
) -> None:
    import structlog.testing

    with structlog.testing.capture_logs(
        processors=[structlog.contextvars.merge_contextvars]
    ) as logs:
        r = await service.client.get("/zoning/v1/probe/log", headers={"traceparent": TRACEPARENT})
    assert r.status_code == 200
    probe = next(entry for entry in logs if entry["event"] == "probe handled")
    assert probe["trace_id"] == TRACE_ID
    assert len(probe["span_id"]) == 16


def test_envelope_context_reads_the_extension_attributes() -> None:
    envelope = Envelope.model_validate(
        {
            "id": "e-1",
            "source": "lode/licensing",
            "type": "lode.licensing.application.forwarded.v1",
            "subject": "a-1",
            "time": "2026-03-01T08:00:00Z",
            "traceparent": TRACEPARENT,
            "tracestate": "lode=1",
            "data": {"application_id": "a-1"},
        }
    )
    from opentelemetry import trace

    ctx = trace.get_current_span(telemetry.envelope_context(envelope)).get_span_context()
    assert f"{ctx.trace_id:032x}" == TRACE_ID
    assert ctx.trace_state.to_header() == "lode=1"
    invalid = envelope.model_copy(update={"traceparent": "not-a-traceparent"})
    parent = trace.get_current_span(telemetry.envelope_context(invalid))
    assert not parent.get_span_context().is_valid


# --- the events-emitted metric -----------------------------------------------------------
def _emitted(metrics: ServiceMetrics) -> dict[str, float]:
    families = text_string_to_metric_families(metrics.render().decode())
    return {
        sample.labels["type"]: sample.value
        for family in families
        if family.name == "lode_events_emitted"
        for sample in family.samples
        if sample.name == "lode_events_emitted_total"
    }


async def test_committed_events_are_counted_by_type_in_their_service(service: Service) -> None:
    kind = "lode.licensing.application.forwarded.v1"
    licensing, zoning = ServiceMetrics("licensing"), ServiceMetrics("zoning")
    before = _emitted(licensing).get(kind, 0)
    r = await service.client.post("/zoning/v1/probe/things/m-1")
    assert r.status_code == 201
    assert _emitted(licensing)[kind] == before + 1  # the type's service: lode.licensing.…
    assert kind not in _emitted(zoning)
    count_emitted(["lode.monitoring.finding.opened.v1"])
    assert _emitted(ServiceMetrics("monitoring"))["lode.monitoring.finding.opened.v1"] >= 1


async def test_a_rolled_back_unit_of_work_counts_nothing(service: Service) -> None:
    from lode_common.events.catalog import ApplicationForwarded

    kind = "lode.licensing.application.forwarded.v1"
    before = _emitted(ServiceMetrics("licensing")).get(kind, 0)
    async with service.runtime.uow() as uow:
        uow.emit(ApplicationForwarded(application_id="rb-1"), "rb-1")
        await uow.rollback()
        await uow.commit()  # nothing pending any more
    async with service.runtime.uow() as uow:
        uow.emit(ApplicationForwarded(application_id="rb-2"), "rb-2")
    assert _emitted(ServiceMetrics("licensing")).get(kind, 0) == before
