"""Issue 15 in reporting: the plan history and proposals, conflicts counted by year, the
annual report's notes on adjustments in three formats, a successor plan's baselines from its
predecessor's final actuals, the standing after the period, and the final evaluation."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import func, select

from lode_common.events import catalog
from lode_common.events.envelope import Envelope
from lode_common.plan.data import bundled_documents
from lode_common.plan.document import PlanDocument
from lode_common.plan.successor import successor_draft
from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest
from lode_reporting.adapters.tables import (
    ReportingConflict,
    ReportingPlanVersion,
    ReportingProposal,
)
from lode_reporting.api.final_models import FinalEvaluationOut
from lode_reporting.container import Reporting
from services.reporting.tests.integration.events import (
    HOLDER,
    licence,
    output,
    send,
)
from services.reporting.tests.unit.report.pdf_tools import needs_pdf_tools, pdftotext

OLD = "pingquan-2021-2025"
NEW = "pingquan-2026-2030"
C1 = "C1308812018019900000001"
C2 = "C1308812018019900000002"


def _document(**indicator_targets: int) -> dict[str, Any]:
    document = bundled_documents().as_published()
    for item in document["indicators"]["items"]:
        if item["id"] in indicator_targets:
            item["target"] = indicator_targets[item["id"]]
    return document


def published(
    version: int,
    document: dict[str, Any] | None = None,
    *,
    plan_id: str = OLD,
    time: datetime | None = None,
    **fields: Any,
) -> Envelope:
    envelope = catalog.PlanPublished(
        plan_id=plan_id,
        version=version,
        region_adcode="130881",
        document=PlanDocument.model_validate(document or _document()),
        **fields,
    ).envelope(plan_id)
    return envelope.model_copy(update={"time": time or envelope.time})


def proposal(
    kind: type[catalog.EventPayload],
    proposal_id: str,
    time: datetime | None = None,
    **fields: Any,
) -> Envelope:
    common = {
        "proposal_id": proposal_id,
        "plan_id": OLD,
        "proposed_plan_id": OLD,
        "base_version": 1,
        "grounds": "major_discovery",
        "reason": "新发现大型钼矿",
        "proposed_by": "planner-1",
    }
    envelope = kind(**{**common, **fields}).envelope(proposal_id)
    return envelope.model_copy(update={"time": time or envelope.time})


def conflict(
    kind: type[catalog.EventPayload],
    conflict_id: str,
    rule: str,
    plan_id: str = OLD,
    **fields: Any,
) -> Envelope:
    """A conflict event of licence C1 with the plan's clause 第四章第二节 under ``rule``."""
    common = {
        "conflict_id": conflict_id,
        "licence_no": C1,
        "plan_id": plan_id,
        "rule_id": rule,
        "clause": "第四章第二节",
    }
    return kind(**{**common, **fields}).envelope(C1)


def conflict_detected(
    conflict_id: str, on: date, rule: str = "no_mining_zone", plan_id: str = OLD
) -> Envelope:
    found = {"holder": HOLDER, "mineral": "铁矿", "outcome": "fail", "message": "禁采区覆盖"}
    return conflict(
        catalog.LicenceConflictDetected,
        conflict_id,
        rule,
        plan_id,
        plan_version=2,
        detected_on=on,
        **found,
    )


def conflict_resolved(
    conflict_id: str, on: date, rule: str = "no_mining_zone", plan_id: str = OLD
) -> Envelope:
    return conflict(
        catalog.LicenceConflictResolved,
        conflict_id,
        rule,
        plan_id,
        plan_version=3,
        reason="分区调整后解除",
        resolved_on=on,
    )


def the_year_2024(plan_id: str = OLD, tag: str = "") -> list[Envelope]:
    """Version 2 (approved 2024 from a proposal), a rejected proposal, three conflicts; of
    ``plan_id``, the proposals' and conflicts' ids ending in ``tag``."""
    of_plan = {"plan_id": plan_id, "proposed_plan_id": plan_id}
    return [
        published(1, plan_id=plan_id, time=datetime(2021, 3, 1, tzinfo=UTC)),
        proposal(catalog.ProposalSubmitted, f"prop-1{tag}", **of_plan),
        proposal(
            catalog.ProposalApproved,
            f"prop-1{tag}",
            **of_plan,
            approved_by="approver-1",
            approval_ref="冀自然资规〔2024〕7号",
            approved_on=date(2024, 5, 20),
            published_version=2,
        ),
        published(
            2,
            _document(geochem_survey_sheets=9),
            plan_id=plan_id,
            approval_ref="冀自然资规〔2024〕7号",
            approved_on=date(2024, 5, 20),
            proposal_id=f"prop-1{tag}",
        ),
        proposal(
            catalog.ProposalRejected,
            f"prop-2{tag}",
            datetime(2024, 8, 1, 4, tzinfo=UTC),
            **of_plan,
            grounds="major_project",
            reason="重点项目选址",
            rejected_by="approver-1",
            rejection_reason="依据不足",
        ),
        conflict_detected(f"k1{tag}", date(2024, 6, 1), plan_id=plan_id),
        conflict_detected(f"k2{tag}", date(2024, 7, 1), plan_id=plan_id),
        conflict_resolved(f"k2{tag}", date(2024, 9, 1), plan_id=plan_id),
        conflict_detected(f"k3{tag}", date(2023, 7, 1), rule="red_line", plan_id=plan_id),
    ]


