"""What every zoning router shares: roles, the service's container, reading a JSON body."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from anyio import to_thread
from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from lode_common import auth
from lode_common.errors import InvalidInput
from lode_common.http import requires
from lode_common.json_body import parse_json
from lode_zoning.container import Zoning

ANY_ROLE = Depends(requires(*sorted(auth.ROLES)))
STAFF = Depends(requires(*sorted(auth.STAFF_ROLES)))
PLANNER = Depends(requires(auth.PLANNER))
ZoningParts = Annotated[Zoning, Depends(Zoning.from_request)]
"""The service's container, as a route takes it."""


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
