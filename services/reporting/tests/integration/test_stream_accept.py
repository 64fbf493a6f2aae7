"""The event stream's content negotiation (RFC 9110 §12.5.1) and its bounded headers: every
``Accept`` that admits ``text/event-stream`` gets the stream (curl's ``*/*``, ``text/*``,
none at all); only one that excludes it is a 406."""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from typing import Any

import pytest

from lode_common.testing.apps import ServiceUnderTest
from services.reporting.tests.integration.events import plan_published, send

ACCEPTED = [
    None,  # no Accept at all
    "*/*",  # curl's default
    "text/*",
    "text/event-stream",
    "TEXT/Event-Stream",
    "text/event-stream; charset=utf-8",
    'text/event-stream;charset="UTF-8";q=0.5',
    "application/json;q=0.9, */*;q=0.1",
    "text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8",  # a browser's
    "application/json, text/*;q=0.2",
    "",  # a blank field says nothing either
    "text/*;q=0, text/event-stream",  # the more specific range wins
]
REFUSED = [
    "application/json",
    "text/html",
    "text/event-stream;q=0",
    "text/event-stream;q=0.000",
    "*/*;q=0",
    "text/*;q=0",
    "*/*, text/event-stream;q=0",  # the more specific range refuses
    "text/*, text/event-stream;q=0",
    "text/event-stream;charset=latin1",
    "nonsense",
    "text/event-stream;q=2",  # not a weight: the member is ignored, nothing else accepts
]


async def stream_status(service: ServiceUnderTest, headers: dict[str, str]) -> int:
    """The status the stream answers with ``headers``; the client leaves right after."""
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/reporting/v1/stream",
        "raw_path": b"/reporting/v1/stream",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"lode.test"), *raw],
        "client": ("127.0.0.1", 1234),
        "server": ("lode.test", 80),
    }
    started = asyncio.Event()
    status: list[int] = []
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await started.wait()
        return {"type": "http.disconnect"}

    async def send_(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])
            started.set()

    await asyncio.wait_for(service.app(scope, receive, send_), timeout=30)
    return status[0]


@pytest.fixture
async def published(reporting: ServiceUnderTest) -> ServiceUnderTest:
    await send(reporting, plan_published())
    return reporting


@pytest.mark.parametrize("accept", ACCEPTED)
async def test_every_accept_that_admits_the_stream_gets_it(
    published: ServiceUnderTest, accept: str | None
) -> None:
    headers = published.auth("viewer")
    if accept is not None:
        headers["Accept"] = accept
    assert await stream_status(published, headers) == 200


@pytest.mark.parametrize("accept", REFUSED)
async def test_an_accept_that_excludes_the_stream_is_406(
    published: ServiceUnderTest, accept: str
) -> None:
    r = await published.client.get(
        "/reporting/v1/stream", headers={**published.auth("viewer"), "Accept": accept}
    )
    assert r.status_code == 406
    problem = r.json()
    assert problem["errors"] == [{"field": "Accept", "message": "must accept text/event-stream"}]
    assert "text/event-stream" in problem["detail"]


async def test_a_last_event_id_longer_than_any_event_id_is_422(
    published: ServiceUnderTest,
) -> None:
    r = await published.client.get(
        "/reporting/v1/stream",
        headers={
            **published.auth("viewer"),
            "Accept": "text/event-stream",
            "Last-Event-ID": "e" * 201,
        },
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "header.Last-Event-ID"
