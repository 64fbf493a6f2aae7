"""Fixtures of the monitoring domain's unit tests: the real plan document and its standards."""

from __future__ import annotations

from typing import Any

import pytest

from lode_monitoring.domain.standards import MonitoringStandards

from .builders import plan_document, real_standards


@pytest.fixture
def document() -> dict[str, Any]:
    """The real plan document (as zoning publishes it), a fresh copy a test may modify."""
    return plan_document()


@pytest.fixture(scope="session")
def standards() -> MonitoringStandards:
    """What monitoring reads from the real plan document."""
    return real_standards()
