"""Prometheus metrics, one registry per service (embedded mode runs four in one process).

Served at ``/<service>/metrics``: requests and their latency, the outbox backlog and the
age of its oldest row, consumer lag, dead letters.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


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

    def render(self) -> bytes:
        return generate_latest(self.registry)
