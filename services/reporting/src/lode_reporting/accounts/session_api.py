"""``/reporting/v1/session``: signing in with a password, the session's staff tokens,
changing one's password, and signing out.

The browser keeps only the ``lode_session`` cookie: HttpOnly (no script reads it),
``SameSite=Strict`` (no other site's page makes the browser send it, so no cross-site
request can use it), ``Path=/reporting/v1/session`` (sent to these routes only) and
``Secure`` when the request came over https (as the proxy's ``X-Forwarded-Proto`` says:
uvicorn trusts it from ``FORWARDED_ALLOW_IPS``). The workbench keeps the access tokens in
memory; each lives ``LODE_REPORTING_SESSION_ACCESS_TTL_S`` seconds (300 by default), so a
token taken before a logout or before an account is disabled still works that long at most.
These routes take no bearer token: the cookie (or the password) is the credential.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Cookie, Request, Response

from lode_common.auth import issue_token
from lode_common.openapi import problems
from lode_reporting.accounts import signin, store
from lode_reporting.accounts.schemas import (
    Credentials,
    PasswordChange,
    SessionToken,
    SessionView,
)
from lode_reporting.accounts.tables import StaffAccount, StaffSession
from lode_reporting.api.deps import Service

COOKIE: Final = "lode_session"
COOKIE_PATH: Final = "/reporting/v1/session"
NO_STORE: Final = {"Cache-Control": "no-store", "Pragma": "no-cache"}
"""An answer carrying a token is never cached (RFC 6749 5.1)."""

router = APIRouter(prefix=COOKIE_PATH, tags=["sign-in"])

SessionCookie = Annotated[
    str | None,
    Cookie(
        alias=COOKIE,
        description="the session's secret, set by signing in (HttpOnly: the browser sends it; "
        "any other value names no session)",
    ),
]


def set_cookie(response: Response, request: Request, secret: str) -> None:
    """The session cookie: for the browser's life, the server ending it sooner."""
    response.set_cookie(
        COOKIE,
        secret,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        COOKIE,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def token_answer(service: Service, row: StaffSession, account: StaffAccount) -> dict[str, Any]:
    """A fresh staff token for the account's roles as they are now, with the session."""
    ttl = service.settings.session_access_ttl_s
    token = issue_token(
        service.settings.jwt_secret,
        user=account.username,
        roles=store.roles_of(account),
        ttl_s=ttl,
    )
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": ttl,
        **signin.session_view(row, account),
    }


@router.post(
    "",
    status_code=201,
    response_model=SessionToken,
    responses=problems(401, 403, 409, 423),
    summary="Sign in with a password (登录): a session cookie and a staff token",
    description="Public. 401 for an unknown username or a wrong password alike; after "
    "LODE_REPORTING_LOGIN_MAX_FAILURES consecutive failures the account is locked for "
    "LODE_REPORTING_LOGIN_LOCKOUT_MIN minutes: 423 with locked_until, even with the right "
    "password; 403 for a disabled account.",
)
async def sign_in(
    body: Credentials, service: Service, request: Request, response: Response
) -> dict[str, Any]:
    opened = await signin.password_sign_in(
        service.sign_in, service.runtime.sessions, username=body.username, password=body.password
    )
    set_cookie(response, request, opened.secret)
    response.headers.update(NO_STORE)
    return token_answer(service, opened.session, opened.account)


@router.get(
    "",
    response_model=SessionView,
    responses=problems(401),
    summary="Who is signed in, and when the session ends",
)
async def current(service: Service, response: Response, secret: SessionCookie = None) -> Any:
    row, account = await signin.live(service.sign_in, service.runtime.sessions, secret)
    response.headers.update(NO_STORE)
    return signin.session_view(row, account)


@router.post(
    "/token",
    response_model=SessionToken,
    responses=problems(401),
    summary="A fresh staff token from the session (slides its idle expiry)",
    description="The token carries the account's roles as they are now and lives "
    "LODE_REPORTING_SESSION_ACCESS_TTL_S seconds. 401 once the session has ended (logout, "
    "idle, absolute expiry, account disabled, roles or password changed).",
)
async def token(service: Service, response: Response, secret: SessionCookie = None) -> Any:
    row, account = await signin.live(service.sign_in, service.runtime.sessions, secret)
    row = await signin.used(service.sign_in, service.runtime.sessions, row)
    response.headers.update(NO_STORE)
    return token_answer(service, row, account)


@router.delete(
    "",
    status_code=204,
    response_class=Response,
    summary="Sign out (退出): the session ends and the cookie is cleared; idempotent",
)
async def sign_out(service: Service, request: Request, secret: SessionCookie = None) -> Response:
    await signin.sign_out(service.sign_in, service.runtime.sessions, secret)
    response = Response(status_code=204)
    clear_cookie(response, request)
    return response


@router.post(
    "/password",
    status_code=204,
    response_class=Response,
    responses=problems(401, 409, 423),
    summary="Change one's own password; the account's other sessions end",
    description="422 naming current_password when it is wrong (counted as a failed sign-in) "
    "or new_password when it is too short or the username.",
)
async def change_password(
    body: PasswordChange, service: Service, secret: SessionCookie = None
) -> Response:
    row, _account = await signin.live(service.sign_in, service.runtime.sessions, secret)
    await signin.change_password(
        service.sign_in,
        service.runtime.sessions,
        row=row,
        current=body.current_password,
        new=body.new_password,
    )
    return Response(status_code=204)
