"""``GET .../proposals/{id}/impact`` end to end, licensing faked by an httpx transport that
answers ``POST /licensing/v1/plan-impact`` as its contract says (the real one is the
system test's)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import httpx
import jwt
import pytest

from lode_common.testing.apps import JWT_SECRET, ServiceUnderTest
from lode_common.testing.plugin import service_on
from lode_zoning.bootstrap import build
from lode_zoning.settings import ZoningSettings

from .test_proposals_api import PROPOSALS, document, drafted, planner, with_target
from .test_zoning_api import problem

pytestmark = pytest.mark.timeout(120)
CHANGE = {
    "rule_id": "forbidden_zone",
    "clause": "第一章第二节",
    "before": "pass",
    "after": "fail",
    "message": "位于禁采区",
}
LICENCE = {
    "licence_no": "C1308812021017130151234",
    "holder": {"name": "平泉市某矿业有限公司", "credit_code": "91130881MA0A000007"},
    "mineral": "铁矿",
    "before": "pass",
    "after": "fail",
    "changes": [CHANGE],
}
APPLICATION = {
    "application_id": "7f1c2a9e-0000-4000-8000-000000000001",
    "status": "checked",
    "applicant": "平泉市某矿业有限公司",
    "mineral": "铁矿",
    "before": "eligible",
    "after": "ineligible",
    "changes": [CHANGE | {"message": None}],
}
UNAVAILABLE = {
    "kind": "licence",
    "id": "C1308812021018000000002",
    "reason": "zoning did not answer",
}


class FakeLicensing:
    """Answers the plan-impact contract and keeps what it was asked."""

    def __init__(self, *, down: bool = False, garbled: bool = False) -> None:
        self.down = down
        self.garbled = garbled
        self.asked: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.asked.append(request)
        if self.down:
            raise httpx.ConnectError("licensing is down", request=request)
        assert request.url.path == "/licensing/v1/plan-impact"
        body = json.loads(request.content)
        licence = LICENCE | {"before": {"verdict": "eligible"}} if self.garbled else LICENCE
        return httpx.Response(
            200,
            json={  # licensing's PlanImpact
                "plan_id": body["document"]["plan"]["id"],
                "plan_version": 1,
                "proposal_id": body["proposal_id"],
                "proposed_plan_id": body["document"]["plan"]["id"],
                "licences": [licence],
                "applications": [APPLICATION],
                "evaluated": {"licences": 3, "applications": 2},
                "unavailable": [UNAVAILABLE],
            },
        )


async def _zoning_with(
    fake: FakeLicensing, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[ServiceUnderTest]:
    builder = partial(build, licensing_http=httpx.MockTransport(fake))
    async with service_on(builder, ZoningSettings, request, tmp_path, "sqlite") as service:
        yield service


@pytest.fixture
def licensing() -> FakeLicensing:
    return FakeLicensing()


@pytest.fixture
async def zoning_and_licensing(
    licensing: FakeLicensing, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[ServiceUnderTest]:
    async for service in _zoning_with(licensing, request, tmp_path):
        yield service


@pytest.fixture
async def zoning_without_licensing(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[ServiceUnderTest]:
    async for service in _zoning_with(FakeLicensing(down=True), request, tmp_path):
        yield service


async def test_impact_joins_licensing_answer_and_the_indicators(
    zoning_and_licensing: ServiceUnderTest, licensing: FakeLicensing
) -> None:
    z = zoning_and_licensing
    doc, indicator = with_target(await document(z))
    proposal = await drafted(z, doc)
    r = await z.client.get(f"{PROPOSALS}/{proposal['id']}/impact", headers=z.auth("approver"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["proposal_id"] == proposal["id"]
    assert body["base_version"] == 1
    assert body["licences"] == [LICENCE]
    assert body["applications"] == [APPLICATION]
    assert body["licensing_plan"] == {"plan_id": doc["plan"]["id"], "plan_version": 1}
    assert body["evaluated"] == {"licences": 3, "applications": 2}
    assert body["unavailable"] == [UNAVAILABLE]  # named, never dropped
    assert body["indicators"] == [
        {
            "id": indicator["id"],
            "name_zh": indicator["name_zh"],
            "unit_zh": indicator["unit_zh"],
            "kind": "changed",
            "before": indicator["target"] - 50,
            "after": indicator["target"],
        }
    ]
    assert body["elapsed_ms"] >= 0
    assert body["computed_at"]
    (asked,) = licensing.asked
    sent = json.loads(asked.content)
    assert sent["proposal_id"] == proposal["id"]
    assert "standards" in sent["document"]  # the document as it would be published
    claims = jwt.decode(
        asked.headers["Authorization"].removeprefix("Bearer "), JWT_SECRET, algorithms=["HS256"]
    )
    assert (claims["sub"], claims["roles"]) == ("service:zoning", ["planner"])
    assert claims["exp"] - claims["iat"] <= 300  # short-lived


async def test_impact_is_503_with_retry_after_while_licensing_is_down(
    zoning_without_licensing: ServiceUnderTest,
) -> None:
    z = zoning_without_licensing
    proposal = await drafted(z, await document(z))
    r = await z.client.get(f"{PROPOSALS}/{proposal['id']}/impact", headers=planner(z))
    body = problem(r, 503)
    assert r.headers["Retry-After"]
    assert "licensing" in body["detail"]


async def test_an_answer_of_licensing_zoning_cannot_read_is_503_naming_it(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    async for z in _zoning_with(FakeLicensing(garbled=True), request, tmp_path):
        proposal = await drafted(z, await document(z))
        r = await z.client.get(f"{PROPOSALS}/{proposal['id']}/impact", headers=planner(z))
        body = problem(r, 503)  # never a 500, nor a what-if that misreads licensing
        assert "licences.0.before" in body["detail"]


async def test_impact_roles_and_unknown_proposal(
    zoning_and_licensing: ServiceUnderTest,
) -> None:
    z = zoning_and_licensing
    proposal = await drafted(z, await document(z))
    path = f"{PROPOSALS}/{proposal['id']}/impact"
    for role in ("mine", "licensing_officer", "inspector"):
        assert (await z.client.get(path, headers=z.auth(role))).status_code == 403
    assert (await z.client.get(path)).status_code == 401
    for role in ("viewer", "planner", "approver", "admin-token"):
        assert (await z.client.get(path, headers=z.auth(role))).status_code == 200
    problem(await z.client.get(f"{PROPOSALS}/nope/impact", headers=z.auth("viewer")), 404)
    problem(await z.client.get(f"{PROPOSALS}/a.b/impact", headers=z.auth("viewer")), 422)
