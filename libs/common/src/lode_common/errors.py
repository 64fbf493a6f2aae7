"""Problem details (RFC 9457) for every error, mapped to HTTP in one place.

Exception tree (what a handler may raise; the API answers with the status shown)::

    Problem                      any status, a title, a detail and optional field errors
    ├── InvalidInput        422  ``errors: [{field, message}]``
    ├── Unauthorized        401  missing or bad credentials
    ├── Forbidden           403  valid credentials, wrong role or someone else's data
    ├── NotFound            404
    ├── Conflict            409  a state that forbids the request (says the current state)
    ├── PayloadTooLarge     413
    └── Unavailable         503  a dependency is down; ``Retry-After`` says when to retry

Every ``detail`` says what to do next, in words the caller can act on.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from lode_common.db_errors import meaning

log = structlog.get_logger(__name__)

PROBLEM_JSON = "application/problem+json"
_FASTAPI_BODY_ERROR = "There was an error parsing the body"
INSTANCE_MAX = 500
"""The characters of the request path a problem echoes as its ``instance``."""
TYPE_BASE = "https://lode.example/problems/"


class Problem(Exception):
    status = 400
    title = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        title: str | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra
        if title:
            self.title = title
        if status:
            self.status = status

    @property
    def type(self) -> str:
        return TYPE_BASE + self.title.lower().replace(" ", "-")

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class InvalidInput(Problem):
    status = 422
    title = "Invalid input"

    @classmethod
    def field(cls, field: str, message: str) -> InvalidInput:
        return cls(f"{field}: {message}", errors=[{"field": field, "message": message}])


class Unauthorized(Problem):
    status = 401
    title = "Unauthorized"

    def __init__(self, detail: str, **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="lode"'})
        super().__init__(detail, **kw)


class Forbidden(Problem):
    status = 403
    title = "Forbidden"


class NotFound(Problem):
    status = 404
    title = "Not found"


class Conflict(Problem):
    status = 409
    title = "Conflict"


class PayloadTooLarge(Problem):
    status = 413
    title = "Payload too large"


class Unavailable(Problem):
    status = 503
    title = "Service unavailable"

    def __init__(self, detail: str, *, retry_after_s: int = 5, **kw: Any) -> None:
        kw.setdefault("headers", {"Retry-After": str(retry_after_s)})
        super().__init__(detail, **kw)


def problem_response(problem: Problem, request: Request | None = None) -> JSONResponse:
    return JSONResponse(
        problem.body(request.url.path[:INSTANCE_MAX] if request else None),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers,
    )


def _field_name(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:] if parts[0] == "body" else parts
    return ".".join(parts) or "body"


def _field_error(error: dict[str, Any]) -> dict[str, str]:
    if error.get("type") == "json_invalid":  # FastAPI's loc is ("body", <character offset>)
        reason = (error.get("ctx") or {}).get("error") or error.get("msg", "invalid")
        position = [p for p in error.get("loc", ()) if isinstance(p, int)]
        where = f" at character {position[0]}" if position else ""
        return {
            "field": "body",
            "message": f"not valid JSON: {reason}{where}; send one JSON document",
        }
    return {
        "field": _field_name(tuple(error.get("loc", ()))),
        "message": error.get("msg", "invalid"),
    }


def validation_problem(exc: RequestValidationError) -> InvalidInput:
    errors = [_field_error(e) for e in exc.errors()]
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    return InvalidInput(
        f"The request is not valid: {summary}. Fix the fields listed and retry.", errors=errors
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(validation_problem(exc), request)

    from lode_common.json_body import unreadable  # json_body raises this module's problems

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # FastAPI answers a body it could not parse (a 5,000-digit integer, deep nesting,
        # not UTF-8) with a bare 400 "There was an error parsing the body": the cause says why.
        if exc.detail == _FASTAPI_BODY_ERROR and exc.__cause__ is not None:
            body_error = unreadable(exc.__cause__) or InvalidInput.field(
                "body", "could not be read; send the documented JSON body"
            )
            log.info("body refused", reason=repr(exc.__cause__)[:300])
            return problem_response(body_error, request)
        titles = {
            400: "Bad request",
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not found",
            405: "Method not allowed",
            406: "Not acceptable",
            409: "Conflict",
            413: "Payload too large",
            415: "Unsupported media type",
            429: "Too many requests",
        }
        detail = str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No resource at {request.url.path[:200]}; see the service's /openapi.json."
        problem = Problem(
            detail,
            status=exc.status_code,
            title=titles.get(exc.status_code, "Error"),
            headers=dict(exc.headers or {}),
        )
        return problem_response(problem, request)

    @app.exception_handler(DBAPIError)
    @app.exception_handler(asyncpg.PostgresError)
    @app.exception_handler(asyncpg.InterfaceError)
    @app.exception_handler(asyncpg.exceptions.InternalClientError)
    @app.exception_handler(ConnectionError)
    async def _database(request: Request, exc: Exception) -> JSONResponse:
        match meaning(exc):
            case "unavailable":
                log.error("database unavailable", error=repr(exc))
                return problem_response(
                    Unavailable(
                        "The database cannot be reached right now; nothing was saved. "
                        "Retry after the number of seconds in Retry-After."
                    ),
                    request,
                )
            case "bad_value":
                log.warning("value refused by the database", error=repr(exc))
                return problem_response(
                    InvalidInput(
                        "A value in the request is outside what can be stored "
                        f"({_reason(exc)}); nothing was saved. Check the numbers and dates "
                        "you sent against the API's documented ranges.",
                        errors=[{"field": "request", "message": _reason(exc)}],
                    ),
                    request,
                )
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", path=request.url.path)
        return problem_response(
            Problem(
                "An unexpected error occurred; nothing was saved. The error is logged "
                "with this request's X-Request-ID: quote it when you report it.",
                status=500,
                title="Internal error",
            ),
            request,
        )


def _reason(error: BaseException) -> str:
    """The driver's own words, without the SQL statement SQLAlchemy appends."""
    orig = getattr(error, "orig", None)
    text = str(orig if orig is not None else error)
    return text.split("\n", 1)[0].split("[SQL:", 1)[0].strip()[:200]