async def _count(service: ServiceUnderTest, table: Any, plan_id: str) -> int:
    async with service.runtime.sessions() as session:
        query = select(func.count()).select_from(table).where(table.plan_id == plan_id)
        return int((await session.execute(query)).scalar_one())


async def test_history_proposals_and_conflicts_are_kept_once_however_often_replayed(
    reporting_both: ServiceUnderTest,
) -> None:
    """On PostgreSQL the broker is the session's, shared with every other test: the events
    here are of a plan of this test's own (other tests publish versions of Pingquan's)."""
    reporting = reporting_both
    tag = uuid.uuid4().hex[:8]
    plan = f"pingquan-history-{tag}"
    events = the_year_2024(plan, f"-{tag}")
    await send(reporting, *events)
    await send(reporting, *events, expect_new=0)  # replayed: nothing new
    # a proposal's submission arriving after its decision does not undo it
    late = proposal(
        catalog.ProposalSubmitted,
        f"prop-2-{tag}",
        grounds="major_project",
        plan_id=plan,
        proposed_plan_id=plan,
    )
    await send(reporting, late)
    assert await _count(reporting, ReportingPlanVersion, plan) == 2
    assert await _count(reporting, ReportingProposal, plan) == 2
    assert await _count(reporting, ReportingConflict, plan) == 3
    async with reporting.runtime.sessions() as session:
        rejected = await session.get(ReportingProposal, f"prop-2-{tag}")
        approved = await session.get(ReportingProposal, f"prop-1-{tag}")
        v2 = await session.get(ReportingPlanVersion, (plan, 2))
    assert rejected is not None
    assert rejected.status == "rejected"
    assert rejected.rejection_reason == "依据不足"
    assert approved is not None
    assert approved.status == "approved"
    assert approved.approval_ref == "冀自然资规〔2024〕7号"
    assert v2 is not None
    assert v2.proposal_id == f"prop-1-{tag}"


async def test_conflicts_per_year_by_rule_for_staff_only(
    reporting: ServiceUnderTest,
) -> None:
    await send(reporting, *the_year_2024())
    path = "/reporting/v1/conflicts"
    body = (
        await reporting.client.get(path, params={"year": 2024}, headers=reporting.auth("viewer"))
    ).json()
    assert (body["detected"], body["resolved"], body["open_at_year_end"]) == (2, 1, 2)
    assert {r["rule_id"]: r["open_at_year_end"] for r in body["by_rule"]} == {
        "no_mining_zone": 1,
        "red_line": 1,
    }
    the_year_before = (
        await reporting.client.get(path, params={"year": 2023}, headers=reporting.auth("viewer"))
    ).json()
    assert (the_year_before["detected"], the_year_before["open_at_year_end"]) == (1, 1)

    mine = await reporting.client.get(
        path, params={"year": 2024}, headers=reporting.auth("mine", enterprise="91130881X")
    )
    assert mine.status_code == 403
    assert (await reporting.client.get(path, params={"year": 2024})).status_code == 401
    for hostile in ({"year": "1e9"}, {"year": "2024; drop"}, {"year": 99999}):
        answer = await reporting.client.get(path, params=hostile, headers=reporting.auth("viewer"))
        assert answer.status_code == 422
        assert "year" in answer.text
    bad_plan = await reporting.client.get(
        path, params={"year": 2024, "plan_id": "<x>"}, headers=reporting.auth("viewer")
    )
    assert bad_plan.status_code == 422
    assert "plan_id" in bad_plan.text


