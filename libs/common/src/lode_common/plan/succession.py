"""Which plan is in force when one plan period ends and the next plan takes over (规划接续).

A deployment is configured with the plan it follows (``LODE_<SERVICE>_PLAN_ID``: the
2021–2025 plan for Pingquan). A successor (the 2026–2030 plan) names the plan it succeeds
in ``plan.predecessor_plan_id``; it is proposed and approved like any adjustment, and
zoning publishes it only on approval. From then on the successor is the plan in force and
the predecessor is closed. Until then the predecessor stays in force, even after its
period has ended, as the practice under the law is: a plan remains the basis of decisions
until the approving level replaces it (矿产资源规划编制实施办法 art. 38–39).

:func:`plan_in_force` follows the chain of successors from the configured plan;
:func:`standing` says, for the dashboard and the reports, whether a plan's period has ended
and whether a successor has replaced it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

Standing = Literal["in_force", "ended_in_force", "superseded", "not_yet"]
"""``in_force``: within its period, the plan in force. ``ended_in_force``: its period has
ended and no successor is approved, so it stays in force until replaced. ``superseded``:
a successor was approved and is in force instead. ``not_yet``: its period has not begun."""


def plan_in_force(configured: str, predecessors: Mapping[str, str | None]) -> str:
    """The plan in force for a deployment configured with ``configured``.

    ``predecessors`` maps each published plan's id to the plan it succeeds (None for none).
    The chain is followed from ``configured`` to the last published successor; when two
    published plans name the same predecessor (zoning refuses that), the first by id is
    taken, so the answer is stable; a cycle stops where it would repeat.
    """
    current, seen = configured, {configured}
    while True:
        successors = sorted(p for p, before in predecessors.items() if before == current)
        successor = next((s for s in successors if s not in seen), None)
        if successor is None:
            return current
        current = successor
        seen.add(current)


@dataclass(frozen=True)
class PlanStanding:
    """Where a plan stands on ``today``: :data:`Standing`, its period and its successor."""

    plan_id: str
    standing: Standing
    period: tuple[int, int]
    successor_plan_id: str | None = None

    @property
    def message_zh(self) -> str:
        start, end = self.period
        match self.standing:
            case "ended_in_force":
                return (
                    f"规划期（{start}—{end}年）已结束，新一轮规划尚未批准；"
                    "依惯例本规划在被新规划替代前继续执行。"
                )
            case "superseded":
                return f"本规划已由 {self.successor_plan_id} 接续，不再执行。"
            case "not_yet":
                return f"规划期自{start}年开始，尚未进入规划期。"
            case _:
                return f"规划期 {start}—{end}年，现行规划。"

    @property
    def message_en(self) -> str:
        start, end = self.period
        match self.standing:
            case "ended_in_force":
                return (
                    f"The plan period ({start}–{end}) has ended and no successor plan is "
                    "approved yet; this plan stays in force until it is replaced."
                )
            case "superseded":
                return f"Replaced by {self.successor_plan_id}; no longer in force."
            case "not_yet":
                return f"The plan period starts in {start}."
            case _:
                return f"Plan period {start}–{end}; in force."


def standing(
    plan_id: str,
    period: tuple[int, int],
    predecessors: Mapping[str, str | None],
    today: date,
) -> PlanStanding:
    """Where ``plan_id`` (of ``period``) stands on ``today``, given the published plans'
    predecessors (as for :func:`plan_in_force`)."""
    successor = next(
        (p for p, before in sorted(predecessors.items()) if before == plan_id and p != plan_id),
        None,
    )
    start, end = period
    if successor is not None:
        return PlanStanding(plan_id, "superseded", period, successor)
    if today.year > end:
        return PlanStanding(plan_id, "ended_in_force", period)
    if today.year < start:
        return PlanStanding(plan_id, "not_yet", period)
    return PlanStanding(plan_id, "in_force", period)
