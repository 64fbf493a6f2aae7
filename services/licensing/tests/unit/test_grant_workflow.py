"""A grant's state table: every legal move, every illegal one, and the steps they leave."""

from __future__ import annotations

from typing import Any

import pytest

from lode_licensing.domain.errors import IllegalTransition, InvalidInput
from lode_licensing.domain.grant_workflow import (
    FINAL_GRANT_STATUSES,
    GRANT_ACTIONS,
    GRANT_STATUSES,
    GRANT_TRANSITIONS,
    GrantState,
    allowed_actions,
    announce,
    cancel,
    conclude,
    contract,
    created,
    require,
    transition,
)

from .builders import AT

WHO: dict[str, Any] = {"actor": "officer-1", "role": "licensing_officer", "at": AT}


def test_a_grant_starts_as_a_draft_with_its_first_step() -> None:
    state = created(**WHO)
    assert (state.status, state.announcement) == ("draft", 0)
    assert [(s.action, s.from_status, s.to_status) for s in state.history] == [
        ("create", "", "draft")
    ]


def test_the_way_from_draft_to_contract_and_again_after_a_failed_trade() -> None:
    state = announce(created(**WHO), **WHO, note="公告")
    assert (state.status, state.announcement) == ("announced", 1)
    require(state, "bid")  # an offer changes no state
    failed = conclude(state, won=False, **WHO, note="流拍")
    assert failed.status == "failed"
    assert allowed_actions(failed) == ("announce", "cancel")
    again = announce(failed, **WHO)
    assert (again.status, again.announcement) == ("announced", 2)
    done = contract(conclude(again, won=True, **WHO), **WHO)
    assert done.status == "contracted"
    assert done.is_final
    assert [s.action for s in done.history] == [
        "create",
        "announce",
        "conclude",
        "announce",
        "conclude",
        "contract",
    ]
    assert [s.to_status for s in done.history][-3:] == ["announced", "concluded", "contracted"]


@pytest.mark.parametrize("status", GRANT_STATUSES)
@pytest.mark.parametrize("action", GRANT_ACTIONS)
def test_every_move_the_table_lacks_is_refused_naming_what_is_allowed(
    status: str, action: str
) -> None:
    state = GrantState(status=status)  # type: ignore[arg-type]
    rows = [r for r in GRANT_TRANSITIONS if r.source == status and r.action == action]
    if rows:
        require(state, action)  # type: ignore[arg-type]
        for row in rows:
            assert transition(state, row.action, row.target, **WHO).status == row.target
        return
    with pytest.raises(IllegalTransition) as refused:
        require(state, action)  # type: ignore[arg-type]
    assert refused.value.current_state == status
    assert refused.value.allowed == allowed_actions(state)
    with pytest.raises(IllegalTransition):
        transition(state, action, "announced", **WHO)  # type: ignore[arg-type]


def test_final_states_allow_nothing_and_conclude_is_offered_once() -> None:
    for status in FINAL_GRANT_STATUSES:
        assert allowed_actions(GrantState(status=status)) == ()
    assert allowed_actions(GrantState(status="announced")) == ("bid", "conclude")


def test_a_cancellation_needs_a_reason_and_keeps_it() -> None:
    with pytest.raises(InvalidInput) as refused:
        cancel(created(**WHO), "  ", **WHO)
    assert refused.value.errors[0].field == "reason"
    done = cancel(created(**WHO), " 调出本年度计划 ", **WHO)
    assert (done.status, done.history[-1].note) == ("cancelled", "调出本年度计划")
    with pytest.raises(IllegalTransition):
        cancel(GrantState(status="announced"), "不出让", **WHO)


def test_a_step_needs_an_aware_moment() -> None:
    with pytest.raises(ValueError, match="aware"):
        created(actor="a", role="r", at=AT.replace(tzinfo=None))
