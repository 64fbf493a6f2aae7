"""over_capacity: ore mined against the licensed capacity (超能力开采)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lode_monitoring.domain.capacity import (
    Capacity,
    capacity_in,
    normalise_unit,
    ore_per_year_10kt,
)
from lode_monitoring.domain.finding import Finding
from lode_monitoring.domain.findings import over_capacity
from lode_monitoring.domain.licence import LicenceView
from lode_monitoring.domain.standards import MonitoringStandards

from .builders import licence, report

IRON = licence()  # 30 万吨/年
STONE = licence(
    mineral="建筑石料",
    mining_method="open_pit",
    capacity=Capacity(Decimal(10), "万立方米/年"),
    scale="large",
)
GOLD = licence(
    mineral="金矿",
    capacity=Capacity(Decimal(100), "t/d"),
    scale="small",
)


def _over(
    standards: MonitoringStandards, lic: LicenceView, ore: str, period: str = "annual"
) -> list[Finding]:
    mineral = standards.catalogue.lookup(lic.mineral)
    return over_capacity(report(ore_mined_10kt=ore, period=period), lic, mineral, standards)


@pytest.mark.parametrize(
    ("lic", "period", "ore", "over"),
    [
        # 万吨/年: 30
        (IRON, "annual", "29.99", False),
        (IRON, "annual", "30", False),
        (IRON, "annual", "30.01", True),
        # a quarter: 7.5
        (IRON, "Q2", "7.49", False),
        (IRON, "Q2", "7.5", False),
        (IRON, "Q2", "7.51", True),
        # 10 万立方米/年 at 2.7 t/m³ = 27 万吨
        (STONE, "annual", "26.99", False),
        (STONE, "annual", "27", False),
        (STONE, "annual", "27.01", True),
        # a quarter: 2.5 万立方米 = 6.75 万吨
        (STONE, "Q4", "6.74", False),
        (STONE, "Q4", "6.75", False),
        (STONE, "Q4", "6.76", True),
        # 100 t/d × 330 d = 33 000 t = 3.3 万吨
        (GOLD, "annual", "3.29", False),
        (GOLD, "annual", "3.3", False),
        (GOLD, "annual", "3.31", True),
        # a quarter: 0.825 万吨
        (GOLD, "Q1", "0.815", False),
        (GOLD, "Q1", "0.825", False),
        (GOLD, "Q1", "0.8251", True),
        (GOLD, "Q1", "0.835", True),
    ],
)
def test_at_capacity_is_fine_above_it_is_not(
    standards: MonitoringStandards, lic: LicenceView, period: str, ore: str, over: bool
) -> None:
    found = _over(standards, lic, ore, period)
    assert [f.code for f in found] == (["over_capacity"] if over else [])


def test_the_finding_is_a_violation_with_the_figures(standards: MonitoringStandards) -> None:
    (finding,) = _over(standards, IRON, "30.01")
    assert finding.severity == "violation"
    assert finding.key == "over_capacity:C1308812021017120000001:2021"
    assert finding.details["allowed_ore_10kt"] == Decimal(30)
    assert finding.details["excess_ore_10kt"] == Decimal("0.01")
    assert "30 万吨/年" in finding.standard_or_clause
    assert "第六章 三" in finding.standard_or_clause
    assert "超能力开采" in finding.message_zh


def test_a_quarter_has_its_own_key_and_says_a_quarter(standards: MonitoringStandards) -> None:
    (finding,) = _over(standards, IRON, "8", "Q3")
    assert finding.key == "over_capacity:C1308812021017120000001:2021:Q3"
    assert finding.details["share_of_year"] == Decimal("0.25")
    assert "a quarter of" in finding.message_en
    assert "四分之一" in finding.message_zh


def test_building_stone_is_shown_in_cubic_metres(standards: MonitoringStandards) -> None:
    (finding,) = _over(standards, STONE, "54")
    assert "20 万立方米" in finding.message_zh  # 54 万吨 / 2.7 t/m³
    assert "2.7 t/m³" in finding.message_en
    assert finding.details["density_t_per_m3"] == Decimal("2.7")


def test_rock_gold_shows_the_working_days(standards: MonitoringStandards) -> None:
    (finding,) = _over(standards, GOLD, "4")
    assert "100 t/d × 330 d" in finding.message_en
    assert finding.details["working_days_per_year"] == 330


def test_the_density_is_the_published_one(standards: MonitoringStandards) -> None:
    stone = standards.catalogue.lookup("建筑石料")
    assert stone is not None
    denser = stone.model_copy(update={"density_t_per_m3": Decimal(3)})
    assert over_capacity(report(ore_mined_10kt="29.5"), STONE, denser, standards) == []
    assert over_capacity(report(ore_mined_10kt="29.5"), STONE, stone, standards) != []


@pytest.mark.parametrize(
    ("lic", "reason"),
    [
        (licence(capacity=None), "no capacity"),
        (licence(capacity=Capacity(Decimal(5), "吨/月")), "吨/月"),
        (  # 铁矿 is licensed in 万吨/年: the catalogue gives it no density
            licence(mineral="铁矿", capacity=Capacity(Decimal(5), "万立方米/年")),
            "no density for 铁矿",
        ),
    ],
)
def test_a_capacity_that_cannot_be_compared_says_why(
    standards: MonitoringStandards, lic: LicenceView, reason: str
) -> None:
    (finding,) = _over(standards, lic, "1000")
    assert finding.code == "capacity_not_comparable"
    assert finding.severity == "info"
    assert reason in finding.message_en


def test_unit_spellings_are_understood() -> None:
    assert normalise_unit("万m³/年") == "万立方米/年"
    assert normalise_unit(" 吨/日 ") == "t/d"
    assert normalise_unit("万 吨/年") == "万吨/年"
    assert normalise_unit("bushels") is None


def test_conversions_are_exact(standards: MonitoringStandards) -> None:
    stone = standards.catalogue.lookup("建筑石料")
    days = standards.scale_classes.working_days_per_year
    assert ore_per_year_10kt(Capacity(Decimal(10), "万立方米/年"), stone, days) == Decimal(27)
    assert ore_per_year_10kt(Capacity(Decimal(100), "t/d"), None, days) == Decimal("3.3")
    assert capacity_in(Capacity(Decimal(27), "万吨/年"), "万立方米/年", stone, days) == 10
    assert capacity_in(Capacity(Decimal(1), "万吨/年"), "万立方米/年", None, days) is None
