"""Issue 16 in reporting: licensing's grant events kept once per grant (``grant_record``),
never moved backwards by a late or replayed event; the year's grants for every staff role
(``GET /reporting/v1/grants``), refused to a mine and for a year outside the plan period; the
annual report's section (矿业权出让情况) and the dashboard's line. No answer holds a reserve
price (底价): no grant event carries one.

On PostgreSQL the broker is the session's, shared with other tests: the grants here have ids
and minerals of the test's own, and the figures asserted are theirs."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from lode_common.auth import STAFF_ROLES
from lode_common.cst import cst_today
from lode_common.events.envelope import Envelope
from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest
from lode_reporting.adapters.tables import GrantRecord
from services.reporting.tests.integration.events import (
    WINNER,
    api_key_issued,
    grant_announced,
    grant_concluded,
    grant_contracted,
    grant_failed,
    plan_published,
    send,
)
from services.reporting.tests.unit.report.pdf_tools import needs_pdf_tools, pdftotext

PATH = "/reporting/v1/grants"
SECRET = ("reserve_price", "底价")
"""What no answer may hold: the reserve price (its name; the word may appear only in a
failed trade's reason, 报价未达底价, which says it was not reached and not what it was)."""


def the_year(tag: str) -> tuple[list[Envelope], dict[str, str]]:
    """2024's grants of this test: g1 concluded and contracted; g2 failed (reserve not
    reached); g3 announced only; g4 failed, announced again, concluded and contracted; g5
    of 2023. Two minerals of the test's own."""
    iron, stone = f"铁矿-{tag}", f"建筑石料用灰岩-{tag}"
    ids = {n: f"g{n}-{tag}" for n in ("1", "2", "3", "4", "5")}
    events = [
        grant_announced(ids["1"], mineral=iron, on=date(2024, 3, 1)),
        grant_concluded(ids["1"], mineral=iron, on=date(2024, 4, 1), price="1500"),
        grant_contracted(ids["1"], mineral=iron, on=date(2024, 5, 1), price="1500"),
        grant_announced(ids["2"], mineral=iron, on=date(2024, 3, 5)),
        grant_failed(
            ids["2"], mineral=iron, on=date(2024, 4, 5), reason="reserve_not_reached", bidders=2
        ),
        grant_announced(ids["3"], mineral=stone, on=date(2024, 8, 1), starting="300"),
        grant_announced(ids["4"], mineral=stone, on=date(2024, 2, 1), starting="200"),
        grant_failed(ids["4"], mineral=stone, on=date(2024, 3, 1)),
        grant_announced(
            ids["4"], mineral=stone, on=date(2024, 3, 20), announcement=2, starting="180"
        ),
        grant_concluded(ids["4"], mineral=stone, on=date(2024, 5, 1), price="260.5"),
        grant_contracted(
            ids["4"],
            mineral=stone,
            on=date(2024, 6, 1),
            price="260.5",
            instalments=((date(2024, 6, 30), "260.5"),),
        ),
        grant_announced(ids["5"], year=2023, mineral=iron, on=date(2023, 5, 1)),
    ]
    return events, {"iron": iron, "stone": stone, **ids}


def _no_secret(text: str) -> None:
    for word in SECRET:
        assert word not in text.replace("报价未达底价", ""), word


async def test_the_years_grants_for_every_staff_role(reporting_both: ServiceUnderTest) -> None:
    reporting = reporting_both
    tag = uuid.uuid4().hex[:8]
    events, names = the_year(tag)
    await send(reporting, plan_published(), *events)

    for role in sorted(STAFF_ROLES):
        answer = await reporting.client.get(
            PATH, params={"year": 2024}, headers=reporting.auth(role)
        )
        assert answer.status_code == 200, (role, answer.text)
    answer = await reporting.client.get(
        PATH, params={"year": 2024}, headers=reporting.auth("viewer")
    )
    _no_secret(answer.text)
    body = answer.json()
    assert body["year"] == 2024
    mine = {i["grant_id"]: i for i in body["items"] if i["grant_id"].endswith(tag)}
    assert set(mine) == {names[n] for n in ("1", "2", "3", "4")}  # g5 is 2023's

    g1, g2, g3, g4 = (mine[names[n]] for n in ("1", "2", "3", "4"))
    assert (g1["status"], g1["price_cny_10k"], g1["winner"]) == (
        "contracted",
        1500,
        {"name": WINNER.name, "credit_code": WINNER.credit_code},
    )
    assert (g1["announced_on"], g1["concluded_on"], g1["signed_on"]) == (
        "2024-03-01",
        "2024-04-01",
        "2024-05-01",
    )
    assert g1["instalments"] == [
        {"due": "2024-06-30", "amount_cny_10k": 600},
        {"due": "2025-06-30", "amount_cny_10k": 900},
    ]
    assert g1["zones"][0]["code"] == "ZC01"
    assert (g2["status"], g2["failed_reason"], g2["bidders"], g2["winner"]) == (
        "failed",
        "reserve_not_reached",
        2,
        None,
    )
    # announced only: the announcement and nothing of a result
    assert (g3["status"], g3["starting_price_cny_10k"], g3["trade_from"]) == (
        "announced",
        300,
        "2024-08-21",
    )
    assert (g3["winner"], g3["price_cny_10k"], g3["bidders"], g3["concluded_on"]) == (
        None,
        None,
        None,
        None,
    )
    # announced again after 流拍, then concluded and contracted
    assert (g4["status"], g4["announcement"], g4["starting_price_cny_10k"]) == (
        "contracted",
        2,
        180,
    )
    assert (g4["failed_on"], g4["price_cny_10k"]) == ("2024-03-01", 260.5)

    by_mineral = {m["mineral"]: m for m in body["summary"]["by_mineral"]}
    assert by_mineral[names["iron"]] == {
        "mineral": names["iron"],
        "count": 2,
        "concluded": 1,
        "price_total_cny_10k": 1500,
    }
    assert by_mineral[names["stone"]] == {
        "mineral": names["stone"],
        "count": 2,
        "concluded": 1,
        "price_total_cny_10k": 260.5,
    }
    schedule = [f for f in body["fee_schedule"] if f["grant_id"].endswith(tag)]
    assert schedule == [
        {"grant_id": names["1"], "winner": WINNER.name, "due": "2024-06-30", "amount_cny_10k": 600},
        {
            "grant_id": names["4"],
            "winner": WINNER.name,
            "due": "2024-06-30",
            "amount_cny_10k": 260.5,
        },
        {"grant_id": names["1"], "winner": WINNER.name, "due": "2025-06-30", "amount_cny_10k": 900},
    ]
    assert [f["due"] for f in body["fee_schedule"]] == sorted(
        f["due"] for f in body["fee_schedule"]
    )

    before = (
        await reporting.client.get(PATH, params={"year": 2023}, headers=reporting.auth("viewer"))
    ).json()
    assert [i["status"] for i in before["items"] if i["grant_id"] == names["5"]] == ["announced"]


async def _row(service: ServiceUnderTest, grant_id: str) -> GrantRecord:
    async with service.runtime.sessions() as session:
        row = await session.get(GrantRecord, grant_id)
    assert row is not None, grant_id
    return row


async def test_a_replayed_or_late_event_never_moves_a_grant_back(
    reporting_both: ServiceUnderTest,
) -> None:
    reporting = reporting_both
    tag = uuid.uuid4().hex[:8]
    events, names = the_year(tag)
    await send(reporting, *events)
    await send(reporting, *events, expect_new=0)  # replayed: nothing new

    # g4's first announcement, published again late (a new event): the row keeps the second
    late_announcement = grant_announced(
        names["4"], mineral=names["stone"], on=date(2024, 2, 1), starting="200"
    )
    # a failed trade of g1 before it concluded, arriving after its contract
    late_failure = grant_failed(names["1"], mineral=names["iron"], on=date(2024, 2, 20))
    # g6: the result arrives before the announcement
    g6 = f"g6-{tag}"
    result_first = grant_concluded(g6, mineral=names["iron"], on=date(2024, 7, 1), price="99")
    announcement_after = grant_announced(g6, mineral=names["iron"], on=date(2024, 6, 1))
    await send(reporting, late_announcement, late_failure, result_first, announcement_after)

    g4 = await _row(reporting, names["4"])
    assert (g4.status, g4.announcement, g4.starting_price_cny_10k) == (
        "contracted",
        2,
        Decimal(180),
    )
    assert g4.announced_on == date(2024, 3, 20)
    g1 = await _row(reporting, names["1"])
    assert (g1.status, g1.price_cny_10k, g1.bidders) == ("contracted", Decimal(1500), 3)
    assert g1.failed_on == date(2024, 2, 20)  # what the row lacked, filled in
    assert g1.updated_at.replace(tzinfo=UTC) == datetime(2024, 5, 1, 2, tzinfo=UTC)
    later = await _row(reporting, g6)
    assert (later.status, later.price_cny_10k) == ("concluded", Decimal(99))
    assert (later.announcement, later.announced_on) == (1, date(2024, 6, 1))
    assert later.starting_price_cny_10k == Decimal(1000)


async def test_the_years_grants_are_refused_to_a_mine_and_outside_the_plan_period(
    reporting: ServiceUnderTest,
) -> None:
    enterprise = "91130881MA0A000031"
    await send(reporting, plan_published())
    year = {"year": 2024}
    assert (await reporting.client.get(PATH, params=year)).status_code == 401
    mine = await reporting.client.get(
        PATH, params=year, headers=reporting.auth("mine", enterprise=enterprise)
    )
    assert mine.status_code == 403
    assert mine.headers["content-type"] == "application/problem+json"
    issued, key = api_key_issued(enterprise)
    await send(reporting, issued, expect_new=0)

    async def refused_by_role() -> None:
        r = await reporting.client.get(
            PATH, params=year, headers={"Authorization": f"Bearer {key}"}
        )
        assert r.status_code == 403, r.text

    await eventually(refused_by_role, interval_s=0.05, what="the key to reach reporting")

    viewer = reporting.auth("viewer")
    # the baseline year, and next year: the plan governs its period and, in force until a
    # successor replaces it, the years since up to this one (a year's grants in 2026 count)
    this_year = cst_today().year
    in_force = await reporting.client.get(PATH, params={"year": this_year}, headers=viewer)
    assert in_force.status_code == 200, in_force.text
    for outside in (2020, this_year + 1):
        answer = await reporting.client.get(PATH, params={"year": outside}, headers=viewer)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert problem["errors"] == [{"field": "year", "message": problem["errors"][0]["message"]}]
        assert f"年度 {outside} 不在规划实施年度 2021–{this_year} 内" in problem["detail"]
        assert "is not a year the plan governed" in problem["detail"]
    for hostile in ({"year": "1e9"}, {"year": "2024; drop"}, {"year": 99999}, {}):
        answer = await reporting.client.get(PATH, params=hostile, headers=viewer)
        assert answer.status_code == 422
        assert "year" in answer.text
    bad_plan = await reporting.client.get(
        PATH, params={"year": 2024, "plan_id": "<x>"}, headers=viewer
    )
    assert bad_plan.status_code == 422
    assert "plan_id" in bad_plan.text
    unknown_plan = await reporting.client.get(
        PATH, params={"year": 2024, "plan_id": "no-such-plan"}, headers=viewer
    )
    assert unknown_plan.status_code == 404
    empty = (await reporting.client.get(PATH, params=year, headers=viewer)).json()
    assert empty == {
        "year": 2024,
        "items": [],
        "summary": {
            "announced": 0,
            "concluded": 0,
            "failed": 0,
            "contracted": 0,
            "price_total_cny_10k": 0,
            "by_mineral": [],
        },
        "fee_schedule": [],
    }


async def test_the_annual_report_and_the_dashboard_show_the_years_grants(
    reporting: ServiceUnderTest,
) -> None:
    tag = uuid.uuid4().hex[:8]
    events, names = the_year(tag)
    await send(reporting, plan_published(), *events)
    viewer = reporting.auth("viewer")
    summary = (await reporting.client.get(PATH, params={"year": 2024}, headers=viewer)).json()[
        "summary"
    ]
    assert {k: v for k, v in summary.items() if k != "by_mineral"} == {
        "announced": 4,
        "concluded": 2,
        "failed": 1,
        "contracted": 2,
        "price_total_cny_10k": 1760.5,
    }

    path = "/reporting/v1/annual-report/2024"
    html = (await reporting.client.get(path, headers=viewer)).text
    _no_secret(html)
    assert "九、矿业权出让情况" in html
    assert (
        "本年度出让矿业权 4 宗：成交 2 宗（价款合计 1760.5 万元），流拍 1 宗，已签订出让合同 2 宗。"
    ) in html
    assert "流拍（报价未达底价）" in html
    assert "已公告（第2次公告）" not in html  # g4 went on to a contract
    assert f'data-grant="{names["3"]}" data-status="announced"' in html
    assert "出让收益缴纳计划" in html
    quiet = (await reporting.client.get("/reporting/v1/annual-report/2022", headers=viewer)).text
    assert "本年度无矿业权出让" in quiet
    assert 'id="grant-list"' not in quiet

    xlsx = await reporting.client.get(path, params={"format": "xlsx"}, headers=viewer)
    book = load_workbook(BytesIO(xlsx.content))
    rows = _records(book["矿业权出让"])
    assert {r["出让编号"]: r["status"] for r in rows} == {
        names["1"]: "contracted",
        names["2"]: "failed",
        names["3"]: "announced",
        names["4"]: "contracted",
    }
    fees = list(book["出让收益"].iter_rows(values_only=True))
    assert fees[-1] == ("合计", None, None, 1760.5)
    cover = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True) if r[0]}
    assert str(cover["矿业权出让 Grants"]).startswith("本年度出让矿业权 4 宗")

    page = (await reporting.client.get("/")).text
    assert '<p id="plan-grants" class="standing" hidden></p>' in page


@needs_pdf_tools
async def test_the_annual_reports_grants_as_pdf(
    reporting: ServiceUnderTest, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:8]
    events, _ = the_year(tag)
    await send(reporting, plan_published(), *events)
    pdf = await reporting.client.get(
        "/reporting/v1/annual-report/2024",
        params={"format": "pdf"},
        headers=reporting.auth("viewer"),
    )
    text = re.sub(r"\s+", "", pdftotext(pdf.content, tmp_path))
    assert "九、矿业权出让情况" in text
    assert "本年度出让矿业权4宗：成交2宗（价款合计1760.5万元），流拍1宗" in text
    assert WINNER.name in text


def _records(sheet: Any) -> list[dict[str, Any]]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]