async def test_the_annual_report_notes_the_years_adjustments_in_three_formats(
    reporting: ServiceUnderTest, tmp_path: Path
) -> None:
    await send(reporting, *the_year_2024())
    viewer = reporting.auth("viewer")
    path = "/reporting/v1/annual-report/2024"
    html = (await reporting.client.get(path, headers=viewer)).text
    assert "七、规划调整情况" in html
    assert "冀自然资规〔2024〕7号" in html
    assert "重大发现" in html
    assert "新发现大型钼矿" in html
    assert "指标 geochem_survey_sheets 目标值 7 → 9" in html
    assert "依据不足" in html  # the rejected proposal
    assert "发现与规划冲突的矿业权 2 起，已消除 1 起，期末尚存 2 起。" in html

    quiet = (await reporting.client.get("/reporting/v1/annual-report/2022", headers=viewer)).text
    assert "本年度无规划调整" in quiet

    xlsx = await reporting.client.get(path, params={"format": "xlsx"}, headers=viewer)
    book = load_workbook(BytesIO(xlsx.content))
    rows = list(book["规划调整"].iter_rows(values_only=True))
    assert rows[0][:2] == ("状态", "版本/方案")
    assert ("批准", 2, "冀自然资规〔2024〕7号") in {r[:3] for r in rows}
    assert any(r[-1] == "指标 geochem_survey_sheets 目标值 7 → 9" for r in rows)
    assert any(r[0] == "不予批准" and r[-1] == "依据不足" for r in rows)
    conflicts = list(book["规划冲突"].iter_rows(values_only=True))
    assert ("合计", 2, 1, 2) in conflicts


@needs_pdf_tools
async def test_the_annual_reports_adjustments_as_pdf(
    reporting: ServiceUnderTest, tmp_path: Path
) -> None:
    await send(reporting, *the_year_2024())
    pdf = await reporting.client.get(
        "/reporting/v1/annual-report/2024",
        params={"format": "pdf"},
        headers=reporting.auth("viewer"),
    )
    text = re.sub(r"\s+", "", pdftotext(pdf.content, tmp_path))
    assert "七、规划调整情况" in text
    assert "冀自然资规〔2024〕7号" in text
    assert "geochem_survey_sheets目标值7→9" in text


async def test_a_successor_starts_from_its_predecessors_final_actuals_and_takes_over(
    reporting_both: ServiceUnderTest,
) -> None:
    reporting = reporting_both
    service = Reporting.of(reporting.runtime)
    service.today = lambda: date(2026, 3, 1)
    viewer = reporting.auth("viewer")
    await send(
        reporting,
        published(1),
        licence(C1, valid_to=date(2035, 1, 1)),
        output("r2025", C1, year=2025, concentrate="180"),
    )
    ended = (
        await reporting.client.get(
            "/reporting/v1/indicators", params={"year": 2025}, headers=viewer
        )
    ).json()
    assert ended["plan_id"] == OLD
    assert ended["standing"]["standing"] == "ended_in_force"
    assert "在被新规划替代前继续执行" in ended["standing"]["message_zh"]
    assert "stays in force until it is replaced" in ended["standing"]["message_en"]

    successor = successor_draft(
        bundled_documents().as_published(), plan_id=NEW, period=(2026, 2030)
    )
    await send(
        reporting,
        published(
            1, successor, plan_id=NEW, approval_ref="冀政函〔2026〕1号", predecessor_plan_id=OLD
        ),
    )
    answers: list[dict[str, Any]] = []

    async def successor_in_force() -> None:
        answer = await reporting.client.get(
            "/reporting/v1/indicators", params={"year": 2026}, headers=viewer
        )
        # the plan in force follows the approved successor (within the replica's 2 s)
        assert answer.status_code == 200, answer.text
        answers.append(answer.json())

    await eventually(successor_in_force, interval_s=0.2, what="the successor to be in force")
    body = answers[-1]
    assert body["plan_id"] == NEW
    assert body["standing"]["standing"] == "in_force"
    assert body["standing"]["predecessor_plan_id"] == OLD
    items = {i["id"]: i for i in body["items"]}
    iron = items["iron_concentrate_output"]
    assert float(iron["baseline_2020"]) == 180
    assert iron["baseline_source"] == "predecessor"
    assert iron["baseline_plan_id"] == OLD
    assert iron["baseline_year"] == 2025
    sheets = items["geochem_survey_sheets"]  # counted over the period: from zero again
    assert float(sheets["baseline_2020"]) == 0
    assert sheets["baseline_source"] == "plan"

    old = (
        await reporting.client.get(
            "/reporting/v1/indicators", params={"year": 2025, "plan_id": OLD}, headers=viewer
        )
    ).json()
    assert old["standing"]["standing"] == "superseded"
    assert NEW in old["standing"]["message_zh"]


