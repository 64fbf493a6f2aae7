"""The client one service calls another with: its token, its retries, its lazy transport."""

from __future__ import annotations

import httpx
import jwt
import pytest

from lode_common.service_client import LazyASGITransport, ServiceClient

SECRET = "test-jwt-secret-0123456789abcdef-0123456789"


class Down(Exception):
    """The other service cannot answer now."""


class ZoningAsks(ServiceClient):
    user = "service:zoning"
    roles = ("planner",)
    unavailable = Down
    timeout_s = 1.0


class LicensingAsks(ServiceClient):
    user = "service:licensing"
    roles = ("viewer",)
    unavailable = Down
    timeout_s = 1.0


async def test_it_signs_as_its_service_and_retries_while_the_other_is_down() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503 if len(seen) < 3 else 200, json={"ok": True})

    client = ZoningAsks("http://other", jwt_secret=SECRET, transport=httpx.MockTransport(answer))

    async def call() -> dict[str, bool]:
        response = await client.http.get("/x", headers=client.headers())
        if response.status_code >= 500:
            raise Down(response.status_code)
        return dict(response.json())

    assert await client.retried(call) == {"ok": True}
    assert len(seen) == 3
    token = seen[0].headers["authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_aud": False})
    assert claims["sub"] == "service:zoning"
    assert claims["roles"] == ["planner"]
    assert 0 < claims["exp"] - claims["iat"] <= 300
    await client.aclose()


async def test_the_last_failure_is_raised_after_the_attempts() -> None:
    client = LicensingAsks("http://other", jwt_secret=SECRET, attempts=2)
    calls = 0

    async def call() -> None:
        nonlocal calls
        calls += 1
        raise Down(f"attempt {calls}")

    with pytest.raises(Down, match="attempt 2"):
        await client.retried(call)
    assert calls == 2
    await client.aclose()


async def test_the_lazy_transport_finds_its_app_on_first_use() -> None:
    resolved: list[str] = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"later"})

    def resolve():  # type: ignore[no-untyped-def]
        resolved.append("now")
        return app

    transport = LazyASGITransport(resolve)
    assert resolved == []  # nothing is asked for before the first request
    async with httpx.AsyncClient(transport=transport, base_url="http://in-process") as http:
        assert (await http.get("/")).text == "later"
        assert (await http.get("/")).text == "later"
    assert resolved == ["now"]
