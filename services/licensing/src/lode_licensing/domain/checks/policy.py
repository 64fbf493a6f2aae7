"""专栏3 / 专栏4: priority, restricted and prohibited minerals (重点、限制、禁止矿种)."""

from __future__ import annotations

from ..application import Application
from ..rulebook import MineralPolicy
from ..vocabulary import Outcome
from .result import CheckResult

_WORK_ZH = {"exploration": "勘查", "mining": "开采"}


def check_mineral_policy(application: Application, policy: MineralPolicy) -> CheckResult:
    """Rule ``exploration_mineral_policy`` / ``mining_mineral_policy``.

    Prohibited: a new right fails; an existing right's cancellation passes (the orderly
    exit the plan asks for); its renewal, change or transfer goes to review. Restricted
    (超贫磁铁矿): a new right fails without a demonstration report (论证报告) and goes to
    review with one. Priority and other minerals pass.
    """
    mineral = application.mineral.zh
    kind = application.kind
    work = _WORK_ZH[policy.right_type]
    category = policy.category(application.mineral)
    details = {
        "mineral": mineral,
        "category": category,
        "kind": kind,
        "demonstration_report": application.demonstration_report,
    }

    def result(outcome: Outcome, zh: str, en: str) -> CheckResult:
        return CheckResult(
            rule_id=f"{policy.right_type}_mineral_policy",
            outcome=outcome,
            message_zh=zh,
            message_en=en,
            clause=policy.clause,
            details=details,
        )

    if category == "prohibited":
        effect = policy.lists.prohibited_effect_zh or ""
        if kind == "new":
            return result(
                "fail",
                f"{mineral}为禁止{work}矿种，{effect}",
                f"{mineral} is a prohibited mineral for {policy.right_type}: no new right",
            )
        if kind == "cancellation":
            return result(
                "pass",
                f"{mineral}为禁止{work}矿种，注销符合{effect}",
                f"{mineral} is prohibited; cancelling the right is the orderly exit the plan asks",
            )
        return result(
            "review",
            f"{mineral}为禁止{work}矿种（{effect}），{kind}须审查",
            f"{mineral} is prohibited and existing rights are to exit; a {kind} needs review",
        )
    if category == "restricted":
        effect = policy.lists.restricted_effect_zh or ""
        if kind != "new":
            return result(
                "pass",
                f"{mineral}为限制{work}矿种，{kind}不新设矿业权",
                f"{mineral} is restricted; a {kind} sets up no new right",
            )
        if application.demonstration_report:
            return result(
                "review",
                f"{mineral}为限制{work}矿种：{effect}；已附论证报告，须审查",
                f"{mineral} is restricted: the demonstration report is attached and needs review",
            )
        return result(
            "fail",
            f"{mineral}为限制{work}矿种：{effect}；未附论证报告",
            f"{mineral} is restricted: a new right needs a technical, economic and "
            "environmental demonstration report, and none is attached",
        )
    if category == "priority":
        return result(
            "pass",
            f"{mineral}为重点{work}矿种",
            f"{mineral} is a priority mineral for {policy.right_type}",
        )
    return result(
        "pass",
        f"{mineral}不属于限制或禁止{work}矿种",
        f"{mineral} is neither restricted nor prohibited for {policy.right_type}",
    )
