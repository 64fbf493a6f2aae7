"""Totals the plan controls: annual output (开采总量调控) and the number of mines (矿山总数)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..application import Application
from ..minerals import Capacity, convert_capacity
from ..rulebook import MineCountCapRule, OutputControl, OutputControlRule, PlanRules
from ..vocabulary import TONNES_10K_PER_YEAR
from .context import CurrentOutput, RegistryFigures
from .result import CheckResult, fmt


@dataclass(frozen=True)
class _Addition:
    """What this application adds to a controlled total, where the figure comes from, and
    whether it adds anything at all (a change that does not raise the capacity adds none)."""

    value: Decimal | None
    source: str
    increase: bool = True


def _annual_ore(
    capacity: Capacity | None, application: Application, rules: PlanRules
) -> Decimal | None:
    if capacity is None:
        return None
    return convert_capacity(capacity, TONNES_10K_PER_YEAR, application.mineral, rules)


def _addition(
    application: Application,
    control: OutputControl,
    rules: PlanRules,
    licensed: Capacity | None,
) -> _Addition:
    """What this licence would add to the total, and where the figure comes from.

    A new mine adds its whole output. A change (扩大开采规模) adds the difference between
    the capacity it asks for and the licence's registered capacity (``licensed``); as
    concentrate, the planned concentrate output's share of that difference. A change of
    mineral, or a licence with no registered capacity, adds its whole output."""
    previous = None if "mineral" in application.changes else licensed
    expansion = application.kind == "change" and previous is not None
    if control.measure == "concentrate":
        plan = application.development_plan
        planned = plan.concentrate_output_10kt if plan else None
        source = "development_plan.concentrate_output_10kt"
        if not expansion:
            return _Addition(planned, source)
        new, old = (
            _annual_ore(application.capacity, application, rules),
            _annual_ore(previous, application, rules),
        )
        if new is None or old is None or new <= 0:
            return _Addition(None, f"{source} and capacity against the licence's")
        if new <= old:
            return _Addition(Decimal(0), source, increase=False)
        value = None if planned is None else planned * (new - old) / new
        return _Addition(value, f"{source} × (capacity − licensed capacity) / capacity")
    if application.capacity is None:
        return _Addition(None, "capacity")
    value = convert_capacity(application.capacity, control.unit_zh, application.mineral, rules)
    if not expansion or value is None:
        return _Addition(value, f"capacity in {control.unit_zh}")
    assert previous is not None
    old = convert_capacity(previous, control.unit_zh, application.mineral, rules)
    if old is None:
        return _Addition(None, f"licensed capacity in {control.unit_zh}")
    if value <= old:
        return _Addition(Decimal(0), f"capacity in {control.unit_zh}", increase=False)
    return _Addition(value - old, f"capacity − licensed capacity in {control.unit_zh}")


def _reports(figure: CurrentOutput) -> tuple[str, str]:
    """Whose reports the figure is, in Chinese and English: ``18 家矿山年报``, or with
    quarterly reports said."""
    mines = figure.mines if figure.mines is not None else figure.reports
    annual = figure.annual_reports if figure.annual_reports is not None else figure.reports
    owed_zh = f"，应报 {figure.expected_mines} 家" if figure.expected_mines is not None else ""
    owed_en = f" of {figure.expected_mines} owed" if figure.expected_mines is not None else ""
    if annual == figure.reports == mines:
        return f"{mines} 家矿山年报{owed_zh}", f"annual reports of {mines} mines{owed_en}"
    return (
        f"{mines} 家矿山的 {figure.reports} 份报告，其中年报 {annual} 份{owed_zh}",
        f"{figure.reports} reports of {mines} mines, {annual} of them annual{owed_en}",
    )


def check_output_control(
    application: Application,
    rule: OutputControlRule,
    registry: RegistryFigures,
    rules: PlanRules,
    licensed_capacity: Capacity | None = None,
) -> CheckResult:
    """Warn when the current total plus this licence exceeds a controlled total; pass otherwise.

    Like is compared with like: iron concentrate (铁精粉) for iron, tonnes of stone for
    building stone. The current total is the figure of the latest year the mines' annual
    reports give (:class:`CurrentOutput`), named with its year and reports; reaching the
    target exactly is within it. An unknown current total or addition is said, with a
    warning; a change that does not raise the capacity adds nothing and passes saying so.
    """
    zh: list[str] = []
    en: list[str] = []
    items: list[dict[str, Any]] = []
    worst = "pass"
    for control in (c for c in rule.controls if c.covers(application.mineral, rules.standards)):
        figure = registry.current_output.get(control.indicator_id)
        current = figure.amount_10kt if figure is not None else None
        added = _addition(application, control, rules, licensed_capacity)
        addition = added.value
        total = current + addition if current is not None and addition is not None else None
        exceeded = added.increase and total is not None and total > control.target
        items.append(
            {
                "indicator_id": control.indicator_id,
                "current": current,
                "current_year": figure.year if figure is not None else None,
                "current_reports": figure.reports if figure is not None else None,
                "current_mines": figure.mines if figure is not None else None,
                "current_expected_mines": figure.expected_mines if figure is not None else None,
                "current_complete": figure.complete if figure is not None else None,
                "addition": addition,
                "addition_from": added.source,
                "total": total,
                "target": control.target,
                "unit": control.unit_zh,
                "exceeded": exceeded,
            }
        )
        target_zh = f"调控目标约 {fmt(control.target)} {control.unit_zh}（{rule.clause}）"
        target_en = f"about {fmt(control.target)} {control.unit_zh} ({rule.clause})"
        if figure is not None:
            reports_zh, reports_en = _reports(figure)
            current_zh = f"{figure.year}年 已报 {fmt(current)} 万吨（{reports_zh}）"
            current_en = f"current {fmt(current)} (reported for {figure.year}: {reports_en})"
        else:
            current_zh, current_en = "现有 ?", "current ?"
        figures = f"{current_zh} + 本矿 {fmt(addition)} = {fmt(total)}，{target_zh}"
        figures_en = (
            f"{current_en} + this licence {fmt(addition)} = {fmt(total)} against {target_en}"
        )
        if not added.increase:
            zh.append(
                f"{control.name_zh}：变更未扩大生产规模，不新增产量（{current_zh}，{target_zh}）"
            )
            en.append(
                f"{control.indicator_id}: the change does not raise the capacity, so it adds "
                f"nothing to the total ({current_en}, {target_en})"
            )
        elif figure is None:
            worst = "warn"
            zh.append(
                f"{control.name_zh}：当前年产量未知（尚无矿山年报），无法核对"
                f"（本矿 {fmt(addition)}，{target_zh}）"
            )
            en.append(
                f"{control.indicator_id}: the current annual output is unknown (no mine's "
                f"annual report yet); this licence {fmt(addition)} against {target_en}"
            )
        elif addition is None:
            worst = "warn"
            zh.append(f"{control.name_zh}：本矿新增产量未知（缺 {added.source}）（{figures}）")
            en.append(
                f"{control.indicator_id}: this licence's addition is unknown, {added.source} "
                f"not given ({figures_en})"
            )
        elif exceeded:
            worst = "warn"
            zh.append(f"{control.name_zh}：超过调控目标（{figures}）")
            en.append(f"{control.indicator_id}: exceeds the controlled total ({figures_en})")
        elif figure is not None and not figure.complete:
            worst = "warn"
            zh.append(
                f"{control.name_zh}：{figure.year}年年报尚未报齐，现有数偏低，"
                f"未超过调控目标不足为凭（{figures}）"
            )
            en.append(
                f"{control.indicator_id}: the {figure.year} annual reports are not all in, so "
                f"the current figure understates the total; within it only so far ({figures_en})"
            )
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
