"""Reporting's typed consumers, its container and its error policy.

Every consumer journals the event it reads, then projects it; the plan in force is the
shared replica's (latest version wins, also when an older one arrives late); the routes
reach the service's parts through one container; the plan a request does not name is the
deployment's (settings); the service's own errors are answered by one policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from lode_common.api_keys import REPLICA_HANDLERS as KEY_HANDLERS
from lode_common.events import catalog
from lode_common.events.envelope import Envelope
from lode_common.limits import YEAR_MAX, YEAR_MIN
from lode_common.plan.data import bundled_documents
from lode_common.plan.replica import PUBLISHED, PlanNotLoaded
from lode_common.testing.apps import ServiceUnderTest
from lode_common.testing.plugin import service_on
from lode_reporting.adapters.tables import JournalEntry
from lode_reporting.api.errors import ERRORS
from lode_reporting.bootstrap import SPEC, build
from lode_reporting.container import Reporting
from lode_reporting.domain.plan import UnknownIndicator, YearOutsidePlan
from lode_reporting.settings import ReportingSettings
from services.reporting.tests.integration.events import (
    finding,
    licence,
    output,
    plan_published,
    progress,
    reserves,
    send,
)

C1 = "C1308812018019900000001"
PLAN_ID = "pingquan-2021-2025"


def _plan(version: int, title_zh: str) -> Envelope:
    document = bundled_documents().as_published()
    document["plan"] = {**document["plan"], "title_zh": title_zh}
    return catalog.PlanPublished(
        plan_id=PLAN_ID, version=version, region_adcode="130881", document=document
    ).envelope(PLAN_ID)


async def _journal(service: ServiceUnderTest) -> list[tuple[str, str | None]]:
    async with service.runtime.sessions() as session:
        rows = await session.execute(
            select(col(JournalEntry.type), col(JournalEntry.licence_no)).order_by(
                col(JournalEntry.seq)
            )
        )
        return [(t, n) for t, n in rows.all()]


def test_every_event_reporting_consumes_has_one_typed_consumer() -> None:
    domain = {
        "lode.zoning.plan.published",
        *(f"lode.zoning.zone.{a}" for a in ("created", "changed", "retired")),
        *(
            f"lode.licensing.licence.{a}"
            for a in (
                "issued",
                "renewed",
                "changed",
                "transferred",
                "suspended",
                "revoked",
                "expired",
                "cancelled",
            )
        ),
        "lode.monitoring.output.reported",
        "lode.monitoring.output.corrected",
        "lode.monitoring.reserves.reported",
        "lode.monitoring.reserves.corrected",
        "lode.monitoring.exploration.result_reported",
        "lode.monitoring.project.progress_reported",
        "lode.monitoring.finding.opened",
        "lode.monitoring.finding.closed",
        *(f"lode.zoning.proposal.{a}" for a in ("submitted", "approved", "rejected")),
        "lode.licensing.licence.conflict_detected",
        "lode.licensing.licence.conflict_resolved",
        *(f"lode.licensing.grant.{a}" for a in ("announced", "concluded", "failed", "contracted")),
        "lode.monitoring.inspection.drawn",
        "lode.monitoring.inspection.recorded",
        *(f"lode.monitoring.rectification.{a}" for a in ("ordered", "verified", "overdue")),
        "lode.monitoring.enterprise.listed",
        "lode.monitoring.enterprise.released",
        *(f"lode.{s}.audit.anchored" for s in ("zoning", "licensing", "monitoring", "reporting")),
        *(f"lode.licensing.application.{a}" for a in ("submitted", "decided")),  # public decisions
    }
    assert set(SPEC.handlers) == domain | set(KEY_HANDLERS)
    assert PUBLISHED in SPEC.handlers


async def test_every_event_is_journaled_with_its_licence_then_projected(
    reporting: ServiceUnderTest,
) -> None:
    await send(
        reporting,
        plan_published(),
        licence(C1),
        output("r1", C1),
        reserves("s1", C1),
        finding("f1", C1),
        progress("p1", "geochem_survey", 2022, completed_sheets=2),
    )
    assert sorted(await _journal(reporting), key=str) == sorted(
        [
            ("lode.zoning.plan.published.v1", None),
            ("lode.licensing.licence.issued.v1", C1),
            ("lode.monitoring.output.reported.v1", C1),
            ("lode.monitoring.reserves.reported.v1", C1),
            ("lode.monitoring.finding.opened.v1", C1),
            ("lode.monitoring.project.progress_reported.v1", None),
        ],
        key=str,
    )  # the topics are consumed independently: commit order across them is not fixed
    plan = await Reporting.of(reporting.runtime).plans.require(PLAN_ID)
    assert plan.version == 1
    assert plan.document == bundled_documents()


async def test_a_plan_version_arriving_late_is_journaled_but_the_newer_stays_in_force(
    reporting_both: ServiceUnderTest,
) -> None:
    service = reporting_both
    await send(service, _plan(2, "第二版"))
    await send(service, _plan(1, "第一版"))
    types = [t for t, _ in await _journal(service)]
    assert types == ["lode.zoning.plan.published.v1"] * 2
    plan = await Reporting.of(service.runtime).plans.require(PLAN_ID)
    assert (plan.version, plan.document.plan.title_zh) == (2, "第二版")
    r = await service.client.get(
        "/reporting/v1/indicators", params={"year": 2022}, headers=service.auth("viewer")
    )
    assert r.status_code == 200, r.text
    assert r.json()["plan_version"] == 2
    page = await service.client.get("/")
    assert page.status_code == 200, page.text
    assert "第二版" in page.text


async def test_the_routes_reach_the_container_bootstrap_attached(
    reporting: ServiceUnderTest,
) -> None:
    service = Reporting.of(reporting.runtime)
    assert reporting.runtime.container is service
    assert isinstance(service.settings, ReportingSettings)
    assert service.journal.notify in reporting.runtime.inbox.after_commit
    ticket = service.journal.ticket()
    await send(reporting, plan_published())  # the inbox's commit wakes the streams' signal
    assert ticket.is_set()


@pytest.fixture
async def other_plan(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    async with service_on(
        build, ReportingSettings, request, tmp_path, "sqlite", plan_id="chengde-2021-2025"
    ) as service:
        yield service


async def test_a_request_without_plan_id_reads_the_deployments_plan(
    other_plan: ServiceUnderTest,
) -> None:
    service = other_plan
    await send(service, plan_published())  # Pingquan's, not the one this deployment follows
    viewer = service.auth("viewer")
    r = await service.client.get("/reporting/v1/indicators", params={"year": 2022}, headers=viewer)
    assert r.status_code == 404, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"].startswith("plan_id: no plan 'chengde-2021-2025' has reached")
    named: dict[str, str | int] = {"year": 2022, "plan_id": PLAN_ID}
    r = await service.client.get("/reporting/v1/indicators", params=named, headers=viewer)
    assert r.status_code == 200, r.text
    page = await service.client.get("/")
    assert 'data-plan-id="chengde-2021-2025"' in page.text
    assert 'data-years=""' in page.text  # no plan of that id has arrived, none is bundled


async def test_each_error_of_the_policy_is_answered_as_its_problem(
    reporting: ServiceUnderTest,
) -> None:
    viewer = reporting.auth("viewer")
    r = await reporting.client.get("/reporting/v1/output", params={"year": 2022}, headers=viewer)
    assert (r.status_code, r.headers["content-type"]) == (404, "application/problem+json")
    assert r.json()["title"] == "Not found"
    await send(reporting, plan_published())
    r = await reporting.client.get(
        "/reporting/v1/indicators/no_such_indicator/trend", headers=viewer
    )
    assert r.status_code == 404
    assert r.json()["detail"].startswith("indicator_id: the plan has no indicator")
    assert "iron_concentrate_output" in r.json()["detail"]
    r = await reporting.client.get("/reporting/v1/output", params={"year": 2019}, headers=viewer)
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {
            "field": "year",
            "message": "must be within the plan's baseline and period, 2020–2025; got 2019",
        }
    ]


def test_the_error_policy_handles_only_the_services_own_errors() -> None:
    assert ERRORS.problem(PlanNotLoaded(PLAN_ID)).status == 404
    assert ERRORS.problem(UnknownIndicator("x", ["a", "b"])).detail.endswith("it has a, b")
    assert ERRORS.problem(YearOutsidePlan("outside")).errors == [
        {"field": "year", "message": "outside"}
    ]
    with pytest.raises(KeyError):
        ERRORS.problem(KeyError("not ours"))


def _year_schema(service: ServiceUnderTest, path: str) -> dict[str, Any]:
    operation = service.app.openapi()["paths"][path]["get"]
    schema: dict[str, Any] = next(
        p["schema"] for p in operation["parameters"] if p["name"] == "year"
    )
    return schema


async def test_the_document_bounds_year_by_the_years_of_the_deployments_plan(
    reporting: ServiceUnderTest, other_plan: ServiceUnderTest
) -> None:
    plan = bundled_documents().plan
    first, last = plan.period
    for path in ("/reporting/v1/indicators", "/reporting/v1/output"):
        schema = _year_schema(reporting, path)
        assert (schema["minimum"], schema["maximum"]) == (plan.base_year, last)
    schema = _year_schema(reporting, "/reporting/v1/annual-report/{year}")
    assert (schema["minimum"], schema["maximum"]) == (first, last)
    await send(reporting, plan_published())
    viewer = reporting.auth("viewer")
    for year, status in ((plan.base_year, 200), (last, 200), (last + 1, 422)):
        r = await reporting.client.get(
            "/reporting/v1/indicators", params={"year": year}, headers=viewer
        )
        assert r.status_code == status, (year, r.text)
    # a plan that is not bundled: only the plan in force says which years it has
    schema = _year_schema(other_plan, "/reporting/v1/indicators")
    assert (schema["minimum"], schema["maximum"]) == (YEAR_MIN, YEAR_MAX)
