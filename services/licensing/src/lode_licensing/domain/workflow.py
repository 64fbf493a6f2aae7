"""The application's way through the office (申请办理流程), as an explicit table.

::

    pending_checks ──record_checks──▶ checked
    checked  ──forward (eligible)─────────────────▶ forwarded
             ──review accept (needs_review)───────▶ reviewed
             ──review reject (needs_review)───────▶ rejected
             ──decide_locally (eligible)──────────▶ approved | rejected
             ──decide_locally rejected (ineligible)▶ rejected
    reviewed ──forward────────────────────────────▶ forwarded
             ──decide_locally─────────────────────▶ approved | rejected
    forwarded ──record_decision (province platform)──▶ approved | rejected
    any non-final state ──withdraw──▶ withdrawn

    a new plan version in force (规划调整), the system re-checks (``recheck``):
    checked   ──recheck(verdict)──▶ checked, with the new verdict
    reviewed  ──recheck(unchanged)▶ reviewed (no check changed: the review stands)
              ──recheck(verdict)──▶ checked (the review is done again under the new plan)
    forwarded ──recheck(verdict)──▶ forwarded (the change is recorded for the officer)

``approved``, ``rejected`` and ``withdrawn`` are final. A ``needs_review`` verdict must be
settled by a review (accept or reject, with a reason) before anything else; an
``ineligible`` application is never forwarded or approved (it may be rejected locally, or
withdrawn). Local decisions are for deployments with no province platform. Every
transition is recorded as (action, from, to, actor, role, at, note). An action the table
does not allow raises :class:`~.errors.IllegalTransition` naming the current state and
the actions allowed now.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final, Literal, get_args

from .errors import FieldError, IllegalTransition, InvalidInput
from .vocabulary import Verdict

ApplicationStatus = Literal[
    "pending_checks", "checked", "reviewed", "forwarded", "approved", "rejected", "withdrawn"
]
APPLICATION_STATUSES: Final[tuple[ApplicationStatus, ...]] = get_args(ApplicationStatus)
FINAL_STATUSES: Final[frozenset[ApplicationStatus]] = frozenset(
    {"approved", "rejected", "withdrawn"}
)

WorkflowAction = Literal[
    "record_checks", "review", "forward", "record_decision", "decide_locally", "withdraw", "recheck"
]
WORKFLOW_ACTIONS: Final[tuple[WorkflowAction, ...]] = get_args(WorkflowAction)
ReviewOutcome = Literal["accept", "reject"]
Decision = Literal["approved", "rejected"]
VERDICTS: Final[tuple[Verdict, ...]] = get_args(Verdict)

ACTION_ARGUMENTS: Final[dict[WorkflowAction, tuple[str | None, ...]]] = {
    "record_checks": VERDICTS,
    "review": get_args(ReviewOutcome),
    "forward": (None,),
    "record_decision": get_args(Decision),
    "decide_locally": get_args(Decision),
    "withdraw": (None,),
    "recheck": (*VERDICTS, "unchanged"),
}
"""The arguments each action takes: the verdict recorded, the review outcome, the decision."""
SYSTEM_ACTIONS: Final[frozenset[WorkflowAction]] = frozenset({"recheck"})
"""Moves only the service makes (never offered to an officer as an allowed action)."""
UNCHANGED: Final = "unchanged"


@dataclass(frozen=True)
class Transition:
    """A row of the table: ``action(argument)`` moves ``source`` to ``target``.

    ``requires_verdict``: the move is allowed only when the recorded verdict is this one.
    """

    source: ApplicationStatus
    action: WorkflowAction
    target: ApplicationStatus
    argument: str | None = None
    requires_verdict: Verdict | None = None

    @property
    def label(self) -> str:
        return f"{self.action}({self.argument})" if self.argument else self.action


TRANSITIONS: Final[tuple[Transition, ...]] = (
    *(Transition("pending_checks", "record_checks", "checked", v) for v in VERDICTS),
    Transition("checked", "review", "reviewed", "accept", "needs_review"),
    Transition("checked", "review", "rejected", "reject", "needs_review"),
    Transition("checked", "forward", "forwarded", None, "eligible"),
    Transition("checked", "decide_locally", "approved", "approved", "eligible"),
    Transition("checked", "decide_locally", "rejected", "rejected", "eligible"),
    Transition("checked", "decide_locally", "rejected", "rejected", "ineligible"),
    Transition("reviewed", "forward", "forwarded"),
    Transition("reviewed", "decide_locally", "approved", "approved"),
    Transition("reviewed", "decide_locally", "rejected", "rejected"),
    Transition("forwarded", "record_decision", "approved", "approved"),
    Transition("forwarded", "record_decision", "rejected", "rejected"),
    *(Transition("checked", "recheck", "checked", v) for v in VERDICTS),
    Transition("reviewed", "recheck", "reviewed", "unchanged"),
    *(Transition("reviewed", "recheck", "checked", v) for v in VERDICTS),
    *(Transition("forwarded", "recheck", "forwarded", v) for v in VERDICTS),
    *(
        Transition(status, "withdraw", "withdrawn")
        for status in APPLICATION_STATUSES
        if status not in FINAL_STATUSES
    ),
)


@dataclass(frozen=True)
class TransitionRecord:
    """Who moved the application, when, from where to where, and why."""

    action: str
    from_status: ApplicationStatus
    to_status: ApplicationStatus
    actor: str
    role: str
    at: datetime
    note: str | None = None


@dataclass(frozen=True)
class ApplicationState:
    """Where an application stands, with its verdict, review, decision and history."""

    status: ApplicationStatus = "pending_checks"
    verdict: Verdict | None = None
    review_outcome: ReviewOutcome | None = None
    review_reason: str | None = None
    decision: Decision | None = None
    forward_attempts: int = 0
    history: tuple[TransitionRecord, ...] = ()

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


def _fits(row: Transition, state: ApplicationState) -> bool:
    return row.source == state.status and (
        row.requires_verdict is None or row.requires_verdict == state.verdict
    )


def allowed_actions(state: ApplicationState) -> tuple[str, ...]:
    """The moves allowed now, as ``action`` or ``action(argument)`` (the system's own moves,
    :data:`SYSTEM_ACTIONS`, are not offered)."""
    return tuple(
        dict.fromkeys(
            row.label
            for row in TRANSITIONS
            if _fits(row, state) and row.action not in SYSTEM_ACTIONS
        )
    )


def _describe(state: ApplicationState) -> str:
    if state.status == "checked" and state.verdict:
        return f"checked (verdict {state.verdict})"
    return state.status


def transition(
    state: ApplicationState,
    action: WorkflowAction,
    argument: str | None = None,
    *,
    actor: str,
    role: str,
    at: datetime,
    note: str | None = None,
) -> ApplicationState:
    """The state after ``action(argument)``; IllegalTransition when the table has no such move."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    row = next(
        (
            r
            for r in TRANSITIONS
            if _fits(r, state) and r.action == action and r.argument == argument
        ),
        None,
    )
    if row is None:
        label = f"{action}({argument})" if argument else action
        raise IllegalTransition(
            current_state=_describe(state), action=label, allowed=allowed_actions(state)
        )
    record = TransitionRecord(row.label, state.status, row.target, actor, role, at, note)
    return replace(state, status=row.target, history=(*state.history, record))


