"""What every licensing route shares: the service's container, the roles, the typed values
of the bodies, and the one mapping of the service's errors to problem details."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Depends
from pydantic import BeforeValidator, Field, WithJsonSchema

from lode_common import auth
from lode_common.http import requires
from lode_common.limits import Code
from lode_licensing.container import Licensing
from lode_licensing.domain.errors import (
    FieldError,
)
from lode_licensing.domain.fields import iso_date

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
