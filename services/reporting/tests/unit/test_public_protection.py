"""The public API's protection on a clock of the test's own: the token buckets and their
bound, the answer cache's lifetime and bound, ETag matching, one computation per key at a
time, and the bound on computations at once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi import Request
from pydantic import BaseModel

from lode_common.errors import Unavailable
from lode_reporting.public.protection import (
    Answer,
    AnswerCache,
    PublicGuard,
    TokenBuckets,
    TooManyRequests,
    cache_key,
    matches,
    strong_etag,
)
from lode_reporting.settings import ReportingSettings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Body(BaseModel):
    n: int


def request(path: str = "/public/v1/summary", **headers: str) -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": path,
            "query_string": b"",
            "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
        }
    )


def guard(clock: Clock, **settings: Any) -> PublicGuard:
    return PublicGuard(ReportingSettings(**settings), clock=clock)


def test_a_bucket_allows_the_burst_then_the_rate() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate_per_s=2.0, burst=3, max_clients=10, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [None, None, None]
    assert buckets.take("a") == pytest.approx(0.5)
    assert buckets.take("b") is None  # every address has its own
    clock.now += 0.5
    assert buckets.take("a") is None
    assert buckets.take("a") == pytest.approx(0.5)
    clock.now += 60
    assert [buckets.take("a") for _ in range(3)] == [None, None, None]  # refilled to the burst


def test_the_buckets_forget_the_least_recently_seen_address_first() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate_per_s=0.001, burst=1, max_clients=2, clock=clock)
    assert buckets.take("a") is None
    assert buckets.take("b") is None
    assert buckets.take("a") is not None  # a was seen again: b is now the oldest
    assert buckets.take("c") is None
    assert len(buckets) == 2
    assert buckets.take("b") is None  # forgotten, so it starts again with a full bucket


def test_the_cache_keeps_an_answer_for_its_ttl_and_a_bounded_number() -> None:
    clock = Clock()
    cache = AnswerCache(ttl_s=60, max_entries=2, clock=clock)
    answer = Answer(b"{}", "application/json", strong_etag(b"{}"), clock.now)
    cache.put("a", answer)
    cache.put("b", answer)
    assert cache.get("a") is answer  # a is now the most recently used
    cache.put("c", answer)
    assert (cache.get("b"), len(cache)) == (None, 2)
    clock.now += 60
    assert cache.get("a") is None
    off = AnswerCache(ttl_s=0, max_entries=2, clock=clock)
    off.put("a", answer)
    assert off.get("a") is None


def test_keys_etags_and_if_none_match() -> None:
    assert cache_key("/p", {"year": 2024, "q": None, "b": "x y"}) == "/p?b=x+y&year=2024"
    assert cache_key("/p", {"b": "x y", "year": 2024}) == cache_key(
        "/p", {"year": 2024, "b": "x y"}
    )
    etag = strong_etag(b"body")
    assert etag.startswith('"')
    assert len(etag) == 34
    assert matches(etag, etag)
    assert matches(f'"other", W/{etag}', etag)
    assert matches("*", etag)
    assert not matches('"other"', etag)
    assert not matches(None, etag)


async def test_a_guard_computes_once_per_key_and_answers_304() -> None:
    clock = Clock()
    kept = guard(clock, public_cache_s=30)
    calls = 0
    started = asyncio.Event()
    finish = asyncio.Event()

    async def compute() -> Body:
        nonlocal calls
        calls += 1
        started.set()
        await finish.wait()
        return Body(n=calls)

    first = asyncio.create_task(kept.answer(request(), {"year": 2024}, compute))
    await started.wait()
    second = asyncio.create_task(kept.answer(request(), {"year": 2024}, compute))
    await asyncio.sleep(0)  # the second request is waiting for the first computation
    finish.set()
    answers = [await first, await second]
    assert calls == 1
    assert [a.body for a in answers] == [b'{"n":1}', b'{"n":1}']
    etag = answers[0].headers["etag"]
    assert answers[0].headers["cache-control"] == "public, max-age=30"
    clock.now += 10
    again = await kept.answer(request(if_none_match=etag), {"year": 2024}, compute)
    assert (again.status_code, again.headers["age"], calls) == (304, "10", 1)
    clock.now += 20  # the answer is 30 s old: computed again
    assert (await kept.answer(request(), {"year": 2024}, compute)).body == b'{"n":2}'


async def test_a_guard_refuses_over_the_rate_and_when_no_place_is_free() -> None:
    clock = Clock()
    strict = guard(clock, public_rate_burst=1, public_rate_per_min=6)
    strict.admit("203.0.113.1")
    with pytest.raises(TooManyRequests) as refused:
        strict.admit("203.0.113.1")
    assert (refused.value.status, refused.value.headers["Retry-After"]) == (429, "10")

    async def compute() -> Body:
        return Body(n=1)

    full = guard(clock, public_concurrency=1, public_queue_wait_s=0)
    await full.places.acquire()
    with pytest.raises(Unavailable) as busy:
        await full.answer(request(), {}, compute)
    assert (busy.value.status, busy.value.headers["Retry-After"]) == (503, "5")
    full.places.release()
    assert (await full.answer(request(), {}, compute)).status_code == 200

    waiting = guard(clock, public_concurrency=1, public_queue_wait_s=0.01)
    await waiting.places.acquire()
    with pytest.raises(Unavailable):  # waited its 0.01 s for the place, in vain
        await waiting.answer(request(), {}, compute)
    waiting.places.release()
    assert (await waiting.answer(request(), {}, compute)).status_code == 200
