"""Fixtures shared by the deployment tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .deployment import Built, build_from_compose


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Built]:
    """A service's settings and app built from exactly the compose environment."""

    def build(container: str) -> Built:
        return build_from_compose(container, monkeypatch)

    return build
