"""What keeps a crawler of ``/public/v1/*`` from hurting the staff's service, through the app:
answers cached with a strong ETag (304 on ``If-None-Match``), a rate limit per client address
(429 with Retry-After after the burst), and a bound on the public queries reading the
database at once (503 with Retry-After while it is full). Small settings, no sleeps: the
places are held by the test itself."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from lode_common.testing.apps import ServiceUnderTest
from lode_common.testing.plugin import BACKENDS, service_on
from lode_reporting.bootstrap import build
from lode_reporting.container import Reporting
from lode_reporting.settings import ReportingSettings
from services.reporting.tests.integration.events import licence, plan_published, send

LICENCES = "/public/v1/licences"


async def _service(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str, **settings: Any
) -> AsyncIterator[ServiceUnderTest]:
    async with service_on(
        build, ReportingSettings, request, tmp_path, backend, stream_poll_s=30.0, **settings
    ) as service:
        yield service


@pytest.fixture(params=BACKENDS)
async def cached(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ServiceUnderTest]:
    async for service in _service(request, tmp_path, request.param, public_cache_s=60):
        yield service


@pytest.fixture
async def limited(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[ServiceUnderTest]:
    settings = {"public_rate_burst": 3, "public_rate_per_min": 1}
    async for service in _service(request, tmp_path, "sqlite", **settings):
        yield service


@pytest.fixture
async def narrow(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ServiceUnderTest]:
    settings = {"public_concurrency": 1, "public_queue_wait_s": 0}
    async for service in _service(request, tmp_path, "sqlite", **settings):
        yield service


async def test_answers_are_cached_with_a_strong_etag_and_304(cached: ServiceUnderTest) -> None:
    service = cached
    await send(service, plan_published(), licence("C" + "7" * 22))
    params: dict[str, Any] = {"year": 2024, "q": "7777777"}
    first = await service.client.get(LICENCES, params=params)
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")  # strong
    assert first.headers["cache-control"] == "public, max-age=60"
    assert first.headers["access-control-allow-origin"] == "*"
    assert "ETag" in first.headers["access-control-expose-headers"]
    assert first.json()["total"] == 1

    # a new licence arrives; for the cache's 60 s the answer stays the one kept
    await send(service, licence("C" + "7" * 21 + "8"))
    again = await service.client.get(LICENCES, params={"q": "7777777", "year": "2024"})
    assert (again.status_code, again.headers["etag"], again.json()["total"]) == (200, etag, 1)
    assert int(again.headers["age"]) >= 0
    # an unknown parameter does not bypass the cache: the key is the validated parameters
    busted = await service.client.get(LICENCES, params={**params, "nocache": "1"})
    assert busted.json()["total"] == 1
    other = await service.client.get(LICENCES, params={"year": 2024, "q": "777777"})
    assert other.json()["total"] == 2  # other parameters: computed now

    not_modified = await service.client.get(
        LICENCES, params=params, headers={"If-None-Match": f'"x", {etag}'}
    )
    assert (not_modified.status_code, not_modified.content) == (304, b"")
    assert not_modified.headers["etag"] == etag
    assert not_modified.headers["cache-control"] == "public, max-age=60"
    weak = await service.client.get(LICENCES, params=params, headers={"If-None-Match": f"W/{etag}"})
    assert weak.status_code == 304  # If-None-Match compares weakly (RFC 9110)
    changed = await service.client.get(LICENCES, params=params, headers={"If-None-Match": '"old"'})
    assert changed.status_code == 200


async def test_a_client_over_its_rate_gets_429_with_retry_after(limited: ServiceUnderTest) -> None:
    service = limited
    await send(service, plan_published())
    for _ in range(3):  # the burst, an invalid request counting as any other
        answer = await service.client.get("/public/v1/grants", params={"year": "x"})
        assert answer.status_code == 422
    refused = await service.client.get("/public/v1/summary")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    retry_after = int(refused.headers["retry-after"])
    assert 1 <= retry_after <= 60  # one request a minute
    assert refused.json()["retry_after_s"] == retry_after
    assert refused.headers["access-control-allow-origin"] == "*"
    assert "请" in refused.json()["detail"]
    assert "Too many requests" in refused.json()["detail"]
    # the staff's routes are not the public's: they are not limited
    staff = await service.client.get(
        "/reporting/v1/grants", params={"year": 2024}, headers=service.auth("viewer")
    )
    assert staff.status_code == 200
    # another address has its own bucket
    elsewhere = httpx.ASGITransport(app=service.app, client=("203.0.113.9", 40000))
    async with httpx.AsyncClient(transport=elsewhere, base_url="http://lode.test") as client:
        assert (await client.get("/public/v1/summary")).status_code == 200


async def test_a_public_query_finding_no_free_place_gets_503(narrow: ServiceUnderTest) -> None:
    service = narrow
    await send(service, plan_published())
    kept = await service.client.get("/public/v1/summary")
    assert kept.status_code == 200
    guard = Reporting.of(service.runtime).public_guard()
    await guard.places.acquire()  # the one place is taken (a slow public query)
    try:
        busy = await service.client.get("/public/v1/abnormal-list")
        assert busy.status_code == 503
        assert busy.headers["content-type"] == "application/problem+json"
        assert int(busy.headers["retry-after"]) >= 1
        assert busy.headers["access-control-allow-origin"] == "*"
        # a kept answer needs no place
        assert (await service.client.get("/public/v1/summary")).status_code == 200
        # the staff's routes do not queue behind the public's
        staff = await service.client.get(
            "/reporting/v1/grants", params={"year": 2024}, headers=service.auth("viewer")
        )
        assert staff.status_code == 200
    finally:
        guard.places.release()
    assert (await service.client.get("/public/v1/abnormal-list")).status_code == 200
