"""The distributed-mode files read as data, and what the tests compare them with.

docker-compose.yml, deploy/docker/Dockerfile.service, .dockerignore, deploy/proxy/Caddyfile,
deploy/prometheus/prometheus.yml and deploy/postgres/init.sql are compared (by the
``test_compose_*`` modules) with what the services actually are: their settings classes,
entry points, SPECs and FastAPI apps, without Docker and without a network.

Compose variables (``${VAR:?message}``, ``${VAR:-default}``, ``$$``) are interpolated the way
``docker compose`` does (:func:`.formats.interpolate`), with a made-up .env (``DOTENV``).
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import importlib.util
import io
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml
from fastapi import FastAPI

from lode_common.settings import LodeSettings

from .formats import Stage, dockerfile_stages_of, ignore_patterns_of, resolve

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile.service"
DOCKERIGNORE = ROOT / ".dockerignore"
CADDYFILE = ROOT / "deploy" / "proxy" / "Caddyfile"
PROMETHEUS_FILE = ROOT / "deploy" / "prometheus" / "prometheus.yml"
POSTGRES_INIT = ROOT / "deploy" / "postgres" / "init.sql"


SERVICES = ("zoning", "licensing", "monitoring", "reporting")
PORT = 8000  # what uvicorn listens on in every service container
# The public topics of EVENTS.md ("Topics and envelope").
EVENTS_MD_TOPICS = {"lode.zoning", "lode.licensing", "lode.monitoring", "lode.reporting"}

# A made-up .env: every variable the compose file requires, with values production accepts.
DOTENV = {
    "LODE_ADMIN_TOKEN": "admin-token-0123456789abcdef-0123456789",
    "LODE_JWT_SECRET": "jwt-secret-0123456789abcdef0123-0123456789",
    "LODE_METRICS_TOKEN": "metrics-token-0123456789abcdef-0123456789",
    "POSTGRES_PASSWORD": "pg-superuser-0123456789",
    "ZONING_DB_PASSWORD": "zoning-db-0123456789",
    "LICENSING_DB_PASSWORD": "licensing-db-0123456789",
    "MONITORING_DB_PASSWORD": "monitoring-db-0123456789",
    "REPORTING_DB_PASSWORD": "reporting-db-0123456789",
}


@functools.cache
def raw_compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "docker-compose.yml is not a mapping"
    return data


def compose(env: Mapping[str, str] = DOTENV) -> dict[str, Any]:
    """The compose file as ``docker compose config`` would see it with this .env."""
    resolved: dict[str, Any] = resolve(raw_compose(), env)
    return resolved


def services() -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = compose()["services"]
    return result


def lode_containers() -> dict[str, str]:
    """Every container running a Lode image (services and their migration jobs) -> service."""
    found = {}
    for name, spec in services().items():
        build = spec.get("build")
        if isinstance(build, dict) and "SERVICE" in (build.get("args") or {}):
            found[name] = build["args"]["SERVICE"]
    return found


def one_shots() -> set[str]:
    """Containers that others wait for to exit 0 (migrations, topic creation)."""
    return {
        dependency
        for spec in services().values()
        for dependency, condition in depends_on(spec).items()
        if condition == "service_completed_successfully"
    }


def depends_on(spec: Mapping[str, Any]) -> dict[str, str]:
    deps = spec.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: (cfg or {}).get("condition", "service_started") for name, cfg in deps.items()}


def environment(spec: Mapping[str, Any]) -> dict[str, str]:
    env = spec.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def bootstrap(service: str) -> ModuleType:
    return importlib.import_module(f"lode_{service}.bootstrap")


def settings_class(service: str) -> type[LodeSettings]:
    cls: type[LodeSettings] = bootstrap(service).SETTINGS_CLASS
    return cls


def setting(env: Mapping[str, str], service: str, name: str) -> str | None:
    """The value a service reads for a setting: its own LODE_<SERVICE>_ key first."""
    for key in (f"LODE_{service.upper()}_{name}", f"LODE_{name}"):
        if key in env:
            return env[key]
    return None


class AsgiClient:
    """Plain synchronous GETs on an ASGI app, in memory. The lifespan does not run, so the
    app does not reach for Kafka or PostgreSQL; routes that need neither answer."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def get(
        self, path: str, *, headers: Mapping[str, str] | None = None, peer: str = "127.0.0.1"
    ) -> httpx.Response:
        """GET ``path`` as a client at ``peer`` (the machine itself by default)."""

        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, client=(peer, 40000))
            async with httpx.AsyncClient(transport=transport, base_url="http://lode") as client:
                return await client.get(path, headers=headers)

        loop = asyncio.new_event_loop()  # its own loop, leaving the test session's alone
        try:
            return loop.run_until_complete(call())
        finally:
            loop.close()


@dataclass
class Built:
    settings: LodeSettings
    app: FastAPI
    client: AsgiClient = field(init=False)

    def __post_init__(self) -> None:
        self.client = AsgiClient(self.app)


def build_from_compose(container: str, monkeypatch: pytest.MonkeyPatch) -> Built:
    """A service's settings and app built from exactly the compose environment of
    ``container`` (the ``built`` fixture)."""
    service = lode_containers()[container]
    for key in [k for k in os.environ if k.startswith("LODE_")]:
        monkeypatch.delenv(key)
    for key, value in environment(services()[container]).items():
        monkeypatch.setenv(key, value)
    settings = settings_class(service)()
    _runtime, app = bootstrap(service).build(settings)
    return Built(settings, app)


def uvicorn_target(command: list[str]) -> tuple[str, str, int]:
    """(module, attribute, port) of a ``uvicorn module:attr --factory ...`` command."""
    assert command[0] == "uvicorn", command
    assert "--factory" in command, f"create_app is a factory: {command}"
    module, _, attribute = command[1].partition(":")
    assert command[command.index("--host") + 1] == "0.0.0.0"  # noqa: S104 - in its container
    return module, attribute, int(command[command.index("--port") + 1])


def probe(code: str, client: AsgiClient, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """Run a health-check one-liner with urllib answered by the app itself: (exit, url)."""
    asked: list[str] = []

    def urlopen(url: str, timeout: float | None = None) -> io.BytesIO:
        asked.append(url)
        parts = urllib.parse.urlsplit(url)
        assert (parts.hostname, parts.port) == ("127.0.0.1", PORT), url
        response = client.get(parts.path)
        if response.status_code >= 400:
            raise urllib.error.HTTPError(url, response.status_code, "error", None, None)  # type: ignore[arg-type]
        return io.BytesIO(response.content)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    status = 0
    try:
        exec(compile(code, "<healthcheck>", "exec"), {"__name__": "__main__"})  # noqa: S102
    except SystemExit as exc:
        status = int(exc.code or 0)
    except urllib.error.HTTPError:
        status = 1
    assert len(asked) == 1, asked
    return status, asked[0]


def python_check(test: list[str]) -> str:
    assert test[:3] == ["CMD", "python", "-c"], f"not a python urllib check: {test}"
    return test[3]


def init_sql() -> str:
    return POSTGRES_INIT.read_text(encoding="utf-8")


def ignore_patterns() -> list[str]:
    return ignore_patterns_of(DOCKERIGNORE.read_text(encoding="utf-8"))


@functools.cache
def dockerfile_stages() -> list[Stage]:
    return dockerfile_stages_of(DOCKERFILE.read_text(encoding="utf-8"))
