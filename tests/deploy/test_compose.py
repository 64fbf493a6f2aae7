"""The distributed-mode files checked against the code, without Docker and without a network.

docker-compose.yml, deploy/docker/Dockerfile.service, .dockerignore, deploy/proxy/Caddyfile,
deploy/prometheus/prometheus.yml and deploy/postgres/init.sql are read as data and compared
with what the services actually are: their settings classes (which LODE_* variables they
read, which secrets production refuses to default), their entry points, their SPECs (the
topics they produce and consume) and their FastAPI apps (health and metrics routes).

Compose variables (``${VAR:?message}``, ``${VAR:-default}``, ``$$``) are interpolated here the
way ``docker compose`` does, with a made-up .env (``DOTENV``).
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import importlib.util
import io
import json
import os
import re
import shlex
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml
from fastapi import FastAPI
from sqlalchemy.engine import URL, make_url

from lode_common.http import CONTENT_SECURITY_POLICY, with_security_headers
from lode_common.settings import LodeSettings, settings_env_names

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
EVENTS_MD_TOPICS = {"lode.zoning", "lode.licensing", "lode.monitoring"}

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


# ------------------------------------------------------------------ compose interpolation


class MissingVariable(Exception):
    """``${VAR:?message}`` with VAR unset: ``docker compose`` refuses to start."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


