"""The reporting service on a real database and bus (both runtimes). Its live stream
re-reads the journal only every 30 s: in one process the in-process notification must
carry every event to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from lode_common.testing.apps import ServiceUnderTest
from lode_common.testing.plugin import BACKENDS, service_on
from lode_reporting.bootstrap import build
from lode_reporting.settings import ReportingSettings


@pytest.fixture
async def reporting(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[ServiceUnderTest]:
    """Reporting on SQLite and the in-process bus (the fast runtime)."""
    async with service_on(
        build, ReportingSettings, request, tmp_path, "sqlite", stream_poll_s=30.0
    ) as service:
        yield service


@pytest.fixture(params=BACKENDS)
async def reporting_both(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[ServiceUnderTest]:
    """Reporting on each runtime in turn."""
    async with service_on(
        build, ReportingSettings, request, tmp_path, request.param, stream_poll_s=30.0
    ) as service:
        yield service
