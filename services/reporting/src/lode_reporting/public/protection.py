"""What keeps a crawler of ``/public/v1/*`` from hurting the staff's service, in process:

- a rate limit per client address (a token bucket: ``public_rate_burst`` at once, then
  ``public_rate_per_min``); over it, 429 with ``Retry-After``. The addresses remembered are
  bounded (``public_clients_max``, least recently seen forgotten first);
- a cache of answers (``public_cache_s``, ``public_cache_entries``, least recently used
  dropped first), keyed by the path and the request's validated parameters (so an unknown
  parameter or another spelling of the same year cannot bypass it), with a strong ``ETag``:
  ``If-None-Match`` gets 304; one computation per key at a time, the others waiting for it;
- at most ``public_concurrency`` computations reading the database at once; a request that
  waits ``public_queue_wait_s`` for a place gets 503 with ``Retry-After``, so the staff's
  connection pool (10 + 10) always has room.

The client address is the ASGI peer: behind the proxy, uvicorn puts the forwarded address
there (``FORWARDED_ALLOW_IPS``, docker-compose.yml). Each service instance counts for itself:
with n instances behind the proxy, a client gets up to n times the rate. Hand-written rather
than a library's: a bucket and two ordered dictionaries, whose bounds are the point.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

from fastapi import Request, Response
from pydantic import BaseModel

from lode_common.errors import Problem, Unavailable
from lode_reporting.settings import ReportingSettings

Clock = Callable[[], float]
OPEN_DATA: Final = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Retry-After, Age",
}
"""Open data may be read by other sites' pages (CORS): every public answer says so."""
BUSY_RETRY_AFTER_S: Final = 5


class TooManyRequests(Problem):
    status = 429
    title = "Too many requests"

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            f"访问过于频繁，请 {retry_after_s} 秒后再试 / Too many requests from this address: "
            f"retry after {retry_after_s} s (Retry-After).",
            headers={"Retry-After": str(retry_after_s), **OPEN_DATA},
            retry_after_s=retry_after_s,
        )


class TokenBuckets:
    """One token bucket per client address: ``burst`` tokens, refilled at ``rate_per_s``;
    each request takes one. At most ``max_clients`` buckets are kept."""

    def __init__(
        self, *, rate_per_s: float, burst: int, max_clients: int, clock: Clock = time.monotonic
    ) -> None:
        self._rate, self._burst, self._max = rate_per_s, float(burst), max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, client: str) -> float | None:
        """Take a token for ``client``: ``None`` when there was one, else the seconds until
        there will be."""
        now = self._clock()
        tokens, last = self._buckets.pop(client, (self._burst, now))
        tokens = min(self._burst, tokens + (now - last) * self._rate)
        wait = None
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self._rate
        self._buckets[client] = (tokens, now)
        while len(self._buckets) > self._max:
            self._buckets.popitem(last=False)
        return wait


@dataclass(frozen=True, slots=True)
class Answer:
    """A public answer as sent: its body, type and strong validator, and when it was made."""

    body: bytes
    media_type: str
    etag: str
    made_at: float


def strong_etag(body: bytes) -> str:
    """A strong validator: the body's SHA-256 (its first 128 bits), quoted."""
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (RFC 9110 13.1.2: weak comparison, ``*``)."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


class AnswerCache:
    """Answers by key for ``ttl_s`` seconds, at most ``max_entries`` of them."""

    def __init__(self, *, ttl_s: float, max_entries: int, clock: Clock = time.monotonic) -> None:
        self._ttl, self._max, self._clock = ttl_s, max_entries, clock
        self._answers: OrderedDict[str, Answer] = OrderedDict()

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: str) -> Answer | None:
        answer = self._answers.get(key)
        if answer is None:
            return None
        if self._clock() - answer.made_at >= self._ttl:
            del self._answers[key]
            return None
        self._answers.move_to_end(key)
        return answer

    def put(self, key: str, answer: Answer) -> None:
        if self._ttl <= 0:
            return
        self._answers[key] = answer
        self._answers.move_to_end(key)
        while len(self._answers) > self._max:
            self._answers.popitem(last=False)


