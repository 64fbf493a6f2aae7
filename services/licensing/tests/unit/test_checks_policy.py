"""专栏3 / 专栏4: prohibited, restricted and priority minerals."""

from __future__ import annotations

from typing import Any

import pytest

from lode_licensing.domain.checks import check_mineral_policy
from lode_licensing.domain.rulebook import PlanRules

from .builders import (
    EXPLORATION_LICENCE,
    MINING_LICENCE,
    OTHER_CODE,
    application,
    exploration_body,
    mining_body,
    rules_from,
)


def mining(mineral: str, kind: str = "new", **extra: Any) -> dict[str, Any]:
    unit = "万立方米/年" if mineral in ("砂金", "建筑用灰岩") else "万吨/年"
    body = mining_body(
        mineral=mineral, mining_method="open_pit", capacity={"value": 20, "unit": unit}, kind=kind
    )
    body.update(extra)
    if kind != "new":
        body["licence_no"] = MINING_LICENCE
    if kind == "cancellation":
        body.update(closure_report=True, restoration_status="completed")
    return body


def exploration(mineral: str, kind: str = "new") -> dict[str, Any]:
    body = exploration_body(mineral=mineral, kind=kind)
    if kind != "new":
        body["licence_no"] = EXPLORATION_LICENCE
    return body


@pytest.mark.parametrize(
    ("body", "outcome", "category"),
    [
        (mining("砂金"), "fail", "prohibited"),
        (mining("砖瓦用粘土"), "fail", "prohibited"),
        (mining("泥炭"), "fail", "prohibited"),
        (mining("砂金", "renewal"), "review", "prohibited"),
        (
            mining("砂金", "transfer", new_holder={"name": "乙", "credit_code": OTHER_CODE}),
            "review",
            "prohibited",
        ),
        (mining("砂金", "cancellation"), "pass", "prohibited"),
        (mining("超贫磁铁矿"), "fail", "restricted"),
        (mining("超贫磁铁矿", demonstration_report=True), "review", "restricted"),
        (mining("超贫磁铁矿", "renewal"), "pass", "restricted"),
        (mining("铁矿"), "pass", "priority"),
        (mining("建筑用灰岩"), "pass", "priority"),
        (mining("钼矿"), "pass", "other"),
        (exploration("砂金"), "fail", "prohibited"),
        (exploration("泥炭", "renewal"), "review", "prohibited"),
        (exploration("钼矿"), "pass", "priority"),
        (exploration("超贫磁铁矿"), "pass", "other"),  # restricted for mining only (专栏4)
        (exploration("萤石"), "pass", "other"),
    ],
)
def test_mineral_policy(
    rules: PlanRules, body: dict[str, Any], outcome: str, category: str
) -> None:
    app = application(body, rules)
    result = check_mineral_policy(app, rules.policy(app.right_type))
    assert result.outcome == outcome, result.message
    assert result.details["category"] == category
    assert result.rule_id == f"{app.right_type}_mineral_policy"
    assert result.clause == (
        "第三章第一节 专栏4" if app.right_type == "mining" else "第三章第一节 专栏3"
    )


def test_restricted_without_report_says_so(rules: PlanRules) -> None:
    app = application(mining("超贫磁铁矿"), rules)
    result = check_mineral_policy(app, rules.mining_policy)
    assert "严格论证" in result.message_zh
    assert "demonstration report" in result.message_en


def test_the_lists_come_from_the_document(document: dict[str, Any]) -> None:
    document["mineral_policy"]["mining"]["prohibited_zh"].remove("砂金")
    document["mineral_policy"]["mining"]["restricted_zh"].append("萤石")
    rules = rules_from(document)
    placer = application(mining("砂金"), rules)
    assert check_mineral_policy(placer, rules.mining_policy).outcome == "pass"
    fluorite = application(mining("萤石"), rules)
    assert check_mineral_policy(fluorite, rules.mining_policy).outcome == "fail"
