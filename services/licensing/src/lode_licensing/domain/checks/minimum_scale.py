"""The minimum mining scale table (最低开采规模标准) as a check of every new mine.

第四章第四节 asks every new mine to reach "规划确定的开采矿种的最低开采规模标准"; the plan's
text gives only three figures (its own :class:`~..rulebook.MinScaleRule` entries), the
rest are the standards' table (``standards.minimum_scales``, each row with its source and
confidence). The row is the mineral's own, else the one of what it is treated as
(超贫磁铁矿 → 铁矿), of the application's method, else the mineral's ``any`` row.
"""

from __future__ import annotations

from typing import Any

from lode_common.plan.standards import MinimumScale, MinimumScales

from ..application import Application
from ..catalogue import standard_zh
from ..minerals import convert_capacity, normalise_unit
from ..rulebook import NationalMinScaleRule, PlanRules
from ..vocabulary import Outcome
from .result import CheckResult, fmt


def _row(application: Application, table: MinimumScales, rules: PlanRules) -> MinimumScale | None:
    mineral = application.mineral
    names = list(dict.fromkeys((mineral.zh, standard_zh(rules.standards, mineral))))
    return table.of(names, application.mining_method)


def _unverified(row: MinimumScale) -> tuple[str, str]:
    """The sentence a figure not confirmed against an official text carries."""
    if row.confidence != "unverified":
        return "", ""
    return (
        f"（最低开采规模数值未核实：来源 {row.source}）",
        f" (minimum scale figure unverified: source {row.source})",
    )


def check_minimum_scale_table(
    application: Application, rule: NationalMinScaleRule, rules: PlanRules
) -> CheckResult:
    """Capacity at least the table's minimum for the mineral and method (the minimum
    itself passes). No row: pass saying the standards have none (naming the minerals the
    standards list as having no row). No capacity, or none convertible to the row's unit:
    review."""
    table = rules.standards.minimum_scales
    mineral = application.mineral.zh
    capacity = application.capacity
    method = application.mining_method
    row = _row(application, table, rules) if table is not None else None
    details: dict[str, Any] = {
        "mineral": mineral,
        "method": method,
        "capacity": capacity.value if capacity else None,
        "capacity_unit": capacity.unit if capacity else None,
    }

    def result(outcome: Outcome, zh: str, en: str) -> CheckResult:
        return CheckResult(rule.id, outcome, zh, en, rule.clause, details)

    if table is None or row is None:
        not_found = table.not_found if table is not None else ()
        own_names = {mineral, standard_zh(rules.standards, application.mineral)}
        listed = not own_names.isdisjoint(not_found)
        details.update({"row": None, "not_found": list(not_found)})
        if listed:
            names = "、".join(not_found)
            return result(
                "pass",
                f"最低开采规模标准无{mineral}的数值（标准注明无此表的矿种：{names}），不作比较",
                f"the minimum scale standards have no figure for {mineral} (the standards "
                f"name these minerals as having none: {', '.join(not_found)}); not compared",
            )
        return result(
            "pass",
            f"最低开采规模标准未列{mineral}，不作比较",
            f"the minimum scale standards list no figure for {mineral}; not compared",
        )

    unit = normalise_unit(row.unit_zh) or row.unit_zh
    value = convert_capacity(capacity, unit, application.mineral, rules) if capacity else None
    details.update(
        {
            "row": {"mineral_zh": row.mineral_zh, "method": row.method},
            "compared_value": value,
            "minimum": row.minimum,
            "unit": row.unit_zh,
            "inclusive": True,
            "source": row.source,
            "confidence": row.confidence,
        }
    )
    unverified_zh, unverified_en = _unverified(row)
    minimum = f"{fmt(row.minimum)} {row.unit_zh}"
    if row.mineral_zh != mineral:  # treated as another mineral (超贫磁铁矿 → 铁矿)
        mineral = f"{mineral}（按{row.mineral_zh}）"
    if value is None:
        given = str(capacity) if capacity else "无"
        return result(
            "review",
            f"生产规模（{given}）无法换算为{row.unit_zh}，无法与{mineral}最低开采规模 {minimum} "
            f"比较{unverified_zh}",
            f"the capacity ({capacity or 'not given'}) cannot be converted to {row.unit_zh} "
            f"to compare with the minimum scale {minimum} of {mineral}{unverified_en}",
        )
    shown = f"{fmt(value)} {row.unit_zh}"
    if value >= row.minimum:
        return result(
            "pass",
            f"生产规模 {shown}，不低于{mineral}最低开采规模 {minimum}{unverified_zh}",
            f"capacity {shown} is at least the minimum scale {minimum} of {mineral}"
            + unverified_en,
        )
    return result(
        rule.outcome_when_unmet,
        f"生产规模 {shown} 未达到{mineral}最低开采规模 {minimum}：{rule.statement_zh}"
        + unverified_zh,
        f"capacity {shown} is below the minimum scale {minimum} of {mineral}" + unverified_en,
    )
