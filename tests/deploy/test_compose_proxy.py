"""The HTTP edges of the distributed mode: Caddy in front (deploy/proxy/Caddyfile routes and
security headers) and Prometheus beside (deploy/prometheus/prometheus.yml scraping).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from lode_common.http import CONTENT_SECURITY_POLICY, with_security_headers

from .deployment import (
    CADDYFILE,
    DOTENV,
    PORT,
    PROMETHEUS_FILE,
    ROOT,
    SERVICES,
    Built,
    depends_on,
    raw_compose,
    services,
)
from .formats import (
    parse_caddyfile,
    upstreams,
)


def test_proxy_routes_every_service_prefix_and_the_dashboard() -> None:
    root = parse_caddyfile(CADDYFILE.read_text(encoding="utf-8"))
    sites = [b for b in root.children if b.words[0].startswith(":")]
    assert [s.words for s in sites] == [[f":{PORT}"]]
    handles = {
        (b.words[1] if len(b.words) > 1 else None): b
        for b in sites[0].children
        if b.words[0] == "handle"
    }
    for service in SERVICES:
        assert f"/{service}/*" in handles, f"no route for /{service}/"
        assert upstreams(handles[f"/{service}/*"]) == {(service, PORT)}, service
    assert None in handles, "no catch-all route for / (the dashboard)"
    assert upstreams(handles[None]) == {("reporting", PORT)}
    names = set(services())
    for block in handles.values():
        assert {host for host, _ in upstreams(block)} <= names


def test_reporting_serves_the_dashboard_the_proxy_sends_to_it(
    built: Callable[[str], Built],
) -> None:
    response = built("reporting").client.get("/")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]


def test_proxy_adds_the_security_headers_the_services_send() -> None:
    """Behind the proxy every answer carries the browser security headers, the same values
    the services send (an answer of the proxy's own, a 502, included)."""
    root = parse_caddyfile(CADDYFILE.read_text(encoding="utf-8"))
    site = next(b for b in root.children if b.words[0].startswith(":"))
    blocks = [b for b in site.children if b.words == ["header"]]
    assert len(blocks) == 1, "one site-wide header block"
    set_here = {}
    for line in blocks[0].children:
        name, *value = line.words
        set_here[name.lstrip("?").lower()] = " ".join(value)
    expected = {
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
        "content-security-policy": CONTENT_SECURITY_POLICY,
    }
    assert set_here == expected
    assert {k.decode() for k, _ in with_security_headers([(b"content-type", b"text/html")])} >= (
        set(expected)
    ), "the services send the same headers"


def test_proxy_is_published_and_mounts_its_config() -> None:
    proxy = services()["proxy"]
    assert [str(p) for p in proxy["ports"]] == [f"8000:{PORT}"]
    assert f"./{CADDYFILE.relative_to(ROOT)}:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert set(depends_on(proxy)) == set(SERVICES)
    published = {n for n, s in services().items() if s.get("ports")}
    # The services themselves are reachable only through the proxy.
    assert not published & {*SERVICES, "postgres"}


def test_prometheus_scrapes_every_service_metrics_route(
    built: Callable[[str], Built],
) -> None:
    prometheus = services()["prometheus"]
    assert prometheus.get("profiles") == ["observability"]
    assert (
        f"./{PROMETHEUS_FILE.relative_to(ROOT)}:/etc/prometheus/prometheus.yml:ro"
        in prometheus["volumes"]
    )
    config = yaml.safe_load(PROMETHEUS_FILE.read_text(encoding="utf-8"))
    jobs = {job["metrics_path"]: job for job in config["scrape_configs"]}
    for service in SERVICES:
        job = jobs.get(f"/{service}/metrics")
        assert job, f"/{service}/metrics is not scraped"
        targets = {
            (name, sd["port"]) for sd in job.get("dns_sd_configs", []) for name in sd["names"]
        } | {
            (host, int(port))
            for sc in job.get("static_configs", [])
            for host, _, port in (t.rpartition(":") for t in sc["targets"])
        }
        assert targets == {(service, PORT)}, service
        # Prometheus is another container: it is answered for the token it sends, only.
        authorization = job["authorization"]
        assert authorization.get("type", "Bearer") == "Bearer"
        assert "credentials" not in authorization, "the token is never written in the config"
        secret_file = Path(authorization["credentials_file"])
        assert secret_file.parent == Path("/run/secrets")
        assert secret_file.name in prometheus["secrets"]
        app = built(service)
        token = raw_compose()["secrets"][secret_file.name]["environment"]
        assert app.settings.metrics_token == DOTENV[token], "the services expect that token"
        assert app.settings.metrics_public is False
        scraper = "172.18.0.9"
        bearer = {"Authorization": f"Bearer {DOTENV[token]}"}
        response = app.client.get(f"/{service}/metrics", headers=bearer, peer=scraper)
        assert response.status_code == 200
        assert "lode_http_requests_total" in response.text
        assert app.client.get(f"/{service}/metrics", peer=scraper).status_code == 401
