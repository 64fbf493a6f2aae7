"""Licence numbers, validity by scale, renewal notice, status transitions, daily expiry."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from lode_licensing.domain.errors import IllegalTransition, InvalidInput, RenewalRefused
from lode_licensing.domain.licence import (
    LICENCE_ACTIONS,
    LICENCE_STATUSES,
    LICENCE_TRANSITIONS,
    Licence,
    add_years,
    allowed_actions,
    apply_action,
    check_licence_no,
    check_renewal_filing,
    cst_today,
    expire_lapsed,
    is_phase_out,
    licence_no_problem,
    max_validity_years,
    renew,
    transfer,
    validity_problem,
)
from lode_licensing.domain.party import Party
from lode_licensing.domain.rulebook import PlanRules

from .builders import (
    APPLICANT_CODE,
    EXPLORATION_LICENCE,
    MINING_LICENCE,
    OTHER_CODE,
    day,
    rules_from,
)

HOLDER = Party("平泉市某矿业有限公司", APPLICANT_CODE)


def licence(**changes: Any) -> Licence:
    base = Licence(
        licence_no=MINING_LICENCE,
        right_type="mining",
        holder=HOLDER,
        mineral_zh="铁矿",
        valid_from=day("2021-07-01"),
        valid_to=day("2031-06-30"),
        scale="small",
    )
    return replace(base, **changes)


@pytest.mark.parametrize(
    ("number", "right", "valid"),
    [
        (MINING_LICENCE, "mining", True),
        (EXPLORATION_LICENCE, "exploration", True),
        ("C5200002013023120128796", "mining", True),  # the standards' example
        (EXPLORATION_LICENCE, "mining", False),
        (MINING_LICENCE, "exploration", False),
        ("C130881202101712000000", "mining", False),  # 22 characters
        ("C13088120210171200000011", "mining", False),  # 24
        ("X1308812021017120000001", "mining", False),
        ("C130881202101712000000A", "mining", False),
        (" C1308812021017120000001", "mining", False),
    ],
)
def test_licence_numbers_are_validated_never_minted(
    rules: PlanRules, number: str, right: str, valid: bool
) -> None:
    problem = licence_no_problem(number, right, rules.licence_terms)  # type: ignore[arg-type]
    assert (problem is None) is valid
    if not valid:
        with pytest.raises(InvalidInput) as caught:
            check_licence_no(number, right, rules.licence_terms)  # type: ignore[arg-type]
        assert caught.value.errors[0].field == "licence_no"


def test_the_wrong_letter_is_explained(rules: PlanRules) -> None:
    problem = licence_no_problem(EXPLORATION_LICENCE, "mining", rules.licence_terms) or ""
    assert "探矿权" in problem
    assert "starts with 'C'" in problem


def test_the_numbering_pattern_comes_from_the_document(document: dict[str, Any]) -> None:
    document["standards"]["licence_terms"]["numbering"]["pattern"] = "^[CT][0-9]{10}$"
    rules = rules_from(document)
    assert licence_no_problem("C0123456789", "mining", rules.licence_terms) is None
    assert licence_no_problem(MINING_LICENCE, "mining", rules.licence_terms) is not None


@pytest.mark.parametrize(
    ("right", "scale", "years"),
    [
        ("mining", "large", 30),
        ("mining", "medium", 20),
        ("mining", "small", 10),
        ("mining", None, None),
        ("exploration", None, 5),
    ],
)
def test_longest_term(rules: PlanRules, right: str, scale: str | None, years: int | None) -> None:
    assert max_validity_years(right, scale, rules.licence_terms) == years  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("scale", "valid_to", "ok"),
    [
        ("small", "2031-07-01", True),  # exactly 10 years
        ("small", "2031-07-02", False),
        ("medium", "2041-07-01", True),
        ("medium", "2041-07-02", False),
        ("large", "2051-07-01", True),
        ("large", "2051-07-02", False),
        ("small", "2021-07-01", False),  # not after valid_from
        (None, "2025-07-01", False),
    ],
)
def test_validity_bounded_by_scale(
    rules: PlanRules, scale: str | None, valid_to: str, ok: bool
) -> None:
    problem = validity_problem(
        "mining",
        scale,  # type: ignore[arg-type]
        day("2021-07-01"),
        day(valid_to),
        rules.licence_terms,
    )
    assert (problem is None) is ok


def test_exploration_validity(rules: PlanRules) -> None:
    terms = rules.licence_terms
    assert (
        validity_problem("exploration", None, day("2022-01-01"), day("2027-01-01"), terms) is None
    )
    assert validity_problem("exploration", None, day("2022-01-01"), day("2027-01-02"), terms)


def test_terms_come_from_the_document(document: dict[str, Any]) -> None:
    document["standards"]["licence_terms"]["mining_max_years"]["small"] = 5
    rules = rules_from(document)
    assert validity_problem(
        "mining", "small", day("2021-07-01"), day("2031-07-01"), rules.licence_terms
    )


def test_add_years_on_29_february() -> None:
    assert add_years(date(2024, 2, 29), 10) == date(2034, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("filed_on", "late", "refused"),
    [
        ("2031-05-31", False, False),  # 30 days before 2031-06-30
        ("2031-06-01", False, True),  # 29 days
        ("2031-06-01", True, False),  # accepted as late
        ("2031-07-05", False, True),  # after expiry
        ("2030-01-01", False, False),
    ],
)
def test_renewal_notice(rules: PlanRules, filed_on: str, late: bool, refused: bool) -> None:
    if refused:
        with pytest.raises(RenewalRefused) as caught:
            check_renewal_filing(licence(), day(filed_on), rules.licence_terms, late_accepted=late)
        assert "at least 30 days before expiry" in str(caught.value)
    else:
        check_renewal_filing(licence(), day(filed_on), rules.licence_terms, late_accepted=late)


def test_the_notice_period_comes_from_the_document(document: dict[str, Any]) -> None:
    document["standards"]["licence_terms"]["mining_renewal_notice_days"] = 60
    rules = rules_from(document)
    with pytest.raises(RenewalRefused, match="at least 60 days"):
        check_renewal_filing(licence(), day("2031-05-31"), rules.licence_terms)


def test_renew_extends_from_the_old_expiry(rules: PlanRules) -> None:
    renewed = renew(
        licence(), filed_on=day("2031-01-01"), valid_to=day("2041-06-30"), terms=rules.licence_terms
    )
    assert (renewed.valid_to, renewed.status) == (day("2041-06-30"), "active")
    with pytest.raises(InvalidInput, match="at most 10 years"):
        renew(
            licence(),
            filed_on=day("2031-01-01"),
            valid_to=day("2041-07-01"),
            terms=rules.licence_terms,
        )


def test_late_renewal_of_an_expired_licence(rules: PlanRules) -> None:
    expired = licence(status="expired")
    with pytest.raises(RenewalRefused):
        renew(
            expired,
            filed_on=day("2031-07-10"),
            valid_to=day("2036-06-30"),
            terms=rules.licence_terms,
        )
    renewed = renew(
        expired,
        filed_on=day("2031-07-10"),
        valid_to=day("2036-06-30"),
        terms=rules.licence_terms,
        late_accepted=True,
    )
    assert renewed.status == "active"


LEGAL = [(s, a) for s in LICENCE_STATUSES for a in LICENCE_ACTIONS if (s, a) in LICENCE_TRANSITIONS]
ILLEGAL = [
    (s, a) for s in LICENCE_STATUSES for a in LICENCE_ACTIONS if (s, a) not in LICENCE_TRANSITIONS
]


@pytest.mark.parametrize(("status", "action"), LEGAL)
def test_legal_status_moves(status: str, action: str) -> None:
    moved = apply_action(licence(status=status), action)  # type: ignore[arg-type]
    assert moved.status == LICENCE_TRANSITIONS[(status, action)]  # type: ignore[index]


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_illegal_status_moves(status: str, action: str) -> None:
    with pytest.raises(IllegalTransition) as caught:
        apply_action(licence(status=status), action)  # type: ignore[arg-type]
    assert caught.value.current_state == status
    assert caught.value.allowed == allowed_actions(status)  # type: ignore[arg-type]


def test_revoked_and_cancelled_are_final() -> None:
    assert allowed_actions("revoked") == ()
    assert allowed_actions("cancelled") == ()
    assert set(allowed_actions("suspended")) == {"resume", "expire", "revoke", "cancel", "renew"}


def test_transfer_changes_the_holder() -> None:
    new = Party("受让公司", OTHER_CODE)
    assert transfer(licence(), new).holder == new
    with pytest.raises(IllegalTransition, match="suspended"):
        transfer(licence(status="suspended"), new)


def test_expire_lapsed_marks_only_lapsed_active_or_suspended_licences() -> None:
    today = day("2031-07-01")
    lapsed = licence()  # valid to 2031-06-30
    lapsed_suspended = licence(licence_no="C1308812021017120000009", status="suspended")
    last_day = licence(licence_no="C1308812021017120000002", valid_to=today)
    revoked = licence(licence_no="C1308812021017120000003", status="revoked")
    expired = expire_lapsed([lapsed, lapsed_suspended, last_day, revoked], today)
    assert [(lic.licence_no, lic.status) for lic in expired] == [
        (MINING_LICENCE, "expired"),
        ("C1308812021017120000009", "expired"),
    ]


def test_phase_out_for_prohibited_minerals(rules: PlanRules, document: dict[str, Any]) -> None:
    assert is_phase_out(licence(mineral_zh="砂金"), rules)
    assert is_phase_out(licence(mineral_zh="placer_gold"), rules)
    assert not is_phase_out(licence(), rules)
    assert not is_phase_out(licence(mineral_zh="超贫磁铁矿"), rules)  # restricted, not prohibited
    # the typed plan refuses a mineral in two lists: 铁矿 moves from priority to prohibited
    document["mineral_policy"]["mining"]["priority_zh"].remove("铁矿")
    document["mineral_policy"]["mining"]["prohibited_zh"].append("铁矿")
    assert is_phase_out(licence(), rules_from(document))


def test_today_is_in_china_standard_time() -> None:
    assert cst_today(datetime(2021, 12, 31, 16, 0, tzinfo=UTC)) == date(2022, 1, 1)
    assert cst_today(datetime(2021, 12, 31, 15, 59, tzinfo=UTC)) == date(2021, 12, 31)
    with pytest.raises(ValueError, match="timezone-aware"):
        cst_today(datetime(2022, 1, 1))
