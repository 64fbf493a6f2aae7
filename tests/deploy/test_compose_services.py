"""docker-compose.yml's containers: the services, their migration jobs and the infrastructure,
what runs in each, in which order, and how compose knows each is healthy.
"""

from __future__ import annotations

import importlib
import importlib.util
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI

from .deployment import (
    PORT,
    SERVICES,
    AsgiClient,
    Built,
    bootstrap,
    depends_on,
    environment,
    lode_containers,
    one_shots,
    probe,
    python_check,
    services,
    uvicorn_target,
)


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
        for dependency in depends_on(spec):
            assert dependency in names, f"{name} depends on unknown {dependency}"


@pytest.mark.parametrize("service", SERVICES)
def test_service_command_runs_the_create_app_factory(service: str) -> None:
    command = services()[service]["command"]
    module, attribute, port = uvicorn_target(command)
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
    assert depends_on(svc).get(f"migrate-{service}") == "service_completed_successfully"
    assert depends_on(svc).get("kafka-init") == "service_completed_successfully"
    assert depends_on(job).get("postgres") == "service_healthy"
    assert job["image"] == svc["image"]
    assert job["build"] == svc["build"]
    assert environment(job) == environment(svc), "the job must migrate the service's database"


@pytest.mark.parametrize("service", SERVICES)
def test_compose_healthcheck_asks_the_service_health_route(
    service: str, built: Callable[[str], Built], monkeypatch: pytest.MonkeyPatch
) -> None:
    code = python_check(services()[service]["healthcheck"]["test"])
    app = built(service)
    status, url = probe(code, app.client, monkeypatch)
    assert urllib.parse.urlsplit(url).path == f"/{service}/health"
    assert status == 0
    # ... and turns unhealthy when the answer is not ok.
    broken = AsgiClient(FastAPI())
    status, _ = probe(code, broken, monkeypatch)
    assert status != 0
