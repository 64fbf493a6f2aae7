"""The HTTP side every service shares: app factory, auth dependencies, middleware.

Each service answers ``/<service>/health``, ``/<service>/metrics``,
``/<service>/openapi.json``, ``/<service>/docs`` (:mod:`lode_common.api_docs`) and the
operator endpoints under ``/<service>/v1/admin``. Every response carries the security headers
of :class:`SecurityHeadersMiddleware`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Any, Literal

import structlog
from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from opentelemetry.trace import Span
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lode_common import auth, json_body, telemetry
from lode_common.api_docs import docs_router
from lode_common.audit import context as audit_context
from lode_common.container import ErrorPolicy
from lode_common.errors import (
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    Problem,
    install_error_handlers,
    problem_response,
)
from lode_common.messaging.outbox import UnitOfWork
from lode_common.metrics import allowed as metrics_allowed
from lode_common.openapi import COMMON_PROBLEMS, document_problems, problems
from lode_common.runtime import ServiceRuntime

log = structlog.get_logger(__name__)

MAX_INT32 = 2**31 - 1
"""The upper bound of an integer query parameter stored in an ``integer`` column (versions,
years): a larger value is a 422 naming the parameter, not a driver error."""
PATH_LOGGED_MAX = 500
"""The characters of a request's path the access log keeps (a path can be 64 KB long)."""
MAX_OFFSET = 10**9
"""The upper bound of ``offset`` in paged lists."""
bearer = HTTPBearer(auto_error=False, description="A staff token or a mine's API key")


def runtime_of(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> auth.Principal:
    header = f"Bearer {credentials.credentials}" if credentials else None
    principal = await runtime_of(request).authenticator.authenticate(header)
    structlog.contextvars.bind_contextvars(principal=principal.subject)
    return principal


CurrentPrincipal = Annotated[auth.Principal, Depends(current_principal)]
Runtime = Annotated[ServiceRuntime, Depends(runtime_of)]


def requires(*roles: str) -> Callable[..., Any]:
    """A dependency: the caller must hold one of ``roles`` (admin counts as every staff role)."""

    async def dependency(principal: CurrentPrincipal) -> auth.Principal:
        return auth.require_role(principal, *roles)

    dependency.__name__ = f"requires_{'_or_'.join(roles)}"
    return dependency


async def unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    async with runtime_of(request).uow() as uow:
        yield uow


UoW = Annotated[UnitOfWork, Depends(unit_of_work)]


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
"""The policy of every HTML page: scripts, styles and data from the service's own origin
only (the dashboard and the API docs load nothing from elsewhere), never framed."""
_EVERY_RESPONSE: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
_HTML_RESPONSE: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
)


class SecurityHeadersMiddleware:
    """``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer`` on every
    response; the Content-Security-Policy and ``X-Frame-Options: DENY`` on every HTML one.
    A header the app set itself is left as it is. Pure ASGI: one look at the response
    headers, nothing else."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(message.get("headers") or [])
            await send(message)

        await self.app(scope, receive, send_with_headers)


def with_security_headers(headers: Sequence[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` and the security headers a response of their content type needs."""
    present = {name.lower() for name, _ in headers}
    html = any(
        name.lower() == b"content-type" and value.lower().startswith(b"text/html")
        for name, value in headers
    )
    wanted = (*_EVERY_RESPONSE, *_HTML_RESPONSE) if html else _EVERY_RESPONSE
    return [*headers, *(header for header in wanted if header[0] not in present)]