_REFERENCE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)
_BRACED = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>.*))?", re.S)


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Compose's variable syntax: $$, $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?m}, ${VAR?m},
    ${VAR:+a}, ${VAR+a}."""

    def replace(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        if match["named"]:
            return env.get(match["named"], "")
        braced = _BRACED.fullmatch(match["braced"])
        assert braced, f"not compose syntax: ${{{match['braced']}}}"
        name, op, arg = braced["name"], braced["op"], braced["arg"]
        value = env.get(name)
        is_set, non_empty = value is not None, bool(value)
        if op is None:
            return value or ""
        present = non_empty if op.startswith(":") else is_set
        if op in (":-", "-"):
            return (value or "") if present else arg
        if op in (":?", "?"):
            if not present:
                raise MissingVariable(name, arg)
            return value or ""
        return arg if present else ""  # :+ and +

    return _REFERENCE.sub(replace, text)


def resolve(value: Any, env: Mapping[str, str]) -> Any:
    """Interpolate every string in a parsed compose document."""
    if isinstance(value, str):
        return interpolate(value, env)
    if isinstance(value, dict):
        return {k: resolve(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, env) for v in value]
    return value


def test_interpolation_follows_compose() -> None:
    env = {"SET": "x", "EMPTY": ""}
    assert interpolate("$${SET} ${SET} $SET", env) == "${SET} x x"
    assert interpolate("${EMPTY:-d} ${EMPTY-d} ${UNSET-d}", env) == "d  d"
    assert interpolate("${SET:+alt} ${EMPTY:+alt}|", env) == "alt |"
    assert interpolate("${SET:?needed}", env) == "x"
    with pytest.raises(MissingVariable, match="EMPTY"):
        interpolate("${EMPTY:?needed}", env)
    with pytest.raises(MissingVariable, match="UNSET"):
        interpolate("a ${UNSET?needed} b", env)


# ------------------------------------------------------------------ the compose file


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
        for dependency, condition in _depends_on(spec).items()
        if condition == "service_completed_successfully"
    }


def _depends_on(spec: Mapping[str, Any]) -> dict[str, str]:
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


def test_compose_has_the_services_jobs_and_infrastructure() -> None:
    names = set(services())
    expected = {*SERVICES, *(f"migrate-{s}" for s in SERVICES)}
    expected |= {"postgres", "kafka", "kafka-init", "proxy", "prometheus"}
    assert expected <= names, f"missing from docker-compose.yml: {sorted(expected - names)}"
    assert lode_containers() == {
        **{s: s for s in SERVICES},
        **{f"migrate-{s}": s for s in SERVICES},
    }


def test_every_long_running_service_has_a_healthcheck() -> None:
    jobs = one_shots()
    assert {"kafka-init", *(f"migrate-{s}" for s in SERVICES)} <= jobs
    for name, spec in services().items():
        if name in jobs:
            # A job that exited 0 must stay exited, not be restarted in a loop.
            assert str(spec.get("restart", "no")) == "no", f"{name}: a one-shot with restart"
            continue
        check = spec.get("healthcheck")
        assert check, f"{name}: a long-running service without a healthcheck"
        assert not check.get("disable"), f"{name}: healthcheck disabled"
        test = check.get("test")
        assert isinstance(test, list), f"{name}: healthcheck test should be an exec list"
        assert test[0] in ("CMD", "CMD-SHELL"), f"{name}: healthcheck test {test!r}"
        assert len(test) > 1, f"{name}: empty healthcheck"
        assert spec.get("restart") in ("unless-stopped", "always", "on-failure"), name


def test_depends_on_names_existing_services() -> None:
    names = set(services())
    for name, spec in services().items():
        for dependency in _depends_on(spec):
            assert dependency in names, f"{name} depends on unknown {dependency}"


# ------------------------------------------------------------------ settings and secrets


@pytest.mark.parametrize("container", sorted(lode_containers()))
def test_lode_variables_are_read_by_the_settings_class(container: str) -> None:
    service = lode_containers()[container]
    known = settings_env_names(settings_class(service))
    env = environment(services()[container])
    unread = sorted(k for k in env if k.startswith("LODE_") and k not in known)
    assert not unread, (
        f"{container}: {unread} are set but {settings_class(service).__name__} does not read "
        "them (pydantic-settings ignores unknown variables without a word)"
    )


# Settings distributed mode must not leave to their defaults, for every service whose
# settings class reads them (the province exchange, once licensing reads it, included).
DISTRIBUTED_SETTINGS = (
    "ENVIRONMENT",
    "BUS",
    "DATABASE_URL",
    "KAFKA_BOOTSTRAP",
    "ADMIN_TOKEN",
    "JWT_SECRET",
    "PUBLIC_URL",
    "DEMO",
    "PROVINCE_URL",
    "PROVINCE_SECRET",
)


@pytest.mark.parametrize("container", sorted(lode_containers()))
def test_distributed_settings_are_given(container: str) -> None:
    service = lode_containers()[container]
    known = settings_env_names(settings_class(service))
    env = environment(services()[container])
    for name in DISTRIBUTED_SETTINGS:
        if f"LODE_{name}" in known:
            assert setting(env, service, name) is not None, f"{container}: LODE_{name} not set"
    assert setting(env, service, "ENVIRONMENT") == "production"
    assert setting(env, service, "BUS") == "kafka"


def _secret_names(service: str) -> list[str]:
    """The settings production refuses to leave at the development default."""
    return sorted(settings_class(service).model_construct()._secrets())


@pytest.mark.parametrize("container", sorted(lode_containers()))
def test_production_secrets_must_come_from_the_environment(container: str) -> None:
    service = lode_containers()[container]
    raw_env = environment(raw_compose()["services"][container])
    secrets = _secret_names(service)
    assert {"admin_token", "jwt_secret"} <= set(secrets)
    for secret in secrets:
        key = next(
            (
                k
                for k in (f"LODE_{service.upper()}_{secret.upper()}", f"LODE_{secret.upper()}")
                if k in raw_env
            ),
            None,
        )
        assert key, f"{container}: LODE_{secret.upper()} is not provided"
        # Required (compose refuses to start without it), never a default written here.
        assert re.fullmatch(r"\$\{" + key + r":\?[^}]+\}", raw_env[key]), (
            f"{container}: {key} should be ${{{key}:?message}}, is {raw_env[key]!r}"
        )
        without = {k: v for k, v in DOTENV.items() if k != key}
        with pytest.raises(MissingVariable, match=key):
            compose(without)


def test_every_required_variable_is_documented_and_in_the_test_dotenv() -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    required = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?", text))
    assert required == set(DOTENV), "the required variables changed: update DOTENV"
    comments = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    undocumented = sorted(v for v in required if f"{v}=" not in comments)
    assert not undocumented, f"not in the .env list at the top of the compose file: {undocumented}"
    compose(DOTENV)  # interpolates without a missing variable


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


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Built]:
    """A service's settings and app built from exactly the compose environment."""

    def build(container: str) -> Built:
        service = lode_containers()[container]
        for key in [k for k in os.environ if k.startswith("LODE_")]:
            monkeypatch.delenv(key)
        for key, value in environment(services()[container]).items():
            monkeypatch.setenv(key, value)
        settings = settings_class(service)()
        _runtime, app = bootstrap(service).build(settings)
        return Built(settings, app)

    return build