def cache_key(path: str, params: Mapping[str, object]) -> str:
    """The path and the validated parameters, sorted, those not given left out."""
    given = sorted((name, str(value)) for name, value in params.items() if value is not None)
    return f"{path}?{urlencode(given)}"


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class PublicGuard:
    """The rate limit, the cache and the bound on database work of one reporting instance."""

    def __init__(self, settings: ReportingSettings, *, clock: Clock = time.monotonic) -> None:
        self.ttl_s = settings.public_cache_s
        self.buckets = TokenBuckets(
            rate_per_s=settings.public_rate_per_min / 60,
            burst=settings.public_rate_burst,
            max_clients=settings.public_clients_max,
            clock=clock,
        )
        self.cache = AnswerCache(
            ttl_s=settings.public_cache_s, max_entries=settings.public_cache_entries, clock=clock
        )
        self.places = asyncio.Semaphore(settings.public_concurrency)
        """Taken by each computation that reads the database (a test may hold them all)."""
        self._wait_s = settings.public_queue_wait_s
        self._clock = clock
        self._pending: dict[str, asyncio.Future[Answer]] = {}

    def admit(self, client: str) -> None:
        """Count a request of ``client``; :class:`TooManyRequests` (429) over its rate."""
        wait = self.buckets.take(client)
        if wait is not None:
            raise TooManyRequests(max(1, math.ceil(wait)))

    async def answer(
        self,
        request: Request,
        params: Mapping[str, object],
        compute: Callable[[], Awaitable[BaseModel]],
        *,
        media_type: str = "application/json",
    ) -> Response:
        """The cached answer to ``request`` (its path and ``params``), else ``compute``'s,
        kept; 304 when the client holds it already."""
        key = cache_key(request.url.path, params)
        answer = self.cache.get(key) or await self._fresh(key, compute, media_type)
        age = max(0, int(self._clock() - answer.made_at))
        headers = {
            "ETag": answer.etag,
            "Cache-Control": f"public, max-age={int(self.ttl_s)}",
            "Age": str(age),
            **OPEN_DATA,
        }
        if matches(request.headers.get("if-none-match"), answer.etag):
            return Response(status_code=304, headers=headers)
        return Response(answer.body, media_type=answer.media_type, headers=headers)

    async def _fresh(
        self, key: str, compute: Callable[[], Awaitable[BaseModel]], media_type: str
    ) -> Answer:
        """One computation per key at a time: a request for a key being computed waits for
        that computation rather than starting another."""
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._computed(key, compute, media_type))
            self._pending[key] = pending
            pending.add_done_callback(lambda done: self._settled(key, done))
        return await asyncio.shield(pending)

    def _settled(self, key: str, done: asyncio.Future[Answer]) -> None:
        if self._pending.get(key) is done:
            del self._pending[key]
        if not done.cancelled():
            done.exception()  # retrieved: a failure is each waiter's to answer, not a log line

    async def _computed(
        self, key: str, compute: Callable[[], Awaitable[BaseModel]], media_type: str
    ) -> Answer:
        await self._enter()
        try:
            model = await compute()
        finally:
            self.places.release()
        body = model.model_dump_json(by_alias=True).encode()
        answer = Answer(body, media_type, strong_etag(body), self._clock())
        self.cache.put(key, answer)
        return answer

    async def _enter(self) -> None:
        """A place among ``public_concurrency``, waited for at most ``public_queue_wait_s``."""
        if not self.places.locked():
            await self.places.acquire()  # free: taken without waiting
            return
        if self._wait_s > 0:
            try:
                async with asyncio.timeout(self._wait_s):
                    await self.places.acquire()
                return
            except TimeoutError:
                pass
        raise Unavailable(
            "公示查询繁忙，请稍后再试 / The public pages are busy: retry after the number of "
            "seconds in Retry-After.",
            retry_after_s=BUSY_RETRY_AFTER_S,
            headers={"Retry-After": str(BUSY_RETRY_AFTER_S), **OPEN_DATA},
        )
