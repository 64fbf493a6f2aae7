"""Distributed tracing (OpenTelemetry): one application followed across HTTP and the bus.

* HTTP in: :class:`lode_common.http.RequestContextMiddleware` opens a server span, the child
  of the request's W3C ``traceparent``/``tracestate`` headers when it has them.
* HTTP out: :func:`instrument_httpx` makes every ``httpx.AsyncClient`` request a client span
  and sends its ``traceparent`` (licensing asking zoning and the province).
* The bus: an event staged in the outbox carries the current context as the CloudEvents
  extension attributes ``traceparent`` and ``tracestate`` (the Distributed Tracing
  extension); the inbox runs each handler in a consumer span, the child of that context.
  Events a handler emits carry the handler's span, so the chain goes on.

Configuration is the standard ``OTEL_*`` environment: ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) turns tracing on with an OTLP/HTTP exporter;
``OTEL_SDK_DISABLED=true`` or ``OTEL_TRACES_EXPORTER=none`` (or no endpoint) leaves it off,
where every hook here is one boolean test and envelopes are exactly as without tracing.
Sampling follows ``OTEL_TRACES_SAMPLER`` (default: parent-based, always on).

Each service has its own tracer provider whose resource says ``service.name=lode-<service>``:
embedded mode runs the four in one process and its spans still name the right service.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import structlog
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.trace import Link, Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

if TYPE_CHECKING:
    from lode_common.events.envelope import Envelope

SERVICE_NAME_PREFIX = "lode-"
INSTRUMENTATION = "lode_common"

_propagator = TraceContextTextMapPropagator()
_service: ContextVar[str | None] = ContextVar("lode_trace_service", default=None)


class _State:
    def __init__(self) -> None:
        self.enabled = False
        self.env_read = False
        self.processors: list[SpanProcessor] = []
        self.providers: dict[str, TracerProvider] = {}


_state = _State()


# --- switching on and off ------------------------------------------------------------------
def configure_from_env(environ: Mapping[str, str] | None = None) -> bool:
    """Turn tracing on if the ``OTEL_*`` environment asks for an exporter (once per process;
    every service's app calls this). Returns whether tracing is on."""
    if _state.env_read:
        return _state.enabled
    _state.env_read = True
    env = os.environ if environ is None else environ
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return _state.enabled
    if env.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() == "none":
        return _state.enabled
    endpoint = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or env.get(
        "OTEL_EXPORTER_OTLP_ENDPOINT"
    )
    if not endpoint:
        return _state.enabled
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))  # reads the OTEL_* variables
    return True


def add_span_processor(processor: SpanProcessor) -> None:
    """Send every service's spans to ``processor`` (an exporter's); turns tracing on."""
    _state.processors.append(processor)
    for provider in _state.providers.values():
        provider.add_span_processor(processor)
    _state.enabled = True
    instrument_httpx()


def shutdown() -> None:
    """Flush and drop every provider; tracing is off again (process exit, tests)."""
    for provider in _state.providers.values():
        provider.shutdown()
    _state.providers.clear()
    _state.processors.clear()
    _state.enabled = False


def tracing_enabled() -> bool:
    return _state.enabled


def tracer(service: str) -> trace.Tracer:
    """The tracer of one service (its provider made on first use)."""
    provider = _state.providers.get(service)
    if provider is None:
        provider = TracerProvider(
            resource=Resource.create({"service.name": f"{SERVICE_NAME_PREFIX}{service}"})
        )
        for processor in _state.processors:
            provider.add_span_processor(processor)
        _state.providers[service] = provider
    return provider.get_tracer(INSTRUMENTATION)


# --- the W3C trace context --------------------------------------------------------------------
def current_traceparent() -> str | None:
    """The current span as a W3C ``traceparent``; None when tracing is off or no span."""
    if not _state.enabled:
        return None
    ctx = trace.get_current_span().get_span_context()
    if not ctx.is_valid:
        return None
    return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{int(ctx.trace_flags):02x}"


def current_tracestate() -> str | None:
    if not _state.enabled:
        return None
    state = trace.get_current_span().get_span_context().trace_state
    header = state.to_header() if state else ""
    return header or None


def extract(traceparent: str | None, tracestate: str | None = None) -> otel_context.Context:
    """A context whose remote parent is ``traceparent`` (an empty one if it is not valid)."""
    carrier = {"traceparent": traceparent or ""}
    if tracestate:
        carrier["tracestate"] = tracestate
    return _propagator.extract(carrier)


def envelope_context(envelope: Envelope) -> otel_context.Context:
    extra = envelope.model_extra or {}
    state = extra.get("tracestate")
    return extract(envelope.traceparent, state if isinstance(state, str) else None)


