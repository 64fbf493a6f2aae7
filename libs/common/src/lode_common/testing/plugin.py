"""pytest plugin: ``postgres`` and ``kafka`` session fixtures (see :mod:`.services`).

Tests that need a service it cannot have are skipped with a loud reason, unless
``LODE_REQUIRE_SERVICES=1`` (set by ``.ci/run``), where they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

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
