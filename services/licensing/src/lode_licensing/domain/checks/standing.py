"""Standing checks of a licence in force (持证矿业权的规划符合性): the plan rules a right
already granted must still meet, and so the ones a new plan version or a zone change can
put it in conflict with.

Two rules stand, both read by the same check functions :func:`~.runner.run_checks` uses
for applications, on an application built from the licence (:func:`as_application`):

* **the mineral policy of its right type** (专栏3/专栏4, ``*_mineral_policy``): a mineral
  the plan prohibits (禁止开采/勘查矿种) is to leave in an orderly way, so a licence of it
  fails, as a new right of it would; a restricted mineral (限制) stands (the restriction
  is a condition of granting, already met by the demonstration it was granted on), and is
  read as a licence being held (the ``renewal`` reading: "sets up no new right");
* **the red line / forbidden zones** (``ecological_red_line``): no right may lie in the
  ecological red line or a 禁采区 (禁采区内矿山全部关闭), so an area now touching one fails.

The other rules are conditions of *granting* a right, not of holding it: minimum scale
(最低开采规模), output control and the mine count (总量调控), service years, three rates,
green-mine and restoration plans, planning-block holders, the plan region, licence
overlap. A licence granted under them keeps its right when the plan moves them; they are
applied again when the holder next applies (renewal, change).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from ..application import Application
from ..catalogue import find_mineral
from ..party import Party
from ..rulebook import ForbiddenZonesRule, PlanRules
from ..vocabulary import RightType
from .context import SpatialAnalysis
from .policy import check_mineral_policy
from .result import CheckResult
from .spatial import check_forbidden_zones

Standing = Literal["pass", "review", "fail"]
"""How a licence stands against the plan: the worst outcome of its standing checks."""

_WORST: tuple[Standing, ...] = ("fail", "review", "pass")


def as_application(
    *,
    licence_no: str,
    right_type: RightType,
    holder: Party,
    mineral_zh: str,
    mining_method: str | None,
    area_lonlat: object,
    rules: PlanRules,
) -> Application | None:
    """The licence read as an application of its holder for the same right (its mineral,
    method and area), for the check functions; None when its mineral is not in the plan's
    catalogue (no rule can place it)."""
    entry = find_mineral(rules.standards, mineral_zh)
    if entry is None:
        return None
    area = {"geometry": area_lonlat} if isinstance(area_lonlat, dict) else None
    return Application(
        right_type=right_type,
        kind="renewal",
        applicant=holder,
        mineral=entry,
        mining_method=mining_method,
        area=area,
        licence_no=licence_no,
    )


def needs_area(application: Application, rules: PlanRules) -> bool:
    """Whether the standing checks need zoning's analysis of the licence's area."""
    return application.area is not None and bool(rules.rules_of(ForbiddenZonesRule))


def standing_checks(
    application: Application, rules: PlanRules, spatial: SpatialAnalysis | None
) -> list[CheckResult]:
    """The standing checks of a licence (read by :func:`as_application`): the mineral policy
    and, when its area is known and analysed, each forbidden-zones rule."""
    policy = rules.policy(application.right_type)
    prohibited = policy.category(application.mineral) == "prohibited"
    # a prohibited mineral is read as a right the plan would not grant (fail); any other
    # as the right being held, so a restriction on new rights does not count against it
    read_as = replace(application, kind="new" if prohibited else "renewal")
    results = [check_mineral_policy(read_as, policy)]
    if application.area is not None and spatial is not None:
        results += [
            check_forbidden_zones(application, rule, spatial, rules)
            for rule in rules.rules_of(ForbiddenZonesRule)
        ]
    return results


def standing_of(results: list[CheckResult]) -> Standing:
    """The worst outcome of the standing checks (a ``warn`` counts as a pass)."""
    outcomes = {r.outcome for r in results}
    return next((s for s in _WORST if s in outcomes), "pass")
