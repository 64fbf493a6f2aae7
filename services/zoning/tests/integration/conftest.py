"""The zoning service on a real database and bus (SQLite + in-process, PostgreSQL + Kafka)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from lode_common.testing.apps import ServiceUnderTest
from lode_common.testing.plugin import BACKENDS, service_on
from lode_zoning.bootstrap import build
from lode_zoning.settings import ZoningSettings


@pytest.fixture
async def zoning(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ServiceUnderTest]:
    """Zoning on SQLite and the in-process bus (the fast runtime)."""
    async with service_on(build, ZoningSettings, request, tmp_path, "sqlite") as service:
        yield service


@pytest.fixture(params=BACKENDS)
async def zoning_both(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[ServiceUnderTest]:
    """Zoning on each runtime in turn."""
    async with service_on(build, ZoningSettings, request, tmp_path, request.param) as service:
        yield service
