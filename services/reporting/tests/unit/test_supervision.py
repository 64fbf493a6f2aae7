"""The year's supervision (监督检查) as reporting counts it: which event states a record's
present state, an order's status from what its events established, the year's draws,
inspections, orders and lists counted."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, get_args

from lode_common.events.catalog import EnterpriseListed
from lode_reporting.domain import supervision

T = datetime(2024, 5, 1, 2, tzinfo=UTC)


def sample_year(as_of: date = date(2024, 12, 31)) -> supervision.SupervisionYear:
    """2024: two draws (one of 2023 left out); three inspections of two enterprises; four
    orders (one of 2023 left out); listings in and around the year."""
    draw: dict[str, Any] = {"ratio_pct": Decimal(5), "seed": "s", "algorithm": "sha256-rank-v1"}
    population = tuple(f"C{n:022d}" for n in range(40))
    item = supervision.Item
    common: dict[str, Any] = {"holder_name": "示意矿业", "draw_id": None, "year": 2024}
    order: dict[str, Any] = {
        "licence_no": "C" + "0" * 22,
        "credit_code": "91130881MA0A000001",
        "holder_name": "示意矿业",
        "finding_ids": ("f-1",),
        "requirement": "限期整改",
        "due": date(2024, 12, 1),
    }
    return supervision.supervision_year(
        2024,
        as_of=as_of,
        draws=[
            supervision.Draw(
                draw_id="d-2",
                year=2024,
                population=population[:20],
                drawn=population[:1],
                drawn_on=date(2024, 9, 1),
                **draw,
            ),
            supervision.Draw(
                draw_id="d-1",
                year=2024,
                population=population,
                drawn=population[:2],
                drawn_on=date(2024, 3, 1),
                **draw,
            ),
            supervision.Draw(
                draw_id="d-0",
                year=2023,
                population=population,
                drawn=population[:2],
                drawn_on=date(2023, 3, 1),
                **draw,
            ),
        ],
        inspections=[
            supervision.Inspection(
                inspection_id="i-1",
                licence_no=population[0],
                credit_code="E1",
                inspected_on=date(2024, 4, 1),
                result="compliant",
                items=(item(item="output", ok=True),),
                **common,
            ),
            supervision.Inspection(
                inspection_id="i-2",
                licence_no=population[1],
                credit_code="E2",
                inspected_on=date(2024, 4, 2),
                result="non_compliant",
                items=(
                    item(item="output", ok=False, false_filing=True),
                    item(item="boundary", ok=False),
                ),
                **common,
            ),
            supervision.Inspection(
                inspection_id="i-3",
                licence_no=population[2],
                credit_code="E2",
                inspected_on=date(2024, 10, 2),
                result="non_compliant",
                items=(item(item="output", ok=False),),
                **common,
            ),
        ],
        orders=[
            supervision.Order(order_id="o-1", ordered_on=date(2024, 5, 1), status="done", **order),
            supervision.Order(
                order_id="o-2", ordered_on=date(2024, 6, 1), status="overdue", **order
            ),
            supervision.Order(order_id="o-3", ordered_on=date(2024, 11, 1), status="open", **order),
            supervision.Order(
                order_id="o-0", ordered_on=date(2023, 11, 1), status="overdue", **order
            ),
        ],
        listings=[
            supervision.Listing(
                listing_id="a-1",
                credit_code="E2",
                name="示意矿业",
                list="abnormal",
                listed_on=date(2024, 7, 1),
            ),
            supervision.Listing(
                listing_id="a-2",
                credit_code="E4",
                name="示意建材",
                list="abnormal",
                listed_on=date(2023, 7, 1),
                released_on=date(2024, 2, 1),
            ),
            supervision.Listing(
                listing_id="a-3",
                credit_code="E5",
                name="示意石料",
                list="abnormal",
                listed_on=date(2022, 7, 1),
            ),
            supervision.Listing(
                listing_id="a-4",
                credit_code="E6",
                name="已移出",
                list="abnormal",
                listed_on=date(2022, 7, 1),
                released_on=date(2023, 1, 1),
            ),
            supervision.Listing(
                listing_id="s-1",
                credit_code="E2",
                name="示意矿业",
                list="serious_violation",
                listed_on=date(2024, 8, 1),
                until=date(2027, 8, 1),
            ),
        ],
    )


def test_a_later_event_supersedes_and_at_one_instant_the_greater_id() -> None:
    row = supervision.rank(T, "b")
    assert supervision.supersedes(supervision.rank(datetime(2024, 6, 1, tzinfo=UTC), "a"), row)
    assert not supervision.supersedes(supervision.rank(datetime(2024, 4, 1, tzinfo=UTC), "z"), row)
    assert supervision.supersedes(supervision.rank(T, "b"), row)  # the same event again
    assert supervision.supersedes(supervision.rank(T, "c"), row)
    assert not supervision.supersedes(supervision.rank(T, "a"), row)


def test_an_orders_status_is_read_from_what_was_established() -> None:
    assert supervision.order_status(None, None) == "open"
    assert supervision.order_status("not_done", None) == "open"
    assert supervision.order_status("not_done", date(2024, 7, 1)) == "overdue"
    assert supervision.order_status("done", date(2024, 7, 1)) == "done"  # late, but done


def test_the_years_records_are_counted() -> None:
    year = sample_year()

    assert [d.draw_id for d in year.draws] == ["d-1", "d-2"]  # by date; 2023's left out
    assert year.draw_summary == supervision.DrawSummary(
        count=2, population=60, drawn=3, drawn_pct=Decimal("5.00")
    )
    assert year.draws[0].drawn_pct == Decimal("5.00")
    assert year.inspection_summary == supervision.InspectionSummary(
        count=3,
        compliant=1,
        non_compliant=2,
        enterprises=2,
        enterprises_non_compliant=1,
        by_item=(
            supervision.ItemCount(item="output", count=2, false_filings=1),
            supervision.ItemCount(item="boundary", count=1, false_filings=0),
        ),
    )
    assert year.order_summary == supervision.OrderSummary(issued=3, done=1, overdue=1, open=1)
    assert [o.order_id for o in year.orders] == ["o-1", "o-2", "o-3"]
    assert year.list_counts == (
        supervision.ListCount(list="abnormal", listed=1, released=1, on_list=2),
        supervision.ListCount(list="serious_violation", listed=1, released=0, on_list=1),
    )
    assert {i.listing_id for i in year.listings} == {"a-1", "a-2", "a-3", "s-1"}
    assert not year.none


def test_the_lists_are_counted_at_the_day_given() -> None:
    midyear = sample_year(as_of=date(2024, 7, 15))
    assert midyear.on_list("abnormal") == 2  # a-1 (since 1 July) and a-3
    assert midyear.on_list("serious_violation") == 0  # listed on 1 August
    assert supervision.counted_at(2024, date(2025, 3, 1)) == date(2024, 12, 31)
    assert supervision.counted_at(2025, date(2025, 3, 1)) == date(2025, 3, 1)


def test_an_empty_year_is_none() -> None:
    empty = supervision.supervision_year(
        2024, as_of=date(2024, 12, 31), draws=[], inspections=[], orders=[], listings=[]
    )
    assert empty.none
    assert empty.draw_summary.drawn_pct == 0
    assert [c.on_list for c in empty.list_counts] == [0, 0]


def test_every_list_and_status_has_its_chinese_name() -> None:
    lists = get_args(EnterpriseListed.model_fields["list"].annotation)
    assert set(lists) == set(supervision.LISTS) == set(supervision.LIST_ZH)
    assert set(get_args(supervision.OrderStatus)) == set(supervision.ORDER_STATUS_ZH)
    assert set(get_args(supervision.InspectionResult)) == set(supervision.RESULT_ZH)
