"""The reporting service as a route takes it (:data:`Service`), its roles and its bounded
parameters: every ``/reporting/v1/*`` route is for staff, and every path and query parameter
is bounded at the edge (a year no date can hold, a page of text, a control character: a 422
naming the parameter, never a 500)."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Depends, Path, Query

from lode_common import auth
from lode_common.http import requires
from lode_common.limits import CODE_MAX, YEAR_MAX, YEAR_MIN
from lode_reporting.container import Reporting

Service = Annotated[Reporting, Depends(Reporting.from_request)]
"""The service's parts (plan replica, facts, journal signal, settings), for a route."""
STAFF = Depends(requires(*sorted(auth.STAFF_ROLES)))
PLAN_ID_PATTERN: Final = r"^[a-z0-9][a-z0-9-]*$"
"""A plan's id as zoning accepts it in a plan document (``pingquan-2021-2025``)."""
INDICATOR_ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
"""An indicator's id in the plan file (``iron_concentrate_output``)."""


async def requested_plan(
    service: Service,
    plan_id: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=CODE_MAX,
            pattern=PLAN_ID_PATTERN,
            description="the plan's id (lower-case letters, digits and hyphens), e.g. "
            "pingquan-2021-2025; without it, the plan in force for this deployment: the "
            "plan it is configured with (LODE_REPORTING_PLAN_ID) or, once approved, its "
            "successor",
        ),
    ] = None,
) -> str:
    """The plan a request names; a request naming none reads the plan in force for this
    deployment (the configured plan, or its approved successor:规划接续), so that no route
    carries a plan's id of its own and the dashboard moves to a successor when it is
    approved."""
    return plan_id or await service.plans.following(service.settings.plan_id)


PlanId = Annotated[str, Depends(requested_plan)]
"""The plan a request names, else the deployment's."""
IndicatorId = Annotated[
    str,
    Path(
        max_length=CODE_MAX,
        pattern=INDICATOR_ID_PATTERN,
        description="an indicator's id in the plan file, e.g. iron_concentrate_output",
    ),
]
YearQuery = Annotated[
    int, Query(ge=YEAR_MIN, le=YEAR_MAX, description=f"a year, {YEAR_MIN}–{YEAR_MAX}")
]
YearPath = Annotated[
    int, Path(ge=YEAR_MIN, le=YEAR_MAX, description=f"a year, {YEAR_MIN}–{YEAR_MAX}")
]
