"""The bounds of a plan document as a whole, checked before its structure.

A plan document is stored as it is published (JSON, JSONB on PostgreSQL) and carried in
``plan.published`` to every service. Its models declare every key (`plan_types.Strict`), but
this walk runs first, on the document as parsed, so every value in it, wherever it sits,
must be something each store and reader holds the same:
text of a bounded length without control or bidirectional characters, finite numbers of a
bounded magnitude, true/false, null, and the dates YAML reads. The walk also bounds the
document's size and depth, which a YAML alias (``&a``/``*a``) can otherwise multiply far
beyond the bytes sent; it stops at the first bound passed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Final

from lode_common.limits import (
    CODE_MAX,
    PLAN_DEPTH_MAX,
    PLAN_NUMBER_MAX,
    PLAN_VALUES_MAX,
    TEXT_MAX,
    text_problem,
)
from lode_common.plan.types import PlanIssue

ISSUES_MAX: Final = 50


def _number_problem(value: int | float | Decimal) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return f"expected a finite number, got {value!r}"
    if isinstance(value, Decimal) and not value.is_finite():
        return f"expected a finite number, got {value}"
    if abs(Decimal(repr(value)) if isinstance(value, float) else Decimal(value)) > PLAN_NUMBER_MAX:
        return f"a number of at most {PLAN_NUMBER_MAX:,} in magnitude"
    return None


def _walk(value: object, path: str, depth: int, budget: list[int]) -> Iterator[PlanIssue]:
    budget[0] -= 1
    if budget[0] < 0:
        return
    if depth > PLAN_DEPTH_MAX:
        yield PlanIssue(path or "body", f"nested more than {PLAN_DEPTH_MAX} levels deep")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if budget[0] < 0:
                return
            if not isinstance(key, str):
                yield PlanIssue(path or "body", f"a key must be text, got {key!r}"[:200])
                continue
            where = f"{path}.{key}" if path else key
            if problem := text_problem(key, max_length=CODE_MAX):
                yield PlanIssue(f"{path}.{key[:CODE_MAX]}" if path else key[:CODE_MAX], problem)
                continue
            yield from _walk(item, where, depth + 1, budget)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if budget[0] < 0:
                return
            yield from _walk(item, f"{path}[{i}]", depth + 1, budget)
    elif isinstance(value, str):
        if problem := text_problem(value, max_length=TEXT_MAX, multiline=True, required=False):
            yield PlanIssue(path, problem)
    elif isinstance(value, bool) or value is None or isinstance(value, date):
        return
    elif isinstance(value, int | float | Decimal):
        if problem := _number_problem(value):
            yield PlanIssue(path, problem)
    else:
        kind = type(value).__name__
        yield PlanIssue(path, f"{kind} is not a value a plan holds (text, number, date, list)")


def document_bound_issues(document: object) -> list[PlanIssue]:
    """What passes the document's bounds (at most ``ISSUES_MAX``), or an empty list."""
    budget = [PLAN_VALUES_MAX]
    issues: list[PlanIssue] = []
    for issue in _walk(document, "", 0, budget):
        issues.append(issue)
        if len(issues) >= ISSUES_MAX:
            break
    if budget[0] < 0:
        issues.append(
            PlanIssue(
                "body",
                f"the document holds more than {PLAN_VALUES_MAX} values (YAML aliases count "
                "each time they are used); publish the plan without repeating sections",
            )
        )
    return issues
