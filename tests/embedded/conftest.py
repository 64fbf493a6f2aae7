"""One embedded system with the demo data for the stories run on it (the granting and plan
adjustment files): started once, since loading the demo is most of its cost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lode.embedded import EmbeddedSystem
from lode.testing import served
from lode_common.testing.services import free_port

from .demo import EmbeddedLode


@pytest.fixture(scope="session")
def demo_lode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedLode]:
    data_dir = tmp_path_factory.mktemp("demo")
    system = EmbeddedSystem(data_dir=data_dir, port=free_port(), demo=True, log_json=True)
    with served(system, name="lode-demo") as url:
        yield EmbeddedLode(url, data_dir)
