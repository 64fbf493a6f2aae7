"""A competitive grant's way through the office (矿业权出让流程), as an explicit table.

::

    (created) ──create──▶ draft
    draft     ──announce──▶ announced          (出让公告)
    announced ──bid───────▶ announced          (an offer recorded in the trade window)
    announced ──conclude──▶ concluded          (成交: a bid at or above the reserve price)
              ──conclude──▶ failed             (流拍: none)
    failed    ──announce──▶ announced          (announced again, its count one more)
    concluded ──contract──▶ contracted         (出让合同 signed)
    draft | failed ──cancel (with a reason)──▶ cancelled

``contracted`` and ``cancelled`` are final. Which of ``concluded`` and ``failed`` a
conclusion reaches is the trade's result, not the officer's choice, so ``allowed_actions``
offers ``conclude`` once. Every move is recorded as (action, from, to, actor, role, at,
note); a ``bid`` changes no state and is recorded as the bid itself, not as a step. An
action the table does not allow raises :class:`~.errors.IllegalTransition` naming the
current state and the actions allowed now.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final, Literal, get_args

from .errors import FieldError, IllegalTransition, InvalidInput

GrantStatus = Literal["draft", "announced", "concluded", "failed", "contracted", "cancelled"]
GRANT_STATUSES: Final[tuple[GrantStatus, ...]] = get_args(GrantStatus)
FINAL_GRANT_STATUSES: Final[frozenset[GrantStatus]] = frozenset({"contracted", "cancelled"})
CONCLUDED_STATUSES: Final[frozenset[GrantStatus]] = frozenset({"concluded", "contracted"})
"""The trade concluded (成交): from here the reserve price (底价) is no longer secret."""

GrantAction = Literal["announce", "bid", "conclude", "contract", "cancel"]
GRANT_ACTIONS: Final[tuple[GrantAction, ...]] = get_args(GrantAction)
CREATE: Final = "create"
"""The first step of every grant (from no status to ``draft``)."""


@dataclass(frozen=True)
class GrantTransition:
    """A row of the table: ``action`` moves ``source`` to ``target``."""

    source: GrantStatus
    action: GrantAction
    target: GrantStatus


GRANT_TRANSITIONS: Final[tuple[GrantTransition, ...]] = (
    GrantTransition("draft", "announce", "announced"),
    GrantTransition("failed", "announce", "announced"),
    GrantTransition("announced", "bid", "announced"),
    GrantTransition("announced", "conclude", "concluded"),
    GrantTransition("announced", "conclude", "failed"),
    GrantTransition("concluded", "contract", "contracted"),
    GrantTransition("draft", "cancel", "cancelled"),
    GrantTransition("failed", "cancel", "cancelled"),
)


@dataclass(frozen=True)
class GrantStepRecord:
    """Who moved the grant, when, from where to where, and why."""

    action: str
    from_status: GrantStatus | Literal[""]
    to_status: GrantStatus
    actor: str
    role: str
    at: datetime
    note: str | None = None


@dataclass(frozen=True)
class GrantState:
    """Where a grant stands: its status, how many times it was announced, and the steps
    taken in this move (the stored steps are the history)."""

    status: GrantStatus = "draft"
    announcement: int = 0
    history: tuple[GrantStepRecord, ...] = ()

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_GRANT_STATUSES


def allowed_actions(state: GrantState) -> tuple[GrantAction, ...]:
    """The actions allowed now, each once, in the table's order."""
    return tuple(
        dict.fromkeys(row.action for row in GRANT_TRANSITIONS if row.source == state.status)
    )


def require(state: GrantState, action: GrantAction) -> None:
    """IllegalTransition unless the table allows ``action`` now."""
    if action not in allowed_actions(state):
        raise IllegalTransition(
            current_state=state.status, action=action, allowed=allowed_actions(state)
        )


def created(*, actor: str, role: str, at: datetime) -> GrantState:
    """A new grant: ``draft``, with its first step."""
    _aware(at)
    return GrantState(history=(GrantStepRecord(CREATE, "", "draft", actor, role, at),))


def transition(
    state: GrantState,
    action: GrantAction,
    target: GrantStatus,
    *,
    actor: str,
    role: str,
    at: datetime,
    note: str | None = None,
) -> GrantState:
    """The state after ``action`` to ``target``; IllegalTransition when the table has no
    such row (the allowed actions named)."""
    _aware(at)
    row = next(
        (
            r
            for r in GRANT_TRANSITIONS
            if r.source == state.status and r.action == action and r.target == target
        ),
        None,
    )
    if row is None:
        raise IllegalTransition(
            current_state=state.status, action=action, allowed=allowed_actions(state)
        )
    record = GrantStepRecord(action, state.status, target, actor, role, at, note)
    return replace(state, status=target, history=(*state.history, record))


def announce(
    state: GrantState, *, actor: str, role: str, at: datetime, note: str | None = None
) -> GrantState:
    """出让公告 (draft or failed → announced); the announcement count goes up by one."""
    moved = transition(state, "announce", "announced", actor=actor, role=role, at=at, note=note)
    return replace(moved, announcement=state.announcement + 1)


def conclude(
    state: GrantState,
    *,
    won: bool,
    actor: str,
    role: str,
    at: datetime,
    note: str | None = None,
) -> GrantState:
    """The trade's result: ``concluded`` (成交) when a bid won, else ``failed`` (流拍)."""
    target: GrantStatus = "concluded" if won else "failed"
    return transition(state, "conclude", target, actor=actor, role=role, at=at, note=note)


def contract(
    state: GrantState, *, actor: str, role: str, at: datetime, note: str | None = None
) -> GrantState:
    """出让合同 signed (concluded → contracted)."""
    return transition(state, "contract", "contracted", actor=actor, role=role, at=at, note=note)


def cancel(state: GrantState, reason: str, *, actor: str, role: str, at: datetime) -> GrantState:
    """Withdraw the grant from the plan (draft or failed → cancelled); the reason is kept."""
    require(state, "cancel")
    if not reason.strip():
        raise InvalidInput(
            [FieldError("reason", "a cancellation needs a reason, and it is kept / 须说明理由")]
        )
    return transition(
        state, "cancel", "cancelled", actor=actor, role=role, at=at, note=reason.strip()
    )


def _aware(at: datetime) -> None:
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
