"""Which applications ``GET /licensing/v1/applications`` lists: the filters an officer's
queue needs, each a condition on the table, so the page and its total come from the
database.

``awaiting`` is the officer's queue: the applications the workflow table
(:data:`~lode_licensing.domain.workflow.TRANSITIONS`) lets an officer move now by that
action, read from the table itself rather than restated, so a change of the workflow
changes the queue with it.
"""

from __future__ import annotations

from typing import Final, Literal

from sqlalchemy import ColumnElement, and_, false, or_
from sqlmodel import col

from lode_licensing.adapters.tables import Application
from lode_licensing.domain import workflow
from lode_licensing.domain.vocabulary import ApplicationKind, RightType, Verdict

Awaiting = Literal["review", "forward", "decision"]
"""What an officer may do next: settle a needs_review verdict (审查), send to the province
platform (报送), enter the decision locally (作出决定)."""
AWAITED_ACTION: Final[dict[Awaiting, workflow.WorkflowAction]] = {
    "review": "review",
    "forward": "forward",
    "decision": "decide_locally",
}


def awaiting_states(awaiting: Awaiting) -> list[tuple[str, str | None]]:
    """The (status, verdict) pairs from which the workflow allows ``awaiting``'s action; a
    verdict of None: any verdict."""
    action = AWAITED_ACTION[awaiting]
    pairs = {(t.source, t.requires_verdict) for t in workflow.TRANSITIONS if t.action == action}
    return sorted(pairs, key=lambda pair: (pair[0], pair[1] or ""))


def _awaiting(awaiting: Awaiting) -> ColumnElement[bool]:
    return or_(
        false(),
        *(
            and_(
                col(Application.status) == status,
                *([col(Application.verdict) == verdict] if verdict else []),
            )
            for status, verdict in awaiting_states(awaiting)
        ),
    )


def application_filters(
    *,
    status: workflow.ApplicationStatus | None = None,
    kind: ApplicationKind | None = None,
    right_type: RightType | None = None,
    mineral: str | None = None,
    verdict: Verdict | None = None,
    q: str | None = None,
    awaiting: Awaiting | None = None,
) -> list[ColumnElement[bool]]:
    """The conditions of the filters given (``mineral`` and ``q`` already
    :func:`~lode_licensing.api.paging.safe_text`):
    ``q`` is part of the application's id, the applicant's name or credit code, or the
    licence number it concerns (either case, LIKE wildcards taken literally)."""
    chosen: list[ColumnElement[bool]] = []
    for column, value in (
        (Application.status, status),
        (Application.kind, kind),
        (Application.right_type, right_type),
        (Application.mineral, mineral),
        (Application.verdict, verdict),
    ):
        if value is not None:
            chosen.append(col(column) == value)
    if q is not None:
        chosen.append(
            or_(
                *(
                    col(column).icontains(q, autoescape=True)
                    for column in (
                        Application.id,
                        Application.applicant_name,
                        Application.applicant_credit_code,
                        Application.licence_no,
                    )
                )
            )
        )
    if awaiting is not None:
        chosen.append(_awaiting(awaiting))
    return chosen