@pytest.mark.parametrize("container", sorted(lode_containers()))
def test_settings_validate_in_production_with_the_compose_environment(
    container: str, built: Callable[[str], Built]
) -> None:
    settings = built(container).settings
    assert settings.environment == "production"
    assert settings.bus == "kafka"
    assert settings.admin_token == DOTENV["LODE_ADMIN_TOKEN"]
    assert settings.jwt_secret == DOTENV["LODE_JWT_SECRET"]
    assert make_url(settings.resolved_database_url()).drivername == "postgresql+asyncpg"
    assert settings.demo is False
    assert settings.kafka_partitions == 3


# ------------------------------------------------------------------ entry points


def _uvicorn_target(command: list[str]) -> tuple[str, str, int]:
    """(module, attribute, port) of a ``uvicorn module:attr --factory ...`` command."""
    assert command[0] == "uvicorn", command
    assert "--factory" in command, f"create_app is a factory: {command}"
    module, _, attribute = command[1].partition(":")
    assert command[command.index("--host") + 1] == "0.0.0.0"  # noqa: S104 - in its container
    return module, attribute, int(command[command.index("--port") + 1])


@pytest.mark.parametrize("service", SERVICES)
def test_service_command_runs_the_create_app_factory(service: str) -> None:
    command = services()[service]["command"]
    module, attribute, port = _uvicorn_target(command)
    assert module == f"lode_{service}.main"
    assert attribute == "create_app"
    assert callable(getattr(importlib.import_module(module), attribute))
    assert port == PORT


@pytest.mark.parametrize("service", SERVICES)
def test_migration_job_runs_the_migrate_module(service: str) -> None:
    job = services()[f"migrate-{service}"]
    assert job["command"] == ["python", "-m", f"lode_{service}.migrate"]
    spec = importlib.util.find_spec(f"lode_{service}.migrate")
    assert spec is not None, f"lode_{service}.migrate does not exist"
    assert spec.origin
    module = importlib.import_module(f"lode_{service}.migrate")
    assert module.SPEC is bootstrap(service).SPEC
    assert callable(module.main)
    assert "__main__" in Path(spec.origin).read_text(encoding="utf-8"), "runs under -m"


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_run_before_the_service_on_its_database(service: str) -> None:
    job, svc = services()[f"migrate-{service}"], services()[service]
    assert _depends_on(svc).get(f"migrate-{service}") == "service_completed_successfully"
    assert _depends_on(svc).get("kafka-init") == "service_completed_successfully"
    assert _depends_on(job).get("postgres") == "service_healthy"
    assert job["image"] == svc["image"]
    assert job["build"] == svc["build"]
    assert environment(job) == environment(svc), "the job must migrate the service's database"


# ------------------------------------------------------------------ health checks


