"""The proposal's state table (``domain.proposals``): every legal move and every illegal one,
and who may take each."""

from __future__ import annotations

import itertools

import pytest

from lode_zoning.domain.proposals import (
    FINAL_STATUSES,
    MOVES,
    PROPOSAL_ACTIONS,
    PROPOSAL_STATUSES,
    SEPARATION_OF_DUTIES,
    IllegalMove,
    NotAllowed,
    allowed_actions,
    move,
)

PROPOSER, OTHER = "planner-li", "approver-wang"
LEGAL = {
    ("draft", "edit"): "draft",
    ("draft", "submit"): "submitted",
    ("draft", "withdraw"): "withdrawn",
    ("submitted", "withdraw"): "withdrawn",
    ("submitted", "approve"): "approved",
    ("submitted", "reject"): "rejected",
}
BY_PROPOSER = {"edit", "withdraw", "submit"}
BY_OTHER = {"approve", "reject", "submit"}


def test_the_table_is_the_documented_one() -> None:
    assert {(m.source, m.action): m.target for m in MOVES} == LEGAL


@pytest.mark.parametrize(("source", "action"), sorted(LEGAL))
def test_every_legal_move(source: str, action: str) -> None:
    actor = PROPOSER if action in BY_PROPOSER else OTHER
    assert move(source, action, proposer=PROPOSER, actor=actor) == LEGAL[(source, action)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "action"),
    [pair for pair in itertools.product(PROPOSAL_STATUSES, PROPOSAL_ACTIONS) if pair not in LEGAL],
)
def test_every_illegal_move_names_the_state_and_what_is_allowed(source: str, action: str) -> None:
    with pytest.raises(IllegalMove) as raised:
        move(source, action, proposer=PROPOSER, actor=PROPOSER)  # type: ignore[arg-type]
    assert raised.value.current_state == source
    assert raised.value.allowed == allowed_actions(source)  # type: ignore[arg-type]
    assert source in str(raised.value)


@pytest.mark.parametrize("status", sorted(FINAL_STATUSES))
def test_final_states_allow_nothing(status: str) -> None:
    assert allowed_actions(status) == ()  # type: ignore[arg-type]


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_the_proposer_may_not_decide(action: str) -> None:
    with pytest.raises(NotAllowed) as raised:
        move("submitted", action, proposer=PROPOSER, actor=PROPOSER)  # type: ignore[arg-type]
    assert raised.value.rule == SEPARATION_OF_DUTIES
    assert "审批分离" in str(raised.value)


@pytest.mark.parametrize(
    ("source", "action"), [("draft", "edit"), ("draft", "withdraw"), ("submitted", "withdraw")]
)
def test_only_the_proposer_edits_and_withdraws(source: str, action: str) -> None:
    with pytest.raises(NotAllowed) as raised:
        move(source, action, proposer=PROPOSER, actor=OTHER)  # type: ignore[arg-type]
    assert raised.value.rule == "proposer_only"


def test_any_planner_may_submit() -> None:
    assert move("draft", "submit", proposer=PROPOSER, actor=OTHER) == "submitted"
