"""The licensing service's error policy: each error of its domain and handlers that is the
caller's to act on, answered as its problem details (registered with FastAPI once by
``bootstrap``; routes and handlers raise)."""

from __future__ import annotations

from lode_common.container import ErrorPolicy
from lode_common.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem, Unavailable
from lode_common.plan.replica import PlanNotLoaded
from lode_licensing.domain.errors import (
    AlreadyDecided,
    IllegalTransition,
    RenewalRefused,
)
from lode_licensing.domain.errors import InvalidInput as DomainInvalid
from lode_licensing.handlers.applications import NotYours, UnknownApplication
from lode_licensing.handlers.licences import UnknownLicence


def problem(error: Exception) -> Problem:
    """The problem-details answer of each error in :data:`ERRORS` ``.handled``."""
    if isinstance(error, DomainInvalid):
        return InvalidInput(
            f"{error} — fix the fields listed and send it again.", errors=error.as_dicts()
        )
    if isinstance(error, RenewalRefused):
        return InvalidInput(
            f'{error}. Send it with "late": true if the bureau accepts a late filing.',
            errors=[{"field": "licence_no", "message": str(error)}],
        )
    if isinstance(error, AlreadyDecided):
        return Conflict(
            f"{error}. GET the application for its decision; a correction goes through the "
            "bureau, not a second decision.",
            current_state=error.current_state,
            decision=error.recorded,
            allowed_actions=[],
        )
    if isinstance(error, IllegalTransition):
        return Conflict(
            f"{error}.", current_state=error.current_state, allowed_actions=list(error.allowed)
        )
    if isinstance(error, UnknownApplication | UnknownLicence):
        return NotFound(f"{error}.")
    if isinstance(error, NotYours):
        return Forbidden(f"{error}.")
    if isinstance(error, PlanNotLoaded):
        return Unavailable(
            f"The plan {error.plan_id} has not reached licensing yet (zoning publishes it on "
            "its first start); retry in a few seconds.",
            retry_after_s=5,
        )
    raise TypeError(f"{type(error).__name__} is not one of the licensing errors answered")


ERRORS = ErrorPolicy(
    handled=(
        DomainInvalid,
        RenewalRefused,
        AlreadyDecided,
        IllegalTransition,
        UnknownApplication,
        UnknownLicence,
        NotYours,
        PlanNotLoaded,
    ),
    problem=problem,
)
"""The licensing errors that are the caller's to act on, answered the same wherever a route
or a handler raises them (nothing is committed: the request's unit of work is not)."""