def _probe(code: str, client: AsgiClient, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
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


def _python_check(test: list[str]) -> str:
    assert test[:3] == ["CMD", "python", "-c"], f"not a python urllib check: {test}"
    return test[3]


@pytest.mark.parametrize("service", SERVICES)
def test_compose_healthcheck_asks_the_service_health_route(
    service: str, built: Callable[[str], Built], monkeypatch: pytest.MonkeyPatch
) -> None:
    code = _python_check(services()[service]["healthcheck"]["test"])
    app = built(service)
    status, url = _probe(code, app.client, monkeypatch)
    assert urllib.parse.urlsplit(url).path == f"/{service}/health"
    assert status == 0
    # ... and turns unhealthy when the answer is not ok.
    broken = AsgiClient(FastAPI())
    status, _ = _probe(code, broken, monkeypatch)
    assert status != 0


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile_healthcheck_asks_the_service_health_route(
    service: str, built: Callable[[str], Built], monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = dockerfile_stages()[-1]
    check = runtime.only("HEALTHCHECK")
    assert check.startswith("--") or check.startswith("CMD")
    exec_form = json.loads(check[check.index("CMD") + len("CMD") :].strip())
    code = _python_check(["CMD", *exec_form])
    assert "urllib" in code
    assert runtime.env().get("SERVICE") == "${SERVICE}", "the image must know its service"
    monkeypatch.setenv("SERVICE", service)
    status, url = _probe(code, built(service).client, monkeypatch)
    assert urllib.parse.urlsplit(url).path == f"/{service}/health"
    assert status == 0


# ------------------------------------------------------------------ Kafka


def spec_topics() -> set[str]:
    topics: set[str] = set()
    for service in SERVICES:
        spec = bootstrap(service).SPEC
        topics |= {spec.topic} if spec.publishes else set()
        topics |= set(spec.consumes)
    return topics


def test_kafka_init_creates_exactly_the_topics_of_the_specs() -> None:
    init = services()["kafka-init"]
    env = environment(init)
    created = set(env["TOPICS"].split())
    # Every topic a runtime ensures at start (its own and those it reads), so that topic
    # settings come from one place; EVENTS.md's public topics among them.
    assert created == spec_topics()
    assert created >= EVENTS_MD_TOPICS
    script = "\n".join(init["entrypoint"] + init["command"])
    assert "for topic in $TOPICS" in script
    assert "--create --if-not-exists" in script
    assert '--partitions "$PARTITIONS"' in script
    assert '--replication-factor "$REPLICATION"' in script
    assert script.count("retention.ms=-1") == 2, "created with it, and kept at it if it existed"
    assert "--add-config retention.ms=-1" in script
    assert _depends_on(init) == {"kafka": "service_healthy"}


@pytest.mark.parametrize("override", [{}, {"LODE_KAFKA_PARTITIONS": "6"}])
def test_kafka_init_and_services_agree_on_the_broker_and_partitions(
    override: dict[str, str],
) -> None:
    resolved = compose({**DOTENV, **override})["services"]
    init = environment(resolved["kafka-init"])
    default = str(LodeSettings.model_fields["kafka_partitions"].default)
    assert init["PARTITIONS"] == override.get("LODE_KAFKA_PARTITIONS", default)
    for container, service in lode_containers().items():
        env = environment(resolved[container])
        assert setting(env, service, "KAFKA_PARTITIONS") == init["PARTITIONS"], container
        assert setting(env, service, "KAFKA_REPLICATION") == init["REPLICATION"], container
        assert setting(env, service, "KAFKA_BOOTSTRAP") == init["BOOTSTRAP"], container
    assert environment(resolved["kafka"])["KAFKA_NUM_PARTITIONS"] == init["PARTITIONS"]


def _listeners(value: str) -> dict[str, tuple[str, int]]:
    result = {}
    for item in value.split(","):
        name, _, address = item.strip().partition("://")
        host, _, port = address.rpartition(":")
        result[name] = (host, int(port))
    return result


def test_kafka_is_a_single_kraft_node_with_proper_listeners() -> None:
    kafka = services()["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = environment(kafka)
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env.get("CLUSTER_ID"), "KRaft storage needs a cluster id"
    listeners = _listeners(env["KAFKA_LISTENERS"])
    advertised = _listeners(env["KAFKA_ADVERTISED_LISTENERS"])
    protocols = dict(p.split(":") for p in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    controller = env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert set(listeners) <= set(protocols)
    assert controller in listeners
    assert controller not in advertised
    assert set(advertised) <= set(listeners)
    assert env["KAFKA_INTER_BROKER_LISTENER_NAME"] in advertised
    node, _, voter = env["KAFKA_CONTROLLER_QUORUM_VOTERS"].partition("@")
    assert node == env["KAFKA_NODE_ID"]
    assert voter == f"kafka:{listeners[controller][1]}"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    # The services reach the broker on the address it advertises to them.
    bootstrap_address = environment(services()["kafka-init"])["BOOTSTRAP"]
    host, _, port = bootstrap_address.partition(":")
    assert (host, int(port)) in advertised.values()
    assert host == "kafka"
    for published in kafka.get("ports", []):
        assert str(published).startswith("127.0.0.1:"), "Kafka is not for the outside world"


# ------------------------------------------------------------------ PostgreSQL


def _init_sql() -> str:
    return POSTGRES_INIT.read_text(encoding="utf-8")


@pytest.mark.parametrize("service", SERVICES)
def test_postgres_init_creates_the_database_in_the_service_url(service: str) -> None:
    resolved = services()
    url: URL = make_url(setting(environment(resolved[service]), service, "DATABASE_URL") or "")
    assert url.drivername == "postgresql+asyncpg"
    assert url.host == "postgres"
    assert (url.port or 5432) == 5432
    postgres = resolved[url.host]
    assert re.fullmatch(r"postgres:16([.-].*)?", postgres["image"]), postgres["image"]
    sql = _init_sql()
    database, user = url.database, url.username
    assert database
    assert user
    assert re.search(rf"^CREATE DATABASE {database} OWNER {user}\b", sql, re.M), (
        f"init.sql does not create database {database} owned by {user}"
    )
    role = re.search(rf"^CREATE ROLE {user} LOGIN PASSWORD :'(\w+)';", sql, re.M)
    assert role, f"init.sql does not create the login role {user}"
    getenv = re.search(rf"^\\getenv {role[1]} (\w+)$", sql, re.M)
    assert getenv, f"init.sql does not read the password of {user} from the environment"
    # The password postgres is given for the role is the one in the service's URL.
    assert environment(postgres).get(getenv[1]) == url.password


def test_postgres_has_one_database_and_role_per_service_and_runs_init_sql() -> None:
    urls = [
        make_url(setting(environment(services()[s]), s, "DATABASE_URL") or "") for s in SERVICES
    ]
    assert len({u.database for u in urls}) == len(SERVICES)
    assert len({u.username for u in urls}) == len(SERVICES)
    postgres = services()["postgres"]
    mounts = [v for v in postgres["volumes"] if isinstance(v, str)]
    init = [m for m in mounts if m.split(":")[0] == "./deploy/postgres/init.sql"]
    assert init, "init.sql is not mounted"
    target = init[0].split(":")[1]
    assert target.startswith("/docker-entrypoint-initdb.d/")
    assert target.endswith(".sql")
    assert environment(postgres).get("POSTGRES_PASSWORD") == DOTENV["POSTGRES_PASSWORD"]
    # The health check goes over TCP: the image's init-time server only has the socket.
    assert "-h 127.0.0.1" in " ".join(postgres["healthcheck"]["test"])
    sql = _init_sql()
    assert "\\set ON_ERROR_STOP on" in sql
    assert "PASSWORD '" not in sql, "no literal password in init.sql"


# ------------------------------------------------------------------ the reverse proxy


@dataclass
class Block:
    words: list[str]
    children: list[Block] = field(default_factory=list)

    def walk(self) -> list[Block]:
        return [self, *(b for child in self.children for b in child.walk())]


def parse_caddyfile(text: str) -> Block:
    root = Block(["<root>"])
    stack = [root]
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        if not words:
            continue
        if words == ["}"]:
            stack.pop()
            continue
        opens = words[-1] == "{"
        block = Block((words[:-1] if opens else words) or ["<global options>"])
        stack[-1].children.append(block)
        if opens:
            stack.append(block)
    assert stack == [root], "unbalanced braces in the Caddyfile"
    return root


def upstreams(block: Block) -> set[tuple[str, int]]:
    found = set()
    for b in block.walk():
        if b.words[:2] == ["dynamic", "a"] and len(b.words) == 4:
            found.add((b.words[2], int(b.words[3])))
        elif b.words[0] in ("reverse_proxy", "to") and len(b.words) > 1:
            for target in b.words[1:]:
                host, _, port = target.rpartition(":")
                found.add((host, int(port)))
    return found


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
    assert set(_depends_on(proxy)) == set(SERVICES)
    published = {n for n, s in services().items() if s.get("ports")}
    # The services themselves are reachable only through the proxy.
    assert not published & {*SERVICES, "postgres"}


# ------------------------------------------------------------------ Prometheus


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


# ------------------------------------------------------------------ the Dockerfile


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]]

    def all(self, keyword: str) -> list[str]:
        return [args for instr, args in self.instructions if instr == keyword]

    def only(self, keyword: str) -> str:
        found = self.all(keyword)
        assert len(found) == 1, f"{keyword}: {found}"
        return found[0]

    def env(self) -> dict[str, str]:
        pairs = [p for args in self.all("ENV") for p in shlex.split(args, posix=False)]
        return dict(p.split("=", 1) for p in pairs)


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    instructions, current = [], ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if current and line.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        current += line
        keyword, _, args = current.strip().partition(" ")
        instructions.append((keyword.upper(), args.strip()))
        current = ""
    assert not current, "the Dockerfile ends inside a continued line"
    return instructions


@functools.cache
def dockerfile_stages() -> list[Stage]:
    instructions = dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8"))
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for keyword, args in instructions:
        if keyword == "FROM":
            words = args.split()
            base = re.sub(r"\$\{(\w+)\}", lambda m: global_args.get(m[1], m[0]), words[0])
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base, name, []))
        elif not stages:
            assert keyword == "ARG", f"{keyword} before the first FROM"
            name, _, default = args.partition("=")
            global_args[name] = default
        else:
            stages[-1].instructions.append((keyword, args))
    return stages


