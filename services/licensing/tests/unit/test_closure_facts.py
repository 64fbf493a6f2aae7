"""Closure facts (闭坑) the bureau records, and the cancellation check that decides by them
(第五章第三节), not by what the applicant declares."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from lode_licensing.domain.checks.context import ClosureRecord
from lode_licensing.domain.closure import date_problem, latest_facts, state_problem
from lode_licensing.domain.licence import Licence, LicenceStatus
from lode_licensing.domain.party import Party

from .builders import (
    APPLICANT_CODE,
    EXPLORATION_LICENCE,
    MINING_LICENCE,
    cancellation_body,
    checks_by_id,
    closure_facts,
    context,
    day,
)

MINE = Licence(
    licence_no=MINING_LICENCE,
    right_type="mining",
    holder=Party("平泉市某矿业有限公司", APPLICANT_CODE),
    mineral_zh="铁矿",
    valid_from=date(2021, 1, 1),
    valid_to=date(2031, 1, 1),
)
TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        ("active", True),
        ("suspended", True),
        ("expired", True),
        ("revoked", False),
        ("cancelled", False),
    ],
)
def test_facts_are_recorded_while_the_licence_may_be_cancelled(
    status: LicenceStatus, allowed: bool
) -> None:
    problem = state_problem(replace(MINE, status=status))
    assert (problem is None) is allowed
    if problem is not None:
        assert status in problem


def test_an_exploration_licence_has_no_closure_facts() -> None:
    exploration = replace(MINE, licence_no=EXPLORATION_LICENCE, right_type="exploration")
    problem = state_problem(exploration)
    assert problem is not None
    assert "exploration" in problem


@pytest.mark.parametrize(
    ("on", "problem"),
    [
        (date(2026, 12, 8), "in the future"),
        (TODAY, None),
        (date(2021, 1, 1), None),
        (date(2020, 12, 31), "before licence"),
    ],
)
def test_the_date_is_not_in_the_future_nor_before_the_licence(
    on: date, problem: str | None
) -> None:
    found = date_problem("closure_report", on, MINE, TODAY)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found


def test_the_last_record_of_each_kind_counts() -> None:
    first = ClosureRecord(day("2026-01-05"), "A-1", "甲", "licensing_officer")
    second = ClosureRecord(day("2026-02-05"), "A-2", "乙", "licensing_officer")
    accepted = ClosureRecord(day("2026-03-05"), "B-1", "甲", "licensing_officer")
    facts = latest_facts(
        MINING_LICENCE,
        [
            ("closure_report", first),
            ("restoration_acceptance", accepted),
            ("closure_report", second),
        ],
    )
    assert facts.closure_report == second
    assert facts.restoration_acceptance == accepted
    assert latest_facts(MINING_LICENCE, []).closure_report is None


def test_recorded_facts_pass_and_name_who_and_when() -> None:
    ctx = replace(context(), closure=closure_facts(MINING_LICENCE, by="王科长"))
    result = checks_by_id(cancellation_body(), ctx)["restoration_duty"]
    assert result.outcome == "pass"
    assert "2026-10-20 收到矿山闭坑报告（平自然资闭〔2026〕3号，王科长 记录）" in result.message_zh
    assert "2026-11-05 地质环境恢复治理验收通过（平自然资验〔2026〕7号，王科长 记录）" in (
        result.message_zh
    )
    assert "restoration accepted on 2026-11-05" in result.message_en
    assert result.details["restoration_acceptance"]["recorded_by"] == "王科长"


def test_the_applicants_word_alone_does_not_pass() -> None:
    result = checks_by_id(cancellation_body(), context())["restoration_duty"]
    assert result.outcome == "fail"
    assert "未记录收到矿山闭坑报告" in result.message_zh
    assert "未记录地质环境恢复治理验收" in result.message_zh
    assert "申请人填报的 closure_report / restoration_status 不作依据" in result.message_zh
    assert result.details["declared"] == {
        "closure_report": True,
        "restoration_status": "completed",
    }


def test_recorded_facts_decide_whatever_the_applicant_declares() -> None:
    ctx = replace(context(), closure=closure_facts(MINING_LICENCE))
    result = checks_by_id(cancellation_body(False, "in_progress"), ctx)["restoration_duty"]
    assert result.outcome == "pass"


def test_a_missing_acceptance_fails_and_says_what_is_recorded() -> None:
    ctx = replace(context(), closure=closure_facts(MINING_LICENCE, accepted=False))
    result = checks_by_id(cancellation_body(), ctx)["restoration_duty"]
    assert result.outcome == "fail"
    assert result.message_zh.startswith(
        "未记录地质环境恢复治理验收（已记录：2026-10-20 收到矿山闭坑报告"
    )
    assert "recorded: closure report received on 2026-10-20" in result.message_en
