"""Signing in and out (登录与退出): the steps the session routes take, each in its own
transaction, the audit context naming the officer where the change is theirs.

* a password sign-in reads the account, checks the password off the event loop, then
  records the outcome (a failure counted, or a session opened) on the account as it is
  then: a concurrent change makes the write fail and be made again, so two wrong
  passwords at once count two;
* a session is found by its cookie's secret; using it for a token slides its idle expiry
  (bookkeeping, not a decision: not in the audit log, like an API key's last use);
* logout, a password change, disabling an account or changing its roles end sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from lode_common.audit import context as audit_context
from lode_common.errors import Forbidden, InvalidInput, Problem, Unauthorized
from lode_reporting.accounts import domain, store
from lode_reporting.accounts.oidc import OidcProvider
from lode_reporting.accounts.passwords import Passwords
from lode_reporting.accounts.tables import StaffAccount, StaffSession
from lode_reporting.settings import ReportingSettings

log = structlog.get_logger(__name__)

Sessions = async_sessionmaker[AsyncSession]
WRITE_TRIES = 5
"""Times a sign-in's outcome is written again after a concurrent change of the account."""
WRONG = "用户名或密码错误 / Wrong username or password."


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class StaffSignIn:
    """What sign-in needs, built once by ``bootstrap``: the settings, the password hasher,
    the OIDC provider (None: OIDC is off) and the clock (a test moves it on)."""

    settings: ReportingSettings
    passwords: Passwords = field(default_factory=Passwords)
    oidc: OidcProvider | None = None
    clock: Callable[[], datetime] = _now

    @classmethod
    def from_settings(cls, settings: ReportingSettings) -> StaffSignIn:
        provider = None
        if settings.oidc_issuer:
            secret = settings.oidc_client_secret
            provider = OidcProvider(
                issuer=settings.oidc_issuer,
                client_id=settings.oidc_client_id,
                client_secret=secret.get_secret_value() if secret is not None else None,
                scopes=settings.oidc_scopes,
            )
        return cls(settings=settings, oidc=provider)

    @property
    def policy(self) -> domain.Policy:
        s = self.settings
        return domain.Policy(
            max_failures=s.login_max_failures,
            lockout=timedelta(minutes=s.login_lockout_min),
            idle=timedelta(minutes=s.session_idle_min),
            absolute=timedelta(hours=s.session_absolute_h),
            password_min_length=s.password_min_length,
        )


@dataclass(frozen=True)
class Opened:
    """A new session: its row, the account and the secret for the cookie (shown once)."""

    session: StaffSession
    account: StaffAccount
    secret: str


def locked(until: datetime) -> Problem:
    """423 Locked (RFC 4918 11.3): the account refuses sign-ins until ``until``."""
    shown = until.isoformat(timespec="seconds")
    return Problem(
        f"账号已锁定至 {shown}（连续登录失败）：请届时再试，或请管理员解锁 / The account is "
        f"locked until {shown} after "
        "repeated failed sign-ins: try again then, or ask an administrator to unlock it.",
        status=423,
        title="Locked",
        locked_until=until.isoformat(),
    )


def disabled_account() -> Forbidden:
    return Forbidden("账号已停用，请联系管理员 / This account is disabled; ask an administrator.")


def no_session(reason: str) -> Unauthorized:
    return Unauthorized(
        f"未登录或会话已结束（{reason}），请重新登录 / No live session ({reason}); sign in again.",
        headers={"WWW-Authenticate": 'Cookie realm="lode"'},
    )


async def _record_failure(
    session: AsyncSession, account: StaffAccount, now: datetime, policy: domain.Policy
) -> domain.Standing:
    after = domain.after_failure(store.standing(account), now, policy)
    store.set_standing(account, after)
    account.updated_at = now
    audit_context.current().detail.update({"sign_in": "failed", "username": account.username})
    await session.commit()
    return after


