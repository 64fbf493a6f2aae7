"""Asks zoning for the spatial analysis of an application's area (httpx, timeout, retries).

In distributed mode zoning is another process (``LODE_LICENSING_ZONING_URL``); embedded, the
same process serves it and the client is handed an in-process ASGI transport. While zoning
cannot answer, :class:`ZoningUnavailable` tells the caller to keep the application in
``pending_checks`` and try again later: nothing is lost.
"""

from __future__ import annotations

from typing import Any

import httpx

from lode_common.auth import VIEWER
from lode_common.service_client import ServiceClient

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


class ZoningClient(ServiceClient):
    user = "service:licensing"
    roles = (VIEWER,)
    unavailable = ZoningUnavailable
    timeout_s = 5.0

    async def analyse(
        self,
        area: dict[str, Any],
        *,
        exclude_licence: str | None = None,
        proposal_id: str | None = None,
    ) -> dict[str, Any]:
        """Zoning's analysis of ``area``: against the zones as they are, or, with
        ``proposal_id``, as they would be once that plan adjustment (规划调整) is approved."""
        body: dict[str, Any] = {
            "geometry": area.get("geometry"),
            "corners": area.get("corners"),
            "crs": area.get("crs"),
            "exclude_licence": exclude_licence,
            "proposal_id": proposal_id,
        }
        body = {k: v for k, v in body.items() if v is not None}
        return await self.retried(lambda: self._post(body))

    async def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await self.http.post(
                "/zoning/v1/analysis",
                json=body,
                headers=self.headers(),
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


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text
