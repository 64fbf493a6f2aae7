"""Signing in through the organisation's OpenID Connect provider (统一身份认证):
``GET /reporting/v1/session/oidc`` sends the browser there (authorization code flow with
PKCE S256, a state and a nonce, all kept here for ten minutes and used once), and
``GET /reporting/v1/session/oidc/callback`` takes it back: the code is exchanged, the ID token
verified, the local account named by ``LODE_REPORTING_OIDC_USERNAME_CLAIM`` found (or, with
``LODE_REPORTING_OIDC_ROLES_CLAIM``, created with the staff roles the claim names), the
session opened and the browser sent on to the workbench.

A sign-in that cannot finish is never a 500. A browser (``Accept: text/html``) is sent to
``/workbench/#/login?error=<code>`` for the login page to explain; any other client gets
the problem details with the same ``code``: ``oidc_state`` (400: unknown, used or expired
state — start again), ``oidc_refused`` (401: the provider or the officer refused),
``oidc_token`` (401: the ID token fails a check), ``oidc_account`` (403: no usable local
account — ask an administrator), ``oidc_unavailable`` (503: the provider cannot be reached).

``GET /reporting/v1/session/providers`` tells the login page what it may offer.
"""

from __future__ import annotations

import secrets
from contextlib import suppress
from typing import Annotated, Any, Final
from urllib.parse import quote

import structlog
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from lode_common.audit import context as audit_context
from lode_common.errors import Conflict, InvalidInput, NotFound, Problem
from lode_common.limits import NAME_MAX, text_problem
from lode_common.openapi import problems
from lode_reporting.accounts import domain, manage, signin, store
from lode_reporting.accounts.oidc import OidcFailure, OidcProvider, pkce_pair
from lode_reporting.accounts.schemas import Providers
from lode_reporting.accounts.session_api import COOKIE_PATH, NO_STORE, set_cookie
from lode_reporting.accounts.tables import OidcSignIn
from lode_reporting.api.deps import Service

log = structlog.get_logger(__name__)

router = APIRouter(prefix=COOKIE_PATH, tags=["sign-in"])

START: Final = f"{COOKIE_PATH}/oidc"
CALLBACK: Final = f"{COOKIE_PATH}/oidc/callback"
LOGIN_PAGE: Final = "/workbench/#/login"
STATUS: Final = {
    "oidc_state": 400,
    "oidc_refused": 401,
    "oidc_token": 401,
    "oidc_account": 403,
    "oidc_unavailable": 503,
}
ADVICE: Final = {
    "oidc_state": "登录请求无效或已过期，请重新登录 / This sign-in is unknown, used or expired: "
    "start again from the login page.",
    "oidc_refused": "身份认证未完成 / The identity provider did not sign you in.",
    "oidc_token": "身份认证结果未通过校验 / The identity provider's answer failed a check.",
    "oidc_account": "请管理员为您创建账号 / Ask an administrator to create your account.",
    "oidc_unavailable": "统一身份认证暂不可用，请稍后再试或使用本地账号 / The identity "
    "provider cannot be reached: retry later, or sign in with a local account.",
}
Text = Annotated[str | None, Query(max_length=2000)]


def _provider(service: Service) -> OidcProvider:
    provider = service.sign_in.oidc
    if provider is None:
        raise NotFound(
            "未配置统一身份认证 / OpenID Connect sign-in is not configured here "
            "(LODE_OIDC_ISSUER); sign in with a local account."
        )
    return provider


def _callback_url(service: Service, request: Request) -> str:
    """The redirect URI registered at the provider: under LODE_PUBLIC_URL when it is set
    (behind a proxy), else this request's own origin."""
    base = service.settings.public_url or str(request.base_url)
    return base.rstrip("/") + CALLBACK


def _failed(request: Request, failure: OidcFailure) -> Response:
    log.info("oidc sign-in refused", code=failure.code, reason=failure.reason[:300])
    if "text/html" in request.headers.get("accept", ""):
        return RedirectResponse(
            f"{LOGIN_PAGE}?error={quote(failure.code)}", status_code=303, headers=NO_STORE
        )
    raise Problem(
        f"{ADVICE[failure.code]} ({failure.reason[:300]})",
        status=STATUS[failure.code],
        title="Sign-in failed",
        code=failure.code,
    )


@router.get(
    "/providers",
    response_model=Providers,
    summary="How officers may sign in here (public): password rules, the OIDC provider",
)
async def providers(service: Service) -> dict[str, Any]:
    settings = service.settings
    enabled = service.sign_in.oidc is not None
    return {
        "password": {"enabled": True, "min_length": settings.password_min_length},
        "oidc": {
            "enabled": enabled,
            "display_name": settings.oidc_display_name if enabled else None,
            "start": START if enabled else None,
        },
    }


