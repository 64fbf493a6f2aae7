"""A decision as received: strict ISO dates, safe text, no unknown field; a validity that
has ended by the day of the decision is refused; a repeat is told from another decision."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lode_licensing.domain.decision import parse_decision, same_decision
from lode_licensing.domain.errors import InvalidInput
from lode_licensing.domain.licence import validity_problem
from lode_licensing.domain.rulebook import PlanRules

APPROVAL: dict[str, Any] = {
    "decision": "approved",
    "licence_no": "C1308812026017120000051",
    "valid_from": "2026-12-01",
    "valid_to": "2036-11-30",
    "reason": "同意",
}


def fields(body: dict[str, Any], **kw: Any) -> list[str]:
    with pytest.raises(InvalidInput) as refused:
        parse_decision(body, **kw)
    return [e.field for e in refused.value.errors]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"valid_to": "2036-11-31"}, "valid_to"),
        ({"valid_to": "20361130"}, "valid_to"),
        ({"valid_to": "2036-W01-1"}, "valid_to"),
        ({"valid_to": 2036}, "valid_to"),
        ({"valid_from": "1899-01-01"}, "valid_from"),
        ({"valid_from": "２０２６-12-01"}, "valid_from"),
        ({"decision": "approve"}, "decision"),
        ({"reason": "同意\u202e"}, "reason"),
        ({"reason": "x" * 2001}, "reason"),
        ({"licence_no": None}, "licence_no"),
        ({"licence_no": 1308812026017120000051}, "licence_no"),
        ({"note": "x"}, "note"),
    ],
)
def test_each_problem_names_its_field(changes: dict[str, Any], field: str) -> None:
    assert field in fields({**APPROVAL, **changes})


def test_the_callback_may_name_its_application() -> None:
    body = {**APPROVAL, "application_id": "a"}
    assert fields(body) == ["application_id"]
    assert parse_decision(body, also=("application_id",)).valid_to == date(2036, 11, 30)


def test_a_rejection_needs_no_licence() -> None:
    parsed = parse_decision({"decision": "rejected", "reason": "不符合规划"})
    assert parsed.licence_no is None


def test_a_repeat_is_the_same_decision_another_one_is_not() -> None:
    parsed = parse_decision(APPROVAL)
    assert same_decision(parsed.as_record(), parsed)
    assert not same_decision(
        parsed.as_record(), parse_decision({**APPROVAL, "valid_to": "2030-01-01"})
    )
    legacy = {"decision": "approved", "licence_no": APPROVAL["licence_no"]}
    assert same_decision(legacy, parsed)
    assert not same_decision(legacy, parse_decision({"decision": "rejected"}))


def test_a_validity_that_has_ended_is_refused(rules: PlanRules) -> None:
    terms = rules.licence_terms
    ended = validity_problem(
        "mining", "small", date(2015, 1, 1), date(2020, 1, 1), terms, today=date(2026, 12, 7)
    )
    assert ended is not None
    assert "already passed" in ended
    assert (
        validity_problem(
            "mining", "small", date(2020, 1, 1), date(2026, 12, 7), terms, today=date(2026, 12, 7)
        )
        is None
    ), "the last valid day may be today"
    years = terms.mining_max_years
    assert (years.large, years.medium, years.small) == (30, 20, 10)
