"""How the zoning client reads zoning's answers: an area zoning refuses (400/413/422) is
the applicant's to fix; any other 4xx is about licensing's own request, so it is treated
as zoning being unavailable (the application waits in pending_checks), never as an
invalid area."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from lode_licensing.adapters.zoning_client import ZoningClient, ZoningRefused, ZoningUnavailable

AREA = {"geometry": {"type": "Polygon", "coordinates": []}}


def client(status: int, body: Any) -> ZoningClient:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body)

    return ZoningClient(
        "http://zoning.test",
        jwt_secret="test-secret-0123456789abcdef0123456789",
        transport=httpx.MockTransport(answer),
        attempts=1,
    )


@pytest.mark.parametrize("status", [400, 413, 422])
async def test_an_area_zoning_refuses_is_refused(status: int) -> None:
    errors = [{"field": "geometry", "message": "self-intersection at (118.805, 41.005)"}]
    with pytest.raises(ZoningRefused) as refused:
        await client(status, {"detail": "invalid", "errors": errors}).analyse(AREA)
    assert refused.value.status == status
    assert refused.value.body["errors"] == errors


@pytest.mark.parametrize("status", [401, 403, 404, 429, 500, 503])
async def test_any_other_error_means_zoning_is_unavailable(status: int) -> None:
    with pytest.raises(ZoningUnavailable, match=str(status)):
        await client(status, {"detail": "no"}).analyse(AREA)


async def test_the_area_as_zoning_read_it_is_asked_for() -> None:
    asked: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(200, json={"geometry": AREA["geometry"], "zones": []})

    zoning = ZoningClient(
        "http://zoning.test",
        jwt_secret="test-secret-0123456789abcdef0123456789",
        transport=httpx.MockTransport(answer),
        attempts=1,
    )
    result = await zoning.analyse(AREA)
    assert asked[0].url.params["include"] == "geometry"
    assert result["geometry"] == AREA["geometry"]
