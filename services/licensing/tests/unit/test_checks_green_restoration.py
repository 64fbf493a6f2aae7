"""Every new mine: a green-mine plan (第四章第四节; 第五章第二节) and a restoration plan with
its milestones (矿山地质环境保护与土地复垦方案, 第五章第三节), wherever the mine lies."""

from __future__ import annotations

from typing import Any

import pytest

from lode_licensing.domain.checks import verdict

from .builders import (
    EXPLORATION_LICENCE,
    MINING_LICENCE,
    checks_by_id,
    context,
    exploration_body,
    mining_body,
    zone,
)

GREEN = "green_mine_plan_required"
RESTORATION = "restoration_plan_required"


@pytest.mark.parametrize(
    "ctx",
    [
        context(zone("mining_block")),  # in no key zone
        context(zone("mining_block"), zone("key_mining_area")),
        context(zone("exploration_block")),  # outside every mining block
    ],
)
def test_a_new_mine_without_a_green_plan_fails_anywhere(ctx: Any) -> None:
    results = checks_by_id(mining_body(green_mine_plan=False), ctx)
    result = results[GREEN]
    assert result.outcome == "fail"
    assert result.clause == "第四章第四节; 第五章第二节"
    assert "新建矿山要全部按绿色矿山建设标准" in result.message_zh
    assert result.details == {"green_mine_plan": False}
    assert verdict(results.values()) == "ineligible"


def test_a_new_mine_with_a_green_plan_passes() -> None:
    result = checks_by_id(mining_body(green_mine_plan=True))[GREEN]
    assert result.outcome == "pass"
    assert result.details == {"green_mine_plan": True}


def test_an_omitted_green_plan_counts_as_none() -> None:
    body = mining_body()
    del body["green_mine_plan"]
    assert checks_by_id(body)[GREEN].outcome == "fail"


def test_a_missing_green_plan_is_reported_once_in_a_key_zone() -> None:
    ctx = context(zone("mining_block"), zone("key_mining_area"))
    body = mining_body(capacity={"value": 300, "unit": "万吨/年"}, green_mine_plan=False)
    results = checks_by_id(body, ctx)
    assert results[GREEN].outcome == "fail"
    assert results["key_mining_area_large_scale"].outcome == "pass"  # large: its scale is met


@pytest.mark.parametrize(
    "body",
    [
        mining_body(kind="renewal", licence_no=MINING_LICENCE, green_mine_plan=False),
        mining_body(
            kind="change", licence_no=MINING_LICENCE, changes=["area"], green_mine_plan=False
        ),
        exploration_body(),
        exploration_body(kind="renewal", licence_no=EXPLORATION_LICENCE),
    ],
)
def test_only_new_mines_are_asked(body: dict[str, Any]) -> None:
    results = checks_by_id(body)
    assert GREEN not in results
    assert RESTORATION not in results


def test_a_new_mine_without_a_restoration_plan_fails() -> None:
    results = checks_by_id(mining_body(restoration_plan=None))
    result = results[RESTORATION]
    assert result.outcome == "fail"
    assert result.clause == "第五章第三节"
    assert "未提交矿山地质环境保护与土地复垦方案" in result.message_zh
    assert result.details["restoration_plan"] is False
    assert result.details["milestones"] == 0
    assert verdict(results.values()) == "ineligible"


def test_a_restoration_plan_without_milestones_fails() -> None:
    result = checks_by_id(mining_body(restoration_plan=[]))[RESTORATION]
    assert result.outcome == "fail"
    assert "无复垦节点" in result.message_zh
    assert result.details["restoration_plan"] is True
    assert result.details["milestones"] == 0


@pytest.mark.parametrize(
    ("plan", "count", "year", "area"),
    [
        ([{"year": 2027, "restored_area_ha": 0}], 1, 2027, "0"),
        (
            [
                {"year": 2027, "restored_area_ha": 1.5},
                {"year": 2030, "restored_area_ha": 4},
                {"year": 2035, "restored_area_ha": 12.25},
            ],
            3,
            2035,
            "12.25",
        ),
    ],
)
def test_a_restoration_plan_with_milestones_passes_naming_them(
    plan: list[dict[str, Any]], count: int, year: int, area: str
) -> None:
    result = checks_by_id(mining_body(restoration_plan=plan))[RESTORATION]
    assert result.outcome == "pass"
    assert result.details["milestones"] == count
    assert result.details["final_year"] == year
    assert f"{count} 个节点，至 {year} 年累计复垦 {area} 公顷" in result.message_zh
    assert f"{count} milestone(s), {area} ha restored in total by {year}" in result.message_en


def test_the_example_application_carries_both_plans() -> None:
    results = checks_by_id(mining_body())
    assert results[GREEN].outcome == "pass"
    assert results[RESTORATION].outcome == "pass"
