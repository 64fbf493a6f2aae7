"""Real local HTTP servers for the province exchange tests: uvicorn in-process, small apps."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from lode_common.testing import eventually
from lode_common.testing.services import free_port

SECRET = "province-test-secret-0123456789abcdef-0123456789"


@contextlib.asynccontextmanager
async def serve(app: FastAPI, port: int | None = None) -> AsyncIterator[str]:
    """Serve ``app`` on a (free) loopback port as a task of this loop; yield its base URL."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())

    def started() -> bool:
        if task.done():
            task.result()  # raises what stopped it
            raise RuntimeError("uvicorn stopped before it started")
        return bool(server.started)

    await eventually(started, timeout_s=10, interval_s=0.01, what=f"uvicorn on port {port}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


# --- a platform that answers as told (client tests) -------------------------------------------
@dataclass
class Answer:
    status: int = 202
    json: Any = None
    text: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class ScriptedPlatform:
    """Answers each POST with the next scripted :class:`Answer` (202 with a reference after)."""

    answers: list[Answer] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/{path:path}")
        async def anything(path: str, request: Request) -> Response:
            self.seen.append(Seen("/" + path, dict(request.headers), await request.body()))
            answer = self.answers.pop(0) if self.answers else Answer(json={"reference": "R-1"})
            if answer.delay_s:
                # released early when the test ends, so the server stops at once
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), answer.delay_s)
            if answer.text is not None:
                return Response(answer.text, answer.status, answer.headers, "text/plain")
            return JSONResponse(answer.json, answer.status, answer.headers)

        return app


# --- Lode's callback endpoint, as far as the simulator can tell (simulator tests) --------------
@dataclass
class Callback:
    timestamp: str | None
    signature: str | None
    content_type: str | None
    raw: bytes
    received_at: float


@dataclass
class Receiver:
    """Collects the decisions called back; answers ``failing_status`` to the first N."""

    fail_first: int = 0
    failing_status: int = 503
    calls: list[Callback] = field(default_factory=list)
    arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def wait_for(self, count: int, within_s: float = 5.0) -> None:
        """Until ``count`` callbacks have arrived (TimeoutError after ``within_s``)."""
        async with asyncio.timeout(within_s), self.arrived:
            await self.arrived.wait_for(lambda: len(self.calls) >= count)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/licensing/v1/province/decisions")
        async def decisions(request: Request) -> Response:
            call = Callback(
                request.headers.get("X-Lode-Timestamp"),
                request.headers.get("X-Lode-Signature"),
                request.headers.get("Content-Type"),
                await request.body(),
                time.time(),
            )
            async with self.arrived:
                self.calls.append(call)
                self.arrived.notify_all()
            if len(self.calls) <= self.fail_first:
                return JSONResponse({"detail": "busy"}, self.failing_status)
            return JSONResponse({"status": "ok"})

        return app
