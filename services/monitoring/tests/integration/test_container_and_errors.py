"""One typed container, one error policy, typed consumers, and the standards read once a
plan version: monitoring's wiring (issue 13)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lode_common.events.catalog import LicenceIssued, PlanPublished, ZoneCreated
from lode_common.messaging.consumers import base_type
from lode_common.plan import replica
from lode_common.plan.data import PINGQUAN_PLAN_ID, bundled_documents
from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest, service_under_test
from lode_monitoring.bootstrap import SPEC, build
from lode_monitoring.container import Monitoring
from lode_monitoring.handlers.api_keys import KeyLookup
from lode_monitoring.settings import MonitoringSettings

from .test_reports import IRON, A, iron_licence, publish

pytestmark = pytest.mark.timeout(120)
REPORT = {
    "licence_no": IRON,
    "year": 2023,
    "period": "annual",
    "ore_mined_10kt": 11.0,
    "mining_recovery_pct": 91.0,
}


def plan_published(version: int = 1) -> PlanPublished:
    return PlanPublished(
        plan_id=PINGQUAN_PLAN_ID,
        version=version,
        region_adcode="130881",
        document=bundled_documents(),
    )


async def in_force(service: Monitoring, version: int = 1) -> None:
    """Wait until ``version`` of the plan is the one in force here."""

    async def arrived() -> None:
        assert await service.plans.version_of(PINGQUAN_PLAN_ID) == version

    await eventually(arrived, timeout_s=20, what=f"version {version} of the plan")


async def test_the_container_is_the_runtimes_and_holds_every_part(
    monitoring: ServiceUnderTest,
) -> None:
    service = Monitoring.of(monitoring.runtime)
    assert service.runtime is monitoring.runtime
    assert await service.plan_id() == PINGQUAN_PLAN_ID  # a settings field, no literal in a route
    assert isinstance(service.keys, KeyLookup)
    assert not hasattr(monitoring.runtime, "extensions")  # nothing kept untyped
    with pytest.raises(RuntimeError, match="already has a container"):
        service.attach()


async def test_the_consumers_take_typed_payloads_and_the_shared_replica(
    monitoring: ServiceUnderTest,
) -> None:
    for kind in ("issued", "renewed", "suspended", "cancelled"):
        assert f"lode.licensing.licence.{kind}" in SPEC.handlers
    assert SPEC.handlers[replica.PUBLISHED] is replica.REPLICA_HANDLERS[replica.PUBLISHED]
    assert replica.TOPIC in SPEC.consumes
    on_issued = SPEC.handlers[base_type(LicenceIssued)]
    wrong = ZoneCreated(zone_id="z", plan_id="p", type="t", code="c", name_zh="区", version=1)
    envelope = wrong.envelope("z")
    async with monitoring.runtime.sessions() as session:
        with pytest.raises(TypeError, match="did not read as"):
            await on_issued(session, envelope, wrong)  # parked by the inbox, never read as a dict


async def test_a_licence_event_is_kept_from_its_typed_payload(
    monitoring_both: ServiceUnderTest,
) -> None:
    m = monitoring_both
    issued = iron_licence(
        LicenceIssued,
        capacity={"value": 30.5, "unit": "万吨/年"},
        restoration_plan=[{"year": 2025, "restored_area_ha": 12.5}],
    )
    await publish(m, "lode.licensing", IRON, issued)

    async def kept() -> dict[str, Any]:
        answer = await m.client.get(f"/monitoring/v1/mines/{IRON}", headers=m.auth("viewer"))
        assert answer.status_code == 200, answer.text
        mine: dict[str, Any] = answer.json()
        return mine

    mine = await eventually(kept, timeout_s=20, what="the mine")
    assert mine["capacity"] == {"value": 30.5, "unit": "万吨/年"}
    assert mine["status_history"] == [{"status": "active", "from": "2021-01-01"}]
    assert mine["restoration_plan"] == [{"year": 2025, "restored_area_ha": 12.5}]
    assert mine["holder"] == {"name": "示意铁矿", "credit_code": A}


async def test_before_the_plan_arrives_every_route_answers_503_with_retry_after(
    monitoring: ServiceUnderTest,
) -> None:
    m, staff = monitoring, monitoring.auth("planner")
    answers = [
        await m.client.post("/monitoring/v1/reports", json=REPORT, headers=staff),
        await m.client.post(
            "/monitoring/v1/projects/geochem_survey/progress",
            json={"year": 2022, "completed_sheets": 1},
            headers=staff,
        ),
        await m.client.post(
            "/monitoring/v1/exploration-results",
            json={"year": 2022, "mineral": "钼矿", "new_resources_ore_10kt": 1.5},
            headers=staff,
        ),
    ]
    for answer in answers:
        assert answer.status_code == 503, answer.text
        assert answer.headers["retry-after"] == "5"
        assert answer.headers["content-type"] == "application/problem+json"
        assert "has not reached monitoring" in answer.json()["detail"]


async def test_the_error_policy_answers_wherever_the_error_is_raised(
    monitoring: ServiceUnderTest,
) -> None:
    m, staff = monitoring, monitoring.auth("planner")
    await publish(m, replica.TOPIC, PINGQUAN_PLAN_ID, plan_published())
    await in_force(Monitoring.of(m.runtime))
    invalid = await m.client.post(
        "/monitoring/v1/projects/geochem_survey/progress",
        json={"year": 2022, "completed_sheets": -1},
        headers=staff,
    )
    assert invalid.status_code == 422
    assert [e["field"] for e in invalid.json()["errors"]] == ["completed_sheets"]
    assert invalid.json()["detail"].endswith("send it again; nothing was stored.")
    unknown = await m.client.put(
        "/monitoring/v1/reports/no-such-report", json={"reason": "typo"}, headers=staff
    )
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "There is no report no-such-report."


async def test_the_plan_judged_against_is_the_settings(tmp_path: Path) -> None:
    """A monitoring configured for another plan is not judged by Pingquan's."""
    async with service_under_test(
        build, MonitoringSettings, backend="sqlite", tmp_path=tmp_path, plan_id="other-plan"
    ) as m:
        await publish(m, replica.TOPIC, PINGQUAN_PLAN_ID, plan_published())
        service = Monitoring.of(m.runtime)
        await in_force(service)
        answer = await m.client.post(
            "/monitoring/v1/reports", json=REPORT, headers=m.auth("planner")
        )
    assert await service.plan_id() == "other-plan"
    assert answer.status_code == 503


