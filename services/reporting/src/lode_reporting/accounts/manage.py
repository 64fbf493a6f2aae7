"""Administering accounts (账号管理): create one, change its name, roles, password or
standing, disable or unlock it. Used by the admin routes and by ``lode account``.

Checks that need no database come first (:mod:`.domain`), so a bad request changes nothing.
Disabling an account, changing its roles or setting its password ends its sessions: what
an officer may do changes at once (an access token already handed out lives out its few
minutes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from lode_common.errors import Conflict, InvalidInput, NotFound
from lode_reporting.accounts import domain, store
from lode_reporting.accounts.passwords import Passwords
from lode_reporting.accounts.tables import StaffAccount

Sessions = async_sessionmaker[AsyncSession]
WRITE_TRIES = 5


@dataclass(frozen=True)
class Change:
    """What an administrator asks to change (None: leave as it is)."""

    display_name: str | None = None
    roles: list[str] | None = None
    disabled: bool | None = None
    unlock: bool = False
    password: str | None = None


def checked_username(raw: str, *, field: str = "username") -> str:
    name = domain.canonical_username(raw)
    problem = domain.username_problem(name)
    if problem is not None:
        raise InvalidInput.field(field, problem)
    return name


def _checked_roles(roles: list[str]) -> list[str]:
    problem = domain.roles_problem(roles)
    if problem is not None:
        raise InvalidInput.field("roles", problem)
    return sorted(set(roles))


def _checked_password(password: str, username: str, min_length: int) -> None:
    problem = domain.password_problem(password, username=username, min_length=min_length)
    if problem is not None:
        raise InvalidInput.field("password", problem)


def unknown(username: str) -> NotFound:
    return NotFound(
        f"没有账号 {username} / No account {username!r}; list them with GET /reporting/v1/accounts."
    )


async def create(
    sessions: Sessions,
    passwords: Passwords,
    *,
    username: str,
    display_name: str | None,
    roles: list[str],
    password: str | None,
    actor: str,
    now: datetime,
    min_length: int,
) -> StaffAccount:
    """A new account; without a password it signs in through OIDC only. 409 when the
    username is taken."""
    name = checked_username(username)
    wanted = _checked_roles(roles)
    if password is not None:
        _checked_password(password, name, min_length)
    password_hash = await passwords.hash(password) if password is not None else None
    account = StaffAccount(
        username=name,
        display_name=display_name or name,
        roles=store.roles_text(wanted),
        password_hash=password_hash,
        password_changed_at=now if password_hash is not None else None,
        created_at=now,
        created_by=actor,
        updated_at=now,
    )
    try:
        async with sessions() as session:
            if await store.account_named(session, name) is not None:
                raise _taken(name)
            session.add(account)
            await session.commit()
    except IntegrityError as error:  # created meanwhile by another request
        raise _taken(name) from error
    return account


def _taken(name: str) -> Conflict:
    return Conflict(
        f"账号 {name} 已存在 / The account {name!r} exists already; change it with PATCH "
        f"/reporting/v1/accounts/{name}."
    )


async def update(
    sessions: Sessions,
    passwords: Passwords,
    *,
    username: str,
    change: Change,
    actor: str,
    now: datetime,
    min_length: int,
) -> StaffAccount:
    """Apply ``change`` to the account; its sessions end when its roles, its password or
    its being disabled change. An administrator cannot disable themselves or drop their own
    admin role (409)."""
    name = checked_username(username)
    roles = _checked_roles(change.roles) if change.roles is not None else None
    if change.password is not None:
        _checked_password(change.password, name, min_length)
    new_hash = await passwords.hash(change.password) if change.password is not None else None
    for _ in range(WRITE_TRIES):
        try:
            return await _apply(sessions, name, change, roles, new_hash, actor=actor, now=now)
        except StaleDataError:
            continue  # a sign-in changed the account meanwhile: apply to it as it is now
    raise Conflict("账号正被修改，请重试 / The account is changing right now; retry.")


async def _apply(
    sessions: Sessions,
    name: str,
    change: Change,
    roles: list[str] | None,
    new_hash: str | None,
    *,
    actor: str,
    now: datetime,
) -> StaffAccount:
    async with sessions() as session:
        account = await store.account_named(session, name)
        if account is None:
            raise unknown(name)
        problem = domain.self_change_problem(
            actor=actor,
            username=name,
            roles_after=roles if roles is not None else store.roles_of(account),
            disabled_after=change.disabled if change.disabled is not None else account.disabled,
        )
        if problem is not None:
            raise Conflict(problem)
        ends: list[str] = []
        if change.display_name is not None:
            account.display_name = change.display_name
        if roles is not None and roles != store.roles_of(account):
            account.roles = store.roles_text(roles)
            ends.append("roles")
        if change.disabled is not None and change.disabled != account.disabled:
            account.disabled = change.disabled
            if change.disabled:
                ends.append("disabled")
        if new_hash is not None:
            account.password_hash = new_hash
            account.password_changed_at = now
            ends.append("password")
        if change.unlock or new_hash is not None:
            store.set_standing(account, domain.after_success())
        account.updated_at = now
        if ends:
            await store.end_sessions(session, name, now=now, reason=ends[0])
        await session.commit()
    return account


def view(account: StaffAccount, now: datetime) -> dict[str, Any]:
    """An account as an administrator sees it: never its hash."""

    def at(moment: datetime | None) -> str | None:
        return store.aware(moment).isoformat() if moment is not None else None

    return {
        "username": account.username,
        "display_name": account.display_name,
        "roles": store.roles_of(account),
        "disabled": account.disabled,
        "has_password": account.password_hash is not None,
        "failed_logins": account.failed_logins,
        "locked_until": at(store.standing(account).locked_at(now)),
        "last_login_at": at(account.last_login_at),
        "password_changed_at": at(account.password_changed_at),
        "created_at": at(account.created_at),
        "created_by": account.created_by,
        "updated_at": at(account.updated_at),
    }
