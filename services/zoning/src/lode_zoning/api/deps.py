"""What every zoning router shares: roles, and the mapping of domain errors to 422."""

from __future__ import annotations

from fastapi import Depends

from lode_common import auth
from lode_common.errors import InvalidInput
from lode_common.http import requires
from lode_zoning.domain.errors import ZoningDomainError

ANY_ROLE = Depends(requires(*sorted(auth.ROLES)))
STAFF = Depends(requires(*sorted(auth.STAFF_ROLES)))
PLANNER = Depends(requires(auth.PLANNER))


def invalid(error: ZoningDomainError, *, prefix: str = "") -> InvalidInput:
    """A domain error as a 422 problem naming the fields (``prefix`` locates them)."""
    errors = [
        {"field": f"{prefix}{e['field']}" if prefix else e["field"], "message": e["message"]}
        for e in error.field_errors()
    ]
    detail = error.detail if error.detail.endswith(".") else f"{error.detail}."
    return InvalidInput(f"{detail} Fix the fields listed and send it again.", errors=errors or None)
