"""Output value and reserves by mineral and year, as pure functions of the facts: sums over
the mines' current reports, several minerals, and "未报" (``None``) where no mine reported,
never 0. What the output indicators count is the plan's reading."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lode_common.plan.data import bundled_documents
from lode_reporting.domain import plan
from lode_reporting.domain.measures import Facts, LicenceVersion, Output, Reserves
from lode_reporting.domain.reserves import reserves_by_mineral
from lode_reporting.domain.statistics import output_by_mineral, output_value

D = Decimal
DOCUMENT = bundled_documents()


def _output(
    report_id: str, no: str, mineral: str, value: str | None, *, period: str = "annual"
) -> Output:
    return Output(
        report_id=report_id,
        event_id=f"e-{report_id}",
        licence_no=no,
        year=2023,
        period=period,
        mineral=mineral,
        ore_mined_10kt=D(10),
        output_value_cny_10k=None if value is None else D(value),
    )


def _reserves(report_id: str, no: str, mineral: str, year: int = 2023, **kw: str) -> Reserves:
    figures = {
        "opening_10kt": "1000",
        "extracted_10kt": "50",
        "lost_10kt": "5",
        "new_proven_10kt": "0",
        "recalculated_10kt": "0",
        "closing_10kt": "945",
    } | kw
    return Reserves(
        report_id=report_id,
        event_id=f"e-{report_id}",
        licence_no=no,
        year=year,
        mineral=mineral,
        **{k: D(v) for k, v in figures.items()},
    )


def _mine(no: str, mineral: str) -> LicenceVersion:
    return LicenceVersion(
        no, f"i-{no}", date(2018, 1, 1), "mining", "active", "small", mineral,
        date(2018, 1, 1), date(2030, 1, 1),
    )  # fmt: skip


def test_output_value_is_summed_by_mineral_over_the_reports_that_give_it() -> None:
    facts = Facts(
        outputs=[
            _output("a", "C1", "铁矿", "6800"),
            _output("b", "C2", "铁矿", "1200.5"),
            _output("c", "C3", "铁矿", None),  # reported output, no value
            _output("d", "C4", "建筑石料", None),
            _output("q1", "C5", "金矿", "300", period="Q1"),
            _output("q2", "C5", "金矿", "450", period="Q2"),  # quarters add up to the year
        ]
    )
    minerals = {m.mineral: m for m in output_by_mineral(facts, 2023)}

    assert minerals["铁矿"].output_value_cny_10k == D("8000.5")
    assert (minerals["铁矿"].mines, minerals["铁矿"].mines_without_value) == (3, 1)
    assert minerals["建筑石料"].output_value_cny_10k is None  # 未报, not 0
    assert minerals["建筑石料"].mines_without_value == 1
    assert minerals["金矿"].output_value_cny_10k == 750
    total = output_value(minerals.values(), D("18.9"))
    assert total.total_cny_10k == D("8750.5")
    assert total.total_cny_100m == D("0.87505")
    assert (total.mines_reporting, total.mines_without_value) == (3, 2)
    assert total.baseline_cny_100m == D("18.9")


def test_no_output_value_at_all_is_none_not_zero() -> None:
    facts = Facts(outputs=[_output("a", "C1", "铁矿", None)])
    total = output_value(output_by_mineral(facts, 2023))
    assert total.total_cny_10k is None
    assert total.total_cny_100m is None
    assert output_value([]).total_cny_10k is None


def test_the_baseline_output_value_and_its_clause_come_from_the_plan() -> None:
    baseline = plan.output_value_baseline(DOCUMENT)
    assert (baseline.year, baseline.value_cny_100m) == (2020, D("18.9"))
    assert baseline.clause == "第一章第二节 专栏1"


def test_reserves_are_held_used_and_new_by_mineral() -> None:
    facts = Facts(
        reserves=[
            _reserves("r1", "C1", "铁矿"),
            _reserves(
                "r2",
                "C2",
                "铁矿",
                closing_10kt="2000",
                extracted_10kt="80",
                lost_10kt="12.5",
                new_proven_10kt="40",
                recalculated_10kt="-7.5",
            ),
            _reserves("r3", "C3", "萤石", closing_10kt="120"),
            _reserves("r0", "C1", "铁矿", year=2022, closing_10kt="9999"),  # another year
        ],
        versions=[_mine("C1", "铁矿"), _mine("C2", "铁矿"), _mine("C3", "萤石")],
    )
    rows = {r.mineral: r for r in reserves_by_mineral(facts, 2023)}

    iron = rows["铁矿"]
    assert iron.closing_10kt == 2945  # 保有
    assert iron.used_10kt == D("147.5")  # 动用 = 50 + 5 + 80 + 12.5
    assert iron.new_proven_10kt == 40  # 新增
    assert iron.recalculated_10kt == D("-7.5")
    assert (iron.mines_reporting, iron.mines_not_reporting) == (2, 0)
    assert iron.event_ids == ("e-r1", "e-r2")
    assert rows["萤石"].closing_10kt == 120
    assert [r.mineral for r in reserves_by_mineral(facts, 2023)] == ["铁矿", "萤石"]


def test_a_mine_in_force_without_a_report_is_counted_未报() -> None:
    facts = Facts(
        reserves=[_reserves("r1", "C1", "铁矿")],
        versions=[_mine("C1", "铁矿"), _mine("C2", "铁矿"), _mine("C3", "金矿")],
    )
    rows = reserves_by_mineral(facts, 2023)

    assert [(r.mineral, r.mines_reporting, r.mines_not_reporting) for r in rows] == [
        ("铁矿", 1, 1),
        ("金矿", 0, 1),
    ]
    gold = rows[1]
    assert gold.closing_10kt is None
    assert gold.used_10kt is None
    assert gold.new_proven_10kt is None
    assert reserves_by_mineral(Facts(), 2023) == []


def test_the_output_indicators_count_what_the_plan_says() -> None:
    counts = plan.output_counts(DOCUMENT)

    assert set(counts) == {"iron_concentrate_output", "building_stone_output"}
    stone = counts["building_stone_output"]
    assert {"建筑石料", "砂石土", "建筑用灰岩"} <= stone.minerals
    assert "水泥用灰岩" not in stone.minerals
    assert not stone.counts_report("铁矿")
    assert stone.counts_report("砂石土")
    iron = counts["iron_concentrate_output"]
    assert iron.counts_report(None)  # a product names what it is, whatever the mine
    assert iron.output.counts.min_grade_pct == 62
