"""The alert rules and the Grafana dashboard name only metrics the services export: the
embedded system is started, given some traffic, and each service's /metrics is scraped."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import httpx
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from lode.embedded import SERVICES, EmbeddedSystem
from lode_common.testing import eventually

from .deployment import COMPOSE_FILE, PROMETHEUS_FILE, ROOT, services

pytestmark = pytest.mark.timeout(180)

ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
DASHBOARDS = ROOT / "deploy" / "grafana" / "dashboards"
PROVISIONING = ROOT / "deploy" / "grafana" / "provisioning"
# Series Prometheus makes itself, not the services.
SYNTHETIC = {"up"}
METRIC = re.compile(r"\b(lode_[a-z0-9_]+|up)\b(?![(])")


def alert_rules() -> list[dict[str, object]]:
    data = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    return [rule for group in data["groups"] for rule in group["rules"]]


def dashboard_exprs() -> list[str]:
    exprs = []
    for path in sorted(DASHBOARDS.glob("*.json")):
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        exprs += [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
        exprs += [v["query"] for v in dashboard["templating"]["list"] if v["type"] == "query"]
    return exprs


def referenced(expr: str) -> set[str]:
    without_labels = re.sub(r"\{[^}]*\}", "", expr)
    return set(METRIC.findall(without_labels))


def scrape_embedded(tmp_path: Path) -> dict[str, set[str]]:
    """Each service's exported sample names after a little traffic (and an event parked)."""

    async def main() -> dict[str, set[str]]:
        from lode_common.messaging.transport import Message

        system = EmbeddedSystem(data_dir=tmp_path / "var", demo=False, log_json=False)
        await system.start()
        try:
            admin = {"Authorization": f"Bearer {system.secrets.admin_token}"}
            transport = httpx.ASGITransport(app=system.asgi(), raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://lode") as client:
                for service in SERVICES:
                    await client.get(f"/{service}/health")
                    await client.get(f"/{service}/v1/admin/outbox", headers=admin)
                await system.transport.publish([Message("lode.zoning", "x", b"not an event")])
                scraped: dict[str, set[str]] = {}

                async def lag_exported() -> dict[str, set[str]]:
                    for service in SERVICES:
                        text = (await client.get(f"/{service}/metrics")).text
                        families = list(text_string_to_metric_families(text))
                        # A labelled counter has no sample before its first increment (relay
                        # failures): its declared family counts; gauges need a sample.
                        scraped[service] = {
                            sample.name for family in families for sample in family.samples
                        } | {f"{f.name}_total" for f in families if f.type == "counter"}
                    for s in ("licensing", "reporting"):
                        assert "lode_consumer_lag" in scraped[s], f"no lag gauge on {s} yet"
                    return scraped

                # the lag gauge is refreshed every second
                return await eventually(
                    lag_exported, timeout_s=60, interval_s=0.2, what="the consumer lag gauges"
                )
        finally:
            await system.stop()

    return asyncio.run(main())


def test_every_metric_in_the_alerts_and_dashboards_is_exported(tmp_path: Path) -> None:
    exported = scrape_embedded(tmp_path)
    every = set().union(*exported.values())
    names = set()
    for rule in alert_rules():
        names |= referenced(str(rule["expr"]))
    for expr in dashboard_exprs():
        names |= referenced(expr)
    assert names - SYNTHETIC, "no Lode metric referenced"
    missing = sorted(n for n in names - SYNTHETIC if n not in every)
    assert not missing, f"referenced but exported by no service: {missing}"
    for service in SERVICES:  # what every service must export for its own alerts
        for name in ("lode_http_requests_total", "lode_outbox_oldest_age_seconds"):
            assert name in exported[service], f"{service} does not export {name}"
        assert "lode_dead_letters" in exported[service] or service == "licensing"
    assert "lode_events_emitted_total" in exported["zoning"]  # the plan, published at start


def test_the_alerts_the_runbook_explains() -> None:
    rules = {str(r["alert"]): r for r in alert_rules()}
    assert set(rules) == {
        "LodeDeadLetters",
        "LodeOutboxStuck",
        "LodeConsumerLagGrowing",
        "LodeHttp5xx",
        "LodeServiceDown",
    }
    assert "> 60" in str(rules["LodeOutboxStuck"]["expr"])
    assert "> 0" in str(rules["LodeDeadLetters"]["expr"])
    assert rules["LodeConsumerLagGrowing"]["for"] == "5m"
    jobs = {
        job["job_name"] for job in yaml.safe_load(PROMETHEUS_FILE.read_text())["scrape_configs"]
    }
    assert set(re.findall(r"\w+", str(rules["LodeServiceDown"]["expr"]).split('"')[1])) == jobs
    runbook = (ROOT / "deploy" / "RUNBOOK.md").read_text(encoding="utf-8")
    for name, rule in rules.items():
        annotations = rule["annotations"]
        assert isinstance(annotations, dict)
        anchor = str(annotations["runbook"]).split("#")[1]
        assert f"### {name}" in runbook, f"the runbook does not explain {name}"
        assert anchor == name.lower()


def test_prometheus_loads_the_rules_and_grafana_is_provisioned() -> None:
    config = yaml.safe_load(PROMETHEUS_FILE.read_text(encoding="utf-8"))
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]
    prometheus = services()["prometheus"]
    assert "./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro" in prometheus["volumes"]
    grafana = services()["grafana"]
    assert grafana["profiles"] == ["observability"]
    mounts = {v.split(":")[0]: v.split(":")[1] for v in grafana["volumes"] if v.startswith("./")}
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    provider = yaml.safe_load((PROVISIONING / "dashboards" / "lode.yml").read_text())
    assert mounts["./deploy/grafana/dashboards"] == provider["providers"][0]["options"]["path"]
    source = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yml").read_text())
    (datasource,) = source["datasources"]
    assert datasource["url"] == "http://prometheus:9090"
    for path in DASHBOARDS.glob("*.json"):
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        uids = {p["datasource"]["uid"] for p in dashboard["panels"]}
        assert uids == {datasource["uid"]}
    assert "127.0.0.1:3000:3000" in grafana["ports"]
    assert "GRAFANA_ADMIN_PASSWORD" in COMPOSE_FILE.read_text(encoding="utf-8")