class RequestContextMiddleware:
    """Request id, body size limit, request metrics, access log, and the 500 answer
    (pure ASGI, cheap). It sits inside Starlette's error middleware, so it answers an
    unexpected error itself: with a problem body and the request's X-Request-ID."""

    def __init__(self, app: ASGIApp, *, runtime: ServiceRuntime, max_body_bytes: int) -> None:
        self.app = app
        self.runtime = runtime
        self.max_body_bytes = max_body_bytes
        self._metrics: object = None  # the runtime's metrics the series below belong to
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def _count(self, method: str, route: str, status: int, elapsed: float) -> None:
        """The request in its counter and latency histogram, their labelled series kept per
        (method, route, status): ``labels()`` is a lock and a lookup each time."""
        m = self.runtime.metrics
        if m is not self._metrics:
            self._metrics, self._series = m, {}
        series = self._series.get((method, route, status))
        if series is None:
            series = (
                m.requests.labels(self.runtime.name, method, route, str(status)),
                m.latency.labels(self.runtime.name, method, route),
            )
            self._series[(method, route, status)] = series
        series[0].inc()
        series[1].observe(elapsed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        request_id = headers.get(b"x-request-id", b"").decode("latin-1")[:100] or str(uuid.uuid4())
        with (
            structlog.contextvars.bound_contextvars(  # restored after: nested apps share a task
                request_id=request_id, service=self.runtime.name, principal=None
            ),
            audit_context.acting(audit_context.for_request(scope, request_id)),
        ):
            if not telemetry.tracing_enabled():
                await self._handle(scope, receive, send, headers, request_id)
                return
            with telemetry.server_span(self.runtime.name, scope) as span:
                await self._handle(scope, receive, send, headers, request_id, span)

    async def _handle(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        headers: dict[bytes, bytes],
        request_id: str,
        span: Span | None = None,
    ) -> None:
        status = 500
        started = time.perf_counter()
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode("latin-1")),
                ]
            await send(message)

        try:
            body_receive = await self._checked(scope, headers, receive)
            if isinstance(body_receive, Problem):
                await self._problem(scope, receive, send_with_id, body_receive)
                return
            await self.app(scope, body_receive, send_with_id)
        except Exception:
            log.exception("unhandled error", path=scope.get("path"))
            if response_started:
                raise
            await self._problem(scope, receive, send_with_id, _internal_error())
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            elapsed = time.perf_counter() - started
            self._count(scope["method"], path, status, elapsed)
            if span is not None:
                telemetry.finish_server_span(span, scope["method"], path, status)
            if not path.endswith(("/health", "/metrics")):
                log.info(
                    "request",
                    method=scope["method"],
                    path=str(scope.get("path", ""))[:PATH_LOGGED_MAX],
                    route=path,
                    status=status,
                    ms=round(elapsed * 1000, 2),
                )

    async def _checked(
        self, scope: Scope, headers: dict[bytes, bytes], receive: Receive
    ) -> Receive | Problem:
        """The receive to hand on, or the problem that answers the request instead: a NUL in
        the URL, a malformed or too large Content-Length, a body over the limit, or a JSON
        body carrying a number no route may accept (:func:`json_body.screen`). A declared
        length is checked up front; a JSON or streamed (chunked) body is read here, up to
        the limit, and replayed."""
        if "\x00" in scope.get("path", "") or _has_nul(scope.get("query_string", b"")):
            return InvalidInput.field(
                "url", "the address carries a NUL character (%00); remove it and retry"
            )
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                return Problem(
                    "Content-Length must be the size of the body in bytes (digits only); "
                    "let your HTTP client set it.",
                    status=400,
                    title="Bad request",
                )
            if len(declared) > 18 or int(declared) > self.max_body_bytes:
                return self._too_large_problem()
        is_json = _is_json(headers.get(b"content-type"))
        if not is_json and (declared is not None or b"transfer-encoding" not in headers):
            return receive
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return receive
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_body_bytes:
                return self._too_large_problem()
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if is_json:
            refused = json_body.screen(body)
            if refused is not None:
                return refused
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        return replay

    def _too_large_problem(self) -> Problem:
        return PayloadTooLarge(
            f"The request body is larger than {self.max_body_bytes} bytes; send a smaller "
            "one (split an import into several files)."
        )

    @staticmethod
    async def _problem(scope: Scope, receive: Receive, send: Send, problem: Problem) -> None:
        await problem_response(problem)(scope, receive, send)


def _has_nul(query: bytes) -> bool:
    """A NUL in the query string, raw or percent-encoded: no text column can store one."""
    return b"\x00" in query or b"%00" in query


def _is_json(content_type: bytes | None) -> bool:
    """``application/json`` or ``application/<something>+json``, parameters aside."""
    if not content_type:
        return False
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or (
        media.startswith(b"application/") and media.endswith(b"+json")
    )


def _internal_error() -> Problem:
    return Problem(
        "An unexpected error occurred; nothing was saved. The error is logged with this "
        "request's X-Request-ID: quote it when you report it.",
        status=500,
        title="Internal error",
    )


def install_service_errors(app: FastAPI, errors: ErrorPolicy) -> None:
    """Answer each of the service's own errors with its problem details (registered once)."""

    async def answer(request: Request, exc: Exception) -> Response:
        return problem_response(errors.problem(exc), request)

    for kind in errors.handled:
        app.add_exception_handler(kind, answer)


