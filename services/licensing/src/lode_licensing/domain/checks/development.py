"""开发利用方案 and its planned “三率” against the national minimums."""

from __future__ import annotations

from typing import Any

from ..application import Application
from ..catalogue import standard_zh
from ..rulebook import THREE_RATE_ZH, DevelopmentPlanRule, PlanRules
from ..scale import classify_scale
from ..three_rates import RateMinimum, select_minimums
from .result import CheckResult, fmt


def _standard(minimum: RateMinimum) -> tuple[str, str]:
    source = minimum.source or "国家标准（来源未载明）"
    confidence = minimum.item.confidence
    unverified = confidence == "unverified"
    zh = f"{source}，可信度 {confidence}" + ("（未核实）" if unverified else "")
    en = f"{source}, confidence {confidence}" + (" — unverified" if unverified else "")
    return zh, en


def check_development_plan(
    application: Application, rule: DevelopmentPlanRule, rules: PlanRules
) -> CheckResult:
    """Rule ``development_plan_required``: a development plan whose three rates reach the minimums.

    Fails without a plan or with a planned rate below its minimum (naming the standard and
    its confidence); goes to review when a minimum applies but the plan gives no figure, or
    when the minimum depends on an input that is missing (scale, method).
    """
    plan = application.development_plan
    mineral_zh = standard_zh(rules.standards, application.mineral)
    details: dict[str, Any] = {"development_plan": plan is not None}
    if plan is None:
        return CheckResult(
            rule.id,
            rule.outcome_when_unmet,
            f"未提交矿产资源开发利用方案：{rule.statement_zh}",
            "no development plan (矿产资源开发利用方案) is given; a new mine must have one "
            "whose three rates meet the national standards",
            rule.clause,
            details,
        )
    if not rule.three_rates_national:
        return CheckResult(
            rule.id,
            "pass",
            "已提交开发利用方案",
            "a development plan is given",
            rule.clause,
            details,
        )
    scale = None
    if application.capacity is not None:
        scale = classify_scale(
            application.capacity, application.mineral, application.mining_method, rules
        ).scale
    selection = select_minimums(
        mineral_zh,
        method=application.mining_method,
        scale=scale,
        ore_type=plan.ore_type,
        standards=rules.standards,
    )
    below_zh: list[str] = []
    below_en: list[str] = []
    open_zh: list[str] = []
    open_en: list[str] = []
    rates: list[dict[str, Any]] = []
    for minimum in selection.chosen:
        planned = plan.planned(minimum.rate)
        name = THREE_RATE_ZH[minimum.rate]
        std_zh, std_en = _standard(minimum)
        status = "pass"
        if planned is None:
            status = "missing"
            open_zh.append(f"{name}未给出（国家最低 {fmt(minimum.minimum_pct)}%，{std_zh}）")
            open_en.append(
                f"{minimum.rate} not given (national minimum {fmt(minimum.minimum_pct)}%, {std_en})"
            )
        elif planned < minimum.minimum_pct:
            status = "fail"
            below_zh.append(
                f"{name}计划 {fmt(planned)}% 低于国家最低 {fmt(minimum.minimum_pct)}%（{std_zh}）"
            )
            below_en.append(
                f"planned {minimum.rate} {fmt(planned)}% is below the national minimum "
                f"{fmt(minimum.minimum_pct)}% ({std_en})"
            )
        rates.append(
            {
                "rate": minimum.rate,
                "planned_pct": planned,
                "minimum_pct": minimum.minimum_pct,
                "source": minimum.source,
                "confidence": minimum.item.confidence,
                "conditions": {
                    "method": minimum.item.method,
                    "scales": sorted(minimum.item.scale) if minimum.item.scale else None,
                    "ore_type": minimum.item.ore_type,
                },
                "note": minimum.item.note,
                "outcome": status,
            }
        )
    for rate, missing in selection.undetermined:
        open_zh.append(f"{THREE_RATE_ZH[rate]}的国家最低指标取决于{missing}，无法确定")
        open_en.append(f"the {rate} minimum depends on {missing}, which is not known")
    details.update(
        {
            "scale": scale,
            "ore_type": selection.ore_type,
            "ore_type_defaulted": selection.ore_type_defaulted,
            "rates": rates,
            "undetermined": [{"rate": r, "missing": m} for r, m in selection.undetermined],
        }
    )
    ore_note_zh = ""
    ore_note_en = ""
    if selection.ore_type_defaulted and selection.ore_type:
        ore_note_zh = f"（未给出矿石类型，按标准默认 {selection.ore_type}）"
        ore_note_en = f" (ore type not given: the standards' default {selection.ore_type} is used)"
    if below_zh:
        return CheckResult(
            rule.id,
            rule.outcome_when_unmet,
            "；".join(below_zh + open_zh) + ore_note_zh,
            "; ".join(below_en + open_en) + ore_note_en,
            rule.clause,
            details,
        )
    if open_zh:
        return CheckResult(
            rule.id,
            "review",
            "；".join(open_zh) + ore_note_zh,
            "; ".join(open_en) + ore_note_en,
            rule.clause,
            details,
        )
    if not selection.chosen:
        return CheckResult(
            rule.id,
            "pass",
            f"已提交开发利用方案；国家标准数据中无{mineral_zh}“三率”最低指标，未比对",
            f"a development plan is given; the standards hold no three-rate minimums for "
            f"{mineral_zh}, so none were compared",
            rule.clause,
            details,
        )
    met_zh = "、".join(
        f"{THREE_RATE_ZH[i.rate]} ≥ {fmt(i.minimum_pct)}%（{_standard(i)[0]}）"
        for i in selection.chosen
    )
    met_en = ", ".join(
        f"{i.rate} ≥ {fmt(i.minimum_pct)}% ({_standard(i)[1]})" for i in selection.chosen
    )
    return CheckResult(
        rule.id,
        "pass",
        f"开发利用方案“三率”达到国家最低指标：{met_zh}{ore_note_zh}",
        f"the planned three rates meet the national minimums: {met_en}{ore_note_en}",
        rule.clause,
        details,
    )
