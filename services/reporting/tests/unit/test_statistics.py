"""Licence counts and output by mineral, as pure functions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lode_reporting.domain.measures import Facts, Licence, Output, Product
from lode_reporting.domain.statistics import count_licences, output_by_mineral


def test_licences_are_counted_per_group_and_in_total() -> None:
    counts = count_licences(
        [
            ("mining", "铁矿", "active", "small"),
            ("mining", "铁矿", "active", "small"),
            ("exploration", "钼矿", "active", None),
            ("mining", "金矿", "expired", "medium"),
        ]
    )
    assert counts.total == 4
    assert counts.by_status == {"active": 3, "expired": 1}
    assert counts.by_right_type == {"exploration": 1, "mining": 3}
    assert counts.by_scale == {"medium": 1, "none": 1, "small": 2}
    assert counts.groups[0] == (("mining", "铁矿", "active", "small"), 2)


def _output(report_id: str, licence_no: str, period: str, ore: str, mineral: str | None) -> Output:
    return Output(
        report_id=report_id,
        event_id=f"e-{report_id}",
        licence_no=licence_no,
        year=2023,
        period=period,
        mineral=mineral,
        ore_mined_10kt=Decimal(ore),
        products=(Product(name="铁精粉", grade_pct=Decimal(64), output_10kt=Decimal(ore) / 4),),
    )


def test_output_takes_the_annual_report_else_the_quarters_and_the_licences_mineral() -> None:
    facts = Facts(
        licences=[
            Licence("L1", "e1", "mining", "铁矿", date(2018, 1, 1), False),
            Licence("L2", "e2", "mining", "铁矿", date(2018, 1, 1), False),
        ],
        outputs=[
            _output("a", "L1", "annual", "40", None),
            _output("q1", "L1", "Q1", "10", None),  # L1 has an annual report: not counted
            _output("q2", "L2", "Q1", "8", "铁矿"),
            _output("q3", "L2", "Q2", "12", "铁矿"),
        ],
    )
    [iron] = output_by_mineral(facts, 2023)
    assert (iron.mineral, iron.mines, iron.ore_mined_10kt) == ("铁矿", 2, Decimal(60))
    assert iron.products == (("铁精粉", Decimal(15)),)
    assert output_by_mineral(facts, 2024) == []