@router.get(
    "/oidc",
    status_code=303,
    response_class=RedirectResponse,
    responses=problems(404, 503),
    summary="Sign in through the OIDC provider: 303 to its authorization endpoint",
)
async def start(
    service: Service,
    request: Request,
    return_to: Annotated[
        str,
        Query(max_length=domain.RETURN_TO_MAX, description="a path under /workbench/"),
    ] = domain.RETURN_TO_DEFAULT,
) -> Response:
    provider = _provider(service)
    problem = domain.return_to_problem(return_to)
    if problem is not None:
        raise InvalidInput.field("return_to", problem)
    nonce = secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair()
    now = service.sign_in.clock()
    row, state = store.new_signin(nonce=nonce, code_verifier=verifier, return_to=return_to, now=now)
    try:
        url = await provider.authorization_url(
            redirect_uri=_callback_url(service, request),
            state=state,
            nonce=nonce,
            code_challenge=challenge,
        )
    except OidcFailure as failure:
        return _failed(request, failure)
    with audit_context.unaudited():  # a sign-in not finished is no one's doing yet
        async with service.runtime.sessions() as session:
            await store.forget_old_signins(session, now=now)
            session.add(row)
            await session.commit()
    return RedirectResponse(url, status_code=303, headers=NO_STORE)


@router.get(
    "/oidc/callback",
    status_code=303,
    response_class=RedirectResponse,
    responses=problems(400, 404, 503),
    summary="Where the OIDC provider sends the browser back: 303 to the workbench, signed in",
)
async def callback(
    service: Service,
    request: Request,
    code: Text = None,
    state: Text = None,
    error: Text = None,
    error_description: Text = None,
) -> Response:
    provider = _provider(service)
    try:
        return await _finish(service, request, provider, code, state, error, error_description)
    except OidcFailure as failure:
        return _failed(request, failure)


async def _finish(
    service: Service,
    request: Request,
    provider: OidcProvider,
    code: str | None,
    state: str | None,
    error: str | None,
    error_description: str | None,
) -> Response:
    claimed: OidcSignIn | store.SigninRefusal = "unknown"
    if state:
        now = service.sign_in.clock()
        with audit_context.unaudited():  # used up, whatever follows
            async with service.runtime.sessions() as session:
                claimed = await store.claim_signin(session, state, now=now)
                await session.commit()
    if error:  # the provider's own refusal (some leave the state out of it)
        said = f"{error}: {error_description or ''}".strip(": ")
        raise OidcFailure("oidc_refused", f"the provider answered {said[:200]}")
    if isinstance(claimed, str):
        raise OidcFailure("oidc_state", f"state {claimed}" if state else "no state")
    if not code:
        raise OidcFailure("oidc_refused", "the provider sent no code")
    redirect_uri = _callback_url(service, request)
    tokens = await provider.exchange(
        code=code, redirect_uri=redirect_uri, code_verifier=claimed.code_verifier
    )
    claims = await provider.verified_claims(tokens.id_token, nonce=claimed.nonce)
    claims = await _with_userinfo(service, provider, claims, tokens.access_token)
    username = await _account_for(service, claims)
    try:
        opened = await signin.open_for(
            service.sign_in, service.runtime.sessions, username, via="oidc"
        )
    except Problem as refused:
        raise OidcFailure("oidc_account", refused.detail) from refused
    response = RedirectResponse(claimed.return_to, status_code=303, headers=NO_STORE)
    set_cookie(response, request, opened.secret)
    return response


async def _with_userinfo(
    service: Service, provider: OidcProvider, claims: dict[str, Any], access_token: str | None
) -> dict[str, Any]:
    """The ID token's claims, completed from the userinfo endpoint when the ones this
    service reads are missing (some providers put only ``sub`` in the ID token)."""
    settings = service.settings
    wanted = [settings.oidc_username_claim, *filter(None, [settings.oidc_roles_claim])]
    if all(name in claims for name in wanted) or access_token is None:
        return claims
    more = await provider.userinfo(access_token, subject=str(claims["sub"]))
    return {**more, **claims}


async def _account_for(service: Service, claims: dict[str, Any]) -> str:
    """The local account the officer signs in as; created from the roles claim when the
    deployment says so and it is missing."""
    settings = service.settings
    claim = settings.oidc_username_claim
    value = claims.get(claim)
    if not isinstance(value, str) or not value:
        raise OidcFailure("oidc_account", f"the provider gives no {claim!r} claim")
    username = domain.canonical_username(value)
    problem = domain.username_problem(username)
    if problem is not None:
        raise OidcFailure("oidc_account", f"{claim} {value[:64]!r} is no usable username")
    async with service.runtime.sessions() as session:
        existing = await store.account_named(session, username)
    if existing is not None or settings.oidc_roles_claim is None:
        return username
    roles = domain.roles_from_claim(claims.get(settings.oidc_roles_claim))
    if not roles:
        raise OidcFailure(
            "oidc_account",
            f"no account {username!r} here, and the {settings.oidc_roles_claim!r} claim names "
            "no staff role",
        )
    name = claims.get("name")
    shown = name if text_problem(name, max_length=NAME_MAX) is None else None
    audit_context.identify(username, roles)  # the account is made by the officer signing in
    with suppress(Conflict):  # made meanwhile by the same officer's other sign-in
        await manage.create(
            service.runtime.sessions,
            service.sign_in.passwords,
            username=username,
            display_name=shown if isinstance(shown, str) else None,
            roles=sorted(roles),
            password=None,
            actor="oidc",
            now=service.sign_in.clock(),
            min_length=settings.password_min_length,
        )
    return username
