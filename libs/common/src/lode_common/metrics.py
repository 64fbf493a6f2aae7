"""Prometheus metrics, one registry per service (embedded mode runs four in one process).

Served at ``/<service>/metrics``: requests and their latency, the outbox backlog and the
age of its oldest row, consumer lag, dead letters, and the events emitted by type (so
``lode.monitoring.finding.opened`` counts the findings opened).
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

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
