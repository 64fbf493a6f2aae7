"""Reading the plan document into rules: the real document, modified ones, broken ones."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import yaml

from lode_licensing.domain.errors import RuleDocumentInvalid
from lode_licensing.domain.plan_rules import load_plan_rules
from lode_licensing.domain.rulebook import (
    BlockHolderRule,
    DevelopmentPlanRule,
    ForbiddenZonesRule,
    MineCountCapRule,
    MinScaleRule,
    OutputControlRule,
    OutsideBlocksRule,
    PlanRules,
    ServiceYearsRule,
    UninterpretedRule,
    ZoneScaleRule,
)

from .builders import PLAN_DIR, entry_rule


def rule_by_id(rules: PlanRules, rule_id: str) -> Any:
    return next(r for r in rules.entry_rules if r.id == rule_id)


@pytest.mark.parametrize(
    ("rule_id", "shape"),
    [
        ("min_scale_underground_iron", MinScaleRule),
        ("min_scale_rock_gold_open_pit", MinScaleRule),
        ("min_scale_rock_gold_underground", MinScaleRule),
        ("key_mining_area_large_scale", ZoneScaleRule),
        ("sand_gravel_area_large_scale", ZoneScaleRule),
        ("one_holder_per_exploration_block", BlockHolderRule),
        ("one_holder_per_mining_block", BlockHolderRule),
        ("outside_blocks_needs_demonstration", OutsideBlocksRule),
        ("ecological_red_line", ForbiddenZonesRule),
        ("development_plan_required", DevelopmentPlanRule),
        ("scale_matches_reserves", ServiceYearsRule),
        ("output_control", OutputControlRule),
        ("mine_count_cap", MineCountCapRule),
    ],
)
def test_every_entry_rule_of_the_plan_is_recognised(
    rules: PlanRules, rule_id: str, shape: type
) -> None:
    assert isinstance(rule_by_id(rules, rule_id), shape)
    assert not rules.rules_of(UninterpretedRule)


def test_figures_come_from_the_document(rules: PlanRules) -> None:
    iron = rule_by_id(rules, "min_scale_underground_iron")
    assert (iron.minimum, iron.unit, iron.inclusive) == (Decimal(10), "万吨/年", True)
    assert iron.clause == "第四章第三节"
    gold = rule_by_id(rules, "min_scale_rock_gold_open_pit")
    assert (gold.minimum, gold.unit) == (Decimal(300), "t/d")
    assert rules.scale_table.working_days_per_year == 330
    assert dict(rules.licence_terms.mining_max_years) == {"large": 30, "medium": 20, "small": 10}
    assert rules.licence_terms.renewal_notice_days == 30
    assert rules.licence_terms.exploration_years == 5
    assert rules.licence_terms.numbering_since == date(2020, 7, 10)
    assert rules.min_service_years["medium"] == Decimal(20)
    assert rule_by_id(rules, "mine_count_cap").cap == 50
    controls = {c.indicator_id: c for c in rule_by_id(rules, "output_control").controls}
    assert controls["iron_concentrate_output"].target == Decimal(200)
    assert controls["building_stone_output"].target == Decimal(400)
    assert rules.known_methods == {"underground", "open_pit"}


def test_policy_names_are_read_against_the_catalogue(rules: PlanRules) -> None:
    # 专栏4 says 建筑石料矿产: an alias of the catalogue's 建筑石料.
    assert "建筑石料" in rules.mining_policy.priority_zh
    assert rules.mining_policy.restricted_zh == ("超贫磁铁矿",)
    assert rules.exploration_policy.prohibited_zh == ("砖瓦用粘土", "砂金", "泥炭")
    assert rules.mining_policy.clause == "第三章第一节 专栏4"


def test_block_types_come_from_the_one_holder_rules(rules: PlanRules) -> None:
    assert rules.block_zone_type("mining") == "mining_block"
    assert rules.block_zone_type("exploration") == "exploration_block"


def test_yaml_native_values_read_as_well(document: dict[str, Any]) -> None:
    # Straight from PyYAML (dates as date objects, floats as floats), not through JSON.
    plan = yaml.safe_load((PLAN_DIR / "pingquan-2021-2025.yaml").read_text(encoding="utf-8"))
    plan["standards"] = yaml.safe_load(
        (PLAN_DIR / "national-standards.yaml").read_text(encoding="utf-8")
    )
    rules = load_plan_rules(plan)
    building_stone = rules.catalogue.get("建筑石料")
    assert building_stone.density_t_per_m3 == Decimal("2.7")
    assert rules.licence_terms.numbering_since == date(2020, 7, 10)


def test_rules_are_immutable(rules: PlanRules) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.plan_id = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        rules.min_service_years["large"] = Decimal(1)  # type: ignore[index]


def test_a_new_minimum_scale_rule_is_picked_up_by_shape(document: dict[str, Any]) -> None:
    document["entry_rules"].append(
        {
            "id": "min_scale_fluorite",
            "statement_zh": "不再新建年产5万吨以下萤石矿",
            "applies_to": {"right": "mining", "kind": "new", "mineral_zh": "萤石"},
            "check": {"capacity_ore_10kt_per_year": {"min": 5}},
            "clause": "示意",
        }
    )
    rule = rule_by_id(load_plan_rules(document), "min_scale_fluorite")
    assert isinstance(rule, MinScaleRule)
    assert (rule.minimum, rule.inclusive) == (Decimal(5), True)


def test_an_unknown_shape_is_kept_uninterpreted(document: dict[str, Any]) -> None:
    document["entry_rules"].append(
        {"id": "something_new", "statement_zh": "新规则", "clause": "示意", "effect": "inform"}
    )
    (kept,) = load_plan_rules(document).rules_of(UninterpretedRule)
    assert kept.id == "something_new"
    assert kept.raw["effect"] == "inform"


def test_an_inclusive_false_reading_is_kept(document: dict[str, Any]) -> None:
    entry_rule(document, "min_scale_underground_iron")["check"]["capacity_ore_10kt_per_year"][
        "inclusive"
    ] = False
    rule = rule_by_id(load_plan_rules(document), "min_scale_underground_iron")
    assert rule.inclusive is False


def _break(document: dict[str, Any], how: str) -> None:
    standards = document["standards"]
    if how == "no standards":
        del document["standards"]
    elif how == "bad number":
        standards["scale_classes"]["items"][3]["large_min"] = "many"
    elif how == "large below medium":
        standards["scale_classes"]["items"][3]["large_min"] = 1
    elif how == "unknown zone type":
        entry_rule(document, "ecological_red_line")["applies_to"]["zone_type"] = ["nature_park"]
    elif how == "unknown policy mineral":
        document["mineral_policy"]["mining"]["prohibited_zh"].append("稀土")
    elif how == "duplicate id":
        document["entry_rules"].append(dict(entry_rule(document, "mine_count_cap")))
    elif how == "bad pattern":
        standards["licence_terms"]["numbering"]["pattern"] = "^[CT"
    elif how == "unknown indicator":
        entry_rule(document, "output_control")["indicators"] = ["copper_output"]
    elif how == "target without max":
        document["text_targets"][0]["limit"] = {"min": 1}
    elif how == "missing scale term":
        del standards["licence_terms"]["mining_max_years"]["small"]
    elif how == "bad scale":
        standards["three_rates_minimums"]["items"][0]["scale"] = "huge"
    elif how == "percent above 100":
        standards["three_rates_minimums"]["items"][0]["mining_recovery_min"] = 195
    elif how == "unknown effect":
        entry_rule(document, "min_scale_underground_iron")["effect"] = "shrug"
    elif how == "unknown treat_as":
        standards["mineral_catalogue"][1]["treat_as_zh"] = "铁"
    elif how == "shared alias":
        standards["mineral_catalogue"][0]["aliases_zh"] = ["岩金"]
    elif how == "inclusive not a flag":
        entry_rule(document, "min_scale_underground_iron")["check"]["capacity_ore_10kt_per_year"][
            "inclusive"
        ] = "yes"


@pytest.mark.parametrize(
    ("how", "path", "problem"),
    [
        ("no standards", "standards", "missing"),
        ("bad number", "standards.scale_classes.items[3].large_min", "expected a number"),
        ("large below medium", "standards.scale_classes.items[3]", "below medium_min"),
        ("unknown zone type", "entry_rules[8].applies_to.zone_type", "nature_park"),
        ("unknown policy mineral", "mineral_policy.mining.prohibited_zh[3]", "稀土"),
        ("duplicate id", "entry_rules", "mine_count_cap"),
        ("bad pattern", "standards.licence_terms.numbering.pattern", "regular expression"),
        ("unknown indicator", "entry_rules[11].indicators", "copper_output"),
        ("target without max", "entry_rules[12].target", "limit.max"),
        ("missing scale term", "standards.licence_terms.mining_max_years.small", "missing"),
        ("bad scale", "standards.three_rates_minimums.items[0].scale", "huge"),
        ("percent above 100", "standards.three_rates_minimums.items[0]", "percentage"),
        ("unknown effect", "entry_rules[0].effect", "shrug"),
        ("unknown treat_as", "standards.mineral_catalogue[1].treat_as_zh", "铁"),
        ("shared alias", "standards.mineral_catalogue[2]", "岩金"),
        ("inclusive not a flag", "capacity_ore_10kt_per_year.inclusive", "true or false"),
    ],
)
def test_a_broken_document_says_where_and_what(
    document: dict[str, Any], how: str, path: str, problem: str
) -> None:
    _break(document, how)
    with pytest.raises(RuleDocumentInvalid) as caught:
        load_plan_rules(document)
    assert path in caught.value.path
    assert problem in caught.value.problem


def test_the_real_document_has_the_rule_positions_the_broken_cases_assume(
    document: dict[str, Any],
) -> None:
    ids = [r["id"] for r in document["entry_rules"]]
    assert ids.index("ecological_red_line") == 8
    assert ids.index("output_control") == 11
    assert ids.index("mine_count_cap") == 12


def test_the_plan_as_zoning_publishes_it_gives_every_rule_its_kind() -> None:
    """Zoning writes defaults out (e.g. ``indicators: []``); licensing must read them the
    same as when they are absent."""
    import lode_zoning.plan_data
    from lode_licensing.domain.rulebook import (
        MineCountCapRule,
        OutputControlRule,
        UninterpretedRule,
    )

    rules = load_plan_rules(lode_zoning.plan_data.bundled_documents().as_published())
    kinds = {rule.id: type(rule) for rule in rules.entry_rules}
    assert kinds["mine_count_cap"] is MineCountCapRule
    assert kinds["output_control"] is OutputControlRule
    assert UninterpretedRule not in kinds.values()
