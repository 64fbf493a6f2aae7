"""The profile's part timer: the service's own code, in-process, timed part by part (wall
and CPU), each SQL statement under the part that sent it."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar
from unittest.mock import patch

import fastapi.routing
import structlog
from fastapi import Request
from fastapi.responses import JSONResponse
from prometheus_client.metrics import Counter as Counter_
from prometheus_client.metrics import Histogram, MetricWrapperBase
from sqlalchemy import event
from starlette.types import ASGIApp, Receive, Scope, Send

from bench.reports.workload import REPORTS
from lode_common import idempotency
from lode_common.auth import Authenticator
from lode_common.runtime import ServiceRuntime
from lode_monitoring.adapters.report_store import PostgresReportStore
from lode_monitoring.domain.report import parse_output_report
from lode_monitoring.handlers import intake
from lode_monitoring.handlers.api_keys import KeyLookup

T = TypeVar("T")


class PartTimer:
    """Wall and CPU time of the parts of a request, each part's own (its timed children
    taken off). One request at a time (a stack), only in the request's task; the CPU is this
    thread's, so it includes what other tasks (the relay, the Kafka consumer) ran while the
    request waited."""

    def __init__(self) -> None:
        self.wall_s: defaultdict[str, float] = defaultdict(float)
        self.cpu_s: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self.order: dict[str, None] = {}
        self.parent: dict[str, str] = {}
        self.stack: list[list[Any]] = []  # [name, wall at start, cpu at start, children's]
        self.task: asyncio.Task[Any] | None = None
        self.requests = 0

    def reset(self) -> None:
        self.wall_s.clear()
        self.cpu_s.clear()
        self.calls.clear()
        self.requests = 0

    def current(self) -> str | None:
        return self.stack[-1][0] if self.stack else None

    def mine(self) -> bool:
        try:
            return self.task is not None and asyncio.current_task() is self.task
        except RuntimeError:
            return False

    def enter(self, name: str) -> None:
        parent = self.current()
        if parent is not None:
            self.parent.setdefault(name, parent)
        self.order.setdefault(name, None)
        self.stack.append([name, time.perf_counter(), time.thread_time(), 0.0, 0.0])

    def leave(self) -> None:
        name, wall0, cpu0, child_wall, child_cpu = self.stack.pop()
        wall = time.perf_counter() - wall0
        cpu = time.thread_time() - cpu0
        self.wall_s[name] += wall - child_wall
        self.cpu_s[name] += cpu - child_cpu
        self.calls[name] += 1
        if self.stack:
            self.stack[-1][3] += wall
            self.stack[-1][4] += cpu

    @contextlib.contextmanager
    def part(self, name: str) -> Iterator[None]:
        if not self.mine():
            yield
            return
        self.enter(name)
        try:
            yield
        finally:
            self.leave()


def timed_async(
    timer: PartTimer, name: str, fn: Callable[..., Awaitable[T]]
) -> Callable[..., Awaitable[T]]:
    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> T:
        with timer.part(name):
            return await fn(*args, **kwargs)

    return wrapper


def timed_sync(timer: PartTimer, name: str, fn: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        with timer.part(name):
            return fn(*args, **kwargs)

    return wrapper


class TimedApp:
    """The ASGI app, each HTTP request one part (what no other part covers: Starlette,
    FastAPI's routing and dependencies, the middleware, reading the body, the answer)."""

    def __init__(self, app: ASGIApp, timer: PartTimer) -> None:
        self.app = app
        self.timer = timer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != REPORTS:
            await self.app(scope, receive, send)
            return
        self.timer.task = asyncio.current_task()
        self.timer.requests += 1
        with self.timer.part("FastAPI, middleware, body, answer (the rest)"):
            await self.app(scope, receive, send)


SQL_IN = " @ "  # a statement's part: its label, then the part that sent it


def statement_label(sql: str) -> str:
    text = " ".join(sql.split())
    write = re.match(r"(INSERT INTO|UPDATE|DELETE FROM) (\w+)", text)
    if write:
        return f"{write.group(1).split()[0]} {write.group(2)}"
    read = re.search(r" FROM (\w+)", text)
    return f"SELECT {read.group(1)}" if read else text[:40]


@contextlib.contextmanager
def parts_timed(timer: PartTimer, runtime: ServiceRuntime) -> Iterator[None]:
    """Time the service's parts (module attributes and methods wrapped, restored after) and
    each SQL statement (a child part of whichever part sent it)."""
    i = intake
    LOGGER_CLASS = structlog.get_config()["wrapper_class"]
    wraps: list[tuple[Any, str, str, bool]] = [
        (fastapi.routing, "solve_dependencies", "FastAPI: the endpoint's dependencies", True),
        (Authenticator, "authenticate", "authentication: the Authorization header", True),
        (KeyLookup, "__call__", "authentication: API key look-up (kept 5 s)", True),
        (KeyLookup, "_read", "authentication: the key's row read (every 5 s a key)", True),
        (Request, "body", "request body read", True),
        (idempotency, "checked_key", "idempotency: key check, body fingerprint", False),
        (idempotency, "fingerprint", "idempotency: key check, body fingerprint", False),
        (i, "submit_report", "intake: a connection of its pool, submit, relay woken", True),
        (i, "submit", "submit: judge the report, build its rows and events", True),
        (PostgresReportStore, "context", "context: plan, mine, history (SQL, or remembered)", True),
        (PostgresReportStore, "plan_document", "SQL the plan document (once a version)", True),
        (i, "view_from", "licence view", False),
        (i, "evaluate", "evaluate: finding rules", False),
        (i, "event_fields", "event: OutputReported fields", False),
        (i, "outbox_rows", "outbox rows: envelopes as JSON", False),
        (PostgresReportStore, "write", "SQL write: report, outbox, findings (one statement)", True),
        (JSONResponse, "render", "answer rendered (JSON)", False),
        (LOGGER_CLASS, "info", "request log line (structlog, JSON)", False),
        (MetricWrapperBase, "labels", "request metrics (prometheus)", False),
        (Counter_, "inc", "request metrics (prometheus)", False),
        (Histogram, "observe", "request metrics (prometheus)", False),
    ]
    parse = parse_output_report

    def parse_timed(*args: Any, **kwargs: Any) -> Any:
        with timer.part("validation: parse"):
            return parse(*args, **kwargs)

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if timer.mine():
            timer.enter(f"SQL {statement_label(statement)}{SQL_IN}{timer.current()}")

    def after(_conn: Any, _cursor: Any, _statement: str, *_args: Any) -> None:
        if timer.mine() and timer.current() and str(timer.current()).startswith("SQL "):
            timer.leave()

    with contextlib.ExitStack() as stack:
        for owner, attr, name, is_async in wraps:
            fn = getattr(owner, attr, None)
            if fn is None:  # the service changed: that part is timed with its caller
                continue
            wrapped = timed_async(timer, name, fn) if is_async else timed_sync(timer, name, fn)
            stack.enter_context(patch.object(owner, attr, wrapped))
        stack.enter_context(patch.object(i, "parse_output_report", parse_timed))
        sync_engine = runtime.engine.sync_engine
        event.listen(sync_engine, "before_cursor_execute", before)
        event.listen(sync_engine, "after_cursor_execute", after)
        stack.callback(event.remove, sync_engine, "before_cursor_execute", before)
        stack.callback(event.remove, sync_engine, "after_cursor_execute", after)
        yield


def part_rows(timer: PartTimer) -> list[dict[str, Any]]:
    """The parts in the order a request meets them, SQL statements under their part."""
    n = timer.requests
    children: defaultdict[str | None, list[str]] = defaultdict(list)
    for name in timer.order:
        if timer.calls[name]:
            children[timer.parent.get(name)].append(name)
    rows: list[dict[str, Any]] = []

    def walk(parent: str | None, depth: int) -> None:
        for name in children[parent]:
            rows.append(
                {
                    "part": name.split(SQL_IN)[0],
                    "depth": depth,
                    "wall_us": round(timer.wall_s[name] / n * 1e6, 1),
                    "cpu_us": round(timer.cpu_s[name] / n * 1e6, 1),
                    "calls_per_report": round(timer.calls[name] / n, 2),
                }
            )
            walk(name, depth + 1)

    walk(None, 0)
    return rows
