"""Closing a mine (闭坑): the closure report and restoration the plan requires first."""

from __future__ import annotations

from lode_common.plan.document import Governance

from ..application import Application
from .result import CheckResult


def check_restoration_duty(application: Application, duty: Governance) -> CheckResult:
    """A mining cancellation passes only with the 闭坑报告 submitted and restoration completed."""
    details = {
        "closure_report": application.closure_report,
        "restoration_status": application.restoration_status,
    }
    missing_zh: list[str] = []
    missing_en: list[str] = []
    if not application.closure_report:
        missing_zh.append("未提交矿山闭坑报告")
        missing_en.append("the mine closure report (闭坑报告) is not submitted")
    if application.restoration_status != "completed":
        missing_zh.append(f"地质环境恢复治理未完成（{application.restoration_status}）")
        missing_en.append(
            "geological-environment restoration is not completed "
            f"({application.restoration_status})"
        )
    if missing_zh:
        return CheckResult(
            duty.id,
            "fail",
            "；".join(missing_zh) + f"：{duty.statement_zh}",
            "; ".join(missing_en),
            duty.clause,
            details,
        )
    return CheckResult(
        duty.id,
        "pass",
        "已提交矿山闭坑报告并完成地质环境恢复治理",
        "closure report submitted and restoration completed",
        duty.clause,
        details,
    )
