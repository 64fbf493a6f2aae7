"""Scale rules: minimum scales (最低开采规模), zone scale (区内新建矿山规模), service years."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..application import Application
from ..minerals import convert_capacity
from ..rulebook import MinScaleRule, PlanRules, ServiceYearsRule, ZoneScaleRule
from ..scale import ScaleClassification, classify_scale
from ..vocabulary import SCALE_ZH, SCALES, TONNES_10K_PER_YEAR, Outcome
from .context import FiledReserves, ZoneHit
from .result import CheckResult, fmt


def _classification(application: Application, rules: PlanRules) -> ScaleClassification:
    if application.capacity is None:
        return ScaleClassification(None, reason="no capacity given (生产规模)")
    return classify_scale(
        application.capacity, application.mineral, application.mining_method, rules
    )


def _scale_details(classification: ScaleClassification) -> dict[str, Any]:
    row = classification.row
    return {
        "scale": classification.scale,
        "scale_source": classification.citation(),
        "scale_confidence": classification.confidence,
        "capacity_in_scale_unit": classification.capacity_in_row_unit,
        "scale_unit": row.unit_zh if row else None,
    }


def check_min_scale(application: Application, rule: MinScaleRule, rules: PlanRules) -> CheckResult:
    """Capacity at least the rule's minimum (``inclusive``: the minimum itself passes)."""
    capacity = application.capacity
    value = convert_capacity(capacity, rule.unit, application.mineral, rules) if capacity else None
    details: dict[str, Any] = {
        "capacity": capacity.value if capacity else None,
        "capacity_unit": capacity.unit if capacity else None,
        "compared_value": value,
        "minimum": rule.minimum,
        "unit": rule.unit,
        "inclusive": rule.inclusive,
    }

    def result(outcome: Outcome, zh: str, en: str) -> CheckResult:
        return CheckResult(rule.id, outcome, zh, en, rule.clause, details)

    if value is None:
        given = str(capacity) if capacity else "无"
        return result(
            "review",
            f"生产规模（{given}）无法与最低开采规模 {fmt(rule.minimum)} {rule.unit} 比较",
            f"the capacity ({capacity or 'not given'}) cannot be compared with the minimum "
            f"{fmt(rule.minimum)} {rule.unit}",
        )
    met = value >= rule.minimum if rule.inclusive else value > rule.minimum
    relation_zh = "不低于" if rule.inclusive else "高于"
    relation_en = "at least" if rule.inclusive else "above"
    shown = f"{fmt(value)} {rule.unit}"
    if met:
        return result(
            "pass",
            f"生产规模 {shown}，{relation_zh}最低开采规模 {fmt(rule.minimum)} {rule.unit}",
            f"capacity {shown} is {relation_en} the minimum scale {fmt(rule.minimum)} {rule.unit}",
        )
    return result(
        rule.outcome_when_unmet,
        f"生产规模 {shown} 未达到最低开采规模（须{relation_zh} {fmt(rule.minimum)} "
        f"{rule.unit}）：{rule.statement_zh}",
        f"capacity {shown} is below the minimum scale: it must be {relation_en} "
        f"{fmt(rule.minimum)} {rule.unit}",
    )


def check_zone_scale(
    application: Application,
    rule: ZoneScaleRule,
    zones: tuple[ZoneHit, ...],
    rules: PlanRules,
    green_mine_checked_by: str | None = None,
) -> CheckResult:
    """A new mine in the zone reaches the required scale and has a green-mine plan.

    ``green_mine_checked_by``: the id of the plan-wide green-mine rule that already checks
    the plan for this application (第四章第四节: every new mine); the zone rule then checks
    the scale only, so a missing plan is not reported twice."""
    classification = _classification(application, rules)
    zone_names = "、".join(z.label for z in zones)
    required = rule.required_scale
    green_here = rule.green_mine_plan_required and green_mine_checked_by is None
    details: dict[str, Any] = {
        "zones": [{"id": z.id, "code": z.code, "name_zh": z.name_zh} for z in zones],
        "required_scale": required,
        "green_mine_plan": application.green_mine_plan,
        "green_mine_plan_checked_by": green_mine_checked_by
        if rule.green_mine_plan_required
        else None,
        **_scale_details(classification),
    }
    failures_zh: list[str] = []
    failures_en: list[str] = []
    scale = classification.scale
    if scale is not None and SCALES.index(scale) > SCALES.index(required):
        failures_zh.append(f"规模为{SCALE_ZH[scale]}，须达到{SCALE_ZH[required]}")
        failures_en.append(f"the mine is {scale}; it must be {required}")
    if green_here and not application.green_mine_plan:
        failures_zh.append("未按绿色矿山建设标准编制方案")
        failures_en.append("no green-mine plan (绿色矿山建设方案) is declared")
    unconfirmed = ""
    if classification.confidence == "unverified":
        unconfirmed = " (scale table figure unverified)"
    if failures_zh:
        return CheckResult(
            rule.id,
            rule.outcome_when_unmet,
            f"位于{zone_names}：" + "；".join(failures_zh) + f"（{rule.statement_zh}）",
            f"in {zone_names}: " + "; ".join(failures_en) + unconfirmed,
            rule.clause,
            details,
        )
    if scale is None:
        return CheckResult(
            rule.id,
            "review",
            f"位于{zone_names}：无法确定矿山规模（{classification.reason}），须审查是否达到"
            f"{SCALE_ZH[required]}",
            f"in {zone_names}: the scale cannot be determined ({classification.reason}); "
            f"review whether it is {required}",
            rule.clause,
            details,
        )
    green_zh, green_en = "", ""
    if green_here:
        green_zh, green_en = "，并有绿色矿山建设方案", " and has a green-mine plan"
    elif rule.green_mine_plan_required:
        green_zh = f"（绿色矿山建设方案见 {green_mine_checked_by}）"
        green_en = f" (the green-mine plan is checked by {green_mine_checked_by})"
    return CheckResult(
        rule.id,
        "pass",
        f"位于{zone_names}：规模为{SCALE_ZH[scale]}{green_zh}",
        f"in {zone_names}: the mine is {scale}{green_en}{unconfirmed}",
        rule.clause,
        details,
    )


