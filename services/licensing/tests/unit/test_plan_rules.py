"""Reading a typed plan document into licensing's rules: the real document, modified ones,
ones the typed model refuses at publication and ones licensing cannot run."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

import lode_common.plan.data
from lode_common.plan.document import load_plan_document
from lode_common.plan.issues import PlanDocumentInvalid
from lode_licensing.domain.errors import RuleDocumentInvalid
from lode_licensing.domain.plan_rules import load_plan_rules
from lode_licensing.domain.rulebook import (
    BlockHolderRule,
    DevelopmentPlanRule,
    ForbiddenZonesRule,
    GreenMinePlanRule,
    MineCountCapRule,
    MinScaleRule,
    NationalMinScaleRule,
    OutputControlRule,
    OutsideBlocksRule,
    PlanRules,
    RegionRule,
    RestorationPlanRule,
    ServiceYearsRule,
    UninterpretedRule,
    ZoneConditionsRule,
    ZoneScaleRule,
)

from .builders import PLAN_DIR, catalogue_entry, entry_rule, rules_from


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
        ("minimum_scale_table", NationalMinScaleRule),
        ("green_mine_plan_required", GreenMinePlanRule),
        ("restoration_plan_required", RestorationPlanRule),
        ("within_plan_region", RegionRule),
        ("restricted_mining_area_review", ZoneConditionsRule),
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
    assert rules.standards.scale_classes.working_days_per_year == 330
    years = rules.licence_terms.mining_max_years
    assert (years.large, years.medium, years.small) == (30, 20, 10)
    assert rules.licence_terms.mining_renewal_notice_days == 30
    assert rules.licence_terms.exploration_years == 5
    assert rules.licence_terms.numbering.since == date(2020, 7, 10)
    assert rules.min_service_years("medium") == Decimal(20)
    assert rule_by_id(rules, "mine_count_cap").cap == 50
    controls = {c.indicator_id: c for c in rule_by_id(rules, "output_control").controls}
    assert controls["iron_concentrate_output"].target == Decimal(200)
    assert controls["building_stone_output"].target == Decimal(400)
    assert rules.known_methods == {"underground", "open_pit"}


def test_policy_names_are_read_against_the_catalogue(rules: PlanRules) -> None:
    # 专栏4 says 建筑石料矿产: an alias of the catalogue's 建筑石料.
    assert "建筑石料矿产" in rules.mining_policy.lists.priority_zh
    assert rules.mining_policy.category(catalogue_entry("建筑石料", rules)) == "priority"
    assert rules.mining_policy.lists.restricted_zh == ("超贫磁铁矿",)
    assert rules.mining_policy.category(catalogue_entry("超贫磁铁矿", rules)) == "restricted"
    # what a mineral is treated as does not count: 铁矿 is not restricted
    assert rules.mining_policy.category(catalogue_entry("铁矿", rules)) == "priority"
    assert rules.exploration_policy.lists.prohibited_zh == ("砖瓦用粘土", "砂金", "泥炭")
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
    rules = rules_from(plan)
    building_stone = catalogue_entry("建筑石料", rules)
    assert building_stone.density_t_per_m3 == Decimal("2.7")
    assert rules.licence_terms.numbering.since == date(2020, 7, 10)


def test_rules_are_immutable(rules: PlanRules) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.plan_id = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        rules.standards.min_service_years_by_scale.large = 1  # type: ignore[misc]


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
    rule = rule_by_id(rules_from(document), "min_scale_fluorite")
    assert isinstance(rule, MinScaleRule)
    assert (rule.minimum, rule.inclusive) == (Decimal(5), True)


def test_an_unknown_shape_is_kept_uninterpreted(document: dict[str, Any]) -> None:
    # Valid for the typed model (a check of its vocabulary), but no shape licensing checks:
    # planned three rates without the development plan they are planned in.
    document["entry_rules"].append(
        {
            "id": "something_new",
            "statement_zh": "新规则",
            "clause": "示意",
            "check": {"planned_three_rates": "national_minimums"},
        }
    )
    (kept,) = rules_from(document).rules_of(UninterpretedRule)
    assert kept.id == "something_new"
    assert kept.entry.check is not None
    assert kept.entry.check.planned_three_rates == "national_minimums"


def test_the_new_entry_rules_read_with_their_figures(rules: PlanRules) -> None:
    table = rule_by_id(rules, "minimum_scale_table")
    assert (table.applies_to.right, table.applies_to.kind) == ("mining", "new")
    assert (table.outcome_when_unmet, table.clause) == ("fail", "第四章第四节")
    green = rule_by_id(rules, "green_mine_plan_required")
    assert (green.outcome_when_unmet, green.clause) == ("fail", "第四章第四节; 第五章第二节")
    restoration = rule_by_id(rules, "restoration_plan_required")
    assert (restoration.outcome_when_unmet, restoration.clause) == ("fail", "第五章第三节")
    region = rule_by_id(rules, "within_plan_region")
    assert region.applies_to.right is None  # every right, every kind
    assert (region.outcome_when_unmet, region.clause) == ("fail", "总则")
    restricted = rule_by_id(rules, "restricted_mining_area_review")
    assert restricted.zone_types == {"restricted_mining_area"}
    assert restricted.outcome_when_unmet == "review"


def test_zone_conditions_decide_over_the_block_holder_shape(rules: PlanRules) -> None:
    """One zone type, a right and a review effect is the block-holder shape, but a rule
    with ``check.zone_conditions`` names the zone's conditions instead."""
    assert not isinstance(rule_by_id(rules, "restricted_mining_area_review"), BlockHolderRule)
    assert rules.block_zone_type("mining") == "mining_block"