def record_checks(
    state: ApplicationState, verdict: Verdict, *, actor: str, role: str, at: datetime
) -> ApplicationState:
    """Checks have run: record the verdict (pending_checks → checked)."""
    moved = transition(state, "record_checks", verdict, actor=actor, role=role, at=at)
    return replace(moved, verdict=verdict)


def review(
    state: ApplicationState,
    outcome: ReviewOutcome,
    reason: str,
    *,
    actor: str,
    role: str,
    at: datetime,
) -> ApplicationState:
    """Settle needs_review (审查): accept → reviewed, reject → rejected; reason required."""
    if not reason or not reason.strip():
        raise InvalidInput([FieldError("reason", "a review needs a reason, and it is kept")])
    moved = transition(state, "review", outcome, actor=actor, role=role, at=at, note=reason.strip())
    return replace(moved, review_outcome=outcome, review_reason=reason.strip())


def forward(
    state: ApplicationState, *, actor: str, role: str, at: datetime, note: str | None = None
) -> ApplicationState:
    """Send to the province approval platform (报送省级审批平台); counts the attempt."""
    moved = transition(state, "forward", actor=actor, role=role, at=at, note=note)
    return replace(moved, forward_attempts=state.forward_attempts + 1)


def _decide(
    state: ApplicationState,
    action: WorkflowAction,
    decision: Decision,
    *,
    actor: str,
    role: str,
    at: datetime,
    reason: str | None,
) -> ApplicationState:
    moved = transition(state, action, decision, actor=actor, role=role, at=at, note=reason)
    return replace(moved, decision=decision)


def record_decision(
    state: ApplicationState,
    decision: Decision,
    *,
    actor: str,
    role: str,
    at: datetime,
    reason: str | None = None,
) -> ApplicationState:
    """The province platform's decision on a forwarded application."""
    return _decide(state, "record_decision", decision, actor=actor, role=role, at=at, reason=reason)


def decide_locally(
    state: ApplicationState,
    decision: Decision,
    *,
    actor: str,
    role: str,
    at: datetime,
    reason: str | None = None,
) -> ApplicationState:
    """A decision entered locally, where no province platform is configured."""
    return _decide(state, "decide_locally", decision, actor=actor, role=role, at=at, reason=reason)


def recheck(
    state: ApplicationState,
    verdict: Verdict,
    *,
    changed: bool,
    actor: str,
    role: str,
    at: datetime,
    note: str,
) -> ApplicationState:
    """Checked again under a new plan version (规划调整后重新审查). A reviewed application whose
    checks did not change keeps its review; one whose checks changed goes back to
    ``checked`` with the new verdict, its review cleared, to be reviewed again. A forwarded
    one stays with the province platform; the step records the change."""
    if state.status == "reviewed" and not changed:
        return transition(state, "recheck", UNCHANGED, actor=actor, role=role, at=at, note=note)
    moved = transition(state, "recheck", verdict, actor=actor, role=role, at=at, note=note)
    if moved.status == "checked" and state.status == "reviewed":
        return replace(moved, verdict=verdict, review_outcome=None, review_reason=None)
    return replace(moved, verdict=verdict)


def withdraw(
    state: ApplicationState, *, actor: str, role: str, at: datetime, note: str | None = None
) -> ApplicationState:
    """Withdraw (撤回) from any non-final state."""
    return transition(state, "withdraw", actor=actor, role=role, at=at, note=note)


def already_decided(state: ApplicationState, decision: Decision) -> bool:
    """True when the same decision is already recorded: a repeated callback changes nothing."""
    return state.status in ("approved", "rejected") and state.decision == decision
