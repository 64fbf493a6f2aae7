"""A mine's output reaches licensing's output control (开采总量调控, 第四章第二节) across the
processes: the mine reports its annual output to monitoring with its key; licensing keeps it
from monitoring's events, and the next application's output_control check shows the
figure, its year and the reports counted. A correction moves the figure by what it changes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from lode_common.testing import eventually

from .conftest import System
from .flows import Site, api_key, create_block, licensed_site, report

pytestmark = [pytest.mark.system, pytest.mark.timeout(240)]
IRON = "iron_concentrate_output"


async def iron_control(
    http: httpx.AsyncClient, system: System, site: Site
) -> tuple[dict[str, Any], str]:
    """The iron concentrate control of a new application at ``site`` and its message."""
    answer = await http.post(
        f"{system.url('licensing')}/licensing/v1/applications",
        json=site.application(),
        headers=system.topology.auth("licensing_officer"),
    )
    assert answer.status_code == 201, answer.text
    (check,) = [c for c in answer.json()["checks"] if c["rule_id"] == "output_control"]
    (control,) = [c for c in check["details"]["controls"] if c["indicator_id"] == IRON]
    return control, check["message"]


def amount(control: dict[str, Any]) -> Decimal:
    return Decimal(str(control["current"]))


async def test_reported_output_changes_the_next_applications_output_control(
    system: System, http: httpx.AsyncClient
) -> None:
    year = datetime.now(UTC).year
    site, licence_no = await licensed_site(http, system, since="2021-01-01")
    applicant = Site()  # where the next applications are checked
    await create_block(http, system, applicant)
    key = await api_key(http, system, site.credit_code)
    body = report(licence_no, year, "annual")
    concentrate = Decimal(str(body["products"][0]["output_10kt"]))  # 铁精粉 at 65%: counts
    answer = await http.post(
        f"{system.url('monitoring')}/monitoring/v1/reports",
        json=body,
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": f"{licence_no}-output"},
    )
    assert answer.status_code == 201, answer.text
    report_id = answer.json()["id"]

    seen: dict[str, Any] = {}

    async def counted() -> None:
        control, message = await iron_control(http, system, applicant)
        seen.update(control, message=message)
        assert control["current_year"] == year, control
        assert amount(control) >= concentrate, control

    await eventually(
        counted, timeout_s=60, interval_s=1, what=f"licensing to count {licence_no}'s {year}"
    )
    first = amount(seen)
    reports = seen["current_reports"]
    assert f"{year}年 已报 {seen['current']} 万吨" in seen["message"], seen["message"]
    assert "调控目标约 200 万吨/年（第四章第二节）" in seen["message"]
    assert reports >= 1

    # the mine corrects its concentrate: the figure of the year moves by the difference
    fixed = await http.put(
        f"{system.url('monitoring', 1)}/monitoring/v1/reports/{report_id}",
        json={
            "products": [{"name": "铁精粉", "grade_pct": 65.0, "output_10kt": 5.0}],
            "reason": "铁精粉产量录入错误更正",
        },
        headers={"Authorization": f"Bearer {key}"},
    )
    assert fixed.status_code == 200, fixed.text
    expected = first - concentrate + Decimal(5)

    async def corrected() -> None:
        control, message = await iron_control(http, system, applicant)
        seen.update(control, message=message)
        assert (control["current_year"], amount(control)) == (year, expected), control

    await eventually(corrected, timeout_s=60, interval_s=1, what="the correction to count")
    assert seen["current_reports"] == reports  # the same report, its newer version
    assert f"{year}年 已报 {seen['current']} 万吨" in seen["message"]
