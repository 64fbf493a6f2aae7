"""A plan adjustment proposal's way to the approving level (规划调整方案报批), as a table.

The plan may be adjusted only with the consent of the level that approved it (第七章; 附则:
承德市自然资源和规划局), on the grounds of 矿产资源规划编制实施办法 art. 38 (a major
discovery, changed conditions, a major project)::

    draft ──edit──────▶ draft           (the proposer)
    draft ──submit────▶ submitted       (a planner)
    draft | submitted ──withdraw──▶ withdrawn   (the proposer)
    submitted ──approve──▶ approved     (an approver who did not propose it)
    submitted ──reject───▶ rejected     (an approver who did not propose it)

``approved``, ``rejected`` and ``withdrawn`` are final. The separation of duties is part of
the table (``by``): who proposed may edit and withdraw, never approve or reject. An action
the table does not allow raises :class:`IllegalMove` naming the state and the actions
allowed now; one by the wrong person raises :class:`NotAllowed` naming the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

ProposalStatus = Literal["draft", "submitted", "approved", "rejected", "withdrawn"]
PROPOSAL_STATUSES: Final[tuple[ProposalStatus, ...]] = get_args(ProposalStatus)
FINAL_STATUSES: Final[frozenset[ProposalStatus]] = frozenset({"approved", "rejected", "withdrawn"})

ProposalAction = Literal["edit", "submit", "withdraw", "approve", "reject"]
PROPOSAL_ACTIONS: Final[tuple[ProposalAction, ...]] = get_args(ProposalAction)

Actor = Literal["proposer", "anyone", "not_proposer"]
"""Who, besides the route's role, may take a move: the proposer only, anyone holding the
role, or anyone holding the role but the proposer (separation of duties, 审批分离)."""

SEPARATION_OF_DUTIES: Final = "separation_of_duties"
PROPOSER_ONLY: Final = "proposer_only"


@dataclass(frozen=True)
class Move:
    """A row of the table: ``action`` takes ``source`` to ``target``, by ``by``."""

    source: ProposalStatus
    action: ProposalAction
    target: ProposalStatus
    by: Actor


MOVES: Final[tuple[Move, ...]] = (
    Move("draft", "edit", "draft", "proposer"),
    Move("draft", "submit", "submitted", "anyone"),
    Move("draft", "withdraw", "withdrawn", "proposer"),
    Move("submitted", "withdraw", "withdrawn", "proposer"),
    Move("submitted", "approve", "approved", "not_proposer"),
    Move("submitted", "reject", "rejected", "not_proposer"),
)


class ProposalRefused(Exception):
    """Base of the refusals of a move; the message says what to do instead."""


class IllegalMove(ProposalRefused):
    """An action the proposal's state does not allow (409)."""

    def __init__(self, *, current_state: ProposalStatus, action: str) -> None:
        self.current_state = current_state
        self.action = action
        self.allowed: tuple[str, ...] = allowed_actions(current_state)
        shown = ", ".join(self.allowed) if self.allowed else "none (final state)"
        super().__init__(
            f"cannot {action} a proposal that is '{current_state}'; allowed now: {shown}"
        )


class NotAllowed(ProposalRefused):
    """A move by someone the table does not let take it (403); ``rule`` names the rule."""

    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        super().__init__(message)


def allowed_actions(status: ProposalStatus) -> tuple[ProposalAction, ...]:
    """The actions the table allows from ``status`` (for anyone)."""
    return tuple(m.action for m in MOVES if m.source == status)


def move(
    status: ProposalStatus, action: ProposalAction, *, proposer: str, actor: str
) -> ProposalStatus:
    """The state after ``actor`` takes ``action`` on a proposal of ``proposer`` in
    ``status``. Raises :class:`IllegalMove` or :class:`NotAllowed`."""
    row = next((m for m in MOVES if m.source == status and m.action == action), None)
    if row is None:
        raise IllegalMove(current_state=status, action=action)
    if row.by == "proposer" and actor != proposer:
        raise NotAllowed(
            PROPOSER_ONLY,
            f"only the proposer ({proposer}) may {action} this proposal; propose your own "
            "adjustment instead",
        )
    if row.by == "not_proposer" and actor == proposer:
        raise NotAllowed(
            SEPARATION_OF_DUTIES,
            f"separation of duties (审批分离): {actor} proposed this adjustment and may not "
            f"{action} it; another approver of the approving level decides",
        )
    return row.target
