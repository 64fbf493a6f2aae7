"""Output control (开采总量调控) and the mine count cap (矿山总数): warn with the numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from .builders import checks_by_id, context, exploration_body, mining_body, rules_from, zone


def stone(volume: Any = 10) -> dict[str, Any]:
    return mining_body(
        mineral="建筑石料",
        mining_method="open_pit",
        capacity={"value": volume, "unit": "万立方米/年"},
    )


@pytest.mark.parametrize(
    ("current", "concentrate", "outcome"),
    [
        (150, Decimal("2.5"), "pass"),
        (Decimal("197.5"), Decimal("2.5"), "pass"),
        (Decimal("197.51"), Decimal("2.5"), "warn"),
        (199, 2, "warn"),
    ],
)
def test_iron_concentrate_total(current: Any, concentrate: Any, outcome: str) -> None:
    body = mining_body()
    body["development_plan"]["concentrate_output_10kt"] = concentrate
    ctx = context(zone("mining_block"), output={"iron_concentrate_output": current})
    result = checks_by_id(body, ctx)["output_control"]
    assert result.outcome == outcome
    (control,) = result.details["controls"]
    assert control["target"] == 200
    assert control["addition_from"] == "development_plan.concentrate_output_10kt"
    if outcome == "warn":
        assert "超过调控目标" in result.message_zh
        assert f"current {current}" in result.message_en


def test_building_stone_counts_tonnes_at_the_catalogue_density() -> None:
    # 10 万立方米/年 × 2.7 t/m³ = 27 万吨/年.
    at_target = context(zone("mining_block"), output={"building_stone_output": 373})
    over = context(zone("mining_block"), output={"building_stone_output": Decimal("373.01")})
    assert checks_by_id(stone(), at_target)["output_control"].outcome == "pass"
    result = checks_by_id(stone(), over)["output_control"]
    assert result.outcome == "warn"
    assert "this licence 27" in result.message_en


def test_unknown_figures_are_said() -> None:
    unknown = context(zone("mining_block"), output={})
    result = checks_by_id(mining_body(), unknown)["output_control"]
    assert result.outcome == "warn"
    assert "current annual output is unknown" in result.message_en
    body = mining_body()
    del body["development_plan"]["concentrate_output_10kt"]
    result = checks_by_id(body)["output_control"]
    assert result.outcome == "warn"
    assert "concentrate_output_10kt not given" in result.message_en


def test_output_control_only_for_controlled_minerals() -> None:
    assert "output_control" not in checks_by_id(mining_body(mineral="铜矿"))
    assert "output_control" not in checks_by_id(exploration_body())
    assert "output_control" in checks_by_id(
        mining_body(mineral="超贫磁铁矿", demonstration_report=True)
    )


def test_a_changed_target_changes_the_outcome(document: dict[str, Any]) -> None:
    item = next(i for i in document["indicators"]["items"] if i["id"] == "iron_concentrate_output")
    item["target"] = 150
    rules = rules_from(document)
    assert checks_by_id(mining_body(), rules=rules)["output_control"].outcome == "warn"
    assert checks_by_id(mining_body())["output_control"].outcome == "pass"


@pytest.mark.parametrize(
    ("mines", "outcome"), [(48, "pass"), (49, "pass"), (50, "warn"), (63, "warn")]
)
def test_mine_count_cap(mines: int, outcome: str) -> None:
    result = checks_by_id(mining_body(), context(zone("mining_block"), mines=mines))[
        "mine_count_cap"
    ]
    assert result.outcome == outcome
    assert result.details == {"current": mines, "addition": 1, "total": mines + 1, "cap": 50}
    assert f"{mines} + this mine 1 = {mines + 1}" in result.message_en


def test_unknown_mine_count_is_said() -> None:
    result = checks_by_id(mining_body(), context(zone("mining_block"), mines=None))[
        "mine_count_cap"
    ]
    assert result.outcome == "warn"
    assert "unknown" in result.message_en


def test_a_changed_cap_changes_the_outcome(document: dict[str, Any]) -> None:
    next(t for t in document["text_targets"] if t["id"] == "total_mines_cap")["limit"]["max"] = 60
    rules = rules_from(document)
    ctx = context(zone("mining_block"), mines=55)
    assert checks_by_id(mining_body(), ctx, rules=rules)["mine_count_cap"].outcome == "pass"
    assert checks_by_id(mining_body(), ctx)["mine_count_cap"].outcome == "warn"
