"""The standing checks of a licence in force (the same check functions applications run),
what changes between two runs of the checks, which conflicts to record or lift, and the
workflow's re-check move."""

from __future__ import annotations

from typing import Any

import pytest

from lode_licensing.domain.check_changes import check_changes
from lode_licensing.domain.checks import SpatialAnalysis
from lode_licensing.domain.checks.result import CheckResult
from lode_licensing.domain.checks.standing import (
    as_application,
    needs_area,
    standing_checks,
    standing_of,
)
from lode_licensing.domain.conflicts import conflict_zones, reconcile
from lode_licensing.domain.party import Party
from lode_licensing.domain.workflow import ApplicationState, allowed_actions, recheck

from .builders import APPLICANT_CODE, AT, MINING_LICENCE, real_rules, zone

AREA = {"type": "Polygon", "coordinates": [[[118.8, 41.0], [118.81, 41.0], [118.8, 41.01]]]}


def licence(mineral: str = "铁矿", area: Any = AREA) -> Any:
    return as_application(
        licence_no=MINING_LICENCE,
        right_type="mining",
        holder=Party("示意矿业", APPLICANT_CODE),
        mineral_zh=mineral,
        mining_method="underground",
        area_lonlat=area,
        rules=real_rules(),
    )


def by_rule(results: list[CheckResult]) -> dict[str, str]:
    return {r.rule_id: r.outcome for r in results}


def test_a_licence_outside_protected_zones_of_a_priority_mineral_stands() -> None:
    results = standing_checks(
        licence(), real_rules(), SpatialAnalysis(zones=(zone("mining_block"),))
    )
    assert by_rule(results) == {"mining_mineral_policy": "pass", "ecological_red_line": "pass"}
    assert standing_of(results) == "pass"


@pytest.mark.parametrize("zone_type", ["forbidden_mining_area", "ecological_red_line"])
def test_a_licence_in_a_forbidden_zone_fails_with_the_plan_clause(zone_type: str) -> None:
    spatial = SpatialAnalysis(zones=(zone("mining_block"), zone(zone_type)))
    results = standing_checks(licence(), real_rules(), spatial)
    [red] = [r for r in results if r.rule_id == "ecological_red_line"]
    assert red.outcome == "fail"
    assert red.clause
    assert standing_of(results) == "fail"
    assert conflict_zones(red)[0]["type"] == zone_type


def test_a_prohibited_mineral_fails_and_a_restricted_one_stands() -> None:
    spatial = SpatialAnalysis()
    assert (
        by_rule(standing_checks(licence("泥炭"), real_rules(), spatial))["mining_mineral_policy"]
        == "fail"
    )
    restricted = licence("超贫磁铁矿")
    assert restricted is not None
    assert (
        by_rule(standing_checks(restricted, real_rules(), spatial))["mining_mineral_policy"]
        == "pass"
    )


def test_rules_of_granting_are_not_standing_and_no_area_means_no_zone_check() -> None:
    app = licence(area=None)
    assert not needs_area(app, real_rules())
    assert by_rule(standing_checks(app, real_rules(), None)) == {"mining_mineral_policy": "pass"}
    assert licence("不是矿种") is None


def result(rule_id: str, outcome: Any) -> CheckResult:
    return CheckResult(rule_id, outcome, "中", "en", f"clause of {rule_id}")


def test_check_changes_lists_only_what_differs() -> None:
    before = [result("a", "pass"), result("b", "pass"), result("gone", "review")]
    after = [result("a", "pass"), result("b", "fail"), result("new", "warn")]
    changes = {c.rule_id: (c.before, c.after) for c in check_changes(before, after)}
    assert changes == {"b": ("pass", "fail"), "new": (None, "warn"), "gone": ("review", None)}


def test_reconcile_detects_once_lifts_and_leaves_unevaluated_licences_alone() -> None:
    open_conflicts = [("L1", "ecological_red_line"), ("L2", "mining_mineral_policy")]
    evaluated = {
        "L1": [result("ecological_red_line", "fail"), result("mining_mineral_policy", "fail")],
        "L3": [result("ecological_red_line", "pass")],
    }
    decided = reconcile(open_conflicts, evaluated)
    assert set(decided.detected) == {("L1", "mining_mineral_policy")}
    assert decided.lifted == frozenset()
    lifted = reconcile(open_conflicts, {"L2": [result("mining_mineral_policy", "pass")]})
    assert lifted.lifted == {("L2", "mining_mineral_policy")}
    assert not lifted.detected


@pytest.mark.parametrize(
    ("status", "verdict", "changed", "after", "label"),
    [
        ("checked", "eligible", True, "checked", "recheck(ineligible)"),
        ("reviewed", "needs_review", False, "reviewed", "recheck(unchanged)"),
        ("reviewed", "needs_review", True, "checked", "recheck(ineligible)"),
        ("forwarded", "eligible", True, "forwarded", "recheck(ineligible)"),
    ],
)
def test_the_recheck_move(status: Any, verdict: Any, changed: bool, after: str, label: str) -> None:
    state = ApplicationState(
        status, verdict=verdict, review_outcome="accept" if status == "reviewed" else None
    )
    moved = recheck(
        state, "ineligible", changed=changed, actor="system", role="system", at=AT, note="n"
    )
    assert moved.status == after
    assert moved.history[-1].action == label
    if status == "reviewed" and changed:
        assert moved.review_outcome is None
        assert moved.verdict == "ineligible"
    assert not any(a.startswith("recheck") for a in allowed_actions(state))
