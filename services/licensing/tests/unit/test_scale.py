"""Scale classification by the national table: rows, boundaries, conversions, no row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from lode_licensing.domain.minerals import Capacity
from lode_licensing.domain.rulebook import PlanRules
from lode_licensing.domain.scale import classify_scale

from .builders import catalogue_entry, rules_from


def classify(rules: PlanRules, mineral: str, value: str, unit: str, method: str | None) -> Any:
    return classify_scale(
        Capacity(Decimal(value), unit), catalogue_entry(mineral, rules), method, rules
    )


@pytest.mark.parametrize(
    ("mineral", "value", "unit", "method", "scale"),
    [
        ("铁矿", "29.99", "万吨/年", "underground", "small"),
        ("铁矿", "30", "万吨/年", "underground", "medium"),
        ("铁矿", "99.99", "万吨/年", "underground", "medium"),
        ("铁矿", "100", "万吨/年", "underground", "large"),
        ("铁矿", "100", "万吨/年", "open_pit", "medium"),  # open pit: large from 200
        ("铁矿", "200", "万吨/年", "open_pit", "large"),
        ("超贫磁铁矿", "100", "万吨/年", "underground", "large"),  # 铁矿's rows
        ("金矿", "181", "t/d", "underground", "small"),  # 5.973 万吨/年 < 6
        ("金矿", "182", "t/d", "underground", "medium"),  # 6.006
        ("金矿", "455", "t/d", "open_pit", "large"),  # 15.015 ≥ 15
        ("金矿", "15", "万吨/年", "open_pit", "large"),
        ("建筑石料", "4.99", "万立方米/年", "open_pit", "small"),
        ("建筑石料", "5", "万立方米/年", "open_pit", "medium"),
        ("建筑石料", "10", "万立方米/年", "open_pit", "large"),
    ],
)
def test_classification(
    rules: PlanRules, mineral: str, value: str, unit: str, method: str, scale: str
) -> None:
    assert classify(rules, mineral, value, unit, method).scale == scale


def test_the_row_and_its_confidence_are_returned(rules: PlanRules) -> None:
    result = classify(rules, "铁矿", "30", "万吨/年", "underground")
    assert result.row is not None
    assert (result.row.method, result.row.large_min) == ("underground", Decimal(100))
    assert result.confidence == "unverified"
    assert "国土资发〔2004〕208号" in result.citation()


def test_gold_is_converted_with_working_days(rules: PlanRules) -> None:
    result = classify(rules, "金矿", "300", "t/d", "open_pit")
    assert result.capacity_in_row_unit == Decimal("9.9")
    assert result.row is not None
    assert result.row.method == "any"
    assert result.confidence == "found"


def test_method_row_first_then_any(document: dict[str, Any]) -> None:
    document["standards"]["scale_classes"]["items"].append(
        {
            "mineral_zh": "金矿",
            "method": "open_pit",
            "unit_zh": "万吨/年",
            "large_min": 50,
            "medium_min": 20,
            "confidence": "unverified",
        }
    )
    rules = rules_from(document)
    assert classify(rules, "金矿", "15", "万吨/年", "open_pit").scale == "small"
    assert classify(rules, "金矿", "15", "万吨/年", "underground").scale == "large"


def test_no_row_gives_none_with_the_reason(rules: PlanRules) -> None:
    result = classify(rules, "砂石土", "100", "万吨/年", "open_pit")
    assert result.scale is None
    assert result.reason is not None
    assert "no scale class for 砂石土" in result.reason


def test_iron_without_method_has_no_row(rules: PlanRules) -> None:
    result = classify(rules, "铁矿", "100", "万吨/年", None)
    assert result.scale is None
    assert "only for open_pit, underground" in (result.reason or "")


def test_a_changed_table_changes_the_scale(document: dict[str, Any]) -> None:
    document["standards"]["scale_classes"]["items"][2]["medium_min"] = 40  # 铁矿 underground
    rules = rules_from(document)
    assert classify(rules, "铁矿", "30", "万吨/年", "underground").scale == "small"