def _filing_zh(filed: FiledReserves) -> str:
    return f"据 {filed.year} 年储量年报（报告 {filed.report_id}，第 {filed.version} 版）"


def _filing_en(filed: FiledReserves) -> str:
    return (
        f"from the {filed.year} reserves report (储量年报 {filed.report_id}, version "
        f"{filed.version})"
    )


def check_service_years(
    application: Application,
    rule: ServiceYearsRule,
    rules: PlanRules,
    filed: FiledReserves | None = None,
) -> CheckResult:
    """Service years = reserves / annual capacity, against the minimum for the mine's scale.

    The reserves are the application's own (``reserves_10kt``); when it gives none and names
    a licence whose holder filed a reserves report (储量年报), the latest filing's closing
    reserves (``filed``), named in the message."""
    capacity = application.capacity
    reserves = application.reserves_10kt
    source_zh, source_en = "", ""
    used: FiledReserves | None = None
    if (
        reserves is None
        and filed is not None
        and application.licence_no is not None
        and filed.licence_no == application.licence_no
    ):
        used = filed
        reserves = filed.closing_10kt
        source_zh, source_en = _filing_zh(filed), f" {_filing_en(filed)}"
    classification = _classification(application, rules)
    annual = (
        convert_capacity(capacity, TONNES_10K_PER_YEAR, application.mineral, rules)
        if capacity
        else None
    )
    details: dict[str, Any] = {
        "reserves_10kt": reserves,
        "reserves_from": "application"
        if used is None and reserves is not None
        else (
            {
                "reserves_report": used.report_id,
                "version": used.version,
                "year": used.year,
                "licence_no": used.licence_no,
            }
            if used is not None
            else None
        ),
        "annual_capacity_10kt": annual,
        **_scale_details(classification),
    }

    def review(zh: str, en: str) -> CheckResult:
        return CheckResult(rule.id, rule.outcome_when_unmet, zh, en, rule.clause, details)

    if reserves is None:
        return review(
            "未提供保有资源量（reserves_10kt），也无已报储量年报，无法核算服务年限，须审查",
            "reserves (保有资源量, reserves_10kt) are not given and no reserves report (储量年报) "
            "is filed for the licence, so the service years cannot be computed; review needed",
        )
    if annual is None or annual <= 0:
        return review(
            f"生产规模无法换算为万吨/年（{capacity or '未提供'}），无法核算服务年限",
            f"the capacity ({capacity or 'not given'}) cannot be converted to 万吨/年; "
            "service years not computed",
        )
    if classification.scale is None:
        return review(
            f"无法确定矿山规模（{classification.reason}），无法确定最低服务年限",
            f"the scale cannot be determined ({classification.reason}), so the minimum service "
            "years are unknown",
        )
    years = reserves / annual
    minimum = rules.min_service_years(classification.scale)
    shown = years.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    details.update({"service_years": shown, "min_service_years": minimum})
    scale_zh = SCALE_ZH[classification.scale]
    if years < minimum:
        return review(
            f"服务年限约 {fmt(shown)} 年"
            f"（{source_zh}保有资源量 {fmt(reserves)} 万吨 ÷ {fmt(annual)} 万吨/年），"
            f"短于{scale_zh}矿山的 {fmt(minimum)} 年",
            f"service life about {fmt(shown)} years ({fmt(reserves)} 万吨{source_en} / "
            f"{fmt(annual)} 万吨/年) is short of the {fmt(minimum)} years for a "
            f"{classification.scale} mine",
        )
    return CheckResult(
        rule.id,
        "pass",
        f"服务年限约 {fmt(shown)} 年（{source_zh}保有资源量 {fmt(reserves)} 万吨 ÷ "
        f"{fmt(annual)} 万吨/年），不短于{scale_zh}矿山的 {fmt(minimum)} 年",
        f"service life about {fmt(shown)} years ({fmt(reserves)} 万吨{source_en} / "
        f"{fmt(annual)} 万吨/年) meets the {fmt(minimum)} years for a "
        f"{classification.scale} mine",
        rule.clause,
        details,
    )
