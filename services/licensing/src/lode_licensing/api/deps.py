"""What every licensing route shares: the service's container, the roles, the typed values
of the bodies, and the one mapping of the service's errors to problem details."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Depends
from pydantic import BeforeValidator, Field, WithJsonSchema

from lode_common import auth
from lode_common.container import ErrorPolicy
from lode_common.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem, Unavailable
from lode_common.http import requires
from lode_common.limits import Code
from lode_common.plan.replica import PlanNotLoaded
from lode_licensing.container import Licensing
from lode_licensing.domain.errors import (
    AlreadyDecided,
    FieldError,
    IllegalTransition,
    RenewalRefused,
)
from lode_licensing.domain.errors import InvalidInput as DomainInvalid
from lode_licensing.domain.fields import iso_date
from lode_licensing.handlers.applications import NotYours, UnknownApplication
from lode_licensing.handlers.licences import UnknownLicence

Service = Annotated[Licensing, Depends(Licensing.from_request)]
"""The licensing container, as a route takes it."""

OFFICER = Depends(requires(auth.LICENSING_OFFICER))
STAFF = Depends(requires(*sorted(auth.STAFF_ROLES)))
APPLICANT_OR_OFFICER = Depends(requires(auth.LICENSING_OFFICER, auth.MINE))
ANYONE = Depends(requires(*sorted(auth.ROLES)))


def _strict_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    errors: list[FieldError] = []
    day = iso_date(value, "", errors)
    if day is None:
        raise ValueError(errors[0].message)
    return day


DAY_PATTERN = "^(19(49|[5-9][0-9])|20[0-9][0-9]|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
"""A calendar day ``YYYY-MM-DD`` of a year within 1949..2100 (``lode_common.limits``)."""

IsoDate = Annotated[
    date,
    BeforeValidator(_strict_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN}),
]
"""A date sent as ISO ``YYYY-MM-DD`` text: a real calendar day, no timestamps or numbers."""
LicenceNo = Annotated[Code, Field(max_length=23, description="^[CT][0-9]{22}$ (统一配号)")]
"""A licence number as sent (the pattern and right type are checked against the standards)."""


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
