"""Asks zoning for the spatial analysis of an application's area (httpx, timeout, retries).

In distributed mode zoning is another process (``LODE_LICENSING_ZONING_URL``); embedded, the
same process serves it and the client is handed an in-process ASGI transport. While zoning
cannot answer, :class:`ZoningUnavailable` tells the caller to keep the application in
``pending_checks`` and try again later: nothing is lost.
"""

from __future__ import annotations

from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from lode_common.auth import issue_token

AREA_REFUSED_STATUSES = frozenset({400, 413, 422})
"""Zoning's answers that mean "this area is wrong" (invalid geometry or corners, unknown
CRS, too many vertices). Any other 4xx (401, 403, 404, 429, …) is about licensing's own
request or zoning's state, not the applicant's area: it is treated as unavailability."""


class ZoningUnavailable(Exception):
    """Zoning did not answer (down, timing out, 5xx) or refused licensing's own request
    (credentials, rate); try again later."""


class ZoningRefused(Exception):
    """Zoning refused the area itself (400/413/422; the body says why)."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"zoning refused the area ({status}): {body}")
        self.status = status
        self.body = body


class ZoningClient:
    def __init__(
        self,
        base_url: str,
        *,
        jwt_secret: str,
        timeout_s: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
        attempts: int = 3,
    ) -> None:
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout_s, transport=transport)
        self._jwt_secret = jwt_secret
        self._attempts = attempts

    def _headers(self) -> dict[str, str]:
        token = issue_token(self._jwt_secret, user="service:licensing", roles=["viewer"], ttl_s=300)
        return {"Authorization": f"Bearer {token}"}

    async def analyse(
        self, area: dict[str, Any], *, exclude_licence: str | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "geometry": area.get("geometry"),
            "corners": area.get("corners"),
            "crs": area.get("crs"),
            "exclude_licence": exclude_licence,
        }
        body = {k: v for k, v in body.items() if v is not None}
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(self._attempts),
                wait=wait_exponential(multiplier=0.1, max=1.0),
                retry=retry_if_exception_type(ZoningUnavailable),
                reraise=True,
            ):
                with attempt:
                    return await self._post(body)
        except ZoningUnavailable:
            raise
        raise ZoningUnavailable("no attempt was made")  # pragma: no cover - tenacity always tries

    async def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await self._http.post(
                "/zoning/v1/analysis",
                json=body,
                headers=self._headers(),
                # the area as zoning read it (oriented, rounded) becomes the licence's area
                params={"include": "geometry"},
            )
        except httpx.HTTPError as exc:
            raise ZoningUnavailable(f"zoning did not answer: {exc!r}") from exc
        if response.status_code in AREA_REFUSED_STATUSES:
            raise ZoningRefused(response.status_code, _body(response))
        if response.status_code >= 400:
            raise ZoningUnavailable(f"zoning answered {response.status_code}")
        result: dict[str, Any] = response.json()
        return result

    async def aclose(self) -> None:
        await self._http.aclose()


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text
