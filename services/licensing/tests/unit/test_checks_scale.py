"""Minimum scales, zone scale and service years, at and around every threshold."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from .builders import checks_by_id, context, entry_rule, gold_body, mining_body, rules_from, zone


@pytest.mark.parametrize(
    ("capacity", "outcome"),
    [
        (Decimal("9.99"), "fail"),
        (Decimal("10"), "pass"),
        (Decimal("10.01"), "pass"),
        (Decimal("8"), "fail"),
        (Decimal("30"), "pass"),
    ],
)
def test_underground_iron_minimum(capacity: str, outcome: str) -> None:
    body = mining_body(capacity={"value": capacity, "unit": "万吨/年"})
    result = checks_by_id(body)["min_scale_underground_iron"]
    assert result.outcome == outcome
    assert result.clause == "第四章第三节"
    assert result.details["minimum"] == 10


@pytest.mark.parametrize(
    ("capacity", "outcome"), [(Decimal("10"), "fail"), (Decimal("10.01"), "pass")]
)
def test_a_strict_reading_bars_the_minimum_itself(
    document: dict[str, Any], capacity: str, outcome: str
) -> None:
    entry_rule(document, "min_scale_underground_iron")["check"]["capacity_ore_10kt_per_year"][
        "inclusive"
    ] = False
    body = mining_body(capacity={"value": capacity, "unit": "万吨/年"})
    rules = rules_from(document)
    assert checks_by_id(body, rules=rules)["min_scale_underground_iron"].outcome == outcome


def test_a_changed_minimum_changes_the_outcome(document: dict[str, Any]) -> None:
    entry_rule(document, "min_scale_underground_iron")["check"]["capacity_ore_10kt_per_year"][
        "min"
    ] = 12
    body = mining_body(capacity={"value": 10, "unit": "万吨/年"})
    rules = rules_from(document)
    assert checks_by_id(body, rules=rules)["min_scale_underground_iron"].outcome == "fail"
    assert checks_by_id(body)["min_scale_underground_iron"].outcome == "pass"


@pytest.mark.parametrize(
    ("method", "t_per_day", "rule_id", "outcome"),
    [
        ("open_pit", 299, "min_scale_rock_gold_open_pit", "fail"),
        ("open_pit", 300, "min_scale_rock_gold_open_pit", "pass"),
        ("open_pit", 301, "min_scale_rock_gold_open_pit", "pass"),
        ("open_pit", Decimal("299.99"), "min_scale_rock_gold_open_pit", "fail"),
        ("underground", 99, "min_scale_rock_gold_underground", "fail"),
        ("underground", 100, "min_scale_rock_gold_underground", "pass"),
        ("underground", 101, "min_scale_rock_gold_underground", "pass"),
    ],
)
def test_rock_gold_minimums(method: str, t_per_day: Any, rule_id: str, outcome: str) -> None:
    results = checks_by_id(gold_body(method=method, t_per_day=t_per_day))
    assert results[rule_id].outcome == outcome
    assert results[rule_id].details["unit"] == "t/d"


def test_only_the_rule_of_the_method_applies() -> None:
    open_pit = checks_by_id(gold_body(method="open_pit", t_per_day=150))
    assert "min_scale_rock_gold_underground" not in open_pit
    iron_open_pit = checks_by_id(mining_body(mining_method="open_pit"))
    assert "min_scale_underground_iron" not in iron_open_pit
    copper = checks_by_id(mining_body(mineral="铜矿", development_plan=None))
    assert not any(rule_id.startswith("min_scale") for rule_id in copper)


def test_ultra_low_grade_magnetite_meets_the_iron_minimum() -> None:
    body = mining_body(mineral="超贫磁铁矿", capacity={"value": Decimal("9.99"), "unit": "万吨/年"})
    assert checks_by_id(body)["min_scale_underground_iron"].outcome == "fail"


def test_min_scale_is_only_for_new_mines() -> None:
    body = mining_body(kind="renewal", licence_no="C1308812021017120000001")
    body["capacity"]["value"] = 5
    assert "min_scale_underground_iron" not in checks_by_id(body)


# --- zone scale: key mining areas and sand-gravel areas ---------------------------------------


@pytest.mark.parametrize(
    ("zone_type", "rule_id"),
    [
        ("key_mining_area", "key_mining_area_large_scale"),
        ("sand_gravel_area", "sand_gravel_area_large_scale"),
    ],
)
@pytest.mark.parametrize(
    ("capacity", "green", "outcome", "green_outcome"),
    [
        (Decimal("10"), True, "pass", "pass"),
        (Decimal("9.99"), True, "fail", "pass"),
        (Decimal("10"), False, "pass", "fail"),
        (Decimal("5"), False, "fail", "fail"),
    ],
)
def test_zone_needs_large_scale_and_the_plan_wide_rule_the_green_plan(
    zone_type: str, rule_id: str, capacity: str, green: bool, outcome: str, green_outcome: str
) -> None:
    """第四章第四节 asks every new mine for a green-mine plan: the plan-wide rule reports a
    missing one, once; the zone rule checks the scale."""
    body = mining_body(
        mineral="建筑石料",
        mining_method="open_pit",
        capacity={"value": capacity, "unit": "万立方米/年"},
        green_mine_plan=green,
    )
    ctx = context(zone(zone_type), zone("mining_block"))
    results = checks_by_id(body, ctx)
    result = results[rule_id]
    assert result.outcome == outcome
    assert result.details["scale_confidence"] == "found"
    assert result.details["green_mine_plan_checked_by"] == "green_mine_plan_required"
    assert "no green-mine plan" not in result.message_en
    assert results["green_mine_plan_required"].outcome == green_outcome


@pytest.mark.parametrize(
    ("capacity", "green", "outcome"),
    [
        (Decimal("10"), True, "pass"),
        (Decimal("9.99"), True, "fail"),
        (Decimal("10"), False, "fail"),
        (Decimal("5"), False, "fail"),
    ],
)
def test_without_the_plan_wide_rule_the_zone_rule_checks_the_green_plan(
    document: dict[str, Any], capacity: str, green: bool, outcome: str
) -> None:
    document["entry_rules"] = [
        r for r in document["entry_rules"] if r["id"] != "green_mine_plan_required"
    ]
    body = mining_body(
        mineral="建筑石料",
        mining_method="open_pit",
        capacity={"value": capacity, "unit": "万立方米/年"},
        green_mine_plan=green,
    )
    ctx = context(zone("key_mining_area"), zone("mining_block"))
    result = checks_by_id(body, ctx, rules_from(document))["key_mining_area_large_scale"]
    assert result.outcome == outcome
    assert result.details["green_mine_plan_checked_by"] is None
    if not green:
        assert "green-mine plan" in result.message_en


def test_zone_rule_only_when_the_area_touches_the_zone() -> None:
    results = checks_by_id(mining_body(), context(zone("mining_block")))
    assert "key_mining_area_large_scale" not in results
    assert "sand_gravel_area_large_scale" not in results
    boundary = context(zone("mining_block"), zone("key_mining_area", overlap_ha=0))
    assert "key_mining_area_large_scale" not in checks_by_id(mining_body(), boundary)


def test_zone_rule_without_a_scale_row_goes_to_review() -> None:
    body = mining_body(
        mineral="砂石土",
        mining_method="open_pit",
        capacity={"value": 30, "unit": "万立方米/年"},
        development_plan=None,
    )
    result = checks_by_id(body, context(zone("sand_gravel_area"), zone("mining_block")))[
        "sand_gravel_area_large_scale"
    ]
    assert result.outcome == "review"
    assert "no scale class for 砂石土" in result.message_en


def test_unverified_scale_figures_are_said() -> None:
    body = mining_body(capacity={"value": 100, "unit": "万吨/年"})
    result = checks_by_id(body, context(zone("key_mining_area"), zone("mining_block")))[
        "key_mining_area_large_scale"
    ]
    assert result.outcome == "pass"
    assert "unverified" in result.message_en


# --- service years ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reserves", "outcome"),
    [
        (Decimal("600"), "pass"),
        (Decimal("599.99"), "review"),
        (Decimal("600.01"), "pass"),
        (Decimal("100"), "review"),
    ],
)
def test_service_years_at_the_threshold(reserves: str, outcome: str) -> None:
    # 30 万吨/年 underground iron is medium: 20 years; 600 万吨 / 30 = 20.
    body = mining_body(reserves_10kt=reserves)
    result = checks_by_id(body)["scale_matches_reserves"]
    assert result.outcome == outcome
    assert result.details["min_service_years"] == 20


def test_missing_reserves_are_said_not_guessed() -> None:
    body = mining_body()
    del body["reserves_10kt"]
    result = checks_by_id(body)["scale_matches_reserves"]
    assert result.outcome == "review"
    assert "reserves_10kt" in result.message_zh


def test_gold_service_years_use_converted_capacity() -> None:
    # 300 t/d = 9.9 万吨/年 → medium (≥ 6) → 20 years → 198 万吨 needed.
    assert (
        checks_by_id(gold_body(t_per_day=300, reserves_10kt=198))["scale_matches_reserves"].outcome
        == "pass"
    )
    assert (
        checks_by_id(gold_body(t_per_day=300, reserves_10kt=197))["scale_matches_reserves"].outcome
        == "review"
    )


def test_building_stone_service_years_use_density() -> None:
    # 10 万立方米/年 × 2.7 = 27 万吨/年, large (≥ 10 万立方米) → 30 years → 810 万吨.
    body = mining_body(
        mineral="建筑石料", mining_method="open_pit", capacity={"value": 10, "unit": "万立方米/年"}
    )
    assert checks_by_id({**body, "reserves_10kt": 810})["scale_matches_reserves"].outcome == "pass"
    assert (
        checks_by_id({**body, "reserves_10kt": 809})["scale_matches_reserves"].outcome == "review"
    )


def test_changed_service_years_change_the_outcome(document: dict[str, Any]) -> None:
    document["standards"]["min_service_years_by_scale"]["medium"] = 15
    rules = rules_from(document)
    body = mining_body(reserves_10kt=450)
    assert checks_by_id(body, rules=rules)["scale_matches_reserves"].outcome == "pass"
    assert checks_by_id(body)["scale_matches_reserves"].outcome == "review"
