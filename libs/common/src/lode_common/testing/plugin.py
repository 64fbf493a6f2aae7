"""pytest plugin: ``postgres`` and ``kafka`` session fixtures (see :mod:`.services`), and
the two runtimes every service's tests run on (:data:`BACKENDS`, :func:`service_on`).

Tests that need a service it cannot have are skipped with a loud reason, unless
``LODE_REQUIRE_SERVICES=1`` (set by ``.ci/run``), where they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from lode_common.settings import LodeSettings
from lode_common.testing.apps import Build, ServiceUnderTest, service_under_test
from lode_common.testing.services import (
    KafkaBroker,
    PostgresServer,
    Unavailable,
    find_or_start_postgres,
    start_kafka,
)


def services_required() -> bool:
    return os.environ.get("LODE_REQUIRE_SERVICES") == "1"


def missing(what: str, reason: str) -> None:
    message = f"{what} unavailable: {reason}"
    if services_required():
        pytest.fail(f"{message} (LODE_REQUIRE_SERVICES=1 makes this a failure)", pytrace=False)
    pytest.skip(f"SKIPPED LOUDLY — {message}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        server = find_or_start_postgres()
    except Unavailable as exc:
        missing("PostgreSQL", str(exc))
        raise
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh database for this test session."""
    return postgres_server.url(postgres_server.create_database())


@pytest.fixture(scope="session")
def kafka() -> Iterator[KafkaBroker]:
    try:
        broker = start_kafka()
    except Unavailable as exc:
        missing("Kafka-protocol broker", str(exc))
        raise
    try:
        yield broker
    finally:
        broker.stop()


BACKENDS = [
    "sqlite",
    pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.kafka]),
]
"""``params`` of a fixture on both runtimes: SQLite + the in-process bus, and PostgreSQL +
the Kafka-protocol broker (marked, so ``-m "not postgres"`` keeps to the fast one)."""


def backend_services(request: pytest.FixtureRequest, backend: str) -> dict[str, Any]:
    """What :func:`~lode_common.testing.apps.service_under_test` needs beside ``backend``:
    nothing for SQLite; the session's PostgreSQL server and broker for ``"postgres"``."""
    if backend != "postgres":
        return {}
    return {
        "postgres": request.getfixturevalue("postgres_server"),
        "kafka": request.getfixturevalue("kafka"),
    }


@asynccontextmanager
async def service_on(
    build: Build,
    settings_class: type[LodeSettings],
    request: pytest.FixtureRequest,
    tmp_path: Path,
    backend: str,
    **overrides: Any,
) -> AsyncIterator[ServiceUnderTest]:
    """One service under test on ``backend``: what a service's ``<service>`` fixture (on
    ``"sqlite"``) and ``<service>_both`` fixture (``params=BACKENDS``) yield."""
    async with service_under_test(
        build,
        settings_class,
        backend=backend,
        tmp_path=tmp_path,
        **backend_services(request, backend),
        **overrides,
    ) as service:
        yield service
