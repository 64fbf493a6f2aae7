"""Conflicts of licences in force with the plan in force (持证矿业权与规划冲突), after the
fact: which to record and which no longer hold, from the standing checks
(:mod:`.checks.standing`) of the licences just evaluated. Pure: the service reads the open
conflicts and writes what this decides.

A conflict is one (licence, rule) whose standing check fails or goes to review. It is
recorded once while it holds (an open conflict is not detected again, whatever version it
is seen under), and resolved when the rule passes again for the licence (a later version or
zone change lifted it) or the licence leaves force.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .checks.result import CheckResult

ConflictKey = tuple[str, str]
"""(licence_no, rule_id)."""


@dataclass(frozen=True)
class Reconciled:
    """What to record: the new conflicts (with the check that found each) and the open
    conflicts that no longer hold."""

    detected: dict[ConflictKey, CheckResult]
    lifted: frozenset[ConflictKey]


def conflicting(results: Iterable[CheckResult]) -> dict[str, CheckResult]:
    """The standing checks of one licence that put it in conflict, by rule."""
    return {r.rule_id: r for r in results if r.outcome in ("fail", "review")}


def reconcile(
    open_conflicts: Iterable[ConflictKey],
    evaluated: Mapping[str, Iterable[CheckResult]],
) -> Reconciled:
    """Compare the open conflicts with the standing checks of the licences ``evaluated``
    (licence_no → its checks); a licence not evaluated keeps its open conflicts as they
    are (zoning could not analyse it this time)."""
    still_open = set(open_conflicts)
    detected: dict[ConflictKey, CheckResult] = {}
    lifted: set[ConflictKey] = set()
    for licence_no, results in evaluated.items():
        found = conflicting(results)
        for rule_id, result in found.items():
            if (licence_no, rule_id) not in still_open:
                detected[(licence_no, rule_id)] = result
        lifted |= {key for key in still_open if key[0] == licence_no and key[1] not in found}
    return Reconciled(detected, frozenset(lifted))


def conflict_zones(result: CheckResult) -> list[dict[str, Any]]:
    """The zones a forbidden-zones conflict lies in (``details.touched``), as recorded."""
    touched = result.details.get("touched") if isinstance(result.details, Mapping) else None
    return [
        {
            "zone_id": str(z.get("id")),
            "type": str(z.get("type")),
            "code": str(z.get("code") or ""),
            "name_zh": str(z.get("name_zh") or ""),
            "overlap_ha": z.get("overlap_ha"),
        }
        for z in touched or ()
        if isinstance(z, Mapping)
    ]
