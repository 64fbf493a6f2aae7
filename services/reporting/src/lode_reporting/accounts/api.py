"""``/reporting/v1/accounts``: administrators create and change officers' accounts (账号
管理). A bureau's first administrator is made with ``lode account create`` (or with the
bootstrap admin token); a password is never shown back, nor its hash."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Response

from lode_common import auth
from lode_common.errors import InvalidInput
from lode_common.http import MAX_OFFSET, CurrentPrincipal, requires
from lode_common.limits import text_pattern, text_problem
from lode_common.openapi import problems
from lode_reporting.accounts import manage, store
from lode_reporting.accounts.domain import USERNAME_MAX, USERNAME_PATTERN
from lode_reporting.accounts.schemas import (
    AccountChange,
    NewAccount,
    StaffAccountPage,
    StaffAccountView,
    StaffRole,
)
from lode_reporting.api.deps import Service

router = APIRouter(prefix="/reporting/v1/accounts", tags=["accounts"])
ADMIN = Depends(requires(auth.ADMIN))

Username = Annotated[
    str,
    Path(
        min_length=1,
        max_length=USERNAME_MAX,
        pattern=USERNAME_PATTERN,
        description="an account's username, e.g. zhang.san (any case)",
    ),
]


@router.get(
    "",
    dependencies=[ADMIN],
    response_model=StaffAccountPage,
    summary="Accounts, by username (admin)",
)
async def list_accounts(
    service: Service,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            description="in the username or display name",
            json_schema_extra={"pattern": text_pattern()},
        ),
    ] = None,
    role: Annotated[StaffRole | None, Query(description="holding this role")] = None,
    disabled: Annotated[bool | None, Query(description="disabled or not")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    problem = text_problem(q, max_length=100) if q is not None else None
    if problem is not None:  # a blank search, a control or bidirectional character
        raise InvalidInput.field("q", problem)
    now = service.sign_in.clock()
    async with service.runtime.sessions() as session:
        rows, total = await store.accounts_page(
            session, q=q, role=role, disabled=disabled, limit=limit, offset=offset
        )
    return {"items": [manage.view(row, now) for row in rows], "total": total}


@router.post(
    "",
    dependencies=[ADMIN],
    status_code=201,
    response_model=StaffAccountView,
    responses=problems(409),
    summary="Create an account (admin); without a password it signs in through OIDC only",
)
async def create_account(
    body: NewAccount, service: Service, principal: CurrentPrincipal, response: Response
) -> dict[str, Any]:
    now = service.sign_in.clock()
    account = await manage.create(
        service.runtime.sessions,
        service.sign_in.passwords,
        username=body.username,
        display_name=body.display_name,
        roles=list(body.roles),
        password=body.password,
        actor=principal.subject,
        now=now,
        min_length=service.settings.password_min_length,
    )
    # percent-encoded: a header is Latin-1, a username may be Chinese (RFC 3986 3.3)
    response.headers["Location"] = f"/reporting/v1/accounts/{quote(account.username, safe='')}"
    return manage.view(account, now)


@router.get(
    "/{username}",
    dependencies=[ADMIN],
    response_model=StaffAccountView,
    responses=problems(404),
    summary="One account (admin)",
)
async def get_account(username: Username, service: Service) -> dict[str, Any]:
    name = manage.checked_username(username)
    async with service.runtime.sessions() as session:
        account = await store.account_named(session, name)
    if account is None:
        raise manage.unknown(name)
    return manage.view(account, service.sign_in.clock())


@router.patch(
    "/{username}",
    dependencies=[ADMIN],
    response_model=StaffAccountView,
    responses=problems(404, 409),
    summary="Change an account (admin): name, roles, disabled, unlock, password",
    description="Changing the roles, disabling the account or setting its password ends its "
    "sessions (a token already handed out lives out LODE_REPORTING_SESSION_ACCESS_TTL_S). "
    "409 for an administrator disabling themselves or removing their own admin role.",
)
async def change_account(
    username: Username, body: AccountChange, service: Service, principal: CurrentPrincipal
) -> dict[str, Any]:
    now = service.sign_in.clock()
    account = await manage.update(
        service.runtime.sessions,
        service.sign_in.passwords,
        username=username,
        change=manage.Change(
            display_name=body.display_name,
            roles=list(body.roles) if body.roles is not None else None,
            disabled=body.disabled,
            unlock=bool(body.unlock),
            password=body.password,
        ),
        actor=principal.subject,
        now=now,
        min_length=service.settings.password_min_length,
    )
    return manage.view(account, now)
