"""A service's typed container and its error policy, as every service wires them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, Depends

from lode_common.bootstrap import build_service
from lode_common.container import ErrorPolicy, ServiceContainer
from lode_common.errors import Conflict, Problem
from lode_common.messaging.inprocess import InProcessTransport
from lode_common.runtime import ServiceSpec

from .support import settings_for, zoning_migrations


class QuotaExhausted(Exception):
    """A domain error of the made-up service: the caller's to act on."""


class Bug(Exception):
    """Not in the policy: a bug."""


def problem(error: Exception) -> Problem:
    if isinstance(error, QuotaExhausted):
        return Conflict(f"{error}; wait for next year's quota.", current_state="exhausted")
    raise error


@dataclass
class Quarry(ServiceContainer):
    quota_t: int


QuarryDep = Annotated[Quarry, Depends(Quarry.from_request)]
router = APIRouter(prefix="/zoning/v1")


@router.get("/quota")
async def quota(quarry: QuarryDep) -> dict[str, int]:
    return {"quota_t": quarry.quota_t}


@router.post("/extract")
async def extract(quarry: QuarryDep) -> dict[str, int]:
    raise QuotaExhausted(f"the quota of {quarry.quota_t} t is used up")


def build(tmp_path: Path) -> tuple[Quarry, httpx.AsyncClient, LifespanManager]:
    spec = ServiceSpec(name="zoning", migrations_dir=zoning_migrations())
    runtime, app = build_service(
        spec,
        settings_for(tmp_path),
        transport=InProcessTransport(),
        title="t",
        description="d",
        routers=[router],
        errors=ErrorPolicy(handled=(QuotaExhausted,), problem=problem),
    )
    quarry = Quarry(runtime, quota_t=500).attach()
    manager = LifespanManager(app)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://x")
    return quarry, client, manager


async def test_routes_and_jobs_reach_the_same_typed_container(tmp_path: Path) -> None:
    quarry, client, manager = build(tmp_path)
    async with manager, client:
        assert (await client.get("/zoning/v1/quota")).json() == {"quota_t": 500}
    assert Quarry.of(quarry.runtime) is quarry
    with pytest.raises(RuntimeError, match="already has a container"):
        Quarry(quarry.runtime, quota_t=1).attach()


async def test_a_runtime_without_the_container_says_how_to_build_it(tmp_path: Path) -> None:
    spec = ServiceSpec(name="zoning", migrations_dir=zoning_migrations())
    runtime, _app = build_service(
        spec,
        settings_for(tmp_path),
        transport=InProcessTransport(),
        title="t",
        description="d",
        routers=[],
    )
    with pytest.raises(RuntimeError, match="has no Quarry: build the service with its bootstrap"):
        Quarry.of(runtime)


async def test_a_domain_error_is_answered_by_the_policy_registered_once(tmp_path: Path) -> None:
    _quarry, client, manager = build(tmp_path)
    async with manager, client:
        answer = await client.post("/zoning/v1/extract")
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["detail"] == "the quota of 500 t is used up; wait for next year's quota."
    assert body["current_state"] == "exhausted"


async def test_every_operation_documents_its_problems_as_problem_json(tmp_path: Path) -> None:
    _quarry, client, manager = build(tmp_path)
    async with manager, client:
        document = (await client.get("/zoning/openapi.json")).json()
    responses = document["paths"]["/zoning/v1/quota"]["get"]["responses"]
    assert {"401", "403", "422", "500"} <= set(responses)
    for status in ("401", "403", "422", "500"):
        assert responses[status]["content"] == {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
        }
    assert "HTTPValidationError" not in document["components"]["schemas"]
    problem_schema = document["components"]["schemas"]["ProblemDetails"]
    assert set(problem_schema["required"]) == {"type", "title", "status", "detail"}


@router.post("/crash")
async def crash() -> dict[str, int]:
    raise Bug("a mistake in the code")


async def test_an_error_outside_the_policy_is_a_500_saying_nothing_was_saved(
    tmp_path: Path,
) -> None:
    _quarry, client, manager = build(tmp_path)
    async with manager, client:
        answer = await client.post("/zoning/v1/crash")
    assert answer.status_code == 500
    assert "nothing was saved" in answer.json()["detail"]
    assert "a mistake in the code" not in answer.text
