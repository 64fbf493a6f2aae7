"""The minimum mining scale table (最低开采规模标准, 第四章第四节) for every new mine, at and
around each row's minimum, across units, with the row's confidence said."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from lode_licensing.domain.checks.minimum_scale import check_minimum_scale_table
from lode_licensing.domain.rulebook import NationalMinScaleRule, PlanRules

from .builders import (
    MINING_LICENCE,
    application,
    checks_by_id,
    mining_body,
    plan_document,
    rules_from,
)

RULE = "minimum_scale_table"


def mine(mineral: str, value: Any, unit: str = "万吨/年", **extra: Any) -> dict[str, Any]:
    """A new mine of ``mineral``; no development plan (the three rates are not the point)."""
    body = mining_body(
        mineral=mineral,
        mining_method=extra.pop("mining_method", "underground"),
        capacity={"value": value, "unit": unit},
        development_plan=None,
    )
    body.update(extra)
    return body


def table_row(document: dict[str, Any], mineral_zh: str, method: str = "any") -> dict[str, Any]:
    row: dict[str, Any] = next(
        r
        for r in document["standards"]["minimum_scales"]["items"]
        if r["mineral_zh"] == mineral_zh and r["method"] == method
    )
    return row


def without_rule(document: dict[str, Any], rule_id: str) -> dict[str, Any]:
    document["entry_rules"] = [r for r in document["entry_rules"] if r["id"] != rule_id]
    return document


@pytest.mark.parametrize(
    ("mineral", "value", "outcome"),
    [
        ("铜矿", Decimal("2.99"), "fail"),
        ("铜矿", Decimal("3"), "pass"),
        ("铜矿", Decimal("3.01"), "pass"),
        ("钼矿", Decimal("4.99"), "fail"),
        ("钼矿", Decimal("5"), "pass"),
        ("萤石", Decimal("2.99"), "fail"),
        ("萤石", Decimal("3"), "pass"),
        ("水泥用灰岩", Decimal("49.99"), "fail"),
        ("水泥用灰岩", Decimal("50"), "pass"),
        ("水泥用灰岩", Decimal("50.01"), "pass"),
    ],
)
def test_a_new_mine_reaches_the_table_minimum(mineral: str, value: Any, outcome: str) -> None:
    result = checks_by_id(mine(mineral, value))[RULE]
    assert result.outcome == outcome
    assert result.clause == "第四章第四节"
    assert result.details["inclusive"] is True
    assert result.details["row"]["mineral_zh"] == mineral
    if outcome == "fail":
        assert "未达到" in result.message_zh
        assert "生产规模应达到规划确定的开采矿种的最低开采规模标准" in result.message_zh


def test_an_unverified_figure_is_said_with_its_source() -> None:
    result = checks_by_id(mine("铜矿", 3))[RULE]
    source = "河北省主要矿种最低开采规模（二手资料）"
    assert result.details["confidence"] == "unverified"
    assert result.details["source"] == source
    assert f"（最低开采规模数值未核实：来源 {source}）" in result.message_zh
    assert f"(minimum scale figure unverified: source {source})" in result.message_en


def test_a_verified_figure_says_nothing_of_it(document: dict[str, Any]) -> None:
    # Without the plan's own rule, the table's verified underground-iron row checks it.
    rules = rules_from(without_rule(document, "min_scale_underground_iron"))
    at = checks_by_id(mine("铁矿", 10), rules=rules)[RULE]
    below = checks_by_id(mine("铁矿", Decimal("9.99")), rules=rules)[RULE]
    assert (at.outcome, below.outcome) == ("pass", "fail")
    assert at.details["confidence"] == "verified"
    assert "未核实" not in at.message_zh
    assert "unverified" not in at.message_en


def test_the_method_row_comes_before_the_any_row() -> None:
    # 铁矿 open pit: its own row (30 万吨/年), not the plan's underground minimum.
    results = checks_by_id(mine("铁矿", Decimal("29.99"), mining_method="open_pit"))
    assert "min_scale_underground_iron" not in results
    assert results[RULE].outcome == "fail"
    assert results[RULE].details["row"] == {"mineral_zh": "铁矿", "method": "open_pit"}
    at = checks_by_id(mine("铁矿", 30, mining_method="open_pit"))[RULE]
    assert at.outcome == "pass"


def test_a_mineral_treated_as_another_takes_its_row() -> None:
    body = mine("超贫磁铁矿", Decimal("29.99"), mining_method="open_pit", demonstration_report=True)
    result = checks_by_id(body)[RULE]
    assert result.outcome == "fail"
    assert result.details["row"] == {"mineral_zh": "铁矿", "method": "open_pit"}
    assert "超贫磁铁矿（按铁矿）" in result.message_zh


@pytest.mark.parametrize(
    ("body", "covering"),
    [
        (mine("铁矿", 8), "min_scale_underground_iron"),
        (mine("超贫磁铁矿", 8, demonstration_report=True), "min_scale_underground_iron"),
    ],
)
def test_a_plan_minimum_of_the_same_mineral_and_method_is_not_checked_twice(
    body: dict[str, Any], covering: str
) -> None:
    results = checks_by_id(body)
    assert results[covering].outcome == "fail"
    assert RULE not in results


@pytest.mark.parametrize(
    ("method", "t_per_day", "rule_id"),
    [
        ("open_pit", 299, "min_scale_rock_gold_open_pit"),
        ("underground", 99, "min_scale_rock_gold_underground"),
    ],
)
def test_rock_gold_is_the_plan_rules_business(method: str, t_per_day: int, rule_id: str) -> None:
    body = mining_body(
        mineral="金矿", mining_method=method, capacity={"value": t_per_day, "unit": "t/d"}
    )
    results = checks_by_id(body)
    assert results[rule_id].outcome == "fail"
    assert RULE not in results


@pytest.mark.parametrize(("t_per_day", "outcome"), [(299, "fail"), (300, "pass"), (301, "pass")])
def test_a_row_in_tonnes_a_day_compares_tonnes_a_day(
    document: dict[str, Any], t_per_day: int, outcome: str
) -> None:
    rules = rules_from(without_rule(document, "min_scale_rock_gold_open_pit"))
    body = mining_body(
        mineral="金矿", mining_method="open_pit", capacity={"value": t_per_day, "unit": "t/d"}
    )
    result = checks_by_id(body, rules=rules)[RULE]
    assert result.outcome == outcome
    assert result.details["unit"] == "吨/日"
    assert result.details["confidence"] == "verified"


@pytest.mark.parametrize(
    ("value", "outcome"),
    # 100 t/d × 330 working days = 3.3 万吨/年
    [(Decimal("3.29"), "fail"), (Decimal("3.3"), "pass"), (Decimal("3.31"), "pass")],
)
def test_tonnes_a_year_convert_to_a_daily_row_with_the_working_days(
    document: dict[str, Any], value: Decimal, outcome: str
) -> None:
    table_row(document, "铜矿").update(unit_zh="吨/日", minimum=100)
    result = checks_by_id(mine("铜矿", value), rules=rules_from(document))[RULE]
    assert result.outcome == outcome
    assert result.details["compared_value"] == value * 10000 / 330


@pytest.mark.parametrize(
    ("volume", "outcome"), [(Decimal("9.99"), "fail"), (Decimal("10"), "pass")]
)
def test_cubic_metres_compare_with_a_cubic_metre_row(volume: Decimal, outcome: str) -> None:
    for mineral in ("建筑石料", "砂石土"):
        body = mine(mineral, volume, "万立方米/年", mining_method="open_pit")
        result = checks_by_id(body)[RULE]
        assert result.outcome == outcome, mineral
        assert result.details["unit"] == "万立方米/年"


@pytest.mark.parametrize(
    # 10 万立方米/年 × 2.7 t/m³ (the catalogue density of 建筑石料) = 27 万吨/年
    ("volume", "outcome"),
    [(Decimal("9.99"), "fail"), (Decimal("10"), "pass")],
)
def test_cubic_metres_convert_to_a_tonne_row_at_the_catalogue_density(
    document: dict[str, Any], volume: Decimal, outcome: str
) -> None:
    table_row(document, "建筑石料").update(unit_zh="万吨/年", minimum=27)
    body = mine("建筑石料", volume, "万立方米/年", mining_method="open_pit")
    result = checks_by_id(body, rules=rules_from(document))[RULE]
    assert result.outcome == outcome
    assert result.details["compared_value"] == volume * Decimal("2.7")


def test_a_capacity_with_no_conversion_to_the_row_goes_to_review() -> None:
    # 铜矿 with its row in 万立方米/年: copper has no density in the catalogue.
    document = plan_document()
    table_row(document, "铜矿")["unit_zh"] = "万立方米/年"
    rules = rules_from(document)
    result = checks_by_id(mine("铜矿", 50), rules=rules)[RULE]
    assert result.outcome == "review"
    assert "无法换算为万立方米/年" in result.message_zh
    assert result.details["compared_value"] is None
    assert "未核实" in result.message_zh


def test_no_capacity_goes_to_review(rules: PlanRules) -> None:
    app = dataclasses.replace(application(mine("铜矿", 3)), capacity=None)
    (rule,) = rules.rules_of(NationalMinScaleRule)
    result = check_minimum_scale_table(app, rule, rules)
    assert result.outcome == "review"
    assert "生产规模（无）" in result.message_zh


def test_a_mineral_without_a_row_passes_saying_so() -> None:
    result = checks_by_id(mine("砖瓦用粘土", 1, mining_method="open_pit"))[RULE]
    assert result.outcome == "pass"
    assert "最低开采规模标准未列砖瓦用粘土" in result.message_zh
    assert result.details["row"] is None
    assert "not compared" in result.message_en


def test_a_mineral_the_standards_name_as_without_a_row_is_said_so() -> None:
    result = checks_by_id(mine("矿泉水", 1))[RULE]
    assert result.outcome == "pass"
    assert "标准注明无此表的矿种：山区地热、矿泉水" in result.message_zh
    assert result.details["not_found"] == ["山区地热", "矿泉水"]


def test_only_new_mines_are_checked() -> None:
    renewal = mine("铜矿", 1, kind="renewal", licence_no=MINING_LICENCE)
    del renewal["restoration_plan"]
    assert RULE not in checks_by_id(renewal)


def test_a_changed_table_changes_the_outcome(document: dict[str, Any]) -> None:
    table_row(document, "铜矿")["minimum"] = 5
    rules = rules_from(document)
    assert checks_by_id(mine("铜矿", 3), rules=rules)[RULE].outcome == "fail"
    assert checks_by_id(mine("铜矿", 3))[RULE].outcome == "pass"
