"""A decision on an application (审批决定), as the province platform sends it or an officer
enters it: ``{decision, licence_no, valid_from, valid_to, reason}``.

:func:`parse_decision` reads the body strictly (ISO dates, text without unsafe characters,
no unknown field) and lists every problem at once. Whether the validity fits the licence
(not already ended, not longer than its scale allows) is checked where the licence is
known (:func:`.licence.validity_problem`). :func:`same_decision` tells a repeated decision
(answered 200, nothing changes) from a different one on an application already decided
(refused, :class:`~.errors.AlreadyDecided`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from lode_common.limits import CODE_MAX, TEXT_MAX

from .errors import FieldError, InvalidInput
from .fields import checked_text, iso_date, shown, unknown_fields
from .workflow import Decision

DECISION_FIELDS: Final = frozenset({"decision", "licence_no", "valid_from", "valid_to", "reason"})
DECISIONS: Final[tuple[Decision, ...]] = ("approved", "rejected")


@dataclass(frozen=True)
class DecisionInput:
    """A decision as received; the licence fields are required on approval only."""

    decision: Decision
    licence_no: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    reason: str | None = None

    def as_record(self) -> dict[str, str | None]:
        """The decision as kept with the application, to recognise a repeat of it."""
        return {
            "decision": self.decision,
            "licence_no": self.licence_no,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "reason": self.reason,
        }


def parse_decision(data: Mapping[str, Any], *, also: Collection[str] = ()) -> DecisionInput:
    """The decision of a body; InvalidInput lists every invalid field. ``also`` names other
    fields the caller reads itself (the callback's ``application_id``)."""
    errors: list[FieldError] = []
    unknown_fields(data, DECISION_FIELDS | frozenset(also), "", errors)
    decision = next((d for d in DECISIONS if d == data.get("decision")), None)
    if decision is None:
        errors.append(
            FieldError("decision", f"approved or rejected, got {shown(data.get('decision'))}")
        )
    licence_no = data.get("licence_no")
    if licence_no is not None:
        licence_no = checked_text(licence_no, "licence_no", errors, max_length=CODE_MAX)
    valid_from = (
        iso_date(data["valid_from"], "valid_from", errors) if _given(data, "valid_from") else None
    )
    valid_to = iso_date(data["valid_to"], "valid_to", errors) if _given(data, "valid_to") else None
    reason = data.get("reason")
    if reason is not None:
        reason = checked_text(reason, "reason", errors, max_length=TEXT_MAX, multiline=True)
    if decision == "approved" and not licence_no and "licence_no" not in _fields(errors):
        errors.append(
            FieldError(
                "licence_no",
                "required on approval: numbers are allocated upstream (统一配号), "
                "never made up here",
            )
        )
    if errors or decision is None:
        raise InvalidInput(errors)
    return DecisionInput(decision, licence_no, valid_from, valid_to, reason)


def _given(data: Mapping[str, Any], key: str) -> bool:
    return data.get(key) is not None


def _fields(errors: list[FieldError]) -> set[str]:
    return {e.field for e in errors}


def same_decision(recorded: Mapping[str, Any] | None, decision: DecisionInput) -> bool:
    """True when ``decision`` repeats the recorded one (a platform's retry): same decision,
    licence number, validity and reason. Without a record (decided before records were
    kept), the decision and the licence number are compared."""
    if recorded is None:
        return False
    if set(recorded) == {"decision", "licence_no"}:
        return (recorded["decision"], recorded["licence_no"]) == (
            decision.decision,
            decision.licence_no,
        )
    return dict(recorded) == decision.as_record()
