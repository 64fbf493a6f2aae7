"""How reporting answers its own errors, in one place (registered with FastAPI once by
``bootstrap``): routes and queries raise, and the answer is the same wherever it was raised.

A plan that has not reached reporting is a 404 naming ``plan_id`` (the dashboard waits for
it by that answer, and published plans arrive by event, not on request)."""

from __future__ import annotations

from lode_common.container import ErrorPolicy
from lode_common.errors import InvalidInput, NotFound, Problem
from lode_common.plan.replica import PlanNotLoaded
from lode_reporting.domain.plan import ReportingError, UnknownIndicator, YearOutsidePlan


def problem(error: Exception) -> Problem:
    """The problem details of one of :data:`ERRORS`'s handled errors."""
    if isinstance(error, PlanNotLoaded):
        return NotFound(
            f"plan_id: no plan {error.plan_id!r} has reached reporting (published plans arrive "
            "by the lode.zoning.plan.published event)"
        )
    if isinstance(error, UnknownIndicator):
        return NotFound(
            f"indicator_id: the plan has no indicator {error.indicator_id!r}; it has "
            + ", ".join(error.known)
        )
    if isinstance(error, YearOutsidePlan):
        return InvalidInput.field("year", error.message)
    raise error


ERRORS = ErrorPolicy(handled=(PlanNotLoaded, ReportingError), problem=problem)