async def password_sign_in(
    parts: StaffSignIn, sessions: Sessions, *, username: str, password: str
) -> Opened:
    """Sign in with a password: a session, or 401 (unknown user or wrong password, alike),
    423 (locked, even with the right password), 403 (disabled)."""
    name = domain.canonical_username(username)
    policy = parts.policy
    async with sessions() as session:
        account = (
            await store.account_named(session, name) if not domain.username_problem(name) else None
        )
    if account is not None:
        until = store.standing(account).locked_at(parts.clock())
        if until is not None:
            raise locked(until)
    checked = await parts.passwords.check(
        account.password_hash if account is not None else None, password
    )
    if account is None:
        log.info("sign-in refused: unknown username")
        raise Unauthorized(WRONG)
    rehashed = await parts.passwords.hash(password) if checked.ok and checked.rehash else None
    verified = Verified(account.password_hash, checked.ok, password)
    for _ in range(WRITE_TRIES):
        try:
            return await _outcome(parts, sessions, name, verified, rehashed, policy)
        except StaleDataError:
            continue  # the account changed since it was read: decide again on what it is now
    raise Problem(
        "登录请求过于频繁，请稍后再试 / Too many sign-ins at once for this account; retry.",
        status=409,
        title="Conflict",
    )


@dataclass(frozen=True)
class Verified:
    """A password checked against the hash the account had then."""

    against: str | None
    ok: bool
    password: str = field(repr=False)


async def _outcome(
    parts: StaffSignIn,
    sessions: Sessions,
    name: str,
    verified: Verified,
    rehashed: str | None,
    policy: domain.Policy,
) -> Opened:
    async with sessions() as session:
        account = await store.account_named(session, name)
        if account is None:
            raise Unauthorized(WRONG)
        now = parts.clock()
        until = store.standing(account).locked_at(now)
        if until is not None:
            raise locked(until)
        ok = verified.ok
        if account.password_hash != verified.against:  # set anew since: check against it
            ok = (await parts.passwords.check(account.password_hash, verified.password)).ok
        if not ok:
            after = await _record_failure(session, account, now, policy)
            if after.locked_until is not None:
                raise locked(after.locked_until)
            raise Unauthorized(WRONG)
        if account.disabled:
            raise disabled_account()
        store.set_standing(account, domain.after_success())
        account.last_login_at = now
        if rehashed is not None:
            account.password_hash = rehashed
        account.updated_at = now
        return await _open(session, account, via="password", now=now, policy=policy)


async def _open(
    session: AsyncSession,
    account: StaffAccount,
    *,
    via: str,
    now: datetime,
    policy: domain.Policy,
) -> Opened:
    """Open a session for ``account`` in ``session`` and commit, as the officer's doing."""
    await store.forget_dead_sessions(session, account.username, now=now)
    row, secret = store.new_session(
        account.username, via=via, now=now, lifetime=domain.new_lifetime(now, policy)
    )
    session.add(row)
    audit_context.identify(account.username, store.roles_of(account))
    audit_context.current().detail.update({"sign_in": via})
    await session.commit()
    return Opened(session=row, account=account, secret=secret)


async def open_for(parts: StaffSignIn, sessions: Sessions, username: str, *, via: str) -> Opened:
    """A session for an account already proven (by the OIDC provider): refused when the
    account is missing or disabled."""
    policy = parts.policy
    async with sessions() as session:
        account = await store.account_named(session, username)
        if account is None or account.disabled:
            raise (
                disabled_account()
                if account is not None
                else Forbidden(
                    f"没有账号 {username}，请管理员先创建 / There is no account {username!r} here; "
                    "ask an administrator to create it."
                )
            )
        now = parts.clock()
        account.last_login_at = now
        account.updated_at = now
        return await _open(session, account, via=via, now=now, policy=policy)


async def live(
    parts: StaffSignIn, sessions: Sessions, secret: str | None
) -> tuple[StaffSession, StaffAccount]:
    """The live session the cookie's ``secret`` names, with its account; 401 otherwise."""
    if not secret:
        raise no_session("没有会话 Cookie / no session cookie")
    async with sessions() as session:
        found = await store.session_with_account(session, secret)
    if found is None:
        raise no_session("会话未知 / unknown session")
    row, account = found
    state = domain.session_state(row.ended_at, store.lifetime_of(row), parts.clock())
    if state != "live":
        reasons = {
            "ended": "已退出 / signed out",
            "idle": "长时间未操作 / idle too long",
            "expired": "已到最长时限 / past its absolute expiry",
        }
        raise no_session(reasons[state])
    if account.disabled:
        raise no_session("账号已停用 / account disabled")
    return row, account


