"""Test support for the whole system: the embedded system served over real HTTP.

Browser tests, the API docs pages and the clients generated from the OpenAPI documents
speak to Lode the way a person or another system does: over a socket. :func:`served`
runs an :class:`~lode.embedded.EmbeddedSystem` under uvicorn in a thread on its loopback
port until the block ends, and stops it cleanly (lifespan included)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from lode.embedded import EmbeddedSystem
from lode_common.testing.services import wait_for_port


@contextmanager
def served(system: EmbeddedSystem, *, name: str = "lode") -> Iterator[str]:
    """``system`` listening on ``127.0.0.1:<settings.port>`` until the block ends; yields its
    base URL once the port accepts connections."""
    server = uvicorn.Server(
        uvicorn.Config(
            system.asgi(),
            host="127.0.0.1",
            port=system.settings.port,
            lifespan="on",
            log_config=None,
            access_log=False,
        )
    )
    thread = threading.Thread(target=server.run, name=f"{name}-uvicorn", daemon=True)
    thread.start()
    try:
        wait_for_port("127.0.0.1", system.settings.port, 60, "the embedded system")
        yield f"http://127.0.0.1:{system.settings.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)