def test_dockerfile_is_multi_stage_on_python_311_slim_with_uv() -> None:
    stages = dockerfile_stages()
    assert len(stages) >= 2, "build and runtime stages"
    assert any(s.base.startswith("ghcr.io/astral-sh/uv:") for s in stages) or "pip install uv" in (
        DOCKERFILE.read_text(encoding="utf-8")
    )
    python_stages = [s for s in stages if s.base.startswith("python:")]
    assert python_stages
    assert all(s.base.startswith("python:3.11-slim") for s in python_stages)
    runtime = stages[-1]
    assert runtime.base.startswith("python:3.11-slim")
    assert not any(args.split()[0] == "uv" for args in runtime.all("RUN")), "no uv at run time"


def test_dockerfile_installs_from_the_lock_file_for_one_package() -> None:
    stages = dockerfile_stages()
    copies = [args for stage in stages for args in stage.all("COPY")]
    assert any("uv.lock" in c.split() for c in copies), "uv.lock is not copied"
    runs = [args for stage in stages for args in stage.all("RUN")]
    syncs = [m[1] for run in runs for m in re.finditer(r"uv sync ([^&;|]*)", run)]
    assert syncs, "no uv sync"
    for sync in syncs:
        flags = sync.split()
        assert "--frozen" in flags, sync
        assert "--no-dev" in flags, sync
        assert re.search(r'--package "?lode-\$\{?SERVICE\}?"?', sync), sync


