"""Totals the plan controls: annual output (开采总量调控) and the number of mines (矿山总数)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..application import Application
from ..minerals import convert_capacity
from ..rulebook import MineCountCapRule, OutputControl, OutputControlRule, PlanRules
from .context import RegistryFigures
from .result import CheckResult, fmt


def _addition(
    application: Application, control: OutputControl, rules: PlanRules
) -> tuple[Decimal | None, str]:
    """What this licence would add to the total, and where the figure comes from."""
    if control.measure == "concentrate":
        plan = application.development_plan
        value = plan.concentrate_output_10kt if plan else None
        return value, "development_plan.concentrate_output_10kt"
    if application.capacity is None:
        return None, "capacity"
    value = convert_capacity(application.capacity, control.unit_zh, application.mineral, rules)
    return value, f"capacity in {control.unit_zh}"


def check_output_control(
    application: Application, rule: OutputControlRule, registry: RegistryFigures, rules: PlanRules
) -> CheckResult:
    """Warn when the current total plus this licence exceeds a controlled total; pass otherwise.

    Like is compared with like: iron concentrate (铁精粉) for iron, tonnes of stone for
    building stone. An unknown current total or addition is said, with a warning.
    """
    zh: list[str] = []
    en: list[str] = []
    items: list[dict[str, Any]] = []
    worst = "pass"
    for control in (c for c in rule.controls if c.covers(application.mineral, rules.standards)):
        current = registry.current_output_10kt.get(control.indicator_id)
        addition, source = _addition(application, control, rules)
        total = current + addition if current is not None and addition is not None else None
        exceeded = total is not None and total > control.target
        items.append(
            {
                "indicator_id": control.indicator_id,
                "current": current,
                "addition": addition,
                "addition_from": source,
                "total": total,
                "target": control.target,
                "unit": control.unit_zh,
                "exceeded": exceeded,
            }
        )
        figures = (
            f"现有 {fmt(current)} + 本矿 {fmt(addition)} = {fmt(total)}，"
            f"调控目标约 {fmt(control.target)} {control.unit_zh}"
        )
        figures_en = (
            f"current {fmt(current)} + this licence {fmt(addition)} = {fmt(total)} against "
            f"about {fmt(control.target)} {control.unit_zh}"
        )
        if current is None:
            worst = "warn"
            zh.append(f"{control.name_zh}：当前年产量未知，无法核对（{figures}）")
            en.append(
                f"{control.indicator_id}: the current annual output is unknown ({figures_en})"
            )
        elif addition is None:
            worst = "warn"
            zh.append(f"{control.name_zh}：本矿新增产量未知（缺 {source}）（{figures}）")
            en.append(
                f"{control.indicator_id}: this licence's addition is unknown, {source} not given"
            )
        elif exceeded:
            worst = "warn"
            zh.append(f"{control.name_zh}：超过调控目标（{figures}）")
            en.append(f"{control.indicator_id}: exceeds the controlled total ({figures_en})")
        else:
            zh.append(f"{control.name_zh}：未超过调控目标（{figures}）")
            en.append(f"{control.indicator_id}: within the controlled total ({figures_en})")
    return CheckResult(
        rule.id,
        rule.outcome_when_unmet if worst == "warn" else "pass",
        "；".join(zh),
        "; ".join(en),
        rule.clause,
        {"controls": items},
    )


def check_mine_count_cap(
    application: Application, rule: MineCountCapRule, registry: RegistryFigures
) -> CheckResult:
    """Warn when the active mining licences plus this new mine exceed the cap; pass otherwise."""
    current = registry.active_mining_licences
    total = current + 1 if current is not None else None
    details = {"current": current, "addition": 1, "total": total, "cap": rule.cap}
    if current is None:
        return CheckResult(
            rule.id,
            rule.outcome_when_unmet,
            f"现有矿山数未知，无法核对矿山总数控制（{rule.cap} 家）",
            f"the current number of mines is unknown; the cap of {rule.cap} cannot be checked",
            rule.clause,
            details,
        )
    figures = f"现有 {current} 家 + 本矿 1 家 = {total} 家，规划期末控制在 {rule.cap} 家"
    figures_en = f"current {current} + this mine 1 = {total} against a cap of {rule.cap}"
    if total is not None and total > rule.cap:
        return CheckResult(
            rule.id,
            rule.outcome_when_unmet,
            f"超过矿山总数控制：{figures}",
            f"exceeds the mine count cap: {figures_en}",
            rule.clause,
            details,
        )
    return CheckResult(
        rule.id,
        "pass",
        f"未超过矿山总数控制：{figures}",
        f"within the mine count cap: {figures_en}",
        rule.clause,
        details,
    )