def create_service_app(
    runtime: ServiceRuntime,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    manage_lifecycle: bool,
    errors: ErrorPolicy | None = None,
    max_body_bytes: int = 5 * 1024 * 1024,
) -> FastAPI:
    """The FastAPI app of one service. With ``manage_lifecycle`` the app starts and stops
    the runtime and its transport (distributed mode); embedded mode does that itself."""
    name = runtime.name
    telemetry.configure_from_env()  # OTEL_* variables: traces exported, or tracing stays off

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if manage_lifecycle:
            await runtime.transport.start()
            await runtime.start()
        try:
            yield
        finally:
            if manage_lifecycle:
                await runtime.stop()
                await runtime.transport.stop()

    openapi_url = f"/{name}/openapi.json"
    app = FastAPI(
        title=title,
        description=description,
        version="1.0.0",
        openapi_url=openapi_url,
        docs_url=None,  # FastAPI's page loads Swagger UI from a CDN: lode_common.api_docs
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=lifespan,
        responses=COMMON_PROBLEMS,
    )
    document_problems(app)
    app.state.runtime = runtime
    install_error_handlers(app)
    if errors is not None:
        install_service_errors(app, errors)
    app.add_middleware(RequestContextMiddleware, runtime=runtime, max_body_bytes=max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)

    @app.get(f"/{name}/health", tags=["operations"], summary="Liveness: answers without a token")
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": name}

    @app.get(
        f"/{name}/metrics",
        tags=["operations"],
        summary="Prometheus metrics",
        description="Answered to a request from the machine itself, to 'Authorization: Bearer "
        "<LODE_METRICS_TOKEN>', or to anyone with LODE_METRICS_PUBLIC=1.",
        response_class=Response,
    )
    async def metrics(request: Request) -> Response:
        metrics_allowed(request, runtime.settings.metrics_token, runtime.settings.metrics_public)
        return Response(runtime.metrics.render(), media_type="text/plain; version=0.0.4")

    app.include_router(docs_router(name, title=title, openapi_url=openapi_url))
    app.include_router(admin_router(name))
    for router in routers:
        app.include_router(router)
    return app


class OutboxBacklog(BaseModel):
    """What the relay has not published yet (an operator's first look when events lag)."""

    service: str
    unsent: int = Field(ge=0, description="outbox rows not yet published")
    oldest_age_s: float = Field(ge=0, description="age of the oldest unsent row, seconds")


class DeadLetter(BaseModel):
    """An event a consumer parked after its retries, with the error that stopped it."""

    id: int
    consumer: str
    event_id: str
    topic: str
    key: str
    type: str
    envelope: str = Field(description="the message as received (CloudEvents JSON)")
    error: str
    attempts: int
    parked_at: datetime
    redriven_at: datetime | None = None
    status: Literal["parked", "redriven"]


class DeadLetters(BaseModel):
    items: list[DeadLetter]
    total: int


class Redriven(BaseModel):
    """The outcome of a re-drive: ``redriven`` false means it failed again and stays parked
    (its ``error`` and ``attempts`` say why)."""

    id: int
    redriven: bool


def admin_router(name: str) -> APIRouter:
    """Operator endpoints: the outbox backlog and the dead letters, with re-drive."""
    router = APIRouter(prefix=f"/{name}/v1/admin", tags=["operations"])
    admin_only = Depends(requires(auth.ADMIN))

    @router.get("/outbox", dependencies=[admin_only], summary="Outbox backlog")
    async def outbox_status(runtime: Runtime) -> OutboxBacklog:
        count, age = await runtime.relay.backlog()
        return OutboxBacklog(service=name, unsent=count, oldest_age_s=round(age, 3))

    @router.get("/dead-letters", dependencies=[admin_only], summary="Parked events")
    async def dead_letters(
        runtime: Runtime,
        status: Annotated[
            Literal["parked", "redriven", ""],
            Query(description="parked (the default), redriven, or empty for both"),
        ] = "parked",
    ) -> DeadLetters:
        rows = await runtime.inbox.dead_letters(status=status or None)
        items = [DeadLetter.model_validate(row) for row in rows]
        return DeadLetters(items=items, total=len(items))

    @router.post(
        "/dead-letters/{dead_letter_id}/redrive",
        dependencies=[admin_only],
        summary="Handle a parked event again",
        responses=problems(404),
    )
    async def redrive(
        dead_letter_id: Annotated[int, Path(ge=1, le=2**63 - 1)], runtime: Runtime
    ) -> Redriven:
        parked = {r["id"] for r in await runtime.inbox.dead_letters()}
        if dead_letter_id not in parked:
            raise NotFound(
                f"No parked event {dead_letter_id} in {name}; list them with "
                f"GET /{name}/v1/admin/dead-letters."
            )
        ok = await runtime.inbox.redrive(dead_letter_id)
        return Redriven(id=dead_letter_id, redriven=ok)

    return router
