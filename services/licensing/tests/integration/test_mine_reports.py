"""The mines' reports reach licensing from monitoring's events: the output reports make the
current output of a controlled total (开采总量调控) the next application is checked against;
the reserves reports (储量年报) give the service years of a change that states no reserves.
A correction replaces its report; an older version delivered late changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from lode_common.events.catalog import (
    OutputCorrected,
    OutputReported,
    Product,
    ReservesCorrected,
    ReservesReported,
)
from lode_common.events.registry import EventPayload
from lode_common.messaging.transport import Message
from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest
from lode_licensing.adapters.tables import OutputReportReplica, ReservesReportReplica
from lode_licensing.domain.current_output import InForce
from lode_licensing.handlers import mine_reports

from .builders import block, checks, issue, mining, submit
from .conftest import System

pytestmark = pytest.mark.timeout(120)
TOPIC = "lode.monitoring"
NUMBER = "C1308812026017120000051"


async def publish(lic: ServiceUnderTest, subject: str, payload: EventPayload) -> None:
    await lic.transport.publish([Message(TOPIC, subject, payload.envelope(subject).to_json())])


def iron_report(
    report_id: str, licence_no: str, concentrate: str, *, year: int = 2025, **fields: Any
) -> dict[str, Any]:
    return {
        "report_id": report_id,
        "version": 1,
        "licence_no": licence_no,
        "year": year,
        "period": "annual",
        "ore_mined_10kt": Decimal(30),
        "products": [
            Product(name="铁精粉", grade_pct=Decimal(65), output_10kt=Decimal(concentrate))
        ],
        "mineral": "铁矿",
        **fields,
    }


async def replicated(lic: ServiceUnderTest, table: Any, count: int, **where: Any) -> None:
    async def arrived() -> None:
        async with lic.runtime.sessions() as session:
            query = select(func.count()).select_from(table)
            for name, value in where.items():
                query = query.where(getattr(table, name) == value)
            assert (await session.execute(query)).scalar_one() == count

    await eventually(arrived, what=f"{count} rows of {table.__tablename__} {where}")


async def output_control(lic: ServiceUnderTest, **changes: Any) -> dict[str, Any]:
    r = await submit(lic, mining(**changes))
    assert r.status_code == 201, r.text
    check: dict[str, Any] = checks(r.json())["output_control"]
    return check


async def test_reported_output_changes_the_next_applications_output_control(
    system_both: System,
) -> None:
    lic = system_both.licensing
    await block(system_both.zoning)
    before = await output_control(lic)
    assert before["outcome"] == "warn"
    assert "当前年产量未知" in before["message"]

    await publish(lic, "C-A", OutputReported(**iron_report("rep-a", "C-A", "120")))
    await publish(lic, "C-B", OutputReported(**iron_report("rep-b", "C-B", "60.5")))
    await publish(lic, "C-C", OutputReported(**iron_report("rep-c", "C-C", "99", year=2024)))
    await replicated(lic, OutputReportReplica, 3)

    after = await output_control(lic)
    (control,) = after["details"]["controls"]
    assert (control["current"], control["current_year"], control["current_reports"]) == (
        180.5,
        2025,
        2,
    )
    assert "2025年 已报 180.5 万吨（2 家矿山年报） + 本矿 2.5 = 183" in after["message"]
    assert after["outcome"] == "pass"

    # a correction raises mine B's figure above the target; a stale version 1 arriving
    # after it (another event, as a redrive would bring) changes nothing
    corrected = iron_report("rep-b", "C-B", "78", version=2)
    await publish(lic, "C-B", OutputCorrected(**corrected, reason="更正"))
    await replicated(lic, OutputReportReplica, 1, report_id="rep-b", version=2)
    await publish(lic, "C-B", OutputReported(**iron_report("rep-b", "C-B", "1")))
    await publish(lic, "C-D", OutputReported(**iron_report("rep-d", "C-D", "0")))
    await replicated(lic, OutputReportReplica, 4)

    exceeded = await output_control(lic)
    (control,) = exceeded["details"]["controls"]
    assert control["current"] == 198
    assert control["current_reports"] == 3
    assert exceeded["outcome"] == "warn"
    assert (
        "超过调控目标（2025年 已报 198 万吨（3 家矿山年报） + 本矿 2.5 = 200.5"
        in (exceeded["message"])
    )


def reserves(version: int, year: int, closing: str, report_id: str = "rsv-1") -> dict[str, Any]:
    return {
        "report_id": report_id,
        "version": version,
        "licence_no": NUMBER,
        "year": year,
        "mineral": "铁矿",
        "opening_10kt": Decimal(closing) + 30,
        "extracted_10kt": Decimal(28),
        "lost_10kt": Decimal(2),
        "new_proven_10kt": Decimal(0),
        "recalculated_10kt": Decimal(0),
        "closing_10kt": Decimal(closing),
    }


async def test_a_licences_own_reports_count_and_its_reserves_filing_is_used(
    system_both: System,
) -> None:
    lic = system_both.licensing
    await block(system_both.zoning)
    await issue(lic, NUMBER)
    # a report without its mineral counts as its licence's mineral (铁矿)
    await publish(lic, NUMBER, OutputReported(**iron_report("own", NUMBER, "12", mineral=None)))
    await publish(lic, NUMBER, ReservesReported(**reserves(1, 2024, "700", "rsv-2024")))
    await publish(lic, NUMBER, ReservesReported(**reserves(1, 2025, "300")))
    await publish(lic, NUMBER, ReservesCorrected(**reserves(2, 2025, "450"), reason="重算"))
    await publish(lic, NUMBER, ReservesReported(**reserves(1, 2025, "1")))  # stale
    await replicated(lic, OutputReportReplica, 1)
    await replicated(lic, ReservesReportReplica, 1, report_id="rsv-1", version=2)

    change = mining(
        kind="change",
        licence_no=NUMBER,
        changes=["capacity"],
        capacity={"value": 24, "unit": "万吨/年"},
        reserves_10kt=None,
        area=None,
    )
    r = await submit(lic, change)
    assert r.status_code == 201, r.text
    found = checks(r.json())
    years = found["scale_matches_reserves"]
    assert "据 2025 年储量年报（报告 rsv-1，第 2 版）保有资源量 450 万吨" in years["message"]
    assert years["details"]["reserves_10kt"] == 450
    control = found["output_control"]
    (item,) = control["details"]["controls"]
    # 12 → 24 万吨/年: half of the planned 2.5 万吨 of concentrate is new
    assert (item["current"], item["current_year"], item["addition"]) == (12, 2025, 1.25)
    assert control["outcome"] == "pass"


async def test_the_licences_that_owe_a_years_report_are_those_in_force_in_it(
    system_both: System,
) -> None:
    """What makes a year complete: the mining licences in force during it, by mineral (a
    licence valid 2021-01-01 to 2031-01-01 owes the reports of 2021 to 2031)."""
    lic = system_both.licensing
    await block(system_both.zoning)
    await issue(lic, NUMBER)
    async with lic.runtime.sessions() as session:
        owed = await mine_reports.licences_in_force(session, [2020, 2024, 2031, 2032, 2024])
    assert owed == [InForce(2024, "铁矿", 1), InForce(2031, "铁矿", 1)]