async def test_the_final_evaluation_in_four_formats_for_staff_only(
    reporting_both: ServiceUnderTest, tmp_path: Path
) -> None:
    reporting = reporting_both
    Reporting.of(reporting.runtime).today = lambda: date(2026, 3, 1)
    viewer = reporting.auth("viewer")
    path = f"/reporting/v1/final-evaluation/{OLD}"
    unknown = await reporting.client.get(path, headers=viewer)
    assert unknown.status_code == 404
    assert unknown.json()["detail"].startswith("plan_id:")
    await send(
        reporting,
        *the_year_2024(),
        licence(C1, valid_to=date(2035, 1, 1)),
        licence(C2, valid_to=date(2035, 1, 1)),
        output("r2024", C1, year=2024, concentrate="150"),
        output("r2025", C1, year=2025, concentrate="190"),
    )
    body = (await reporting.client.get(path, params={"format": "json"}, headers=viewer)).json()
    # the answer is exactly the published model: nothing missing, nothing undeclared
    assert FinalEvaluationOut.model_validate(body).model_dump(mode="json") == body
    assert body["standing"] == "ended_in_force"
    assert body["title_zh"] == "平泉市矿产资源总体规划（2021—2025年）终期评估报告"
    rows = {r["id"]: r for r in body["indicators"]}
    iron = rows["iron_concentrate_output"]
    assert iron["outcome"] == "achieved"  # 190 within 10 % of 200±
    assert [float(y["actual"]) if y["actual"] is not None else None for y in iron["trend"]] == [
        None,
        None,
        None,
        150,
        190,
    ]
    sheets = rows["geochem_survey_sheets"]
    assert sheets["outcome"] == "no_data"
    assert "无数据" in sheets["why_zh"]
    assert "预期性" in sheets["why_zh"]
    coverage = next(c for c in body["coverage"] if c["year"] == 2025)
    assert (coverage["reporting"], coverage["mines"]) == (1, 2)
    assert [v["version"] for v in body["adjustments"]["versions"]] == [2]

    html = (await reporting.client.get(path, headers=viewer)).text
    assert "终期评估报告" in html
    assert "2025年报覆盖1/2家矿山" in html
    assert "在被新规划替代前继续执行" in html
    assert "冀自然资规〔2024〕7号" in html
    assert "<svg" in html

    xlsx = await reporting.client.get(path, params={"format": "xlsx"}, headers=viewer)
    book = load_workbook(BytesIO(xlsx.content))
    assert book.sheetnames == ["说明", "指标评估", "规划调整", "规划冲突", "监管发现"]
    header, *table = list(book["指标评估"].iter_rows(values_only=True))
    assert "2025年" in header
    assert "评估结论" in header
    by_id = {row[1]: dict(zip(header, row, strict=True)) for row in table}
    assert by_id["iron_concentrate_output"]["评估结论"] == "已实现"
    assert by_id["iron_concentrate_output"]["2021年"] is None  # a year without data stays empty

    mine = await reporting.client.get(
        path, headers=reporting.auth("mine", enterprise="91130881MA0A000007")
    )
    assert mine.status_code == 403
    assert (await reporting.client.get(path)).status_code == 401
    for hostile in ("..%2F..", "A" * 300, "x;drop"):
        answer = await reporting.client.get(
            f"/reporting/v1/final-evaluation/{hostile}", headers=viewer
        )
        assert answer.status_code in (404, 422)
        if answer.status_code == 422:
            assert "plan_id" in answer.text
    bad_format = await reporting.client.get(path, params={"format": "doc"}, headers=viewer)
    assert bad_format.status_code == 422
    assert "format" in bad_format.text


@needs_pdf_tools
async def test_the_final_evaluation_as_pdf(reporting: ServiceUnderTest, tmp_path: Path) -> None:
    Reporting.of(reporting.runtime).today = lambda: date(2026, 3, 1)
    await send(
        reporting,
        *the_year_2024(),
        licence(C1, valid_to=date(2035, 1, 1)),
        output("r2025", C1, year=2025, concentrate="190"),
    )
    pdf = await reporting.client.get(
        f"/reporting/v1/final-evaluation/{OLD}",
        params={"format": "pdf"},
        headers=reporting.auth("viewer"),
    )
    assert pdf.headers["content-type"] == "application/pdf"
    text = re.sub(r"\s+", "", pdftotext(pdf.content, tmp_path))
    assert "终期评估报告" in text
    assert "2025年报覆盖1/2家矿山" not in text
    assert "2025年报覆盖1/1家矿山" in text
    assert "冀自然资规〔2024〕7号" in text
    assert "依惯例本规划在被新规划替代前继续执行" in text
