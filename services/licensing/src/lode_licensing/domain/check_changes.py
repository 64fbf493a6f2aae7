"""What changes between two runs of the checks (规划调整前后的核查差异): the rules whose
outcome differs, for the what-if of a proposed plan version and for the re-check of an open
application after a new version came into force (the same reading for both, so the what-if
says what the re-check will do)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .checks.result import CheckResult
from .vocabulary import Outcome


@dataclass(frozen=True)
class CheckChange:
    """A rule whose outcome differs (None: the rule did not run under that version)."""

    rule_id: str
    clause: str
    before: Outcome | None
    after: Outcome | None
    message: str | None
    """The check's message under the new version (under the old one when it no longer runs)."""

    def as_dict(self) -> dict[str, str | None]:
        return {
            "rule_id": self.rule_id,
            "clause": self.clause,
            "before": self.before,
            "after": self.after,
            "message": self.message,
        }


def check_changes(before: Iterable[CheckResult], after: Iterable[CheckResult]) -> list[CheckChange]:
    """The rules whose outcome differs between ``before`` and ``after``, in the order of
    ``after`` then the rules that no longer run. A rule that runs twice (one per zone type
    rule, say) is compared by its worst outcome."""
    old, new = _by_rule(before), _by_rule(after)
    changes = [
        CheckChange(
            rule_id, result.clause, _outcome(old.get(rule_id)), result.outcome, result.message
        )
        for rule_id, result in new.items()
        if _outcome(old.get(rule_id)) != result.outcome
    ]
    changes += [
        CheckChange(rule_id, result.clause, result.outcome, None, result.message)
        for rule_id, result in old.items()
        if rule_id not in new
    ]
    return changes


_SEVERITY: dict[Outcome, int] = {"pass": 0, "warn": 1, "review": 2, "fail": 3}


def _by_rule(results: Iterable[CheckResult]) -> dict[str, CheckResult]:
    kept: dict[str, CheckResult] = {}
    for result in results:
        seen = kept.get(result.rule_id)
        if seen is None or _SEVERITY[result.outcome] > _SEVERITY[seen.outcome]:
            kept[result.rule_id] = result
    return kept


def _outcome(result: CheckResult | None) -> Outcome | None:
    return result.outcome if result is not None else None
