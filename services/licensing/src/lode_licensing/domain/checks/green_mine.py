"""Green mines (绿色矿山) and restoration plans (矿山地质环境保护与土地复垦方案) of new mines.

第四章第四节 and 第五章第二节: every new mine is planned, designed, built and run to the
green-mine standard, wherever it lies (the key zones' rule adds their scale). 第五章第三节
(谁开发谁保护、谁破坏谁治理): a new mine carries its protection and land-restoration plan,
whose milestones monitoring later compares with what the mine reports.
"""

from __future__ import annotations

from ..application import Application
from ..rulebook import GreenMinePlanRule, RestorationPlanRule
from .result import CheckResult, fmt


def check_green_mine_plan(application: Application, rule: GreenMinePlanRule) -> CheckResult:
    """A new mine declares its green-mine plan (绿色矿山建设方案)."""
    details = {"green_mine_plan": application.green_mine_plan}
    if application.green_mine_plan:
        return CheckResult(
            rule.id,
            "pass",
            "已按绿色矿山建设标准编制绿色矿山建设方案",
            "a green-mine plan (绿色矿山建设方案) to the green-mine standard is declared",
            rule.clause,
            details,
        )
    return CheckResult(
        rule.id,
        rule.outcome_when_unmet,
        f"未按绿色矿山建设标准编制绿色矿山建设方案：{rule.statement_zh}",
        "no green-mine plan (绿色矿山建设方案) is declared: every new mine is planned, "
        "designed, built and run to the green-mine standard",
        rule.clause,
        details,
    )


def check_restoration_plan(application: Application, rule: RestorationPlanRule) -> CheckResult:
    """A new mine carries its restoration plan with at least one milestone; the pass names
    how many and the last one (year, cumulative hectares)."""
    plan = application.restoration_plan
    milestones = plan or ()
    details = {
        "restoration_plan": plan is not None,
        "milestones": len(milestones),
        "final_year": milestones[-1].year if milestones else None,
        "final_restored_area_ha": milestones[-1].restored_area_ha if milestones else None,
    }
    if plan is None:
        return CheckResult(
            rule.id,
            rule.outcome_when_unmet,
            f"未提交矿山地质环境保护与土地复垦方案（restoration_plan）：{rule.statement_zh}",
            "no restoration plan (矿山地质环境保护与土地复垦方案, restoration_plan) is given: "
            "whoever develops the mine restores it",
            rule.clause,
            details,
        )
    if not milestones:
        return CheckResult(
            rule.id,
            rule.outcome_when_unmet,
            f"矿山地质环境保护与土地复垦方案无复垦节点：{rule.statement_zh}",
            "the restoration plan has no milestone (year and restored hectares)",
            rule.clause,
            details,
        )
    last = milestones[-1]
    return CheckResult(
        rule.id,
        "pass",
        f"已提交矿山地质环境保护与土地复垦方案：{len(milestones)} 个节点，至 {last.year} 年"
        f"累计复垦 {fmt(last.restored_area_ha)} 公顷",
        f"restoration plan given: {len(milestones)} milestone(s), "
        f"{fmt(last.restored_area_ha)} ha restored in total by {last.year}",
        rule.clause,
        details,
    )
