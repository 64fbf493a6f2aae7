"""Roles of the licensing API and the mapping of its errors to problem details."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated, Any

from fastapi import Depends
from pydantic import BeforeValidator, Field

from lode_common import auth
from lode_common.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem, Unavailable
from lode_common.http import requires
from lode_common.limits import Code
from lode_common.messaging.outbox import UnitOfWork
from lode_licensing.domain.errors import (
    AlreadyDecided,
    FieldError,
    IllegalTransition,
    LicensingError,
    RenewalRefused,
)
from lode_licensing.domain.errors import InvalidInput as DomainInvalid
from lode_licensing.domain.fields import iso_date
from lode_licensing.handlers.applications import NotYours, UnknownApplication
from lode_licensing.handlers.licences import UnknownLicence
from lode_licensing.handlers.rules import PlanNotLoaded

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


IsoDate = Annotated[date, BeforeValidator(_strict_date)]
"""A date sent as ISO ``YYYY-MM-DD`` text: a real calendar day, no timestamps or numbers."""
LicenceNo = Annotated[Code, Field(max_length=23, description="^[CT][0-9]{22}$ (统一配号)")]
"""A licence number as sent (the pattern and right type are checked against the standards)."""


HANDLED: tuple[type[Exception], ...] = (
    LicensingError,
    UnknownApplication,
    UnknownLicence,
    NotYours,
    PlanNotLoaded,
)
"""The errors of the licensing handlers that are the caller's to act on."""


@asynccontextmanager
async def committed(
    uow: UnitOfWork, handled: tuple[type[Exception], ...] = HANDLED
) -> AsyncIterator[None]:
    """Commit what the block did; a ``handled`` error is answered as its problem, with
    nothing written (the unit of work is not committed)."""
    try:
        yield
        await uow.commit()
    except handled as error:
        raise problem(error) from None


def problem(error: Exception) -> Problem:
    """The problem-details answer of a licensing error (anything else propagates)."""
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
            f"The plan {error} has not reached licensing yet (zoning publishes it on its first "
            "start); retry in a few seconds.",
            retry_after_s=5,
        )
    raise error
