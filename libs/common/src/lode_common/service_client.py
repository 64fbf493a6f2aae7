"""How one Lode service asks another over HTTP when it needs an answer now (ARCHITECTURE.md:
licensing asks zoning for a spatial analysis, zoning asks licensing for a plan adjustment's
impact): httpx with a timeout, a short-lived staff token of the calling service, and a few
retries with exponential back-off while the other service cannot answer.

In distributed mode the other service is another process (its URL is a setting); embedded,
the caller is handed an in-process ASGI transport, so the same client runs without a socket.
Each client names its own "cannot answer now" exception; the caller turns it into a 503 with
``Retry-After`` or keeps its work pending, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, TypeVar

import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from lode_common.auth import issue_token

T = TypeVar("T")

TOKEN_TTL_S = 300
"""A service token lives five minutes: long enough for one call and its retries."""


class ServiceClient:
    """The HTTP client of one service calling another, as ``user`` with ``roles``; a
    subclass names them, the exception that means "cannot answer now", and its timeout."""

    user: ClassVar[str]
    roles: ClassVar[tuple[str, ...]]
    unavailable: ClassVar[type[Exception]]
    timeout_s: ClassVar[float]

    def __init__(
        self,
        base_url: str,
        *,
        jwt_secret: str,
        timeout_s: float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        attempts: int = 3,
    ) -> None:
        self.http = httpx.AsyncClient(
            base_url=base_url, timeout=timeout_s or self.timeout_s, transport=transport
        )
        self._jwt_secret = jwt_secret
        self._attempts = attempts

    def headers(self) -> dict[str, str]:
        token = issue_token(
            self._jwt_secret, user=self.user, roles=list(self.roles), ttl_s=TOKEN_TTL_S
        )
        return {"Authorization": f"Bearer {token}"}

    async def retried(self, call: Callable[[], Awaitable[T]]) -> T:
        """``call()``, tried again (up to ``attempts`` in all, 0.1 s doubling to 1 s apart)
        while it raises the client's ``unavailable`` exception; the last one is raised."""
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=0.1, max=1.0),
            retry=retry_if_exception_type(self.unavailable),
            reraise=True,
        ):
            with attempt:
                return await call()
        raise self.unavailable("no attempt was made")  # pragma: no cover - tenacity tries

    async def aclose(self) -> None:
        await self.http.aclose()


class LazyASGITransport(httpx.AsyncBaseTransport):
    """An in-process transport to an app that exists only later (embedded mode builds
    zoning before licensing): ``resolve()`` is called on first use."""

    def __init__(self, resolve: Callable[[], Any]) -> None:
        self._resolve = resolve
        self._transport: httpx.ASGITransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._transport is None:
            self._transport = httpx.ASGITransport(app=self._resolve())
        return await self._transport.handle_async_request(request)
