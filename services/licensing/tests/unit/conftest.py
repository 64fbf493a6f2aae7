"""Fixtures of the licensing domain's unit tests: the real plan document and its rules."""

from __future__ import annotations

from typing import Any

import pytest

from lode_licensing.domain.rulebook import PlanRules

from .builders import plan_document, real_rules


@pytest.fixture
def document() -> dict[str, Any]:
    """The real plan document (both YAML files), a fresh copy a test may modify."""
    return plan_document()


@pytest.fixture(scope="session")
def rules() -> PlanRules:
    """The rules of the real plan document."""
    return real_rules()
