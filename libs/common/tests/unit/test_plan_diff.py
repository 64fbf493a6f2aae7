"""The readable diff between two versions of a plan document (``plan_changes``)."""

from __future__ import annotations

import copy
from decimal import Decimal
from functools import cache
from typing import Any

from lode_common.plan.data import bundled_documents
from lode_common.plan.diff import PlanChange, plan_changes, same


@cache
def _published() -> dict[str, Any]:
    return bundled_documents().as_published()


def published() -> dict[str, Any]:
    """The bundled plan as published (a fresh copy)."""
    return copy.deepcopy(_published())


def item(items: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    return next(i for i in items if all(i.get(k) == v for k, v in match.items()))


def only(changes: list[PlanChange]) -> PlanChange:
    assert len(changes) == 1, changes
    return changes[0]


def test_a_version_compared_with_itself_has_no_changes() -> None:
    assert plan_changes(published(), published()) == []


def test_an_indicators_target_change_is_one_change_down_to_the_field() -> None:
    before, after = published(), published()
    index, indicator = next(
        (i, x) for i, x in enumerate(after["indicators"]["items"]) if "target" in x
    )
    old = indicator["target"]
    indicator["target"] = old + 50
    change = only(plan_changes(before, after))
    assert change.section == "indicators"
    assert change.section_zh == "主要规划指标"
    assert change.path == f"indicators.items[{index}].target"
    assert change.key == indicator["id"]
    assert (change.kind, change.before, change.after) == ("changed", old, old + 50)
    assert change.label_zh == f"指标 {indicator['id']} 目标值 {old} → {old + 50}"


def test_an_entry_rule_added_removed_and_changed() -> None:
    before = published()
    after = published()
    new_rule = {**copy.deepcopy(after["entry_rules"][0]), "id": "within_plan_region_2"}
    after["entry_rules"].append(new_rule)
    added = only(plan_changes(before, after))
    assert added.kind == "added"
    assert added.key == "within_plan_region_2"
    assert added.path == f"entry_rules[{len(after['entry_rules']) - 1}]"
    assert added.before is None
    assert added.after == new_rule
    assert added.label_zh == "新增准入规则 within_plan_region_2"

    removed = only(plan_changes(after, before))
    assert removed.kind == "removed"
    assert removed.path == f"entry_rules[{len(after['entry_rules']) - 1}]"  # in `from`
    assert removed.before == new_rule
    assert removed.after is None
    assert removed.label_zh == "删除准入规则 within_plan_region_2"

    changed = published()
    changed["entry_rules"][1]["statement_zh"] = "新的表述"
    change = only(plan_changes(before, changed))
    assert change.kind == "changed"
    assert change.key == before["entry_rules"][1]["id"]
    assert change.path == "entry_rules[1].statement_zh"
    assert change.after == "新的表述"


def test_a_nested_field_of_an_item_has_its_whole_path() -> None:
    before, after = published(), published()
    index, rule = next(
        (i, r)
        for i, r in enumerate(after["entry_rules"])
        if r["id"] == "min_scale_underground_iron"
    )
    rule["check"]["capacity_ore_10kt_per_year"]["inclusive"] = False
    change = only(plan_changes(before, after))
    assert change.path == f"entry_rules[{index}].check.capacity_ore_10kt_per_year.inclusive"
    assert change.key == "min_scale_underground_iron"
    assert (change.before, change.after) == (True, False)
    assert "check.capacity_ore_10kt_per_year.inclusive" in change.label_zh


def test_reordered_keyed_lists_are_no_change() -> None:
    before, after = published(), published()
    after["entry_rules"].reverse()
    after["indicators"]["items"].reverse()
    after["zones"]["types"].reverse()
    after["standards"]["mineral_catalogue"].reverse()
    after["standards"]["scale_classes"]["items"].reverse()
    after["standards"]["three_rates_minimums"]["items"].reverse()
    after["mineral_policy"]["mining"]["priority_zh"].reverse()
    assert plan_changes(before, after) == []


def test_a_changed_item_in_a_reordered_list_has_the_path_in_to() -> None:
    before, after = published(), published()
    after["text_targets"].reverse()
    after["text_targets"][0]["statement_zh"] = "改"
    change = only(plan_changes(before, after))
    assert change.path == "text_targets[0].statement_zh"
    assert change.key == after["text_targets"][0]["id"]


def test_policy_lists_compare_as_sets_one_change_per_name() -> None:
    before, after = published(), published()
    prohibited = after["mineral_policy"]["mining"]["prohibited_zh"]
    dropped = prohibited.pop(0)
    prohibited.append("萤石X")
    changes = plan_changes(before, after)
    assert [(c.kind, c.key, c.label_zh) for c in changes] == [
        ("added", "萤石X", "禁止开采矿种 新增 萤石X"),
        ("removed", dropped, f"禁止开采矿种 删除 {dropped}"),
    ]
    assert changes[0].path == f"mineral_policy.mining.prohibited_zh[{len(prohibited) - 1}]"
    assert changes[1].path == "mineral_policy.mining.prohibited_zh[0]"
    assert all(c.section == "mineral_policy" for c in changes)


def test_a_standards_row_is_keyed_by_mineral_and_method() -> None:
    before, after = published(), published()
    rows = after["standards"]["minimum_scales"]["items"]
    index, row = next((i, r) for i, r in enumerate(rows) if "method" in r)
    row["minimum"] = row["minimum"] + 1
    change = only(plan_changes(before, after))
    assert change.section == "standards"
    assert change.key == f"{row['mineral_zh']} / {row['method']}"
    assert change.path == f"standards.minimum_scales.items[{index}].minimum"
    assert change.label_zh.startswith(f"最低开采规模 {change.key} 最低规模 ")


def test_a_three_rates_row_is_keyed_by_its_identifying_fields() -> None:
    before, after = published(), published()
    rows = after["standards"]["three_rates_minimums"]["items"]
    row = item(rows, mineral_zh="铁矿", method="open_pit", scale=["large"])
    row["mining_recovery_min"] = 96
    change = only(plan_changes(before, after))
    assert change.key == "铁矿 / open_pit / large"
    assert change.label_zh.endswith("开采回采率下限 95 → 96")


def test_a_scalar_figure_outside_items_is_by_path() -> None:
    before, after = published(), published()
    terms = after["standards"]["licence_terms"]["mining_max_years"]
    terms["large"] = terms["large"] + 1
    change = only(plan_changes(before, after))
    assert change.path == "standards.licence_terms.mining_max_years.large"
    assert change.key is None
    assert change.label_zh.startswith("国家标准 standards.licence_terms.mining_max_years.large ")


def test_baseline_and_previous_results_are_by_path() -> None:
    before, after = published(), published()
    after["baseline_2020"]["licensed_mines"] += 1
    after["previous_plan_results"]["rows"][0]["achieved"] = "x"
    paths = [c.path for c in plan_changes(before, after)]
    assert paths == ["baseline_2020.licensed_mines", "previous_plan_results.rows[0].achieved"]


def test_a_field_added_or_removed_inside_an_item() -> None:
    before, after = published(), published()
    after["governance"][0]["note"] = "补充"
    change = only(plan_changes(before, after))
    assert (change.kind, change.path, change.after) == ("added", "governance[0].note", "补充")
    assert only(plan_changes(after, before)).kind == "removed"


def test_numbers_compare_as_numbers() -> None:
    assert same(10, 10.0)
    assert same(Decimal("10.50"), 10.5)
    assert not same(10, 10.01)
    assert not same(1, True)
    assert not same("10", 10)
    before, after = published(), published()
    after["baseline_2020"]["licensed_mines"] = float(after["baseline_2020"]["licensed_mines"])
    assert plan_changes(before, after) == []


def test_a_repeated_identity_falls_back_to_positions() -> None:
    before = {"projects": [{"id": "a", "n": 1}, {"id": "a", "n": 2}]}
    after = {"projects": [{"id": "a", "n": 1}, {"id": "a", "n": 3}]}
    change = only(plan_changes(before, after))
    assert (change.path, change.before, change.after) == ("projects[1].n", 2, 3)