async def test_the_standards_are_read_once_a_version(monitoring: ServiceUnderTest) -> None:
    m = monitoring
    service = Monitoring.of(m.runtime)
    await publish(m, replica.TOPIC, PINGQUAN_PLAN_ID, plan_published(1))
    await in_force(service, 1)
    first = await service.standards.require(PINGQUAN_PLAN_ID)
    assert await service.standards.require(PINGQUAN_PLAN_ID) is first
    assert await service.standards.of_version(PINGQUAN_PLAN_ID, 1) is first
    await publish(m, replica.TOPIC, PINGQUAN_PLAN_ID, plan_published(2))
    await in_force(service, 2)
    second = await service.standards.require(PINGQUAN_PLAN_ID)
    assert second is not first
    assert second == first  # the same document, read again for its own version
    assert await service.standards.of_version(PINGQUAN_PLAN_ID, 1) is first


async def test_the_answers_models_change_no_number_nor_key_on_the_wire(
    monitoring: ServiceUnderTest,
) -> None:
    """A body is answered with the fields that were sent, an integer as an integer."""
    m, staff = monitoring, monitoring.auth("planner")
    await publish(m, replica.TOPIC, PINGQUAN_PLAN_ID, plan_published())
    await in_force(Monitoring.of(m.runtime))
    licence = iron_licence(LicenceIssued, restoration_plan=[{"year": 2030, "restored_area_ha": 12}])
    await publish(m, "lode.licensing", IRON, licence)

    async def mine_text() -> str:
        answer = await m.client.get(f"/monitoring/v1/mines/{IRON}", headers=staff)
        assert answer.status_code == 200, answer.text
        return answer.text

    mine = await eventually(mine_text, timeout_s=20, what="the mine")
    assert '"restoration_plan":[{"year":2030,"restored_area_ha":12}]' in mine
    product = {"name": "铁精粉", "output_10kt": 3}
    sent = {**REPORT, "output_value_cny_10k": 6800, "products": [product]}
    filed = await m.client.post("/monitoring/v1/reports", json=sent, headers=staff)
    assert filed.status_code == 201, filed.text
    read = await m.client.get(f"/monitoring/v1/reports/{filed.json()['id']}", headers=staff)
    body = read.json()["versions"][0]["body"]
    assert body == sent
    assert sorted(body) == sorted(sent)  # no field that was not sent, not even as null
    assert '"output_value_cny_10k":6800' in read.text
    assert '"products":[{"name":"铁精粉","output_10kt":3}]' in read.text
    assert read.json()["versions"][0]["reason"] is None  # given, though null


async def test_an_approved_successor_plan_is_the_one_reports_are_judged_against(
    tmp_path: Path,
) -> None:
    """Issue 15: once zoning publishes a successor (``plan.predecessor_plan_id``), reports are
    judged by its standards; until then by the configured plan's, even after its period."""
    successor = bundled_documents().model_copy(deep=True)
    meta = successor.plan.model_copy(
        update={
            "id": "pingquan-2026-2030",
            "predecessor_plan_id": PINGQUAN_PLAN_ID,
            "base_year": 2025,
            "period": (2026, 2030),
            "target_year": 2030,
        }
    )
    successor = successor.model_copy(update={"plan": meta})
    async with service_under_test(
        build, MonitoringSettings, backend="sqlite", tmp_path=tmp_path
    ) as m:
        service = Monitoring.of(m.runtime)
        service.plans._follow_ttl_s = 0  # the test reads the answer at once
        await publish(m, replica.TOPIC, PINGQUAN_PLAN_ID, plan_published())
        await in_force(service)
        assert await service.plan_id() == PINGQUAN_PLAN_ID
        await publish(
            m,
            replica.TOPIC,
            "pingquan-2026-2030",
            PlanPublished(
                plan_id="pingquan-2026-2030",
                version=1,
                region_adcode="130881",
                predecessor_plan_id=PINGQUAN_PLAN_ID,
                document=successor,
            ),
        )

        async def succeeded() -> None:
            assert await service.plan_id() == "pingquan-2026-2030"

        await eventually(succeeded, timeout_s=20, what="the successor in force")
        standards = await service.standards.require(await service.plan_id())
        assert standards.plan_id == "pingquan-2026-2030"