async def used(parts: StaffSignIn, sessions: Sessions, row: StaffSession) -> StaffSession:
    """The session used now (a token taken): its idle expiry slides. Bookkeeping only."""
    now = parts.clock()
    lifetime = domain.slid(store.lifetime_of(row), now, parts.policy)
    with audit_context.unaudited():
        async with sessions() as session:
            fresh = await session.get(StaffSession, row.id, populate_existing=True)
            if fresh is None or fresh.ended_at is not None:  # ended a moment ago
                raise no_session("已退出 / signed out")
            fresh.last_used_at = now
            fresh.idle_expires_at = lifetime.idle_expires_at
            await session.commit()
    return fresh


async def sign_out(parts: StaffSignIn, sessions: Sessions, secret: str | None) -> None:
    """End the session the cookie names, if it is open (idempotent)."""
    if not secret:
        return
    async with sessions() as session:
        found = await store.session_with_account(session, secret)
        if found is None or found[0].ended_at is not None:
            return
        row, account = found
        row.ended_at, row.ended_reason = parts.clock(), "logout"
        audit_context.identify(account.username, store.roles_of(account))
        await session.commit()


async def change_password(
    parts: StaffSignIn,
    sessions: Sessions,
    *,
    row: StaffSession,
    current: str,
    new: str,
) -> None:
    """The signed-in officer's new password (the current one proves it is them): counted as
    a failed sign-in when wrong; the account's other sessions end."""
    policy = parts.policy
    name = row.username
    async with sessions() as session:
        account = await store.account_named(session, name)
    if account is None:
        raise no_session("会话未知 / unknown session")
    checked = await parts.passwords.check(account.password_hash, current)
    problem = domain.password_problem(new, username=name, min_length=policy.password_min_length)
    new_hash = await parts.passwords.hash(new) if checked.ok and problem is None else None
    for _ in range(WRITE_TRIES):
        try:
            await _password_outcome(parts, sessions, row, checked.ok, problem, new_hash)
            return
        except StaleDataError:
            continue
    raise Problem(
        "请稍后再试 / The account changed meanwhile; retry.", status=409, title="Conflict"
    )


async def _password_outcome(
    parts: StaffSignIn,
    sessions: Sessions,
    row: StaffSession,
    ok: bool,
    problem: str | None,
    new_hash: str | None,
) -> None:
    async with sessions() as session:
        account = await store.account_named(session, row.username)
        if account is None:
            raise no_session("会话未知 / unknown session")
        now = parts.clock()
        until = store.standing(account).locked_at(now)
        if until is not None:
            raise locked(until)
        if not ok:
            audit_context.identify(account.username, store.roles_of(account))
            after = await _record_failure(session, account, now, parts.policy)
            if after.locked_until is not None:
                raise locked(after.locked_until)
            raise InvalidInput.field(
                "current_password", "当前密码不正确 / the current password is wrong"
            )
        if problem is not None or new_hash is None:
            raise InvalidInput.field("new_password", problem or "invalid")
        account.password_hash = new_hash
        account.password_changed_at = now
        account.updated_at = now
        store.set_standing(account, domain.after_success())
        await store.end_sessions(session, account.username, now=now, reason="password", keep=row.id)
        audit_context.identify(account.username, store.roles_of(account))
        await session.commit()


def session_view(row: StaffSession, account: StaffAccount) -> dict[str, Any]:
    """What the workbench is told of a signed-in officer and their session."""
    return {
        "user": {
            "username": account.username,
            "display_name": account.display_name,
            "roles": store.roles_of(account),
        },
        "session": {
            "via": row.via,
            "created_at": store.aware(row.created_at).isoformat(),
            "idle_expires_at": store.aware(row.idle_expires_at).isoformat(),
            "expires_at": store.aware(row.expires_at).isoformat(),
        },
    }
