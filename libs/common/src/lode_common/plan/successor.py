"""A draft of the next plan (下一轮规划) from the one in force, for planners to edit.

When a plan period ends the bureau drafts its successor (the 2026–2030 plan after the
2021–2025 one). Most of the document carries over until the new plan text says otherwise:
the region, the mineral policy, the entry rules, the zone types and the standards. What
must change is the plan's identity and period, and the link that makes it a successor
(``plan.predecessor_plan_id``): :func:`successor_draft` writes those and nothing else. The
draft is proposed and approved like any adjustment (``POST /zoning/v1/plans/{old}/proposals``);
its figures are the old plan's until the planners replace them with the new plan's, and
its indicators' baselines come from the old plan's final actuals once approved (reporting).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

_PERIOD = re.compile(r"(\d{4})\s*([-–—~至])\s*(\d{4})")


def _renamed(text: str, old: tuple[int, int], new: tuple[int, int]) -> str:
    """``text`` with the old period written in it (``2021-2025``) replaced by the new one."""

    def swap(match: re.Match[str]) -> str:
        if (int(match.group(1)), int(match.group(3))) != old:
            return match.group(0)
        return f"{new[0]}{match.group(2)}{new[1]}"

    return _PERIOD.sub(swap, text)


def successor_draft(
    document: Mapping[str, Any], *, plan_id: str, period: tuple[int, int]
) -> dict[str, Any]:
    """The document of the plan that succeeds ``document``'s plan over ``period``, named
    ``plan_id``: a deep copy with ``plan`` renamed (titles with the period in them follow),
    its base year the old period's last year, its target year the new period's last, and
    ``predecessor_plan_id`` the old plan. Raises ``ValueError`` for a period that does not
    follow the old one or an id equal to the old one."""
    draft: dict[str, Any] = copy.deepcopy(dict(document))
    plan: dict[str, Any] = draft["plan"]
    old_id = str(plan["id"])
    old = (int(plan["period"][0]), int(plan["period"][1]))
    start, end = period
    if plan_id == old_id:
        raise ValueError(f"plan_id: the successor needs an id of its own, not {old_id!r}")
    if not old[1] < start <= end:
        raise ValueError(
            f"period: the successor's period must begin after {old[1]} (the end of "
            f"{old_id}) and end no earlier than it begins; got {start}-{end}"
        )
    for key in ("title_zh", "title_en", "parent_plan_zh"):
        if isinstance(plan.get(key), str):
            plan[key] = _renamed(plan[key], old, period)
    plan.update(
        id=plan_id,
        base_year=old[1],
        period=[start, end],
        target_year=end,
        predecessor_plan_id=old_id,
    )
    plan.pop("parent_plan_id", None)  # the parent's next plan is its own: name it when known
    outlook = plan.get("outlook_year")
    if isinstance(outlook, int) and outlook < end:
        plan.pop("outlook_year")
    return draft
