"""Development plan and planned three rates against the national minimums (±0.01)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from .builders import checks_by_id, gold_body, mining_body, rules_from

RULE = "development_plan_required"


def iron(method: str = "underground", capacity: Any = 30, **plan: Any) -> dict[str, Any]:
    body = mining_body(mining_method=method, capacity={"value": capacity, "unit": "万吨/年"})
    body["development_plan"].update(plan)
    return body


def test_a_missing_development_plan_fails() -> None:
    result = checks_by_id(mining_body(development_plan=None))[RULE]
    assert result.outcome == "fail"
    assert result.clause == "第四章第四节"
    assert "开发利用方案" in result.message_zh


@pytest.mark.parametrize(
    ("planned", "outcome"),
    [(Decimal("74.99"), "fail"), (Decimal("75"), "pass"), (Decimal("75.01"), "pass")],
)
def test_underground_iron_mining_recovery(planned: str, outcome: str) -> None:
    assert checks_by_id(iron(mining_recovery_pct=planned))[RULE].outcome == outcome


@pytest.mark.parametrize(
    ("ore_type", "planned", "outcome"),
    [
        ("magnetite", Decimal("89.99"), "fail"),
        ("magnetite", Decimal("90"), "pass"),
        ("magnetite", Decimal("90.01"), "pass"),
        ("hematite", Decimal("69.99"), "fail"),
        ("hematite", Decimal("70"), "pass"),
        ("hematite", Decimal("70.01"), "pass"),
        (None, Decimal("89.99"), "fail"),  # the standards' default ore type: magnetite
        (None, Decimal("90"), "pass"),
    ],
)
def test_iron_processing_recovery_by_ore_type(
    ore_type: str | None, planned: str, outcome: str
) -> None:
    result = checks_by_id(iron(ore_type=ore_type, processing_recovery_pct=planned))[RULE]
    assert result.outcome == outcome
    assert result.details["ore_type"] == (ore_type or "magnetite")
    assert result.details["ore_type_defaulted"] is (ore_type is None)


@pytest.mark.parametrize(
    ("capacity", "planned", "outcome"),
    [
        (200, Decimal("94.99"), "fail"),  # large open pit: 95
        (200, Decimal("95"), "pass"),
        (199, Decimal("94.99"), "pass"),  # medium open pit: 90
        (199, Decimal("89.99"), "fail"),
        (59, Decimal("90"), "pass"),  # small open pit: 90
    ],
)
def test_open_pit_iron_minimum_depends_on_scale(capacity: int, planned: str, outcome: str) -> None:
    body = iron(method="open_pit", capacity=capacity, mining_recovery_pct=planned)
    body["reserves_10kt"] = 10000
    assert checks_by_id(body)[RULE].outcome == outcome


def test_a_failure_names_the_standard_and_its_confidence() -> None:
    result = checks_by_id(iron(mining_recovery_pct=70))[RULE]
    assert "国土资源部公告 2013年第21号" in result.message_zh
    assert "confidence found" in result.message_en
    assert "unverified" not in result.message_en
    (rate,) = [r for r in result.details["rates"] if r["rate"] == "mining_recovery"]
    assert rate["source"] == "国土资源部公告 2013年第21号"
    assert rate["outcome"] == "fail"


def test_an_unverified_minimum_is_said_to_be_unverified() -> None:
    body = mining_body(
        mineral="萤石",
        development_plan={
            "mining_recovery_pct": Decimal("74.99"),
            "processing_recovery_pct": 85,
            "comprehensive_utilization_pct": 30,
        },
    )
    result = checks_by_id(body)[RULE]
    assert result.outcome == "fail"
    assert "unverified" in result.message_en
    assert "未核实" in result.message_zh
    assert "萤石行业准入标准" in result.message_zh


def test_gold_minimums_follow_the_method() -> None:
    plan = {
        "mining_recovery_pct": Decimal("89.99"),
        "processing_recovery_pct": 50,
        "comprehensive_utilization_pct": 1,
    }
    assert checks_by_id(gold_body("open_pit", development_plan=plan))[RULE].outcome == "fail"
    assert checks_by_id(gold_body("underground", development_plan=plan))[RULE].outcome == "pass"
    low = {**plan, "mining_recovery_pct": 95, "processing_recovery_pct": Decimal("49.99")}
    assert checks_by_id(gold_body("underground", development_plan=low))[RULE].outcome == "fail"


def test_a_missing_planned_rate_goes_to_review() -> None:
    body = iron()
    del body["development_plan"]["processing_recovery_pct"]
    result = checks_by_id(body)[RULE]
    assert result.outcome == "review"
    assert "processing_recovery not given" in result.message_en


def test_a_mineral_without_minimums_is_not_compared() -> None:
    result = checks_by_id(mining_body(mineral="钼矿"))[RULE]
    assert result.outcome == "pass"
    assert "none were compared" in result.message_en


def test_a_changed_minimum_changes_the_outcome(document: dict[str, Any]) -> None:
    item = document["standards"]["three_rates_minimums"]["items"][2]  # 铁矿 underground 75
    assert item["method"] == "underground"
    item["mining_recovery_min"] = 80
    rules = rules_from(document)
    body = iron(mining_recovery_pct=78)
    assert checks_by_id(body, rules=rules)[RULE].outcome == "fail"
    assert checks_by_id(body)[RULE].outcome == "pass"


def test_three_rates_are_only_for_new_mines() -> None:
    body = mining_body(kind="renewal", licence_no="C1308812021017120000001", development_plan=None)
    assert RULE not in checks_by_id(body)
