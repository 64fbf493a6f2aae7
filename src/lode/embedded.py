"""Embedded mode: the four services in one process, SQLite files, the in-process bus.

``lode up`` (and ``make up``) run this. Every service keeps its own database file under
``LODE_DATA_DIR`` and its own outbox; one in-process bus (a log in ``bus.db``) carries
the events between them exactly as Kafka does in distributed mode. SIGINT/SIGTERM stop
the consumers, let the relays drain, and close the databases: nothing committed is lost,
and the next start resumes where this one stopped.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from lode_common.errors import NotFound, problem_response
from lode_common.http import SecurityHeadersMiddleware
from lode_common.messaging.inprocess import InProcessTransport
from lode_common.runtime import ServiceRuntime
from lode_common.settings import LodeSettings

SERVICES = ("zoning", "licensing", "monitoring", "reporting")
WEB_FRONT = frozenset({"", "static", "favicon.ico", "workbench", "public"})
"""First path segments reporting answers outside ``/reporting/``: the dashboard at ``/``, the
workbench at ``/workbench/``, the public disclosure pages and API at ``/public/``."""


@dataclass(frozen=True)
class Secrets:
    admin_token: str
    jwt_secret: str


def embedded_secrets(data_dir: Path) -> Secrets:
    """The admin token and JWT key: from the environment, else generated once and kept in
    ``<data_dir>/secrets.json`` (mode 0600) so tokens stay valid across restarts."""
    path = data_dir / "secrets.json"
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
    values = {
        "admin_token": os.environ.get("LODE_ADMIN_TOKEN")
        or stored.get("admin_token")
        or secrets.token_urlsafe(24),
        "jwt_secret": os.environ.get("LODE_JWT_SECRET")
        or stored.get("jwt_secret")
        or secrets.token_urlsafe(32),
    }
    if values != stored:
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
        path.chmod(0o600)
    return Secrets(**values)


class DataDirInUse(Exception):
    """Another process runs the embedded system on this data directory."""


class DataDirLock:
    """An exclusive advisory lock on ``<data_dir>/lode.lock`` held while the embedded system
    runs (released by the kernel if the process dies), holding the runner's pid:
    ``lode restore`` refuses to replace the data of a running system."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "lode.lock"
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DataDirInUse(
                f"{self.path.parent} is in use by the Lode process {running_pid(self.path)}"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def running_pid(lock_path: Path) -> str:
    with contextlib.suppress(OSError):
        return lock_path.read_text(encoding="ascii").strip() or "?"
    return "?"


def data_dir_in_use(data_dir: Path) -> bool:
    """True while an embedded system runs on ``data_dir`` (its lock cannot be taken)."""
    if not (data_dir / "lode.lock").exists():
        return False
    lock = DataDirLock(data_dir)
    try:
        lock.acquire()
    except DataDirInUse:
        return True
    lock.release()
    return False


class EmbeddedSystem:
    """The four runtimes on one shared in-process bus, and one ASGI app in front."""

    def __init__(self, **overrides: object) -> None:
        """``overrides`` are settings (``data_dir``, ``port``, ...) over the environment.
        Embedded mode always uses SQLite files: ``LODE_DATABASE_URL`` is ignored here."""
        from lode_common.service_client import LazyASGITransport
        from lode_licensing import bootstrap as licensing
        from lode_monitoring import bootstrap as monitoring
        from lode_reporting import bootstrap as reporting
        from lode_zoning import bootstrap as zoning

        overrides = {**overrides, "database_url": "", "bus": "memory"}
        base = LodeSettings(**overrides)  # type: ignore[arg-type]
        self.settings = base
        self.secrets = embedded_secrets(base.data_dir)
        self.transport = InProcessTransport(
            base.data_dir / "bus.db", partitions=base.kafka_partitions
        )
        overrides |= {
            "admin_token": self.secrets.admin_token,
            "jwt_secret": self.secrets.jwt_secret,
            "data_dir": base.data_dir,
        }
        self.runtimes: dict[str, ServiceRuntime] = {}
        self.apps: dict[str, FastAPI] = {}
        for module in (zoning, licensing, monitoring, reporting):
            service_settings = module.SETTINGS_CLASS(**overrides)
            extra: dict[str, object] = {}
            if module is licensing:  # licensing asks zoning in-process, without a socket
                extra["zoning_http"] = httpx.ASGITransport(app=self.apps["zoning"])
            if module is zoning:  # zoning asks licensing (built after it) in-process, lazily
                extra["licensing_http"] = LazyASGITransport(lambda: self.apps["licensing"])
            runtime, app = module.build(service_settings, transport=self.transport, **extra)
            self.runtimes[module.NAME] = runtime
            self.apps[module.NAME] = app
        self.on_started: list[Callable[[], None]] = []
        self.lock = DataDirLock(base.data_dir)

    async def start(self) -> None:
        self.lock.acquire()
        await self.transport.start()
        for runtime in self.runtimes.values():
            await runtime.start()
        for callback in self.on_started:
            callback()

    async def stop(self) -> None:
        # consumers first, then relays drain, then the bus closes
        for runtime in reversed(list(self.runtimes.values())):
            await runtime.stop()
        await self.transport.stop()
        self.lock.release()

    def asgi(self) -> ASGIApp:
        return _Dispatcher(self)


class _Dispatcher:
    """Routes ``/<service>/...`` to that service's app; ``/`` (the dashboard), ``/workbench/``
    (the officers' workbench) and ``/public/`` (the public disclosure pages and their API) to
    reporting, the web front, as the proxy does in distributed mode."""

    def __init__(self, system: EmbeddedSystem) -> None:
        self.system = system

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        path: str = scope.get("path", "/")
        first = path.split("/", 2)[1] if path.count("/") else ""
        app = self.system.apps.get(first)
        if app is None and first in WEB_FRONT:
            app = self.system.apps["reporting"]
        if app is None:
            response = problem_response(
                NotFound(
                    f"No service at {path}. The services are "
                    + ", ".join(f"/{s}/" for s in SERVICES)
                    + "; the dashboard is at /."
                )
            )
            await SecurityHeadersMiddleware(response)(scope, receive, send)
            return
        await app(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.system.start()
                except Exception as exc:
                    await send({"type": "lifespan.startup.failed", "message": repr(exc)})
                    raise
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.system.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return