def test_a_green_plan_rule_with_a_scale_stays_a_zone_rule(document: dict[str, Any]) -> None:
    rules = rules_from(document)
    assert isinstance(rule_by_id(rules, "key_mining_area_large_scale"), ZoneScaleRule)
    assert [r.id for r in rules.rules_of(GreenMinePlanRule)] == ["green_mine_plan_required"]


def test_an_inclusive_false_reading_is_kept(document: dict[str, Any]) -> None:
    entry_rule(document, "min_scale_underground_iron")["check"]["capacity_ore_10kt_per_year"][
        "inclusive"
    ] = False
    rule = rule_by_id(rules_from(document), "min_scale_underground_iron")
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
    elif how == "density not positive":
        standards["mineral_catalogue"][16]["density_t_per_m3"] = 0  # 建筑石料
    elif how == "number as text":
        entry_rule(document, "min_scale_underground_iron")["statement_zh"] = 1.5
    elif how == "inclusive not a flag":
        entry_rule(document, "min_scale_underground_iron")["check"]["capacity_ore_10kt_per_year"][
            "inclusive"
        ] = "yes"


@pytest.mark.parametrize(
    ("how", "path", "problem"),
    [
        ("no standards", "standards", "required"),
        ("bad number", "standards.scale_classes.items[3].large_min", "expected a number"),
        ("large below medium", "standards.scale_classes.items[3]", "medium_min < large_min"),
        ("unknown zone type", "entry_rules[8].applies_to.zone_type", "nature_park"),
        ("unknown policy mineral", "mineral_policy.mining.prohibited_zh", "稀土"),
        ("duplicate id", "entry_rules[18].id", "mine_count_cap"),
        ("bad pattern", "standards.licence_terms.numbering.pattern", "regular expression"),
        ("unknown indicator", "entry_rules[11].indicators", "copper_output"),
        ("missing scale term", "standards.licence_terms.mining_max_years.small", "required"),
        ("bad scale", "standards.three_rates_minimums.items[0].scale", "huge"),
        ("percent above 100", "standards.three_rates_minimums.items[0]", "percentage"),
        ("unknown effect", "entry_rules[0].effect", "shrug"),
        ("unknown treat_as", "standards.mineral_catalogue[1].treat_as_zh", "铁"),
        ("shared alias", "standards.mineral_catalogue[2]", "岩金"),
        ("inclusive not a flag", "capacity_ore_10kt_per_year.inclusive", "true or false"),
        # where licensing's own reader used to differ from monitoring's: both now refuse
        ("density not positive", "standards.mineral_catalogue[16].density_t_per_m3", "greater"),
        ("number as text", "entry_rules[0].statement_zh", "expected text"),
    ],
)
def test_a_broken_document_is_refused_before_licensing_reads_it(
    document: dict[str, Any], how: str, path: str, problem: str
) -> None:
    """The typed plan document (`lode_common.plan`) refuses these at publication, saying
    where and what; licensing only ever receives a document that passed."""
    _break(document, how)
    with pytest.raises(PlanDocumentInvalid) as caught:
        rules_from(document)
    issues = caught.value.issues
    assert any(path in issue.path and problem in issue.message for issue in issues), issues


