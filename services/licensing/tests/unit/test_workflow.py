"""The application state machine: every legal move, every illegal one (from the table)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from lode_licensing.domain.errors import IllegalTransition, InvalidInput
from lode_licensing.domain.workflow import (
    ACTION_ARGUMENTS,
    APPLICATION_STATUSES,
    FINAL_STATUSES,
    TRANSITIONS,
    VERDICTS,
    WORKFLOW_ACTIONS,
    ApplicationState,
    allowed_actions,
    already_decided,
    decide_locally,
    forward,
    record_checks,
    record_decision,
    review,
    transition,
    withdraw,
)

from .builders import AT

WHO: dict[str, Any] = {"actor": "officer-1", "role": "licensing_officer", "at": AT}


def states() -> list[ApplicationState]:
    """Every state an application can be in (checked once per verdict)."""
    result = []
    for status in APPLICATION_STATUSES:
        if status == "checked":
            result += [ApplicationState(status, verdict=v) for v in VERDICTS]
        elif status == "pending_checks":
            result.append(ApplicationState(status))
        else:
            result.append(ApplicationState(status, verdict="eligible"))
    return result


def moves() -> list[tuple[ApplicationState, str, str | None]]:
    return [
        (state, action, argument)
        for state in states()
        for action in WORKFLOW_ACTIONS
        for argument in ACTION_ARGUMENTS[action]
    ]


def in_table(state: ApplicationState, action: str, argument: str | None) -> Any:
    return next(
        (
            row
            for row in TRANSITIONS
            if row.source == state.status
            and row.action == action
            and row.argument == argument
            and row.requires_verdict in (None, state.verdict)
        ),
        None,
    )


LEGAL = [m for m in moves() if in_table(*m)]
ILLEGAL = [m for m in moves() if not in_table(*m)]


def label(move: tuple[ApplicationState, str, str | None]) -> str:
    state, action, argument = move
    return f"{state.status}/{state.verdict}-{action}({argument})"


@pytest.mark.parametrize("move", LEGAL, ids=label)
def test_every_legal_move(move: tuple[ApplicationState, str, str | None]) -> None:
    state, action, argument = move
    moved = transition(state, action, argument, note="n", **WHO)  # type: ignore[arg-type]
    assert moved.status == in_table(*move).target
    (record,) = moved.history
    assert (record.from_status, record.to_status) == (state.status, moved.status)
    assert (record.actor, record.role, record.at, record.note) == (
        "officer-1",
        "licensing_officer",
        AT,
        "n",
    )


@pytest.mark.parametrize("move", ILLEGAL, ids=label)
def test_every_illegal_move_names_the_state_and_the_allowed_actions(
    move: tuple[ApplicationState, str, str | None],
) -> None:
    state, action, argument = move
    with pytest.raises(IllegalTransition) as caught:
        transition(state, action, argument, **WHO)  # type: ignore[arg-type]
    error = caught.value
    assert error.current_state.startswith(state.status)
    assert state.status in str(error)
    assert error.allowed == allowed_actions(state)
    for allowed in error.allowed:
        assert allowed in str(error)


def test_the_table_has_the_expected_shape() -> None:
    # Final states allow nothing; every other state can be withdrawn.
    for state in states():
        allowed = allowed_actions(state)
        if state.status in FINAL_STATUSES:
            assert allowed == ()
        else:
            assert "withdraw" in allowed
    assert len(LEGAL) + len(ILLEGAL) == len(moves())


def test_needs_review_must_be_reviewed_before_forwarding() -> None:
    state = record_checks(ApplicationState(), "needs_review", **WHO)
    assert allowed_actions(state) == ("review(accept)", "review(reject)", "withdraw")
    with pytest.raises(IllegalTransition, match=r"checked \(verdict needs_review\)"):
        forward(state, **WHO)
    with pytest.raises(IllegalTransition):
        decide_locally(state, "approved", **WHO)
    reviewed = review(state, "accept", "  论证充分  ", **WHO)
    assert reviewed.status == "reviewed"
    assert reviewed.review_reason == "论证充分"
    forwarded = forward(reviewed, **WHO)
    assert forwarded.status == "forwarded"
    assert forwarded.forward_attempts == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_review_needs_a_reason(reason: str) -> None:
    state = record_checks(ApplicationState(), "needs_review", **WHO)
    with pytest.raises(InvalidInput) as caught:
        review(state, "reject", reason, **WHO)
    assert caught.value.errors[0].field == "reason"


def test_a_review_rejection_rejects() -> None:
    state = record_checks(ApplicationState(), "needs_review", **WHO)
    rejected = review(state, "reject", "位于生态红线附近，论证不足", **WHO)
    assert (rejected.status, rejected.review_outcome) == ("rejected", "reject")
    assert rejected.history[-1].note == "位于生态红线附近，论证不足"


def test_ineligible_is_never_forwarded_or_approved() -> None:
    state = record_checks(ApplicationState(), "ineligible", **WHO)
    with pytest.raises(IllegalTransition, match="ineligible"):
        forward(state, **WHO)
    with pytest.raises(IllegalTransition):
        decide_locally(state, "approved", **WHO)
    assert decide_locally(state, "rejected", reason="不符合准入", **WHO).status == "rejected"


def test_the_full_province_path_is_recorded() -> None:
    state = record_checks(ApplicationState(), "eligible", **WHO)
    state = forward(state, **WHO)
    province: dict[str, Any] = {
        "actor": "province",
        "role": "province_platform",
        "at": datetime.fromisoformat("2022-03-05T10:00:00+08:00"),
    }
    state = record_decision(state, "approved", **province)
    assert (state.status, state.decision) == ("approved", "approved")
    assert [r.action for r in state.history] == [
        "record_checks(eligible)",
        "forward",
        "record_decision(approved)",
    ]
    assert already_decided(state, "approved")
    assert not already_decided(state, "rejected")
    with pytest.raises(IllegalTransition, match="final state"):
        record_decision(state, "approved", **province)


def test_local_decision_from_eligible() -> None:
    state = record_checks(ApplicationState(), "eligible", **WHO)
    assert decide_locally(state, "approved", **WHO).status == "approved"


def test_withdraw_from_any_non_final_state() -> None:
    for state in states():
        if state.status in FINAL_STATUSES:
            with pytest.raises(IllegalTransition):
                withdraw(state, **WHO)
        else:
            assert withdraw(state, **WHO).status == "withdrawn"


def test_times_must_carry_a_zone() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        withdraw(ApplicationState(), actor="a", role="r", at=datetime(2022, 1, 1))


def test_states_are_immutable_values() -> None:
    state = ApplicationState()
    moved = record_checks(state, "eligible", **WHO)
    assert state.status == "pending_checks"
    assert replace(moved, history=()) == ApplicationState("checked", verdict="eligible")
