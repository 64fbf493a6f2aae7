"""Issue 17 in reporting: monitoring's draws, inspections, rectification orders and lists kept
once per record, never moved backwards by a late or replayed event; the year's supervision
for staff (``GET /reporting/v1/supervision``), refused to a mine; the audit anchors of every
service (``GET /reporting/v1/audit-anchors``) for the administrator and inspectors; the annual
report's section (十、监督检查情况) and the dashboard's line. No answer names an inspector.

On PostgreSQL the broker is the session's, shared with other tests: the records here have ids
of the test's own, and the figures asserted on both runtimes are theirs."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from lode_common.auth import STAFF_ROLES
from lode_common.cst import cst_today
from lode_common.events.envelope import Envelope
from lode_common.testing.apps import ServiceUnderTest
from lode_reporting.adapters.supervision import ListingRecord, RectificationRecord
from services.reporting.tests.integration.events import plan_published, send
from services.reporting.tests.integration.supervision_events import (
    anchored,
    drawn,
    item,
    listed,
    order,
    recorded,
    released,
)

PATH = "/reporting/v1/supervision"
ANCHORS = "/reporting/v1/audit-anchors"
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _licence(rng: random.Random) -> str:
    return "C" + "".join(rng.choice("0123456789") for _ in range(22))


def _credit(rng: random.Random) -> str:
    return "91130881" + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(10))


def the_year(tag: str) -> tuple[list[Envelope], dict[str, Any]]:
    """2024 of this test: a draw of 2 from 5 licences; L1 inspected compliant, L2 with a false
    output filing and a low mining recovery; three orders (o1 overdue, its not-done
    verification arriving late; o2 done; o3 within its term); four listings (a1 on the
    abnormal list, a2 listed in 2023 and released in 2024, a3 whose release came before its
    listing, s1 on the serious-violation list)."""
    rng = random.Random(tag)
    licences = [_licence(rng) for _ in range(5)]
    e1, e2, e3, e4, e5 = (_credit(rng) for _ in range(5))
    ids = {n: f"{n}-{tag}" for n in ("d1", "i1", "i2", "o1", "o2", "o3", "a1", "a2", "a3", "s1")}
    l1, l2, l3 = licences[:3]

    def ordered_o(
        kind: str, key: str, lic: str, ent: str, start: date, due: date, **kw: Any
    ) -> Envelope:
        return order(kind, ids[key], lic, ent, ordered_on=start, due=due, **kw)

    o1 = (date(2024, 5, 1), date(2024, 6, 30))
    o2 = (date(2024, 8, 1), date(2024, 9, 30))
    o3 = (date(2024, 11, 1), date(2025, 1, 31))
    events = [
        drawn(ids["d1"], licences, [l1, l2], on=date(2024, 3, 1)),
        recorded(
            ids["i1"],
            l1,
            e1,
            on=date(2024, 4, 1),
            items=[item("output", filed=30.0, found=30.0), item("mining_recovery")],
            draw_id=ids["d1"],
        ),
        recorded(
            ids["i2"],
            l2,
            e2,
            on=date(2024, 4, 2),
            items=[
                item("output", False, false_filing=True, filed=30.0, found=42.5),
                item("mining_recovery", False, filed=92.0, found=85.0),
                item("boundary"),
            ],
            draw_id=ids["d1"],
            finding_id=f"f-{tag}",
        ),
        ordered_o("ordered", "o1", l2, e2, *o1),
        ordered_o("overdue", "o1", l2, e2, *o1, on=date(2024, 7, 1)),
        ordered_o("verified", "o1", l2, e2, *o1, on=date(2024, 6, 20), outcome="not_done"),
        ordered_o("ordered", "o2", l3, e3, *o2),
        ordered_o("verified", "o2", l3, e3, *o2, on=date(2024, 9, 15)),
        ordered_o("verified", "o2", l3, e3, *o2, on=date(2024, 9, 1), outcome="not_done"),
        ordered_o("ordered", "o3", l1, e1, *o3),
        listed(ids["a1"], e2, on=date(2024, 7, 10)),
        listed(ids["a2"], e4, on=date(2023, 5, 1)),
        released(ids["a2"], e4, on=date(2024, 4, 1)),
        released(ids["a3"], e5, on=date(2024, 3, 1)),
        listed(ids["a3"], e5, on=date(2024, 2, 1)),
        listed(
            ids["s1"], e3, on=date(2024, 9, 1), kind="serious_violation", until=date(2027, 9, 1)
        ),
    ]
    return events, {**ids, "licences": licences, "e2": e2, "e4": e4}


def _mine(items: list[dict[str, Any]], key: str, tag: str) -> dict[str, dict[str, Any]]:
    return {i[key]: i for i in items if i[key].endswith(tag)}


async def test_the_years_supervision_for_every_staff_role(reporting_both: ServiceUnderTest) -> None:
    reporting = reporting_both
    tag = uuid.uuid4().hex[:8]
    events, names = the_year(tag)
    await send(reporting, plan_published(), *events)
    await send(reporting, *events, expect_new=0)  # replayed: nothing new

    for role in sorted(STAFF_ROLES):
        answer = await reporting.client.get(
            PATH, params={"year": 2024}, headers=reporting.auth(role)
        )
        assert answer.status_code == 200, (role, answer.text)
    body = answer.json()
    assert "inspector" not in answer.text.replace("inspections", "")

    draw = _mine(body["draws"]["items"], "draw_id", tag)[names["d1"]]
    assert (draw["population"], draw["drawn"]) == (names["licences"], names["licences"][:2])
    assert (draw["seed"], draw["algorithm"], draw["drawn_pct"]) == (
        f"seed-{names['d1']}",
        "sha256-rank-v1",
        40,
    )
    inspections = _mine(body["inspections"]["items"], "inspection_id", tag)
    assert inspections[names["i1"]]["result"] == "compliant"
    second = inspections[names["i2"]]
    assert (second["result"], second["finding_id"]) == ("non_compliant", f"f-{tag}")
    assert second["items"][0] == {
        "item": "output",
        "item_zh": "产量",
        "filed": 30.0,
        "found": 42.5,
        "ok": False,
        "false_filing": True,
    }
    orders = _mine(body["orders"]["items"], "order_id", tag)
    assert {k: (o["status"], o["verification"]) for k, o in orders.items()} == {
        names["o1"]: ("overdue", "not_done"),
        names["o2"]: ("done", "done"),  # the late not-done verification does not reopen it
        names["o3"]: ("open", None),
    }
    assert (orders[names["o1"]]["overdue_on"], orders[names["o2"]]["verified_on"]) == (
        "2024-07-01",
        "2024-09-15",
    )
    listings = _mine(body["lists"]["items"], "listing_id", tag)
    assert {k: (i["list"], i["status"], i["listed_on"]) for k, i in listings.items()} == {
        names["a1"]: ("abnormal", "listed", "2024-07-10"),
        names["a2"]: ("abnormal", "released", "2023-05-01"),
        names["a3"]: ("abnormal", "released", "2024-02-01"),  # its release came first
        names["s1"]: ("serious_violation", "listed", "2024-09-01"),
    }
    assert listings[names["s1"]]["until"] == "2027-09-01"
    async with reporting.runtime.sessions() as session:
        late_release = await session.get(ListingRecord, names["a3"])
        overdue = await session.get(RectificationRecord, names["o1"])
    assert late_release is not None
    assert late_release.release_reason == "已补报年度报告"
    assert overdue is not None
    assert overdue.verified_on == date(2024, 6, 20)


async def test_supervision_is_refused_to_a_mine_and_anchors_to_other_staff(
    reporting: ServiceUnderTest,
) -> None:
    await send(reporting, plan_published())
    year = {"year": 2024}
    assert (await reporting.client.get(PATH, params=year)).status_code == 401
    mine = reporting.auth("mine", enterprise="91130881MA0A000031")
    assert (await reporting.client.get(PATH, params=year, headers=mine)).status_code == 403
    assert (await reporting.client.get(ANCHORS, headers=mine)).status_code == 403
    for role in ("viewer", "planner", "licensing_officer", "approver"):
        refused = await reporting.client.get(ANCHORS, headers=reporting.auth(role))
        assert refused.status_code == 403, role
    viewer = reporting.auth("viewer")
    next_year = cst_today().year + 1  # the plan governs its period and the years since
    outside = await reporting.client.get(PATH, params={"year": next_year}, headers=viewer)
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["field"] == "year"
    bad = await reporting.client.get(
        ANCHORS, params={"service": "payroll"}, headers=reporting.auth("inspector")
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert "service" in bad.text
    empty = (await reporting.client.get(PATH, params=year, headers=viewer)).json()
    assert (empty["draws"]["count"], empty["orders"]["issued"], empty["lists"]["items"]) == (
        0,
        0,
        [],
    )
    assert empty["as_of"] == "2024-12-31"


async def test_every_services_anchors_are_kept_newest_first(
    reporting_both: ServiceUnderTest,
) -> None:
    reporting = reporting_both
    tag = uuid.uuid4().hex
    day = date(2024, 6, 1)
    first = anchored("zoning", day, 10, tag, at=datetime(2024, 6, 1, 16, tzinfo=UTC))
    again = anchored("zoning", day, 10, tag, at=datetime(2024, 6, 2, 16, tzinfo=UTC))
    rival = anchored("zoning", day, 10, tag[::-1])  # another hash claimed for the same entry
    own = anchored("reporting", date(2024, 6, 2), 3, tag[:32] * 2)
    events = [again, first, rival, own, anchored("licensing", day, 7, tag[1:] + "0")]
    events.append(anchored("monitoring", day, 5, "0" + tag[1:]))
    await send(reporting, *events)

    inspector = reporting.auth("inspector")
    answer = await reporting.client.get(
        ANCHORS, params={"service": "zoning", "limit": 1000}, headers=inspector
    )
    assert answer.status_code == 200, answer.text
    kept = [a for a in answer.json()["items"] if a["entry_hash"] in (tag, tag[::-1])]
    assert sorted((a["entry_hash"], a["anchored_at"]) for a in kept) == sorted(
        [(tag, "2024-06-01T16:00:00Z"), (tag[::-1], "2024-06-01T16:05:00Z")]
    )
    assert next(a for a in kept if a["entry_hash"] == tag)["event_id"] == first.id
    every = (
        await reporting.client.get(ANCHORS, params={"limit": 1000}, headers=reporting.auth("admin"))
    ).json()
    hashes = {
        a["service"]: a
        for a in every["items"]
        if tag[1:] in a["entry_hash"] or tag[:32] in a["entry_hash"]
    }
    assert set(hashes) == {"zoning", "licensing", "monitoring", "reporting"}
    days = [a["day"] for a in every["items"]]
    assert days == sorted(days, reverse=True)
    assert every["total"] >= 5


async def test_the_annual_report_and_the_dashboard_show_the_years_supervision(
    reporting: ServiceUnderTest,
) -> None:
    tag = uuid.uuid4().hex[:8]
    events, names = the_year(tag)
    await send(reporting, plan_published(), *events)
    viewer = reporting.auth("viewer")
    body = (await reporting.client.get(PATH, params={"year": 2024}, headers=viewer)).json()
    assert (body["draws"]["count"], body["draws"]["population"], body["draws"]["drawn"]) == (
        1,
        5,
        2,
    )
    assert body["draws"]["drawn_pct"] == 40
    summary = {k: v for k, v in body["inspections"].items() if k != "items"}
    assert summary == {
        "count": 2,
        "compliant": 1,
        "non_compliant": 1,
        "enterprises": 2,
        "enterprises_non_compliant": 1,
        "by_item": [
            {"item": "mining_recovery", "item_zh": "开采回采率", "count": 1, "false_filings": 0},
            {"item": "output", "item_zh": "产量", "count": 1, "false_filings": 1},
        ],
    }
    assert {k: v for k, v in body["orders"].items() if k != "items"} == {
        "issued": 3,
        "done": 1,
        "overdue": 1,
        "open": 1,
    }
    assert body["lists"]["by_list"] == [
        {"list": "abnormal", "list_zh": "异常名录", "listed": 2, "released": 2, "on_list": 1},
        {
            "list": "serious_violation",
            "list_zh": "严重违法失信名单",
            "listed": 1,
            "released": 0,
            "on_list": 1,
        },
    ]

    path = "/reporting/v1/annual-report/2024"
    html = (await reporting.client.get(path, headers=viewer)).text
    assert "十、监督检查情况" in html
    assert "责令限期整改 3 件：已整改 1 件，逾期未整改 1 件，整改期内 1 件" in html
    assert f'data-order="{names["o1"]}" data-status="overdue"' in html
    quiet = (await reporting.client.get("/reporting/v1/annual-report/2022", headers=viewer)).text
    assert "本年度无监督检查记录" in quiet
    assert 'id="order-list"' not in quiet

    xlsx = await reporting.client.get(path, params={"format": "xlsx"}, headers=viewer)
    book = load_workbook(BytesIO(xlsx.content))
    orders = list(book["责令整改"].iter_rows(values_only=True))
    assert {row[0] for row in orders[1:]} == {names["o1"], names["o2"], names["o3"]}

    page = (await reporting.client.get("/")).text
    assert '<p id="plan-supervision" class="standing" hidden></p>' in page
