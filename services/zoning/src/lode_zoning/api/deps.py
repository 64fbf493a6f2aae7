"""What every zoning router shares: roles, and the mapping of domain errors to 422."""

from __future__ import annotations

from typing import Any, TypeVar

from anyio import to_thread
from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from lode_common import auth
from lode_common.errors import InvalidInput
from lode_common.http import requires
from lode_common.json_body import parse_json
from lode_zoning.domain.errors import ZoningDomainError

ANY_ROLE = Depends(requires(*sorted(auth.ROLES)))
STAFF = Depends(requires(*sorted(auth.STAFF_ROLES)))
PLANNER = Depends(requires(auth.PLANNER))
FIELD_ERRORS_MAX = 100
"""Problems listed in one answer: a 100,000-vertex ring of text is one fault 100,000 times,
and its answer must not be bigger than the request."""


def invalid(error: ZoningDomainError, *, prefix: str = "") -> InvalidInput:
    """A domain error as a 422 problem naming the fields (``prefix`` locates them)."""
    found = error.field_errors()
    errors = [
        {"field": f"{prefix}{e['field']}" if prefix else e["field"], "message": e["message"]}
        for e in found[:FIELD_ERRORS_MAX]
    ]
    detail = error.detail if error.detail.endswith(".") else f"{error.detail}."
    more = (
        f" The first {FIELD_ERRORS_MAX} of {len(found)} problems are listed."
        if len(found) > FIELD_ERRORS_MAX
        else ""
    )
    return InvalidInput(
        f"{detail}{more} Fix the fields listed and send it again.", errors=errors or None
    )


JSON_IN_THREAD_BYTES = 256 * 1024
"""From this size a JSON body is parsed in a worker thread: megabytes of coordinates take
tens of milliseconds to read, which the event loop's other requests should not wait for."""


async def json_body(request: Request) -> Any:
    """The request's JSON body (422 naming ``body`` when it is not JSON), read off the loop
    when it is large."""
    raw = await request.body()
    try:
        if len(raw) < JSON_IN_THREAD_BYTES:
            return parse_json(raw)
        return await to_thread.run_sync(parse_json, raw)
    except ValueError:  # an integer literal past Python's 4,300 digits
        raise InvalidInput.field(
            "body", "a number has too many digits to read; send the documented values"
        ) from None


M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], data: Any) -> M:
    """``data`` as ``model``; its errors answered as FastAPI answers a body's (422, fields)."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        raise RequestValidationError(errors) from None
