"""Prometheus metrics, one registry per service (embedded mode runs four in one process).

Served at ``/<service>/metrics``: requests and their latency, the outbox backlog and the
age of its oldest row, consumer lag, dead letters, and the events emitted by type (so
``lode.monitoring.finding.opened`` counts the findings opened). They are business figures:
:func:`allowed` says who may read them.
"""

from __future__ import annotations

import hmac
from collections import Counter as Tally
from collections.abc import Iterable, Iterator

from fastapi import Request
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from lode_common.errors import Forbidden, Unauthorized

# (service, event type) -> events committed to an outbox in this process. Process-wide,
# because the code that stages an event knows its type (lode.<service>.…), not a registry;
# each service's registry exposes its own share.
_EMITTED: Tally[tuple[str, str]] = Tally()


def count_emitted(event_types: Iterable[str]) -> None:
    """Events of these types were committed to an outbox (called by the outbox)."""
    for event_type in event_types:
        _EMITTED[(event_type.split(".", 2)[1], event_type)] += 1


class _EmittedCollector(Collector):
    def __init__(self, service: str) -> None:
        self.service = service

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "lode_events_emitted",
            "Events committed to the outbox, by CloudEvents type",
            labels=["service", "type"],
        )
        for (service, event_type), count in sorted(_EMITTED.items()):
            if service == self.service:
                family.add_metric([service, event_type], count)
        yield family


class ServiceMetrics:
    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "lode_http_requests_total",
            "HTTP requests answered",
            ["service", "method", "route", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "lode_http_request_duration_seconds",
            "HTTP request latency",
            ["service", "method", "route"],
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=r,
        )
        self.outbox_backlog = Gauge(
            "lode_outbox_backlog", "Outbox rows not yet published", ["service"], registry=r
        )
        self.outbox_oldest_age = Gauge(
            "lode_outbox_oldest_age_seconds",
            "Age of the oldest unpublished outbox row",
            ["service"],
            registry=r,
        )
        self.published = Counter(
            "lode_events_published_total", "Events published by the relay", ["service"], registry=r
        )
        self.publish_failures = Counter(
            "lode_relay_publish_failures_total",
            "Relay publish attempts that failed (transport down)",
            ["service"],
            registry=r,
        )
        self.consumed = Counter(
            "lode_events_consumed_total",
            "Events handled by the inbox",
            ["service", "outcome"],
            registry=r,
        )
        self.consumer_lag = Gauge(
            "lode_consumer_lag",
            "Messages not yet consumed",
            ["service", "topic", "partition"],
            registry=r,
        )
        self.dead_letters = Gauge(
            "lode_dead_letters", "Events parked in the dead-letter table", ["service"], registry=r
        )
        self.pruned = Counter(
            "lode_rows_pruned",
            "Rows the retention job deleted (sent outbox, old inbox, old idempotency records)",
            ["service", "table"],
            registry=r,
        )

        r.register(_EmittedCollector(service))

    def render(self) -> bytes:
        return generate_latest(self.registry)


# --- who may read them -------------------------------------------------------------------
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
_FORWARDED = ("x-forwarded-for", "forwarded", "x-real-ip")


def allowed(request: Request, token: str, public: bool) -> None:
    """Who may read ``/<service>/metrics`` (business counters: reports, findings, backlog):
    anyone with ``LODE_METRICS_PUBLIC=1``; a scraper sending ``Authorization: Bearer
    <LODE_METRICS_TOKEN>``; otherwise only a request made on the machine itself (a loopback
    peer, not forwarded by a proxy). Raises 401/403 otherwise."""
    if public:
        return
    sent = request.headers.get("authorization", "")
    scheme, _, credentials = sent.partition(" ")
    if token and scheme.lower() == "bearer":
        if hmac.compare_digest(credentials.strip().encode(), token.encode()):
            return
        raise Unauthorized("This is not the metrics token; send LODE_METRICS_TOKEN.")
    client = request.client.host if request.client else ""
    forwarded = any(header in request.headers for header in _FORWARDED)
    if (client in _LOOPBACK or client.startswith("127.")) and not forwarded:
        return
    if token:
        raise Unauthorized(
            "The metrics need 'Authorization: Bearer <LODE_METRICS_TOKEN>' (the scraper's "
            "token), or a request from the machine itself."
        )
    raise Forbidden(
        "The metrics answer only requests from the machine itself. To scrape them from "
        "elsewhere, set LODE_METRICS_TOKEN and send it as a bearer token (or set "
        "LODE_METRICS_PUBLIC=1 on a closed network)."
    )
