"""The simulator's pure parts: its judgement, licence numbers and terms (no I/O)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lode.doubles.province_sim import (
    SimPolicy,
    judge,
    kept_number,
    licence_number,
    payload_errors,
    province_sim_command,
    validity,
)
from lode_licensing.domain.licence import licence_no_problem, validity_problem
from lode_licensing.domain.vocabulary import Scale

from ..unit.builders import real_rules


def checks(*outcomes: str) -> dict[str, Any]:
    return {"checks": [{"rule_id": f"rule_{n}", "outcome": o} for n, o in enumerate(outcomes)]}


def test_judge_approves_pass_warn_and_review_and_rejects_anything_else() -> None:
    assert judge(checks("pass", "warn", "review"), SimPolicy())[0] == "approved"
    assert judge({"checks": []}, SimPolicy())[0] == "approved"
    verdict, reason = judge(checks("pass", "fail", "bogus"), SimPolicy())
    assert verdict == "rejected"
    assert "rule_1 (fail)" in reason
    assert "rule_2 (bogus)" in reason
    assert "rule_0" not in reason
    for review in ("reject", {"outcome": "reject"}):
        verdict, reason = judge({**checks("pass", "review"), "review": review}, SimPolicy())
        assert (verdict, reason) == ("rejected", "the plan checks do not hold: rule_1 (review)")
    assert judge({**checks("review"), "review": "accept"}, SimPolicy())[0] == "approved"


def test_licence_number_layout() -> None:
    number = licence_number("mining", "app-1", 1, 2025)
    assert len(number) == 23
    assert number[:11] == "C1308812025"
    assert number[-6:] == "000001"
    assert number == licence_number("mining", "app-1", 1, 2025), "deterministic"
    assert number != licence_number("mining", "app-1", 2, 2025)
    assert number[11:17] != licence_number("mining", "app-2", 1, 2025)[11:17]
    assert licence_number("exploration", "app-1", 1, 2025).startswith("T1308812025")


@pytest.mark.parametrize("right_type", ["mining", "exploration"])
def test_numbers_and_terms_pass_the_domains_own_rules(right_type: Any) -> None:
    terms = real_rules().licence_terms
    number = licence_number(right_type, "some-application", 42, 2025)
    assert licence_no_problem(number, right_type, terms) is None
    scale: Scale | None = "small" if right_type == "mining" else None
    valid_from, valid_to = validity(right_type, scale, date(2025, 3, 1))
    assert validity_problem(right_type, scale, valid_from, valid_to, terms) is None


def test_terms() -> None:
    day = date(2024, 2, 29)
    assert validity("mining", None, day) == (day, date(2034, 2, 27))
    assert validity("mining", "大型", day)[1] == date(2054, 2, 27)
    assert validity("mining", "medium", date(2025, 1, 1))[1] == date(2044, 12, 31)
    assert validity("mining", "huge", date(2025, 1, 1))[1] == date(2034, 12, 31)
    assert validity("exploration", "large", date(2025, 1, 1))[1] == date(2029, 12, 31)


def test_only_a_follow_up_application_keeps_a_well_formed_number_of_its_type() -> None:
    number = "C1308812021017120000001"
    assert kept_number({"kind": "renewal", "right_type": "mining", "licence_no": number}) == number
    assert kept_number({"kind": "new", "right_type": "mining", "licence_no": number}) is None
    assert (
        kept_number({"kind": "renewal", "right_type": "exploration", "licence_no": number}) is None
    )
    assert kept_number({"kind": "renewal", "right_type": "mining", "licence_no": "C١٢"}) is None


def test_payload_errors() -> None:
    assert payload_errors([]) == [{"field": "", "message": "the body must be a JSON object"}]
    fields = {e["field"] for e in payload_errors({"checks": "all good"})}
    assert fields == {"application_id", "right_type", "callback_url", "checks"}


def test_policy_and_command_refuse_bad_options() -> None:
    with pytest.raises(ValueError, match="always"):
        SimPolicy(always="maybe")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        SimPolicy(fail_first_n=-1)
    with pytest.raises(ValueError, match="--approve"):
        province_sim_command("127.0.0.1", 0, "s", "yes", 0, False)