def test_dockerfile_runs_as_a_non_root_user() -> None:
    runtime = dockerfile_stages()[-1]
    users = runtime.all("USER")
    assert users, "the runtime stage has no USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), users[-1]


def test_every_stage_using_service_declares_the_build_arg() -> None:
    # An ARG is scoped to its stage: one used without being declared there is empty.
    for stage in dockerfile_stages():
        declared = False
        for keyword, args in stage.instructions:
            if keyword == "ARG" and args.split("=")[0] == "SERVICE":
                declared = True
            if keyword in ("RUN", "COPY", "ENV", "LABEL") and re.search(r"\$\{?SERVICE\b", args):
                assert declared, f"stage {stage.name}: {keyword} {args[:60]} before ARG SERVICE"


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile_cmd_serves_each_service(service: str) -> None:
    runtime = dockerfile_stages()[-1]
    command = json.loads(runtime.only("CMD"))
    if command[:2] == ["sh", "-c"]:
        command = shlex.split(command[2].replace("${SERVICE}", service))
        command = command[1:] if command[0] == "exec" else command
    module, attribute, port = _uvicorn_target(command)
    assert (module, attribute, port) == (f"lode_{service}.main", "create_app", PORT)
    assert runtime.all("EXPOSE") == [str(PORT)]


@pytest.mark.parametrize("container", sorted(lode_containers()))
def test_compose_builds_lode_images_with_the_dockerfile(container: str) -> None:
    build = services()[container]["build"]
    assert build["context"] == "."
    assert (ROOT / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE
    service = build["args"]["SERVICE"]
    assert services()[container]["image"].split(":")[0] == f"lode-{service}"


def _ignore_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return [ln.strip().rstrip("/") for ln in lines if ln.strip() and not ln.startswith("#")]


def _ignored(path: str, patterns: list[str]) -> bool:
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!")
        parts = Path(path).parts
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch(p, pattern) or fnmatch(p, pattern.removeprefix("**/")) for p in prefixes):
            ignored = not negate
    return ignored


def test_dockerignore_keeps_out_environments_data_caches_and_vcs() -> None:
    patterns = _ignore_patterns()
    for path in (
        ".venv",
        ".tools",
        "var",
        ".git",
        ".env",
        "libs/common/src/x/__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        "services/zoning/.venv",
    ):
        assert _ignored(path, patterns), f"{path} is sent to the docker build"


