"""Prometheus metrics: one registry per service, so four services share one process."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from lode_common.metrics import ServiceMetrics

FAMILIES = {
    "lode_http_requests": "counter",
    "lode_http_request_duration_seconds": "histogram",
    "lode_outbox_backlog": "gauge",
    "lode_outbox_oldest_age_seconds": "gauge",
    "lode_events_published": "counter",
    "lode_relay_publish_failures": "counter",
    "lode_events_consumed": "counter",
    "lode_consumer_lag": "gauge",
    "lode_dead_letters": "gauge",
    "lode_events_emitted": "counter",
    "lode_rows_pruned": "counter",
}


def families(metrics: ServiceMetrics) -> dict[str, str]:
    return {f.name: f.type for f in text_string_to_metric_families(metrics.render().decode())}


def test_every_family_is_exposed() -> None:
    assert families(ServiceMetrics("zoning")) == FAMILIES


def test_services_in_one_process_have_separate_registries() -> None:
    zoning, licensing = ServiceMetrics("zoning"), ServiceMetrics("licensing")
    again = ServiceMetrics("zoning")  # no "duplicated timeseries" error
    zoning.published.labels("zoning").inc(3)
    licensing.published.labels("licensing").inc()
    assert (
        zoning.registry.get_sample_value("lode_events_published_total", {"service": "zoning"}) == 3
    )
    assert (
        licensing.registry.get_sample_value("lode_events_published_total", {"service": "zoning"})
        is None
    )
    assert (
        again.registry.get_sample_value("lode_events_published_total", {"service": "zoning"})
        is None
    )


def test_samples_carry_their_labels() -> None:
    metrics = ServiceMetrics("monitoring")
    metrics.requests.labels("monitoring", "POST", "/monitoring/v1/reports", "201").inc()
    metrics.latency.labels("monitoring", "POST", "/monitoring/v1/reports").observe(0.003)
    metrics.consumer_lag.labels("monitoring", "lode.licensing", "2").set(7)
    metrics.consumed.labels("monitoring", "parked").inc()
    text = metrics.render().decode()
    assert (
        'lode_http_requests_total{method="POST",route="/monitoring/v1/reports",'
        'service="monitoring",status="201"} 1.0'
    ) in text
    assert (
        'lode_http_request_duration_seconds_bucket{le="0.005",method="POST",'
        'route="/monitoring/v1/reports",service="monitoring"} 1.0'
    ) in text
    assert (
        'lode_consumer_lag{partition="2",service="monitoring",topic="lode.licensing"} 7.0'
    ) in text
    assert 'lode_events_consumed_total{outcome="parked",service="monitoring"} 1.0' in text
