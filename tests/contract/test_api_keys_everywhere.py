"""A mine's API key that monitoring issued is valid in the whole system (issue 12, item 4).

The four services on one bus (SQLite + the in-process bus, and PostgreSQL + Kafka), each
with its own database: monitoring issues and revokes the key, the others learn it from
``lode.monitoring.api_key.*`` events alone (no service calls monitoring). A recognised key
on a route the role ``mine`` may not use is 403, not 401; after the revoke event it is 401
everywhere; an unknown key, a forged secret behind a real prefix and the key's hash in
place of the key stay 401.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from lode_common import api_keys
from lode_common.auth import hash_api_key
from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest, services_under_test
from lode_common.testing.plugin import BACKENDS, backend_services
from lode_licensing.bootstrap import build as build_licensing
from lode_licensing.settings import LicensingSettings
from lode_monitoring.bootstrap import build as build_monitoring
from lode_monitoring.settings import MonitoringSettings
from lode_reporting.bootstrap import build as build_reporting
from lode_reporting.settings import ReportingSettings
from lode_zoning.bootstrap import build as build_zoning
from lode_zoning.settings import ZoningSettings

pytestmark = pytest.mark.timeout(240)

ENTERPRISE = "91130881MA0A000007"
OTHERS = ("zoning", "licensing", "reporting")

# On each service: a route the role mine may not use (403 once the key is known), with the
# role the 403 must name, and one it may use (200).
REFUSED: dict[str, tuple[str, str, str]] = {
    "zoning": ("PUT", "/zoning/v1/plans/pingquan-2021-2025", "planner"),
    "licensing": (
        "POST",
        "/licensing/v1/applications/00000000-0000-4000-8000-000000000001/decision",
        "licensing_officer",
    ),
    "reporting": ("GET", "/reporting/v1/indicators", "viewer"),
}
LET_IN: dict[str, str] = {  # reporting has nothing a mine may read
    "zoning": "/zoning/v1/plans",
    "licensing": "/licensing/v1/applications",
}


@pytest.fixture(params=BACKENDS)
async def lode(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[dict[str, ServiceUnderTest]]:
    def wiring(apps: dict[str, FastAPI]) -> dict[str, dict[str, Any]]:
        if "zoning" not in apps:
            return {}
        return {"licensing": {"zoning_http": httpx.ASGITransport(app=apps["zoning"])}}

    extra = backend_services(request, request.param)
    async with services_under_test(
        {
            "zoning": (build_zoning, ZoningSettings),
            "licensing": (build_licensing, LicensingSettings),
            "monitoring": (build_monitoring, MonitoringSettings),
            "reporting": (build_reporting, ReportingSettings),
        },
        backend=request.param,
        tmp_path=tmp_path,
        wiring=wiring,
        **extra,
    ) as services:
        yield services


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def refused(service: ServiceUnderTest, name: str, key: str) -> httpx.Response:
    method, path, _ = REFUSED[name]
    return await service.client.request(method, path, headers=bearer(key), json={})


async def until(
    lode: dict[str, ServiceUnderTest], key: str, status: int, within_s: float = 60
) -> dict[str, float]:
    """Poll every other service until the key gets ``status`` on its refused route;
    returns how long each took."""
    started = time.monotonic()
    took: dict[str, float] = {}
    last: dict[str, str] = {}

    async def everywhere() -> dict[str, float]:
        for name in OTHERS:
            if name in took:
                continue
            r = await refused(lode[name], name, key)
            if r.status_code == status:
                took[name] = time.monotonic() - started
            last[name] = f"{r.status_code} {r.text[:200]}"
        assert len(took) == len(OTHERS), last
        return took

    return await eventually(everywhere, timeout_s=within_s, what=f"{status} everywhere")


def is_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


async def test_a_key_monitoring_issued_is_known_everywhere_and_revoked_everywhere(
    lode: dict[str, ServiceUnderTest],
) -> None:
    m = lode["monitoring"]
    admin = m.auth("admin-token")
    issued = await m.client.post(
        f"/monitoring/v1/enterprises/{ENTERPRISE}/api-keys", headers=admin, json={}
    )
    assert issued.status_code == 201, issued.text
    key, prefix = issued.json()["key"], issued.json()["prefix"]

    # the events carry the hash, never the key
    published = await m.published()
    [event] = [e for e in published if e.base_type == api_keys.ISSUED]
    assert event.subject == issued.json()["id"]
    assert event.data["key_sha256"] == hash_api_key(key)
    assert event.data["prefix"] == prefix
    assert event.data["credit_code"] == ENTERPRISE
    assert key not in event.to_json().decode()

    # once the event has flowed: valid credentials, wrong role → 403 naming a role
    await until(lode, key, 403)
    for name in OTHERS:
        body = is_problem(await refused(lode[name], name, key), 403)
        assert REFUSED[name][2] in body["detail"], body
    for name, path in LET_IN.items():
        allowed = await lode[name].client.get(path, headers=bearer(key))
        assert allowed.status_code == 200, f"{name}: {allowed.text[:300]}"

    # an unknown key, a forged secret behind the real prefix, the hash in place of the key
    forged = f"lode_{prefix}_" + "A" * 43
    for bad in ("lode_0badc0de_" + "x" * 43, forged, f"lode_{prefix}_{hash_api_key(key)}"):
        for name in OTHERS:
            body = is_problem(await refused(lode[name], name, bad), 401)
            assert "unknown or revoked" in body["detail"], body

    revoked = await m.client.delete(
        f"/monitoring/v1/enterprises/{ENTERPRISE}/api-keys/{issued.json()['id']}", headers=admin
    )
    assert revoked.status_code == 200, revoked.text
    assert (await m.client.get("/monitoring/v1/mines", headers=bearer(key))).status_code == 401
    await until(lode, key, 401)
    for name, path in LET_IN.items():
        is_problem(await lode[name].client.get(path, headers=bearer(key)), 401)

    # revoking again changes nothing and publishes nothing more
    again = await m.client.delete(
        f"/monitoring/v1/enterprises/{ENTERPRISE}/api-keys/{issued.json()['id']}", headers=admin
    )
    assert again.status_code == 200
    kinds = [
        e.base_type
        for e in await m.published()
        if e.base_type.startswith("lode.monitoring.api_key")
    ]
    assert kinds == [api_keys.ISSUED, api_keys.REVOKED]


async def test_the_other_topics_events_are_skipped_without_an_inbox_row(
    lode: dict[str, ServiceUnderTest],
) -> None:
    """Zoning and licensing read lode.monitoring only for the keys: a report's or a finding's
    event leaves no trace in their inbox, a key's event does (handled once)."""
    m = lode["monitoring"]
    admin = m.auth("admin-token")
    progress = await m.client.post(
        "/monitoring/v1/projects/geochem_survey/progress",
        headers=m.auth("inspector"),
        json={"year": 2025, "completed_sheets": 1},
    )
    assert progress.status_code == 201, progress.text
    issued = await m.client.post(
        f"/monitoring/v1/enterprises/{ENTERPRISE}/api-keys", headers=admin, json={}
    )
    assert issued.status_code == 201, issued.text
    await until(lode, issued.json()["key"], 403)
    published = {e.id: e.base_type for e in await m.published()}
    for name in ("zoning", "licensing"):
        runtime = lode[name].runtime
        inbox = runtime.tables.inbox
        async with runtime.sessions() as session:
            rows = (
                await session.execute(inbox.select().where(inbox.c.event_id.in_(list(published))))
            ).all()
        assert sorted(published[r.event_id] for r in rows) == [api_keys.ISSUED], name
