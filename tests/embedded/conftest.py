"""One embedded system with the demo data for the stories run on it (the granting and plan
adjustment files): started once, since loading the demo is most of its cost."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from lode.embedded import EmbeddedSystem
from lode.testing import served
from lode_common.testing.services import free_port

from .demo import EmbeddedLode


@pytest.fixture(scope="session")
def demo_lode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedLode]:
    data_dir = tmp_path_factory.mktemp("demo")
    # the daily passes (deadlines, lists, overdue orders) every 2 s, read when the services
    # are built: a recorded order past its due day is overdue within the story
    pass_interval = "LODE_MONITORING_DAILY_PASS_INTERVAL_S"
    before = os.environ.get(pass_interval)
    os.environ[pass_interval] = "2"
    try:
        system = EmbeddedSystem(data_dir=data_dir, port=free_port(), demo=True, log_json=True)
    finally:
        _restore(pass_interval, before)
    with served(system, name="lode-demo") as url:
        yield EmbeddedLode(url, data_dir)


def _restore(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
