"""Hostile input against the running processes: schemathesis over the four OpenAPI documents,
and a table of attacks, each answered with a 4xx problem and nothing stored.

The authorization matrix — every role's token (and a mine's key, and none) against every
route, generated from the routes so that a new endpoint cannot be forgotten — lives in
``tests/contract/test_authorization_matrix.py``; here a few of its rows are tried again over
real HTTP on the process topology.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections import Counter
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error, response_schema_conformance

from lode_common.testing.topology import PROVINCE_SECRET
from lode_licensing.domain.province import sign

from .conftest import System
from .flows import (
    PLAN,
    Site,
    api_key,
    confirm_agreement,
    create_block,
    forward,
    licences,
    licensed_site,
    square,
    submit,
    wait_status,
)

pytestmark = [pytest.mark.system, pytest.mark.timeout(300)]

EXAMPLES = 6  # per operation: ~50 operations x 4 services' worth within the suite's budget
FUZZ_COUNTS: dict[str, Counter[str]] = {}


@pytest.mark.parametrize(
    "service",
    [
        "zoning",
        "licensing",
        "monitoring",
        "reporting",
    ],
)
def test_schemathesis_no_5xx_and_responses_conform(system: System, service: str) -> None:
    base = system.url(service)
    schema = schemathesis.openapi.from_url(f"{base}/{service}/openapi.json")
    headers = system.topology.admin  # the admin token: every staff role, so every route runs
    counts: Counter[str] = Counter()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        counts["operations"] += 1
        fuzz_operation(operation, base, headers, counts, failures)
    FUZZ_COUNTS[service] = counts
    print(f"\nschemathesis {service}: {dict(counts)}; failures: {len(failures)}")
    assert not failures, "\n".join(failures[:20])


def fuzz_operation(
    operation: Any, base: str, headers: dict[str, str], counts: Counter[str], failures: list[str]
) -> None:
    """``EXAMPLES`` generated requests to one operation, checked for 5xx and conformance."""

    @hypothesis.given(case=operation.as_strategy())
    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: schemathesis.Case) -> None:
        response = case.call(base_url=base, headers=headers, timeout=30)
        counts["requests"] += 1
        counts[f"{response.status_code // 100}xx"] += 1
        for check in (not_a_server_error, response_schema_conformance):
            try:
                case.validate_response(response, checks=[check])
            except Exception as exc:  # a failed check: recorded with its request
                failures.append(
                    f"{operation.method.upper()} {operation.path}: {check.__name__}: "
                    f"{response.status_code} {str(exc)[:400]}\n  {case.as_curl_command()}"
                )

    fuzz()


# --- the attack table -----------------------------------------------------------------------
def problem(answer: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert answer.status_code in statuses, (answer.status_code, answer.text[:500])
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.headers
    body: dict[str, Any] = answer.json()
    return body


async def test_sql_injection_in_filters_is_data(system: System, http: httpx.AsyncClient) -> None:
    staff = system.topology.auth("licensing_officer", "inspector", "planner")
    before = await http.get(f"{system.url('licensing')}/licensing/v1/licences", headers=staff)
    for attack in ("' OR '1'='1", "x'; DROP TABLE licence; --", "%' OR 1=1 --", "\\'; SELECT 1"):
        licences = await http.get(
            f"{system.url('licensing')}/licensing/v1/licences",
            params={"holder": attack},
            headers=staff,
        )
        assert licences.status_code == 200, licences.text
        assert licences.json()["total"] == 0, licences.text
        reports = await http.get(
            f"{system.url('monitoring')}/monitoring/v1/reports",
            params={"licence_no": attack},
            headers=staff,
        )
        assert reports.status_code in (200, 422), reports.text
        if reports.status_code == 200:
            assert reports.json()["total"] == 0
        zones = await http.get(
            f"{system.url('zoning')}/zoning/v1/zones", params={"plan_id": attack}, headers=staff
        )
        assert zones.status_code in (200, 404, 422), zones.text
    after = await http.get(f"{system.url('licensing')}/licensing/v1/licences", headers=staff)
    assert after.json()["total"] >= before.json()["total"]  # nothing dropped


async def test_oversized_bodies_and_geometries_are_413(
    system: System, http: httpx.AsyncClient
) -> None:
    planner = system.topology.auth("planner")
    url = f"{system.url('zoning')}/zoning/v1/zones"
    huge = b'{"type": "Feature", "properties": {}, "geometry": ' + b" " * (6 * 1024 * 1024) + b"}"
    body = problem(
        await http.post(url, content=huge, headers={**planner, "content-type": "application/json"}),
        413,
    )
    assert body["status"] == 413
    # a polygon of 400,000 vertices: over the body limit as JSON
    ring = [[118.5 + i * 1e-7, 40.8] for i in range(400_000)] + [[118.5, 40.81], [118.5, 40.8]]
    feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}}
    problem(await http.post(url, json=feature, headers=planner), 413)
    count = await http.get(url, params={"plan_id": PLAN}, headers=planner)
    assert count.status_code == 200


async def test_deeply_nested_json_is_refused(system: System, http: httpx.AsyncClient) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    for service, path in (
        ("licensing", "/licensing/v1/applications"),
        ("zoning", "/zoning/v1/analysis"),
        ("monitoring", "/monitoring/v1/reports"),
    ):
        answer = await http.post(
            f"{system.url(service)}{path}",
            content=f'{{"area": {nested}}}',
            headers={**system.topology.admin, "content-type": "application/json"},
        )
        problem(answer, 400, 422)  # FastAPI: 400; routes reading JSON themselves: 422


async def test_invalid_utf8_is_refused(system: System, http: httpx.AsyncClient) -> None:
    answer = await http.post(
        f"{system.url('monitoring')}/monitoring/v1/reports",
        content=b'{"licence_no": "C13088\xff\xfe", "year": 2025, "period": "annual"}',
        headers={**system.topology.admin, "content-type": "application/json"},
    )
    problem(answer, 400, 422)


async def test_zip_slip_shapefile_is_refused(system: System, http: httpx.AsyncClient) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for member in ("../../evil.shp", "../../evil.shx", "../../evil.dbf", "../../evil.prj"):
            zf.writestr(member, b"\0" * 128)
    answer = await http.post(
        f"{system.url('zoning')}/zoning/v1/zones/import",
        params={"plan_id": PLAN, "type": "mining_block"},
        content=archive.getvalue(),
        headers={**system.topology.auth("planner"), "content-type": "application/zip"},
    )
    body = problem(answer, 400, 422)
    assert "evil" in json.dumps(body, ensure_ascii=False) or "path" in body["detail"].lower()


async def test_forged_stale_and_replayed_province_callbacks_are_401(
    system: System, http: httpx.AsyncClient
) -> None:
    url = f"{system.url('licensing')}/licensing/v1/province/decisions"
    raw = json.dumps(
        {"application_id": "no-such-application", "decision": "rejected", "reason": "攻击"}
    ).encode()

    def headers(secret: str, timestamp: int) -> dict[str, str]:
        stamp = str(timestamp)
        return {
            "content-type": "application/json",
            "X-Lode-Timestamp": stamp,
            "X-Lode-Signature": sign(secret, stamp, raw),
        }

    now = int(time.time())
    forged = await http.post(url, content=raw, headers=headers("not-the-secret-" * 3, now))
    problem(forged, 401)
    stale = await http.post(url, content=raw, headers=headers(PROVINCE_SECRET, now - 3600))
    problem(stale, 401)
    # a genuine decision, signed anew: a repeat changes nothing (200); the very same
    # signature sent again is a replay (401)
    site = Site()
    await create_block(http, system, site)
    view = await confirm_agreement(http, system, await submit(http, system, site))
    await forward(http, system, view["id"])
    await wait_status(http, system, view["id"], "approved")
    record = (await http.get(f"{system.platform.url}/applications/{view['id']}")).json()
    raw = json.dumps(record["decision"], ensure_ascii=False).encode()
    stamp = str(int(time.time()))
    signed = {
        "content-type": "application/json",
        "X-Lode-Timestamp": stamp,
        "X-Lode-Signature": sign(PROVINCE_SECRET, stamp, raw),
    }
    repeat = await http.post(url, content=raw, headers=signed)
    assert repeat.status_code == 200, repeat.text
    problem(await http.post(url, content=raw, headers=signed), 401)
    held = await licences(http, system, holder=site.credit_code)
    assert len(held) == 1, held


async def test_roles_and_keys_over_http(system: System, http: httpx.AsyncClient) -> None:
    """Rows of the authorization matrix again, over real HTTP on the processes."""
    site, licence_no = await licensed_site(http, system, since="2021-01-01")
    key = await api_key(http, system, site.credit_code)
    other = Site()
    monitoring = system.url("monitoring")
    problem(await http.get(f"{monitoring}/monitoring/v1/findings"), 401)
    problem(
        await http.post(
            f"{system.url('zoning')}/zoning/v1/zones",
            json={"type": "Feature", "geometry": square(118.5, 40.8, 0.01), "properties": {}},
            headers=system.topology.auth("inspector"),
        ),
        403,
    )
    problem(
        await http.get(
            f"{monitoring}/monitoring/v1/enterprises/{other.credit_code}/api-keys",
            headers={"Authorization": f"Bearer {key}"},
        ),
        403,
    )
    own = await http.get(
        f"{monitoring}/monitoring/v1/mines/{licence_no}", headers={"Authorization": f"Bearer {key}"}
    )
    assert own.status_code == 200, own.text
