"""Asks licensing what a plan adjustment would do to the licences in force and the open
applications (``POST /licensing/v1/plan-impact``; httpx, timeout, retries).

Licensing owns the rule engine, so the what-if of a proposal (规划调整影响分析) is computed
there from the proposed document. In distributed mode licensing is another process
(``LODE_ZONING_LICENSING_URL``); embedded, zoning is handed an in-process ASGI transport.
While licensing cannot answer, :class:`LicensingUnavailable` makes the impact a 503 with
``Retry-After``: nothing is stored, so nothing is lost.
"""

from __future__ import annotations

from typing import Any

import httpx

from lode_common.auth import PLANNER
from lode_common.service_client import LazyASGITransport, ServiceClient

__all__ = ["LazyASGITransport", "LicensingClient", "LicensingUnavailable"]

PLAN_IMPACT = "/licensing/v1/plan-impact"
SERVICE_USER = "service:zoning"


class LicensingUnavailable(Exception):
    """Licensing did not answer (down, timing out, 5xx) or refused zoning's own request."""


class LicensingClient(ServiceClient):
    user = SERVICE_USER
    roles = (PLANNER,)
    unavailable = LicensingUnavailable
    timeout_s = 30.0

    async def plan_impact(self, proposal_id: str, document: dict[str, Any]) -> dict[str, Any]:
        """Licensing's answer for the proposed ``document`` (as published, with standards):
        ``plan_id, plan_version, licences, applications, evaluated``."""
        body = {"proposal_id": proposal_id, "document": document}
        return await self.retried(lambda: self._post(body))

    async def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await self.http.post(PLAN_IMPACT, json=body, headers=self.headers())
        except httpx.HTTPError as exc:
            raise LicensingUnavailable(f"licensing did not answer: {exc!r}") from exc
        if response.status_code >= 400:
            raise LicensingUnavailable(f"licensing answered {response.status_code}")
        try:
            result = response.json()
        except ValueError as exc:
            raise LicensingUnavailable("licensing answered something that is not JSON") from exc
        if not isinstance(result, dict):
            raise LicensingUnavailable("licensing answered something that is not an object")
        return result
