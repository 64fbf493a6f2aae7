"""The current output of a controlled total (开采总量) from the mines' reports: which year
counts, which reports of that year, what each counts toward which indicator."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lode_common.plan.output import OutputIndicator, ReportedProduct, output_indicators
from lode_licensing.domain.current_output import (
    FiledOutput,
    InForce,
    YearChoice,
    YearTally,
    counts_toward,
    current_output,
    current_year,
    reports_of_year,
)

from .builders import real_rules

RULES = real_rules()
STANDARDS = RULES.standards
INDICATORS = {i.id: i for i in output_indicators(RULES.document)}
IRON: OutputIndicator = INDICATORS["iron_concentrate_output"]
STONE: OutputIndicator = INDICATORS["building_stone_output"]


def filed(
    report_id: str,
    licence_no: str = "C1",
    *,
    year: int = 2024,
    period: str = "annual",
    mineral: str | None = "铁矿",
    ore: str = "10",
    concentrate: str | None = "3",
    grade: str | None = "65",
) -> FiledOutput:
    products = (
        (ReportedProduct("铁精粉", Decimal(grade) if grade else None, Decimal(concentrate)),)
        if concentrate is not None
        else ()
    )
    return FiledOutput(report_id, licence_no, year, period, mineral, Decimal(ore), products)


def test_the_year_is_the_latest_with_an_annual_report_of_a_counted_mineral() -> None:
    tallies = [
        YearTally(2023, "铁矿", annual=5, reports=5),
        YearTally(2024, "铁矿", annual=2, reports=6),
        YearTally(2025, "铁矿", annual=0, reports=3),  # quarterly only: not final
        YearTally(2026, "建筑石料", annual=1, reports=1),  # another indicator's mineral
    ]
    assert current_year(IRON, tallies, STANDARDS) == YearChoice(2024, 2, None, True)
    assert current_year(STONE, tallies, STANDARDS) == YearChoice(2026, 1, None, True)


@pytest.mark.parametrize(
    ("filed_2024", "year", "complete"),
    [
        (17, 2023, True),  # 17 of 19 is below 90 %: the last complete year stands
        (18, 2024, True),  # 18 of 19 is 94.7 %: 2024 is complete
        (19, 2024, True),
    ],
)
def test_the_year_is_the_latest_complete_one(filed_2024: int, year: int, complete: bool) -> None:
    """Early in 2025 only some of the 2024 annual reports are in: their sum would
    understate the total, so 2023 stands until 2024 reaches the complete share."""
    tallies = [
        YearTally(2023, "铁矿", annual=18, reports=18),
        YearTally(2024, "铁矿", annual=filed_2024, reports=filed_2024),
    ]
    owed = [InForce(2023, "铁矿", 19), InForce(2024, "铁矿", 19), InForce(2024, "萤石", 11)]
    choice = current_year(IRON, tallies, STANDARDS, owed, Decimal(90))
    assert choice is not None
    assert (choice.year, choice.expected, choice.complete) == (year, 19, complete)


def test_when_no_year_is_complete_the_latest_stands_said_incomplete() -> None:
    tallies = [YearTally(2023, "铁矿", 3, 3), YearTally(2024, "铁矿", 2, 2)]
    owed = [InForce(2023, "铁矿", 19), InForce(2024, "铁矿", 19)]
    assert current_year(IRON, tallies, STANDARDS, owed, Decimal(90)) == YearChoice(
        2024, 2, 19, False
    )
    figure = current_output(IRON, YearChoice(2024, 2, 19, False), [filed("r1")], STANDARDS)
    assert (figure.expected_mines, figure.complete) == (19, False)


def test_no_annual_report_means_no_year() -> None:
    tallies = [YearTally(2025, "铁矿", annual=0, reports=4), YearTally(2025, None, 3, 3)]
    assert current_year(IRON, tallies, STANDARDS) is None
    assert current_year(IRON, [], STANDARDS) is None


@pytest.mark.parametrize(
    ("mineral", "iron", "stone"),
    [
        ("铁矿", True, False),
        ("iron", True, False),  # a catalogue code
        ("建筑石料", False, True),
        ("金矿", False, False),
        ("不存在的矿", False, False),
        (None, False, False),
    ],
)
def test_which_minerals_count(mineral: str | None, iron: bool, stone: bool) -> None:
    assert counts_toward(IRON, mineral, STANDARDS) is iron
    assert counts_toward(STONE, mineral, STANDARDS) is stone


def test_a_mines_annual_report_stands_for_its_year_else_its_quarters() -> None:
    reports = [
        filed("a-annual", "A"),
        filed("a-q1", "A", period="Q1"),
        filed("b-q2", "B", period="Q2"),
        filed("b-q1", "B", period="Q1"),
        filed("c-2023", "C", year=2023),
    ]
    chosen = reports_of_year(reports, 2024)
    assert [r.report_id for r in chosen] == ["a-annual", "b-q1", "b-q2"]


def test_iron_counts_concentrate_of_grade_62_and_above() -> None:
    reports = [
        filed("a", "A", concentrate="3", grade="65"),
        filed("b", "B", concentrate="2", grade="62"),  # at the floor: counts
        filed("c", "C", concentrate="4", grade="61.99"),  # below: does not
        filed("d", "D", concentrate="1", grade=None),  # grade unknown: does not
        filed("e", "E", mineral="建筑石料", concentrate="9"),  # another mineral
    ]
    figure = current_output(IRON, 2024, reports, STANDARDS)
    assert figure.amount_10kt == Decimal(5)
    assert (figure.year, figure.reports, figure.mines, figure.annual_reports) == (2024, 4, 4, 4)


def test_building_stone_counts_ore_mined_with_quarters_of_mines_without_an_annual() -> None:
    reports = [
        filed("a", "A", mineral="建筑石料", ore="120", concentrate=None),
        filed("b1", "B", mineral="建筑石料", period="Q1", ore="10", concentrate=None),
        filed("b2", "B", mineral="建筑石料", period="Q2", ore="15.5", concentrate=None),
        filed("i", "I", mineral="铁矿", ore="50"),
    ]
    figure = current_output(STONE, 2024, reports, STANDARDS)
    assert figure.amount_10kt == Decimal("145.5")
    assert (figure.reports, figure.mines, figure.annual_reports) == (3, 2, 1)


def test_a_report_without_a_known_mineral_counts_nowhere() -> None:
    figure = current_output(IRON, 2024, [filed("x", mineral=None)], STANDARDS)
    assert figure.amount_10kt == 0
    assert figure.reports == 0
