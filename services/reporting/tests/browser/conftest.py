"""A real Lode for a real browser: the embedded system (four services, SQLite, the
in-process bus) served by uvicorn on a free loopback port in a thread, once with the demo
data (``lode``) and once as a bureau's real start with none (``lode_empty``, ``LODE_DEMO=0``),
and Debian's Chromium driven by Playwright (never ``playwright install``).

Every page a browser test opens comes from the ``browser`` fixture, which fails the test on
any uncaught page error, any console error (a Content-Security-Policy violation is one:
"Refused to ...") and any request to a host other than the server under test (each such
request is aborted before it leaves the machine, and recorded)."""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncIterator, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
import pytest

from lode.embedded import EmbeddedSystem
from lode.testing import served
from lode_common.auth import issue_token
from lode_common.testing.plugin import missing
from lode_common.testing.services import free_port
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
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})
"""URLs that never reach a network: a ``data:`` favicon, an ECharts ``blob:``."""
T = TypeVar("T")


@dataclass(frozen=True)
class Lode:
    """The running system, and its event loop (to publish on its bus and anchor its chains
    where they run)."""

    url: str
    admin_token: str
    viewer_token: str
    system: EmbeddedSystem
    demo: bool
    loop: asyncio.AbstractEventLoop

    def token(self, *roles: str, user: str) -> str:
        """A token for ``user`` with ``roles``, as the bureau's identity provider issues."""
        return issue_token(self.system.secrets.jwt_secret, user=user, roles=list(roles))

    def api(self, token: str | None = None) -> httpx.Client:
        """The API as the administrator (or as whoever ``token`` signs for)."""
        bearer = token or self.admin_token
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {bearer}"}, timeout=60
        )

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """``work`` done on the system's own loop (its bus and database live there)."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(60)


@contextmanager
def serve(data_dir: Path, *, demo: bool, **settings: Any) -> Iterator[Lode]:
    """The embedded system on 127.0.0.1 until the block ends, once its plan has reached
    reporting; ``settings`` over the tests' own (a module that needs a province platform or
    a smaller lock-out serves its own system with them)."""
    settings.setdefault("port", free_port())
    system = EmbeddedSystem(data_dir=data_dir, demo=demo, log_json=True, **settings)
    loops: list[asyncio.AbstractEventLoop] = []
    system.on_started.append(lambda: loops.append(asyncio.get_running_loop()))
    with served(system) as url:
        viewer = issue_token(system.secrets.jwt_secret, user="看板测试", roles=["viewer"])
        _wait_for_the_plan(url, viewer)
        yield Lode(url, system.secrets.admin_token, viewer, system, demo, loops[0])


def _wait_for_the_plan(url: str, token: str, timeout_s: float = 60) -> None:
    """Until the plan has reached reporting (zoning publishes it on its first start), as a
    bureau's system is before anyone opens the page; the page's own "not yet" state has its
    own test."""
    deadline = time.monotonic() + timeout_s
    while True:
        answer = httpx.get(
            f"{url}/reporting/v1/indicators",
            params={"year": 2021},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        if answer.status_code == 200:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the plan did not reach reporting: {answer.text}")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def lode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lode]:
    """The system with its demo data, listening on 127.0.0.1 until the module ends."""
    with serve(tmp_path_factory.mktemp("lode"), demo=True) as served:
        yield served


@pytest.fixture(scope="module")
def lode_empty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lode]:
    """A bureau's real start (``LODE_DEMO=0``): the plan, and no zones, licences or reports."""
    with serve(tmp_path_factory.mktemp("lode-empty"), demo=False) as served:
        yield served


@pytest.fixture(scope="module")
def artefacts(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """Where a module's screenshots go: ``$LODE_ARTEFACTS`` and the module's ``SCREENSHOTS``
    (a sub-folder, "" for that folder itself) when it is set, else a temporary folder; said
    at the end of the module."""
    name = request.module.__name__.rsplit(".", 1)[-1]
    root = os.environ.get("LODE_ARTEFACTS")
    sub = str(getattr(request.module, "SCREENSHOTS", name))
    folder = Path(root) / sub if root else tmp_path_factory.mktemp(name)
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    print(f"\n{name} screenshots: {folder}")


def _browser_ready() -> None:
    if not CHROMIUM.exists():
        missing("Chromium", f"{CHROMIUM} is not installed; `make browser` installs it (as root)")
    absent = [name for name in VENDOR_FILES if not (STATIC / name).is_file()]
    if absent:
        pytest.fail(f"the dashboard's assets are not built ({', '.join(absent)}): `make assets`")


@pytest.fixture
async def chromium() -> AsyncIterator[Any]:
    """Debian's Chromium, headless; skipped (failed under LODE_REQUIRE_SERVICES=1) without it.
    Tests open pages through :func:`browser`, never from this directly."""
    _browser_ready()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await asyncio.wait_for(launched.close(), 30)


@dataclass
class Watch:
    """What the pages of one test did that a working page never does."""

    origin: str
    expected: list[re.Pattern[str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def console(self, message: Any) -> None:
        if message.type != "error":
            return
        text = str(message.text)
        if not any(pattern.search(text) for pattern in self.expected):
            self.errors.append(f"console error: {text}")

    def page_error(self, error: Any) -> None:
        self.errors.append(f"uncaught page error: {error}")

    def request(self, request: Any) -> None:
        self.requests.append(request.url)
        if not self.local(request.url):
            self.outside.append(request.url)

    def local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES:
            return True
        return f"{parts.scheme}://{parts.netloc}" == self.origin

    async def route(self, route: Any) -> None:
        url = route.request.url
        if self.local(url):
            await route.continue_()
            return
        self.outside.append(url)
        await route.abort("blockedbyclient")

    def assert_clean(self) -> None:
        assert not self.errors, "the page reported errors:\n" + "\n".join(self.errors)
        assert not self.outside, f"the page tried to reach other hosts: {sorted(set(self.outside))}"


class Browser:
    """Opens pages on one Lode, each in its own context, all of them watched."""

    def __init__(self, chromium: Any) -> None:
        self.chromium = chromium
        self.watches: list[Watch] = []
        self.contexts: list[Any] = []

    async def page(
        self, lode: Lode, *, expect_console: tuple[str, ...] = (), **context_options: Any
    ) -> tuple[Any, Watch]:
        """A new page (not yet navigated) and its watch. ``expect_console`` lists patterns of
        console errors the test provokes on purpose (a refused token's 401)."""
        watch = Watch(lode.url, expected=[re.compile(p) for p in expect_console])
        context = await self.chromium.new_context(**context_options)
        await context.route("**/*", watch.route)
        context.on("request", watch.request)
        page = await context.new_page()
        page.on("console", watch.console)
        page.on("pageerror", watch.page_error)
        self.watches.append(watch)
        self.contexts.append(context)
        return page, watch

    async def close(self) -> None:
        for context in self.contexts:
            await asyncio.wait_for(context.close(), 30)
        self.contexts.clear()

    def assert_clean(self) -> None:
        for watch in self.watches:
            watch.assert_clean()


@pytest.fixture
async def browser(chromium: Any) -> AsyncIterator[Browser]:
    """Pages for one test; the test fails on any page error, console error (a CSP
    violation included) or request to another host, whether or not it looks."""
    pages = Browser(chromium)
    try:
        yield pages
    finally:
        await pages.close()
    pages.assert_clean()
