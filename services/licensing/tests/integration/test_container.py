"""Licensing's parts in one typed container, its errors answered by one policy, its
consumers fed typed payloads, its OpenAPI document naming a model for every body and answer
(licensing alone here: zoning's plan never arrives)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from lode_common.errors import PROBLEM_JSON
from lode_common.events.catalog import BlockHolderAssigned, BlockHolderReleased, Holder
from lode_common.events.envelope import Envelope, new_envelope
from lode_common.plan.replica import PlanNotLoaded
from lode_common.testing.apps import ServiceUnderTest, services_under_test
from lode_licensing.adapters.tables import BlockHolderReplica
from lode_licensing.api.errors import ERRORS
from lode_licensing.bootstrap import build as build_licensing
from lode_licensing.container import Licensing
from lode_licensing.domain.errors import (
    FieldError,
    IllegalTransition,
    InvalidApplication,
    RuleDocumentInvalid,
)
from lode_licensing.handlers import HANDLERS
from lode_licensing.handlers.applications import NotYours
from lode_licensing.settings import LicensingSettings

from .builders import HOLDER, mining

ELSEWHERE = "chengde-2021-2025"


@pytest.fixture
async def alone(tmp_path: Path) -> AsyncIterator[ServiceUnderTest]:
    async with services_under_test(
        {"licensing": (build_licensing, LicensingSettings)},
        backend="sqlite",
        tmp_path=tmp_path,
        plan_id=ELSEWHERE,
    ) as services:
        yield services["licensing"]


async def test_routes_and_jobs_reach_the_one_container(alone: ServiceUnderTest) -> None:
    service = Licensing.of(alone.runtime)
    assert alone.runtime.container is service
    assert service.plan_id == ELSEWHERE  # from settings, not a literal
    assert service.callback_url.endswith("/licensing/v1/province/decisions")
    assert not hasattr(alone.runtime, "extensions")  # nothing kept untyped
    r = await alone.client.get("/licensing/v1/licences", headers=alone.auth("viewer"))
    assert r.status_code == 200, r.text
    assert r.json() == {"items": [], "total": 0}
    with pytest.raises(RuntimeError):
        service.attach()  # one container per runtime


async def test_a_plan_that_has_not_arrived_is_503_with_retry_after(
    alone: ServiceUnderTest,
) -> None:
    r = await alone.client.post(
        "/licensing/v1/applications", headers=alone.auth("licensing_officer"), json=mining()
    )
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    assert r.headers["retry-after"] == "5"
    assert ELSEWHERE in r.json()["detail"]
    assert r.json()["instance"] == "/licensing/v1/applications"
    listed = await alone.client.get(
        "/licensing/v1/applications", headers=alone.auth("licensing_officer")
    )
    assert listed.json()["total"] == 0  # nothing was stored


async def test_an_unknown_application_or_licence_is_404_wherever_it_is_raised(
    alone: ServiceUnderTest,
) -> None:
    officer = alone.auth("licensing_officer")
    missing = "00000000-0000-4000-8000-000000000001"
    for method, path, body in (
        ("GET", f"/licensing/v1/applications/{missing}", None),
        ("POST", f"/licensing/v1/applications/{missing}/withdraw", {}),
        (
            "POST",
            f"/licensing/v1/applications/{missing}/review",
            {"outcome": "accept", "reason": "ok"},
        ),
        ("POST", "/licensing/v1/licences/C1308812021017120000001/suspend", {"reason": "检查"}),
    ):
        r = await alone.client.request(method, path, headers=officer, json=body)
        assert r.status_code == 404, (path, r.text)
        assert r.headers["content-type"].startswith(PROBLEM_JSON)
        assert "GET /licensing/v1/" in r.json()["detail"]


def test_the_error_policy_answers_each_licensing_error() -> None:
    invalid = ERRORS.problem(InvalidApplication([FieldError("mineral", "unknown mineral 铀")]))
    assert (invalid.status, invalid.errors) == (
        422,
        [{"field": "mineral", "message": "unknown mineral 铀"}],
    )
    illegal = ERRORS.problem(
        IllegalTransition(current_state="checked", action="forward", allowed=("withdraw",))
    )
    assert illegal.status == 409
    assert illegal.extra == {"current_state": "checked", "allowed_actions": ["withdraw"]}
    assert ERRORS.problem(NotYours("not yours")).status == 403
    unavailable = ERRORS.problem(PlanNotLoaded(ELSEWHERE))
    assert (unavailable.status, unavailable.headers) == (503, {"Retry-After": "5"})
    # a broken plan document is a bug of the deployment, not the caller's: answered 500
    assert not isinstance(RuleDocumentInvalid("entry_rules[0]", "no id"), ERRORS.handled)
    with pytest.raises(TypeError):
        ERRORS.problem(RuleDocumentInvalid("entry_rules[0]", "no id"))


async def test_block_holders_are_read_from_the_typed_payloads(alone: ServiceUnderTest) -> None:
    assigned = BlockHolderAssigned(
        zone_id="zone-1",
        plan_id=ELSEWHERE,
        code="CK01",
        holder=Holder(name="平泉市某矿业有限公司", credit_code=HOLDER),
        licence_no="C1308812021017120000001",
    )
    released = BlockHolderReleased(
        zone_id="zone-1",
        plan_id=ELSEWHERE,
        code="CK01",
        licence_no="C1308812021017120000001",
        reason="expired",
    )

    def envelope(payload: BlockHolderAssigned | BlockHolderReleased) -> Envelope:
        return new_envelope(
            event_type=payload.event_type,
            subject=payload.zone_id,
            data=payload.model_dump(mode="json"),
        )

    async def holders() -> list[tuple[str, str, str]]:
        async with alone.runtime.sessions() as session:
            rows = (await session.execute(select(BlockHolderReplica))).scalars()
            return [(r.zone_id, r.holder_credit_code, r.licence_no) for r in rows]

    on_assigned = HANDLERS["lode.zoning.block.holder_assigned"]
    on_released = HANDLERS["lode.zoning.block.holder_released"]
    async with alone.runtime.uow() as uow:
        await on_assigned(uow.session, envelope(assigned), assigned)
        await uow.commit()
    assert await holders() == [("zone-1", HOLDER, "C1308812021017120000001")]

    async with alone.runtime.uow() as uow:
        with pytest.raises(TypeError, match="BlockHolderReleased"):
            # a payload of another model is a programming error: the inbox parks the event
            await on_released(uow.session, envelope(assigned), assigned)
    async with alone.runtime.uow() as uow:
        await on_released(uow.session, envelope(released), released)
        await uow.commit()
    assert await holders() == []


def test_every_operation_publishes_its_body_and_answer(alone: ServiceUnderTest) -> None:
    document = alone.app.openapi()
    schemas = document["components"]["schemas"]
    assert set(schemas["ApplicationBody"]["discriminator"]["mapping"]) == {
        "new",
        "renewal",
        "change",
        "transfer",
        "cancellation",
    }
    for path, operations in document["paths"].items():
        if not path.startswith("/licensing/v1/") or "/admin/" in path:
            continue  # lode_common's operator routes
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                ref = body["schema"].get("$ref") or body["schema"]["anyOf"][0]["$ref"]
                assert ref.rsplit("/", 1)[1] in schemas, (method, path)
            answers = [
                response["content"]["application/json"]["schema"]
                for status, response in operation["responses"].items()
                if status.startswith("2")
            ]
            assert answers, (method, path)
            assert all("$ref" in answer for answer in answers), (method, path, answers)
