"""Closing a mine (闭坑): the closure report and restoration the plan requires first.

What decides is what the bureau recorded (:class:`~.context.ClosureFacts`: the closure
report received, the restoration accepted, each with its date, reference and who recorded
it), not what the applicant says in ``closure_report`` / ``restoration_status``: those are
kept in ``details`` for comparison only.
"""

from __future__ import annotations

from lode_common.plan.document import Governance

from ..application import Application
from .context import ClosureFacts
from .result import CheckResult


def check_restoration_duty(
    application: Application, duty: Governance, facts: ClosureFacts | None = None
) -> CheckResult:
    """A mining cancellation passes only when the bureau has recorded the mine's closure
    report (闭坑报告) as received and its geological-environment restoration (地质环境恢复治理)
    as accepted; the message names the references, the dates and who recorded them."""
    report = facts.closure_report if facts else None
    acceptance = facts.restoration_acceptance if facts else None
    details = {
        "closure_report": report.as_dict() if report else None,
        "restoration_acceptance": acceptance.as_dict() if acceptance else None,
        "declared": {
            "closure_report": application.closure_report,
            "restoration_status": application.restoration_status,
        },
    }
    found_zh: list[str] = []
    found_en: list[str] = []
    missing_zh: list[str] = []
    missing_en: list[str] = []
    if report is None:
        missing_zh.append("未记录收到矿山闭坑报告")
        missing_en.append("no receipt of the mine closure report (闭坑报告) is recorded")
    else:
        found_zh.append(
            f"{report.on.isoformat()} 收到矿山闭坑报告"
            f"（{report.reference}，{report.recorded_by} 记录）"
        )
        found_en.append(
            f"closure report received on {report.on.isoformat()} ({report.reference}, "
            f"recorded by {report.recorded_by})"
        )
    if acceptance is None:
        missing_zh.append("未记录地质环境恢复治理验收")
        missing_en.append(
            "no acceptance of the geological-environment restoration (恢复治理验收) is recorded"
        )
    else:
        found_zh.append(
            f"{acceptance.on.isoformat()} 地质环境恢复治理验收通过"
            f"（{acceptance.reference}，{acceptance.recorded_by} 记录）"
        )
        found_en.append(
            f"restoration accepted on {acceptance.on.isoformat()} ({acceptance.reference}, "
            f"recorded by {acceptance.recorded_by})"
        )
    if missing_zh:
        seen_zh = f"（已记录：{'；'.join(found_zh)}）" if found_zh else ""
        seen_en = f" (recorded: {'; '.join(found_en)})" if found_en else ""
        return CheckResult(
            duty.id,
            "fail",
            "；".join(missing_zh) + f"{seen_zh}：{duty.statement_zh}（以登记机关记录为准，"
            "申请人填报的 closure_report / restoration_status 不作依据）",
            "; ".join(missing_en) + seen_en + "; the bureau's records decide, not the "
            "applicant's closure_report / restoration_status",
            duty.clause,
            details,
        )
    return CheckResult(
        duty.id,
        "pass",
        "；".join(found_zh),
        "; ".join(found_en),
        duty.clause,
        details,
    )
