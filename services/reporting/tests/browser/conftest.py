"""A real Lode for a real browser: the embedded system (four services, SQLite, the
in-process bus, the demo data) served by uvicorn on a free loopback port in a thread, and
Debian's Chromium driven by Playwright (never ``playwright install``)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from lode.embedded import EmbeddedSystem
from lode_common.auth import issue_token
from lode_common.testing.plugin import missing
from lode_common.testing.services import free_port, wait_for_port
from lode_reporting.api.home import STATIC, VENDOR_FILES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Lode:
    url: str
    admin_token: str
    viewer_token: str
    system: EmbeddedSystem


@pytest.fixture(scope="module")
def lode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lode]:
    """The system with its demo data, listening on 127.0.0.1 until the module ends."""
    port = free_port()
    system = EmbeddedSystem(
        data_dir=tmp_path_factory.mktemp("lode"), port=port, demo=True, log_json=True
    )
    server = uvicorn.Server(
        uvicorn.Config(
            system.asgi(),
            host="127.0.0.1",
            port=port,
            lifespan="on",
            log_config=None,
            access_log=False,
        )
    )
    thread = threading.Thread(target=server.run, name="lode-uvicorn", daemon=True)
    thread.start()
    try:
        wait_for_port("127.0.0.1", port, 60, "the embedded system")
        viewer = issue_token(system.secrets.jwt_secret, user="看板测试", roles=["viewer"])
        yield Lode(f"http://127.0.0.1:{port}", system.secrets.admin_token, viewer, system)
    finally:
        server.should_exit = True
        thread.join(timeout=60)


def _browser_ready() -> None:
    if not CHROMIUM.exists():
        missing("Chromium", f"{CHROMIUM} is not installed; `make browser` installs it (as root)")
    absent = [name for name in VENDOR_FILES if not (STATIC / name).is_file()]
    if absent:
        pytest.fail(f"the dashboard's assets are not built ({', '.join(absent)}): `make assets`")


@pytest.fixture
async def chromium() -> AsyncIterator[object]:
    """Debian's Chromium, headless; skipped (failed under LODE_REQUIRE_SERVICES=1) without it."""
    _browser_ready()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await asyncio.wait_for(browser.close(), 30)