def _unrunnable(document: dict[str, Any], how: str) -> None:
    iron = entry_rule(document, "min_scale_underground_iron")
    if how == "target without max":
        document["text_targets"][0]["limit"] = {"min": 1}
    elif how == "cap not a count":
        document["text_targets"][0]["limit"]["max"] = 50.5
    elif how == "minimum without min":
        iron["check"]["capacity_ore_10kt_per_year"] = {"max": 5}
    elif how == "two minimums":
        iron["check"]["processing_t_per_day"] = {"min": 100}
    elif how == "uncounted indicator":
        entry_rule(document, "output_control")["indicators"] = ["large_medium_mine_ratio"]
    elif how == "zone scale without zone":
        del entry_rule(document, "key_mining_area_large_scale")["applies_to"]["zone_type"]
    elif how == "table without standards table":
        del document["standards"]["minimum_scales"]
    elif how == "zone conditions without zone":
        del entry_rule(document, "restricted_mining_area_review")["applies_to"]["zone_type"]


@pytest.mark.parametrize(
    ("how", "path", "problem"),
    [
        ("target without max", "entry_rules[12].target", "limit.max"),
        ("cap not a count", "entry_rules[12].target", "not a count"),
        ("minimum without min", "entry_rules[0].check.capacity_ore_10kt_per_year.min", "missing"),
        ("two minimums", "entry_rules[0].check", "one minimum per rule"),
        ("uncounted indicator", "entry_rules[11].indicators", "large_medium_mine_ratio"),
        ("zone scale without zone", "entry_rules[3]", "applies_to.zone_type"),
        (
            "table without standards table",
            "entry_rules[13].check.minimum_scale",
            "no minimum_scales",
        ),
        ("zone conditions without zone", "entry_rules[17]", "applies_to.zone_type"),
    ],
)
def test_a_rule_licensing_cannot_run_says_where_and_what(
    document: dict[str, Any], how: str, path: str, problem: str
) -> None:
    """Valid for the typed model, but missing what the check of its shape needs."""
    _unrunnable(document, how)
    typed = load_plan_document(document)
    with pytest.raises(RuleDocumentInvalid) as caught:
        load_plan_rules(typed)
    assert path in caught.value.path
    assert problem in caught.value.problem


def test_the_real_document_has_the_rule_positions_the_broken_cases_assume(
    document: dict[str, Any],
) -> None:
    ids = [r["id"] for r in document["entry_rules"]]
    assert ids.index("min_scale_underground_iron") == 0
    assert ids.index("key_mining_area_large_scale") == 3
    assert ids.index("ecological_red_line") == 8
    assert ids.index("output_control") == 11
    assert ids.index("mine_count_cap") == 12
    assert ids.index("minimum_scale_table") == 13
    assert ids.index("restricted_mining_area_review") == 17


def test_the_plan_as_zoning_publishes_it_gives_every_rule_its_kind() -> None:
    """Zoning writes defaults out (e.g. ``indicators: []``); licensing must read them the
    same as when they are absent."""
    published = lode_common.plan.data.bundled_documents().as_published()
    rules = rules_from(published)
    kinds = {rule.id: type(rule) for rule in rules.entry_rules}
    assert kinds["mine_count_cap"] is MineCountCapRule
    assert kinds["output_control"] is OutputControlRule
    assert UninterpretedRule not in kinds.values()
