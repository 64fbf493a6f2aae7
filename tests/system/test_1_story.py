"""The main story through the distributed topology: plan published → zones → application with
checks → forwarded → the province platform calls back → licence issued → monitoring's replica
(on both instances) → a mine reports → findings."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from .conftest import System
from .flows import (
    PLAN,
    Site,
    api_key,
    create_block,
    eventually,
    forward,
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
    assert view["verdict"] == "eligible", view["checks"]
    rules = {c["rule_id"]: c["outcome"] for c in view["checks"]}
    assert rules["ecological_red_line"] == "pass"
    assert rules["one_holder_per_mining_block"] == "pass"

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

        await eventually(replicated, 60, f"the replica on monitoring-{index + 1}")

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
