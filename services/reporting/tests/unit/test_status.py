"""The status rules (达标判定) at and around each threshold."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lode_reporting.domain.status import Rules, Target, assess, path_value

D = Decimal
RULES = Rules(tolerance_pct=D(10), margin_pct=D(10))
SHEETS = Target("at_least", D(7), baseline=D(0))  # 1:5万 sheets, cumulative from 0
MINES = Target("at_most", D(50), baseline=D(63))  # 矿山总数控制在50家
IRON = Target("around", D(200))  # 200万吨左右, no baseline
RATIO = Target("around", D(35), baseline=D("12.7"))
FEWER = Target("below", D(63))
THREE_RATES = Target("floor", D(100))


def status(target: Target, year: int, actual: str | None) -> str:
    return assess(target, year, None if actual is None else D(actual), RULES).status


def test_no_event_is_no_data() -> None:
    assert status(SHEETS, 2022, None) == "no_data"


def test_the_path_is_linear_from_the_baseline() -> None:
    assert path_value(SHEETS, 2020) == 0
    assert path_value(SHEETS, 2022) == D("2.8")
    assert path_value(MINES, 2023) == D("55.2")
    assert path_value(SHEETS, 2025) == 7
    assert path_value(IRON, 2022) is None


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("7", "met"),
        ("2.8", "on_track"),  # on the path of 2022
        ("2.52", "at_risk"),  # 10 % below the path: still at risk
        ("2.51", "not_met"),
    ],
)
def test_at_least_in_2022(actual: str, expected: str) -> None:
    assert status(SHEETS, 2022, actual) == expected


def test_at_least_in_the_target_year_is_met_or_not_met() -> None:
    assert status(SHEETS, 2025, "7") == "met"
    assert status(SHEETS, 2025, "6.99") == "not_met"


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("220", "met"),  # +10 %: the edge of the band
        ("180", "met"),
        ("220.01", "at_risk"),
        ("160", "at_risk"),  # −20 %: tolerance + margin
        ("159.99", "not_met"),
    ],
)
def test_around_without_baseline(actual: str, expected: str) -> None:
    assert status(IRON, 2023, actual) == expected


def test_around_in_the_target_year_has_no_at_risk() -> None:
    assert status(IRON, 2025, "180") == "met"
    assert status(IRON, 2025, "179.99") == "not_met"


def test_around_with_a_baseline_follows_its_path() -> None:
    path = path_value(RATIO, 2022)
    assert path == D("21.62")
    assert status(RATIO, 2022, "21.62") == "on_track"
    assert status(RATIO, 2022, "19.458") == "on_track"  # −10 % of the path
    assert status(RATIO, 2022, "17.3") == "at_risk"  # −20 % of the path
    assert status(RATIO, 2022, "13") == "not_met"
    assert status(RATIO, 2022, "31.5") == "met"  # already within the band of 35


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("50", "met"),
        ("55.2", "on_track"),  # the path of 2023
        ("60.72", "at_risk"),  # path + 10 %
        ("60.73", "not_met"),
    ],
)
def test_ceiling_in_2023(actual: str, expected: str) -> None:
    assert status(MINES, 2023, actual) == expected


def test_ceiling_in_the_target_year() -> None:
    assert status(MINES, 2025, "50") == "met"
    assert status(MINES, 2025, "51") == "not_met"


def test_below_is_strict() -> None:
    assert status(FEWER, 2022, "62") == "met"
    assert status(FEWER, 2022, "63") == "at_risk"
    assert status(FEWER, 2025, "63") == "not_met"


def test_floor_is_required_every_year() -> None:
    assert status(THREE_RATES, 2021, "100") == "met"
    assert status(THREE_RATES, 2021, "99.99") == "not_met"


def test_tolerance_is_configurable() -> None:
    wide = Rules(tolerance_pct=D("12.5"), margin_pct=D(10))
    assert assess(Target("around", D(400)), 2025, D(450), wide).status == "met"  # 400±50
    assert assess(Target("around", D(400)), 2025, D(450), RULES).status == "not_met"


quantities = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False)
years = st.integers(min_value=2021, max_value=2030)


@given(actual=quantities, year=years)
def test_reaching_an_at_least_target_is_always_met(actual: Decimal, year: int) -> None:
    assert assess(SHEETS, year, actual + 7, RULES).status == "met"


@given(actual=quantities, year=years)
def test_after_the_target_year_only_met_or_not_met(actual: Decimal, year: int) -> None:
    for target in (SHEETS, MINES, IRON, RATIO, FEWER, THREE_RATES):
        got = assess(target, max(year, 2025), actual, RULES).status
        assert got in ("met", "not_met")


@given(low=quantities, high=quantities, year=st.integers(min_value=2021, max_value=2024))
def test_more_is_never_worse_for_at_least(low: Decimal, high: Decimal, year: int) -> None:
    order = ["not_met", "at_risk", "on_track", "met"]
    lo, hi = sorted((low, high))
    assert order.index(assess(SHEETS, year, lo, RULES).status) <= order.index(
        assess(SHEETS, year, hi, RULES).status
    )
