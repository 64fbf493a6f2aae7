"""A check's result (检查结果) and the verdict over all of them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..vocabulary import Outcome, Verdict


@dataclass(frozen=True)
class CheckResult:
    """One rule's outcome for one application, citing where the plan says it.

    ``message_zh`` comes first, ``message_en`` after; ``message`` joins them. ``details``
    holds the figures used (JSON-friendly; quantities are ``Decimal``).
    """

    rule_id: str
    outcome: Outcome
    message_zh: str
    message_en: str
    clause: str
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return f"{self.message_zh} — {self.message_en}"

    def as_dict(self) -> dict[str, Any]:
        """The API's ``{rule_id, outcome, message, clause}`` plus both messages and details."""
        return {
            "rule_id": self.rule_id,
            "outcome": self.outcome,
            "message": self.message,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "clause": self.clause,
            "details": dict(self.details),
        }


def verdict(results: Iterable[CheckResult]) -> Verdict:
    """Any fail → ineligible; else any review → needs_review; else eligible (warn is advisory)."""
    outcomes = {result.outcome for result in results}
    if "fail" in outcomes:
        return "ineligible"
    if "review" in outcomes:
        return "needs_review"
    return "eligible"


def fmt(value: Decimal | int | None) -> str:
    """A quantity as plain digits (``10``, ``9.9``, never ``1E+1``); ``?`` when unknown."""
    if value is None:
        return "?"
    if isinstance(value, int):
        return str(value)
    text = format(value.normalize(), "f")
    return text
