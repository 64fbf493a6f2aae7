"""Minerals by name, alias or code; capacity units per mineral; conversions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from lode_licensing.domain.catalogue import is_among, standard_zh
from lode_licensing.domain.errors import InvalidInput
from lode_licensing.domain.minerals import (
    Capacity,
    accepted_units,
    annual_unit,
    convert_capacity,
    daily_unit_required,
    normalise_unit,
    resolve_mineral,
)
from lode_licensing.domain.rulebook import PlanRules

from .builders import catalogue_entry, rules_from


@pytest.mark.parametrize(
    ("name", "zh"),
    [
        ("铁矿", "铁矿"),
        ("iron", "铁矿"),
        ("IRON", "铁矿"),
        ("岩金", "金矿"),
        ("rock_gold", "金矿"),
        ("placer_gold", "砂金"),
        ("砂金", "砂金"),
        ("建筑用灰岩", "建筑石料"),
        ("建筑石料矿产", "建筑石料"),
        ("building_stone", "建筑石料"),
        (" 超贫磁铁矿 ", "超贫磁铁矿"),
    ],
)
def test_resolve_by_name_alias_or_code(rules: PlanRules, name: str, zh: str) -> None:
    assert resolve_mineral(name, rules.standards).zh == zh


def test_ultra_low_grade_magnetite_is_treated_as_iron(rules: PlanRules) -> None:
    entry = resolve_mineral("超贫磁铁矿", rules.standards)
    assert standard_zh(rules.standards, entry) == "铁矿"
    assert is_among(rules.standards, entry, ["铁矿"])


@pytest.mark.parametrize(
    ("name", "suggested"),
    [("铁", "铁矿"), ("gold", "rock_gold"), ("金", "砂金"), ("灰岩", "水泥用灰岩")],
)
def test_unknown_mineral_lists_close_names(rules: PlanRules, name: str, suggested: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        resolve_mineral(name, rules.standards)
    (error,) = caught.value.errors
    assert error.field == "mineral"
    assert f"unknown mineral {name!r}" in error.message
    assert suggested in error.message


@pytest.mark.parametrize("name", [None, "", "  ", 7])
def test_missing_mineral_is_a_field_error(rules: PlanRules, name: Any) -> None:
    with pytest.raises(InvalidInput, match="mineral: a mineral name or catalogue code"):
        resolve_mineral(name, rules.standards)


@pytest.mark.parametrize(
    ("name", "units"),
    [
        ("铁矿", ("万吨/年",)),
        ("超贫磁铁矿", ("万吨/年",)),
        ("金矿", ("万吨/年", "t/d")),
        ("建筑石料", ("万立方米/年",)),
        ("砂金", ("万立方米/年",)),
        ("铜矿", ("万吨/年",)),
        ("矿泉水", ("万吨/年",)),
    ],
)
def test_units_per_mineral(rules: PlanRules, name: str, units: tuple[str, ...]) -> None:
    assert accepted_units(catalogue_entry(name, rules), rules) == units


def test_catalogue_unit_decides(document: dict[str, Any]) -> None:
    document["standards"]["mineral_catalogue"][11]["capacity_unit_zh"] = "万立方米/年"  # 萤石
    rules = rules_from(document)
    assert annual_unit(catalogue_entry("萤石", rules), rules) == "万立方米/年"


def test_t_per_day_is_required_only_for_new_rock_gold_mines(rules: PlanRules) -> None:
    gold = catalogue_entry("金矿", rules)
    assert daily_unit_required(gold, "mining", "new", rules)
    assert not daily_unit_required(gold, "mining", "renewal", rules)
    assert not daily_unit_required(gold, "exploration", "new", rules)
    assert not daily_unit_required(catalogue_entry("铁矿", rules), "mining", "new", rules)


@pytest.mark.parametrize(
    ("spelling", "unit"),
    [
        ("万吨/年", "万吨/年"),
        ("吨/日", "t/d"),
        (" t/d ", "t/d"),
        ("万m³/年", "万立方米/年"),
        ("kg", None),
    ],
)
def test_unit_spellings(spelling: str, unit: str | None) -> None:
    assert normalise_unit(spelling) == unit


@pytest.mark.parametrize(
    ("mineral", "value", "unit", "to", "expected"),
    [
        ("金矿", "300", "t/d", "万吨/年", Decimal("9.9")),  # 300 × 330 / 10000
        ("金矿", "100", "t/d", "万吨/年", Decimal("3.3")),
        ("金矿", "9.9", "万吨/年", "t/d", Decimal("300")),
        ("建筑石料", "10", "万立方米/年", "万吨/年", Decimal("27.0")),  # density 2.7
        ("建筑石料", "27", "万吨/年", "万立方米/年", Decimal("10")),
        ("铁矿", "10", "万吨/年", "万吨/年", Decimal("10")),
        ("铁矿", "10", "万立方米/年", "万吨/年", None),  # no density for iron
    ],
)
def test_conversions(
    rules: PlanRules, mineral: str, value: str, unit: str, to: str, expected: Decimal | None
) -> None:
    converted = convert_capacity(
        Capacity(Decimal(value), unit), to, catalogue_entry(mineral, rules), rules
    )
    assert converted == expected


def test_working_days_come_from_the_standards(document: dict[str, Any]) -> None:
    document["standards"]["scale_classes"]["working_days_per_year"] = 300
    rules = rules_from(document)
    gold = catalogue_entry("金矿", rules)
    assert convert_capacity(Capacity(Decimal(300), "t/d"), "万吨/年", gold, rules) == Decimal(9)