@pytest.mark.parametrize("service", SERVICES)
def test_dockerignore_keeps_what_the_dockerfile_copies(service: str) -> None:
    patterns = _ignore_patterns()
    for stage in dockerfile_stages():
        for args in stage.all("COPY"):
            if "--from=" in args:
                continue  # from another stage or image, not the build context
            words = [w for w in args.split() if not w.startswith("--")]
            for source in words[:-1]:
                path = source.replace("${SERVICE}", service)
                assert (ROOT / path).exists(), f"COPY {path}: not in the repository"
                assert not _ignored(path, patterns), f"COPY {path}: excluded by .dockerignore"
    package = ROOT / "services" / service / "src" / f"lode_{service}" / "migrations"
    assert not _ignored(str(package.relative_to(ROOT)), patterns)


def test_the_reporting_image_builds_the_dashboard_assets_from_the_npm_lock_file() -> None:
    """The vendor assets are not in git: the image builds them as `make assets` does, puts
    them in the wheel (hatch ``artifacts``, since git ignores them) and fails without them."""
    stages = {s.name: s for s in dockerfile_stages()}
    assets = stages["assets"]
    assert assets.base.startswith("node:")
    copied = assets.only("COPY").split()
    web = ROOT / "services" / "reporting" / "web"
    for name in ("package.json", "package-lock.json", "build.mjs"):
        assert f"services/reporting/web/{name}" in copied
        assert (web / name).is_file()
    assert "npm ci" in assets.only("RUN")
    assert "npm run build" in assets.only("RUN")
    build_json = json.loads((web / "package.json").read_text(encoding="utf-8"))
    assert "build" in build_json["scripts"]
    build = stages["build"]
    assert any(c.startswith("--from=assets ") for c in build.all("COPY"))
    assert any("echarts.min.js" in run for run in build.all("RUN")), "the image checks the wheel"
    wheel = tomllib.loads((ROOT / "services/reporting/pyproject.toml").read_text("utf-8"))
    artifacts = wheel["tool"]["hatch"]["build"]["targets"]["wheel"]["artifacts"]
    assert "src/lode_reporting/web/static/vendor/*" in artifacts


def test_every_image_builds_the_api_docs_assets_from_the_npm_lock_file() -> None:
    """Every service serves /<service>/docs with Swagger UI from lode_common's static folder
    (never a CDN): each image builds it from libs/common/web's lock file as `make assets`
    does, without install scripts, ships it in the lode-common wheel and fails without it."""
    stages = {s.name: s for s in dockerfile_stages()}
    docs = stages["docs-assets"]
    assert docs.base.startswith("node:")
    copied = docs.only("COPY").split()
    web = ROOT / "libs" / "common" / "web"
    for name in ("package.json", "package-lock.json", "build.mjs", ".npmrc"):
        assert f"libs/common/web/{name}" in copied
        assert (web / name).is_file()
    run = docs.only("RUN")
    assert "npm ci --ignore-scripts" in run
    assert "npm run build" in run
    assert "ignore-scripts=true" in (web / ".npmrc").read_text(encoding="utf-8")
    lock = json.loads((web / "package-lock.json").read_text(encoding="utf-8"))
    declared = json.loads((web / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert (
        declared["swagger-ui-dist"] == lock["packages"]["node_modules/swagger-ui-dist"]["version"]
    )
    build = stages["build"]
    vendor = "libs/common/src/lode_common/static/vendor"
    assert f"--from=docs-assets /src/{vendor} {vendor}" in build.all("COPY")
    assert any("api_docs.VENDOR_FILES" in run for run in build.all("RUN")), "checks the wheel"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "$(DOCS_VENDOR)/versions.json" in makefile.split("\nassets:", 1)[1].splitlines()[0]
    wheel = tomllib.loads((ROOT / "libs/common/pyproject.toml").read_text("utf-8"))
    artifacts = wheel["tool"]["hatch"]["build"]["targets"]["wheel"]["artifacts"]
    assert "src/lode_common/static/vendor/*" in artifacts
    patterns = _ignore_patterns()
    assert _ignored(f"{vendor}/swagger-ui-bundle.js", patterns), "built in the image, not copied"
    gitignore = (ROOT / vendor / ".gitignore").read_text(encoding="utf-8").split()
    assert gitignore == ["*", "!.gitignore"]
