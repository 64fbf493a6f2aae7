"""The zoning service on a real database and bus (SQLite + in-process, PostgreSQL + Kafka)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from lode_common.testing.apps import ServiceUnderTest, service_under_test
from lode_zoning.bootstrap import build
from lode_zoning.settings import ZoningSettings


async def _zoning(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> AsyncIterator[ServiceUnderTest]:
    extra = {}
    if backend == "postgres":
        extra = {
            "postgres": request.getfixturevalue("postgres_server"),
            "kafka": request.getfixturevalue("kafka"),
        }
    async with service_under_test(
        build, ZoningSettings, backend=backend, tmp_path=tmp_path, **extra
    ) as service:
        yield service


@pytest.fixture
async def zoning(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ServiceUnderTest]:
    """Zoning on SQLite and the in-process bus (the fast runtime)."""
    async for service in _zoning(request, tmp_path, "sqlite"):
        yield service


@pytest.fixture(params=["sqlite", "postgres"])
async def zoning_both(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[ServiceUnderTest]:
    """Zoning on each runtime in turn."""
    async for service in _zoning(request, tmp_path, request.param):
        yield service
