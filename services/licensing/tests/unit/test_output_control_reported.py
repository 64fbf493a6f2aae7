"""Output control (开采总量调控) against the current output the mines reported: the figure,
its year and its reports in the message; at and around the target; an expansion (变更扩大
生产规模) adds only what it adds."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from lode_licensing.domain.checks import CheckContext, CheckResult, CurrentOutput, RegistryFigures
from lode_licensing.domain.minerals import Capacity

from .builders import MINING_LICENCE, checks_by_id, context, mining_body

IRON = "iron_concentrate_output"
STONE = "building_stone_output"


def reported(
    current: Any, *, year: int = 2024, reports: int = 18, mines: int = 18, annual: int = 18
) -> CheckContext:
    figure = CurrentOutput(IRON, year, Decimal(str(current)), reports, mines, annual)
    base = context()
    return replace(base, registry=RegistryFigures(40, {IRON: figure}))


def output_control(body: dict[str, Any], ctx: CheckContext) -> CheckResult:
    return checks_by_id(body, ctx)["output_control"]


def test_the_message_names_the_figure_its_year_its_reports_and_the_clause() -> None:
    body = mining_body()
    body["development_plan"]["concentrate_output_10kt"] = 12
    result = output_control(body, reported(185))
    assert result.outcome == "pass"
    assert "2024年 已报 185 万吨（18 家矿山年报） + 本矿 12 = 197" in result.message_zh
    assert "调控目标约 200 万吨/年（第四章第二节）" in result.message_zh
    assert "current 185 (reported for 2024: annual reports of 18 mines)" in result.message_en
    (control,) = result.details["controls"]
    assert (control["current"], control["current_year"], control["current_reports"]) == (
        185,
        2024,
        18,
    )
    assert control["current_mines"] == 18


def test_an_incomplete_year_only_warns_and_says_how_many_owed_a_report() -> None:
    """No year reached the complete share: the latest stands, and a total under the target
    is no proof (the figure understates it)."""
    body = mining_body()
    body["development_plan"]["concentrate_output_10kt"] = 12
    incomplete = CurrentOutput(IRON, 2024, Decimal(60), 6, 6, 6, expected_mines=19, complete=False)
    ctx = replace(context(), registry=RegistryFigures(40, {IRON: incomplete}))
    result = output_control(body, ctx)
    assert result.outcome == "warn"
    assert "2024年年报尚未报齐" in result.message_zh
    assert "（6 家矿山年报，应报 19 家）" in result.message_zh
    assert "not all in" in result.message_en
    (control,) = result.details["controls"]
    assert (control["current_expected_mines"], control["current_complete"]) == (19, False)
    complete = replace(incomplete, complete=True)
    ctx = replace(context(), registry=RegistryFigures(40, {IRON: complete}))
    assert output_control(body, ctx).outcome == "pass"


def test_quarterly_reports_in_the_figure_are_said() -> None:
    body = mining_body()
    result = output_control(body, reported(100, reports=20, mines=18, annual=16))
    assert "18 家矿山的 20 份报告，其中年报 16 份" in result.message_zh
    assert "20 reports of 18 mines, 16 of them annual" in result.message_en


@pytest.mark.parametrize(
    ("current", "outcome"),
    [("187.99", "pass"), ("188", "pass"), ("188.01", "warn"), ("250", "warn")],
)
def test_at_and_around_the_target(current: str, outcome: str) -> None:
    body = mining_body()
    body["development_plan"]["concentrate_output_10kt"] = 12  # 188 + 12 = 200, the target
    result = output_control(body, reported(current))
    assert result.outcome == outcome
    (control,) = result.details["controls"]
    assert control["exceeded"] is (outcome == "warn")
    assert ("：超过调控目标" in result.message_zh) is (outcome == "warn")


def test_no_reports_yet_warns_that_the_current_output_is_unknown() -> None:
    ctx = replace(context(), registry=RegistryFigures(40, {}))
    result = output_control(mining_body(), ctx)
    assert result.outcome == "warn"
    assert "当前年产量未知（尚无矿山年报）" in result.message_zh
    assert "the current annual output is unknown" in result.message_en


def expansion(capacity: Any, concentrate: Any = 10) -> dict[str, Any]:
    body = mining_body(
        kind="change",
        licence_no=MINING_LICENCE,
        changes=["capacity"],
        capacity={"value": capacity, "unit": "万吨/年"},
    )
    body["development_plan"]["concentrate_output_10kt"] = concentrate
    return body


def licensed(ctx: CheckContext, value: Any = 30) -> CheckContext:
    return replace(ctx, licensed_capacity=Capacity(Decimal(str(value)), "万吨/年"))


def test_an_expansion_adds_its_share_of_the_planned_concentrate() -> None:
    # 30 → 60 万吨/年: half of the planned 10 万吨 of concentrate is new
    result = output_control(expansion(60), licensed(reported(190)))
    (control,) = result.details["controls"]
    assert control["addition"] == 5
    assert result.outcome == "pass"  # 190 + 5 = 195
    assert "2024年 已报 190 万吨（18 家矿山年报） + 本矿 5 = 195" in result.message_zh


@pytest.mark.parametrize(("current", "outcome"), [("195", "pass"), ("195.01", "warn")])
def test_an_expansion_at_and_around_the_target(current: str, outcome: str) -> None:
    result = output_control(expansion(60), licensed(reported(current)))
    assert result.outcome == outcome


@pytest.mark.parametrize("capacity", [30, 20])
def test_a_change_that_does_not_raise_the_capacity_adds_nothing(capacity: int) -> None:
    result = output_control(expansion(capacity), licensed(reported(250)))
    assert result.outcome == "pass"  # the total is already above; this change adds nothing
    assert "变更未扩大生产规模，不新增产量" in result.message_zh
    assert "does not raise the capacity" in result.message_en
    (control,) = result.details["controls"]
    assert control["addition"] == 0
    assert control["exceeded"] is False


def test_a_change_of_another_item_does_not_run_the_check() -> None:
    body = mining_body(kind="change", licence_no=MINING_LICENCE, changes=["method"])
    assert "output_control" not in checks_by_id(body, licensed(reported(100)))


def stone_expansion(volume: Any) -> dict[str, Any]:
    return mining_body(
        kind="change",
        licence_no=MINING_LICENCE,
        changes=["capacity"],
        mineral="建筑石料",
        mining_method="open_pit",
        capacity={"value": volume, "unit": "万立方米/年"},
    )


def stone_reported(current: Any) -> CheckContext:
    figure = CurrentOutput(STONE, 2025, Decimal(str(current)), 30, 30, 30)
    ctx = replace(context(), registry=RegistryFigures(40, {STONE: figure}))
    return replace(ctx, licensed_capacity=Capacity(Decimal(10), "万立方米/年"))


@pytest.mark.parametrize(("current", "outcome"), [("373", "pass"), ("373.01", "warn")])
def test_building_stone_expansion_adds_the_capacity_difference_in_tonnes(
    current: str, outcome: str
) -> None:
    # 10 → 20 万立方米/年 at 2.7 t/m³: 27 → 54 万吨/年, 27 万吨 more
    result = output_control(stone_expansion(20), stone_reported(current))
    (control,) = result.details["controls"]
    assert control["addition"] == 27
    assert control["addition_from"] == "capacity − licensed capacity in 万吨/年"
    assert result.outcome == outcome
    assert f"2025年 已报 {current} 万吨（30 家矿山年报） + 本矿 27 = " in result.message_zh
