"""The reporting service on a real database and bus (both runtimes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from lode_common.testing.apps import ServiceUnderTest, service_under_test
from lode_reporting.bootstrap import build
from lode_reporting.settings import ReportingSettings


async def _reporting(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> AsyncIterator[ServiceUnderTest]:
    extra = {}
    if backend == "postgres":
        extra = {
            "postgres": request.getfixturevalue("postgres_server"),
            "kafka": request.getfixturevalue("kafka"),
        }
    async with service_under_test(
        build, ReportingSettings, backend=backend, tmp_path=tmp_path, stream_poll_s=30.0, **extra
    ) as service:
        yield service


@pytest.fixture
async def reporting(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[ServiceUnderTest]:
    async for service in _reporting(request, tmp_path, "sqlite"):
        yield service


@pytest.fixture(params=["sqlite", "postgres"])
async def reporting_both(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[ServiceUnderTest]:
    async for service in _reporting(request, tmp_path, request.param):
        yield service
