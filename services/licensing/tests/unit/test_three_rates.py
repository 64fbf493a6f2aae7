"""Which national three-rate minimum applies."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lode_licensing.domain.rulebook import PlanRules
from lode_licensing.domain.three_rates import select_minimums

from .builders import rules_from


def test_iron_open_pit_depends_on_scale(rules: PlanRules) -> None:
    large = select_minimums(
        "铁矿", method="open_pit", scale="large", ore_type=None, standards=rules.standards
    )
    small = select_minimums(
        "铁矿", method="open_pit", scale="small", ore_type=None, standards=rules.standards
    )
    assert large.for_rate("mining_recovery").minimum_pct == Decimal(95)  # type: ignore[union-attr]
    assert small.for_rate("mining_recovery").minimum_pct == Decimal(90)  # type: ignore[union-attr]


def test_default_ore_type_is_used_and_said(rules: PlanRules) -> None:
    selection = select_minimums(
        "铁矿", method="underground", scale="small", ore_type=None, standards=rules.standards
    )
    assert selection.ore_type == "magnetite"
    assert selection.ore_type_defaulted
    assert selection.for_rate("processing_recovery").minimum_pct == Decimal(90)  # type: ignore[union-attr]


def test_hematite_has_its_own_minimum(rules: PlanRules) -> None:
    selection = select_minimums(
        "铁矿", method="underground", scale="small", ore_type="hematite", standards=rules.standards
    )
    assert not selection.ore_type_defaulted
    assert selection.for_rate("processing_recovery").minimum_pct == Decimal(70)  # type: ignore[union-attr]


def test_unknown_scale_leaves_the_rate_undetermined(rules: PlanRules) -> None:
    selection = select_minimums(
        "铁矿", method="open_pit", scale=None, ore_type=None, standards=rules.standards
    )
    assert selection.for_rate("mining_recovery") is None
    assert ("mining_recovery", "scale") in selection.undetermined


def test_underground_iron_is_not_undetermined_by_open_pit_rows(rules: PlanRules) -> None:
    selection = select_minimums(
        "铁矿", method="underground", scale=None, ore_type=None, standards=rules.standards
    )
    assert selection.for_rate("mining_recovery").minimum_pct == Decimal(75)  # type: ignore[union-attr]
    assert selection.undetermined == ()


def test_a_mineral_without_minimums_gets_none(rules: PlanRules) -> None:
    selection = select_minimums(
        "钼矿", method="underground", scale="small", ore_type=None, standards=rules.standards
    )
    assert selection.chosen == ()
    assert selection.undetermined == ()


def test_sources_are_attached(rules: PlanRules) -> None:
    selection = select_minimums(
        "金矿", method="open_pit", scale="small", ore_type=None, standards=rules.standards
    )
    item = selection.for_rate("mining_recovery")
    assert item is not None
    assert item.source == "国土资源部公告 2012年第29号"
    assert item.item.confidence == "found"


def test_equally_specific_minimums_take_the_strictest(document: dict[str, Any]) -> None:
    document["standards"]["three_rates_minimums"]["items"].append(
        {"mineral_zh": "萤石", "processing_recovery_min": 85, "confidence": "unverified"}
    )
    standards = rules_from(document).standards
    selection = select_minimums(
        "萤石", method="open_pit", scale="small", ore_type=None, standards=standards
    )
    assert selection.for_rate("processing_recovery").minimum_pct == Decimal(85)  # type: ignore[union-attr]