def _log_ids(span: Span) -> dict[str, str]:
    """``trace_id`` and ``span_id`` for the structured logs written inside ``span``."""
    ctx = span.get_span_context()
    return {"trace_id": f"{ctx.trace_id:032x}", "span_id": f"{ctx.span_id:016x}"}


# --- HTTP server --------------------------------------------------------------------------
@contextlib.contextmanager
def server_span(service: str, scope: Mapping[str, Any]) -> Iterator[Span]:
    """A server span for one ASGI request, the child of its ``traceparent`` header. Its name
    becomes ``METHOD /route/template`` once the route is known (:func:`finish_server_span`)."""
    headers = {
        k.decode("latin-1"): v.decode("latin-1")
        for k, v in scope.get("headers") or ()
        if k in (b"traceparent", b"tracestate")
    }
    parent = extract(headers.get("traceparent"), headers.get("tracestate"))
    method = str(scope.get("method", "GET"))
    token = _service.set(service)
    try:
        with (
            tracer(service).start_as_current_span(
                method,
                context=parent,
                kind=SpanKind.SERVER,
                attributes={"http.request.method": method, "url.path": str(scope.get("path", ""))},
                record_exception=True,
                set_status_on_exception=True,
            ) as span,
            structlog.contextvars.bound_contextvars(**_log_ids(span)),
        ):
            yield span
    finally:
        _service.reset(token)


def finish_server_span(span: Span, method: str, route: str, status: int) -> None:
    span.update_name(f"{method} {route}")
    span.set_attribute("http.route", route)
    span.set_attribute("http.response.status_code", status)
    if status >= 500:
        span.set_status(Status(StatusCode.ERROR))


# --- HTTP client --------------------------------------------------------------------------
_httpx_instrumented = False


def instrument_httpx() -> None:
    """Every ``httpx.AsyncClient`` request made inside a trace (a request being served, an
    event being handled) becomes a client span and carries its ``traceparent``/``tracestate``
    (any transport, in-process ASGI included). Requests outside any trace go as they are,
    headers untouched. Idempotent; with tracing off a request costs one boolean test more."""
    global _httpx_instrumented
    if _httpx_instrumented:
        return
    import httpx

    original = httpx.AsyncClient.send

    async def send(self: httpx.AsyncClient, request: httpx.Request, **kwargs: Any) -> Any:
        if not _state.enabled or not trace.get_current_span().get_span_context().is_valid:
            return await original(self, request, **kwargs)
        service = _service.get() or "lode"
        with tracer(service).start_as_current_span(
            request.method,
            kind=SpanKind.CLIENT,
            attributes={
                "http.request.method": request.method,
                "url.full": str(request.url.copy_with(query=None)),
                "server.address": request.url.host,
            },
        ) as span:
            carrier: dict[str, str] = {}
            _propagator.inject(carrier)
            request.headers.update(carrier)
            response = await original(self, request, **kwargs)
            span.set_attribute("http.response.status_code", response.status_code)
            if response.status_code >= 500:
                span.set_status(Status(StatusCode.ERROR))
            return response

    httpx.AsyncClient.send = send  # type: ignore[method-assign]
    _httpx_instrumented = True


# --- the bus ------------------------------------------------------------------------------
def trace_extensions() -> dict[str, str]:
    """The CloudEvents Distributed Tracing extension attributes of the current context
    (empty with tracing off)."""
    parent = current_traceparent()
    if parent is None:
        return {}
    state = current_tracestate()
    return {"traceparent": parent, **({"tracestate": state} if state else {})}


@contextlib.contextmanager
def consumer_span(service: str, envelopes: Sequence[Envelope]) -> Iterator[Span]:
    """A consumer span around a handler: the child of the (first) event's trace context,
    linked to the others' when one handler takes a run of events."""
    first, rest = envelopes[0], envelopes[1:]
    parent = envelope_context(first)
    links = []
    for other in rest:
        ctx = trace.get_current_span(envelope_context(other)).get_span_context()
        if ctx.is_valid:
            links.append(Link(ctx))
    token = _service.set(service)
    try:
        with (
            tracer(service).start_as_current_span(
                f"{first.base_type} process",
                context=parent,
                kind=SpanKind.CONSUMER,
                links=links,
                attributes={
                    "messaging.system": "lode",
                    "messaging.operation.type": "process",
                    "messaging.destination.name": first.topic,
                    "messaging.message.id": first.id,
                    "messaging.batch.message_count": len(envelopes),
                    "cloudevents.event_type": first.type,
                    "cloudevents.event_subject": first.subject,
                },
                record_exception=True,
                set_status_on_exception=True,
            ) as span,
            structlog.contextvars.bound_contextvars(**_log_ids(span)),
        ):
            yield span
    finally:
        _service.reset(token)
