"""Which rules apply to which application, and the verdict over the results."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from lode_licensing.domain.checks import CheckResult, verdict

from .builders import (
    EXPLORATION_LICENCE,
    GRANT_ID,
    MINING_LICENCE,
    based,
    cancellation_body,
    checks_by_id,
    closure_facts,
    context,
    exploration_body,
    grant_basis,
    mining_body,
    zone,
)

ALWAYS_FOR_NEW_IRON = {
    "mining_mineral_policy",
    "min_scale_underground_iron",
    "within_plan_region",
    "green_mine_plan_required",
    "restoration_plan_required",
    "ecological_red_line",
    "licence_overlap",
    "one_holder_per_mining_block",
    "development_plan_required",
    "scale_matches_reserves",
    "output_control",
    "mine_count_cap",
    "competitive_grant",
    "applicant_standing",
}


def test_a_good_new_iron_mine_is_eligible_and_every_rule_appears() -> None:
    # won by a contracted grant (出让): without one, competitive_grant sends it to review
    results = checks_by_id(mining_body(grant_id=GRANT_ID), based(grant=grant_basis()))
    assert set(results) == ALWAYS_FOR_NEW_IRON
    assert {r.outcome for r in results.values()} == {"pass"}
    assert verdict(results.values()) == "eligible"
    for result in results.values():
        assert result.clause
        assert result.message.startswith(result.message_zh)
        assert result.message.endswith(result.message_en)


def test_the_api_example_is_ineligible_for_its_capacity() -> None:
    # API.md's example: 8 万吨/年 underground iron, below the 10 万吨/年 minimum.
    body = mining_body(capacity={"value": 8, "unit": "万吨/年"})
    results = checks_by_id(body)
    assert results["min_scale_underground_iron"].outcome == "fail"
    assert verdict(results.values()) == "ineligible"


def test_zone_rules_join_when_touched() -> None:
    ctx = context(zone("mining_block"), zone("key_mining_area"), zone("sand_gravel_area"))
    results = checks_by_id(mining_body(capacity={"value": 100, "unit": "万吨/年"}), ctx)
    assert set(results) == ALWAYS_FOR_NEW_IRON | {
        "key_mining_area_large_scale",
        "sand_gravel_area_large_scale",
    }


def test_exploration_rules() -> None:
    results = checks_by_id(exploration_body())
    assert set(results) == {
        "exploration_mineral_policy",
        "within_plan_region",
        "ecological_red_line",
        "licence_overlap",
        "one_holder_per_exploration_block",
        "applicant_standing",
    }
    assert verdict(results.values()) == "eligible"


def test_a_renewal_has_the_policy_and_area_rules_only() -> None:
    results = checks_by_id(mining_body(kind="renewal", licence_no=MINING_LICENCE))
    assert set(results) == {
        "mining_mineral_policy",
        "within_plan_region",
        "ecological_red_line",
        "licence_overlap",
        "one_holder_per_mining_block",
        "applicant_standing",
    }


@pytest.mark.parametrize(
    ("report", "accepted", "outcome"),
    [(True, True, "pass"), (False, True, "fail"), (True, False, "fail"), (False, False, "fail")],
)
def test_a_mine_cancellation_needs_the_recorded_closure_report_and_acceptance(
    report: bool, accepted: bool, outcome: str
) -> None:
    """The bureau's records decide (see test_closure_facts.py); the applicant's own
    closure_report / restoration_status do not."""
    body = cancellation_body()
    ctx = replace(context(), closure=closure_facts(MINING_LICENCE, report, accepted))
    result = checks_by_id(body, ctx)["restoration_duty"]
    assert result.outcome == outcome
    assert result.clause == "第五章第三节"


def test_an_exploration_cancellation_has_no_closure_duty() -> None:
    body = exploration_body(kind="cancellation", licence_no=EXPLORATION_LICENCE)
    assert "restoration_duty" not in checks_by_id(body)


def _result(outcome: str) -> CheckResult:
    return CheckResult("r", outcome, "中", "en", "clause")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "outcomes",
    [
        combo
        for n in range(0, 4)
        for combo in itertools.product(("pass", "fail", "review", "warn"), repeat=n)
    ],
)
def test_verdict_over_every_combination(outcomes: tuple[str, ...]) -> None:
    expected = (
        "ineligible"
        if "fail" in outcomes
        else "needs_review"
        if "review" in outcomes
        else "eligible"
    )
    assert verdict([_result(o) for o in outcomes]) == expected


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ((), "eligible"),
        (("pass", "warn"), "eligible"),
        (("review", "warn"), "needs_review"),
        (("review", "fail"), "ineligible"),
        (("fail",), "ineligible"),
    ],
)
def test_verdict_examples(outcomes: tuple[str, ...], expected: str) -> None:
    assert verdict([_result(o) for o in outcomes]) == expected


def test_a_restricted_mineral_with_a_report_needs_review() -> None:
    body = mining_body(mineral="超贫磁铁矿", demonstration_report=True, grant_id=GRANT_ID)
    results = checks_by_id(body, based(grant=grant_basis(mineral_zh="超贫磁铁矿")))
    assert results["competitive_grant"].outcome == "pass"  # the restriction alone reviews it
    assert verdict(results.values()) == "needs_review"


def test_as_dict_carries_the_api_fields() -> None:
    result = checks_by_id(mining_body())["mining_mineral_policy"].as_dict()
    assert {"rule_id", "outcome", "message", "clause"} <= set(result)
