"""The monitoring service on a real database and bus (both runtimes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from lode_common.testing.apps import ServiceUnderTest
from lode_common.testing.plugin import BACKENDS, service_on
from lode_monitoring.bootstrap import build
from lode_monitoring.settings import MonitoringSettings


@pytest.fixture
async def monitoring(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[ServiceUnderTest]:
    """Monitoring on SQLite and the in-process bus (the fast runtime)."""
    async with service_on(build, MonitoringSettings, request, tmp_path, "sqlite") as service:
        yield service


@pytest.fixture(params=BACKENDS)
async def monitoring_both(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[ServiceUnderTest]:
    """Monitoring on each runtime in turn."""
    async with service_on(build, MonitoringSettings, request, tmp_path, request.param) as service:
        yield service
