"""The main story through the distributed topology: plan published → zones → application with
checks → forwarded → the province platform calls back → licence issued → monitoring's replica
(on both instances) → a mine reports → findings → reporting's indicators, sources, compliance
and the annual report.

The platform issues a licence valid from today, which is past the plan period (2021–2025)
once the calendar has left 2025, and reporting evaluates only the plan's years. So the story's
last step follows a mine licensed within the period (the officer enters the upstream decision,
valid from 2021) through its 2025 annual report to the figures of 2025."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from lode_common.testing import eventually

from .conftest import System
from .flows import (
    PLAN,
    Site,
    api_key,
    confirm_agreement,
    create_block,
    forward,
    licensed_site,
    mine_replica,
    report,
    submit,
    wait_status,
)

pytestmark = [pytest.mark.system, pytest.mark.timeout(240)]


async def test_plan_to_findings_across_the_processes(
    system: System, http: httpx.AsyncClient
) -> None:
    topology = system.topology
    # the plan, published by zoning at its first start, is in force
    plans = await http.get(
        f"{system.url('zoning')}/zoning/v1/plans", headers=topology.auth("planner")
    )
    assert plans.status_code == 200, plans.text
    assert PLAN in plans.text

    site = Site()
    zone_id = await create_block(http, system, site)
    zone = await http.get(
        f"{system.url('zoning')}/zoning/v1/zones/{zone_id}", headers=topology.auth("planner")
    )
    assert zone.json()["properties"]["code"] == site.code

    view = await submit(http, system, site)
    assert view["status"] == "checked", view
    rules = {c["rule_id"]: c["outcome"] for c in view["checks"]}
    assert rules["ecological_red_line"] == "pass"
    assert rules["one_holder_per_mining_block"] == "pass"
    # no grant and no exploration licence named: the officer confirms the 协议出让 basis
    await confirm_agreement(http, system, view)

    forwarded = await forward(http, system, view["id"])
    assert forwarded["status"] in ("forwarded", "approved")
    done = await wait_status(http, system, view["id"], "approved")
    licence_no = done["decision"]["licence_no"]
    assert licence_no.startswith("C130881")

    licence = await http.get(
        f"{system.url('licensing')}/licensing/v1/licences/{licence_no}",
        headers=topology.auth("licensing_officer"),
    )
    assert licence.status_code == 200, licence.text
    assert licence.json()["status"] == "active"
    assert licence.json()["holder"]["credit_code"] == site.credit_code

    # both monitoring instances read one database: each shows the replica
    for index in (0, 1):

        async def replicated(index: int = index) -> bool:
            return await mine_replica(http, system, licence_no, index) is not None

        await eventually(replicated, timeout_s=60, what=f"the replica on monitoring-{index + 1}")

    key = await api_key(http, system, site.credit_code)
    year = datetime.now(UTC).year
    answer = await http.post(
        f"{system.url('monitoring', 1)}/monitoring/v1/reports",
        json=report(licence_no, year, "Q4", recovery=72.0),
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": f"{licence_no}-{year}-Q4"},
    )
    assert answer.status_code == 201, answer.text
    findings = answer.json()["findings"]
    assert any("three_rates_below_standard" in str(f) for f in findings), findings

    listed = await http.get(
        f"{system.url('monitoring', 0)}/monitoring/v1/findings",
        params={"licence_no": licence_no},
        headers=topology.auth("inspector"),
    )
    assert listed.status_code == 200, listed.text
    assert "three_rates_below_standard" in listed.text


PLAN_YEAR = 2025  # the plan's last year: its figures are final once the annual reports are in


async def reporting(http: httpx.AsyncClient, system: System, path: str, **query: str) -> Any:
    answer = await http.get(
        f"{system.url('reporting')}/reporting/v1/{path}",
        params=query,
        headers=system.topology.auth("viewer"),
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_a_mines_annual_report_reaches_the_indicators_and_the_annual_report(
    system: System, http: httpx.AsyncClient
) -> None:
    topology = system.topology
    site, licence_no = await licensed_site(http, system, since="2021-01-01")
    key = await api_key(http, system, site.credit_code)
    body = report(licence_no, PLAN_YEAR, "annual", recovery=72.0)
    concentrate = Decimal(str(body["products"][0]["output_10kt"]))
    answer = await http.post(
        f"{system.url('monitoring', 0)}/monitoring/v1/reports",
        json=body,
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": f"{licence_no}-annual"},
    )
    assert answer.status_code == 201, answer.text
    report_id = answer.json()["id"]
    listed = await http.get(
        f"{system.url('monitoring', 1)}/monitoring/v1/findings",
        params={"licence_no": licence_no, "year": str(PLAN_YEAR)},
        headers=topology.auth("inspector"),
    )
    assert listed.status_code == 200, listed.text
    (finding,) = listed.json()["items"]
    assert finding["code"] == "three_rates_below_standard", finding

    # reporting has the report and the finding once their events are journaled
    iron: dict[str, Any] = {}
    rates: dict[str, Any] = {}

    async def reflected() -> bool:
        iron.update(
            await reporting(
                http, system, "indicators/iron_concentrate_output/sources", year=str(PLAN_YEAR)
            )
        )
        rates.update(
            await reporting(
                http, system, "indicators/three_rates_compliance/sources", year=str(PLAN_YEAR)
            )
        )
        notes = [i["note"] for i in iron["items"] if i["licence_no"] == licence_no]
        finding_seen = [
            i
            for i in rates["items"]
            if i["licence_no"] == licence_no and i["note"] == "open finding"
        ]
        return any(report_id in n for n in notes) and bool(finding_seen)

    await eventually(
        reflected, timeout_s=60, what=f"reporting's figures of {PLAN_YEAR} to include {licence_no}"
    )

    # iron concentrate: the report's 铁精粉 (65% ≥ 62%) is the mine's contribution, named by
    # the report's output.reported event; the figure is the sum of its sources
    (source,) = [i for i in iron["items"] if i["licence_no"] == licence_no]
    assert source["type"] == "lode.monitoring.output.reported.v1", source
    assert f"({report_id}, annual)" in source["note"], source
    assert Decimal(str(source["contribution"])) == concentrate
    contributed = sum((Decimal(str(i["contribution"])) for i in iron["items"]), Decimal(0))
    assert Decimal(str(iron["actual"])) == contributed

    # three-rate compliance: the mine reports its rates and counts 0 (the open finding)
    def share(item: dict[str, Any]) -> Decimal | None:
        value = item["contribution"]
        return None if value is None else Decimal(str(value))

    mine_rows = [i for i in rates["items"] if i["licence_no"] == licence_no]
    assert sorted((i["type"], share(i)) for i in mine_rows) == [
        ("lode.monitoring.finding.opened.v1", None),
        ("lode.monitoring.output.reported.v1", Decimal(0)),
    ], mine_rows
    counted = [share(i) for i in rates["items"] if share(i) is not None]
    expected = (Decimal(100) * sum(counted, Decimal(0)) / len(counted)).quantize(Decimal("0.01"))
    assert Decimal(str(rates["actual"])) == expected

    # the indicator list gives the same figures as their sources
    indicators = await reporting(http, system, "indicators", year=str(PLAN_YEAR))
    by_id = {i["id"]: i for i in indicators["items"]}
    assert by_id["iron_concentrate_output"]["actual"] == iron["actual"]
    assert by_id["three_rates_compliance"]["actual"] == rates["actual"]
    assert by_id["three_rates_compliance"]["status"] == "not_met"

    # compliance lists the mine with its open finding
    compliance = await reporting(http, system, "compliance", year=str(PLAN_YEAR))
    (mine,) = [m for m in compliance["mines"] if m["licence_no"] == licence_no]
    assert mine["holder_name"] == site.holder
    assert [f["finding_id"] for f in mine["open_findings"]] == [finding["id"]]
    assert any(
        k["code"] == "three_rates_below_standard" and licence_no in k["licence_nos"]
        for k in compliance["kinds"]
    )

    # the annual report names the licence, as a page and as a PDF
    html = await http.get(
        f"{system.url('reporting')}/reporting/v1/annual-report/{PLAN_YEAR}",
        params={"format": "html"},
        headers=topology.auth("viewer"),
    )
    assert html.status_code == 200, html.text
    assert html.headers["content-type"].startswith("text/html")
    assert licence_no in html.text
    pdf = await http.get(
        f"{system.url('reporting')}/reporting/v1/annual-report/{PLAN_YEAR}",
        params={"format": "pdf"},
        headers=topology.auth("viewer"),
    )
    assert pdf.status_code == 200, pdf.text[:300]
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
