"""Reading and writing the sign-in tables, in a session the caller commits: accounts by
username or page, sessions by the hash of their secret, OIDC sign-ins by the hash of their
state. Secrets are made here and handed back once; only their hashes are stored."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Final, Literal

from sqlalchemy import delete, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_reporting.accounts.domain import Lifetime, Standing
from lode_reporting.accounts.tables import OidcSignIn, StaffAccount, StaffSession

SIGNIN_TTL: Final = timedelta(minutes=10)
"""How long an OIDC sign-in may take between leaving for the provider and coming back."""
SigninRefusal = Literal["unknown", "used", "expired"]


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive times: they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def digest(secret: str) -> str:
    """What is stored of a secret: its SHA-256 (the secrets are 256 random bits: nothing to
    guess, so no slow hash is needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


# ---- accounts ---------------------------------------------------------------------------
def roles_text(roles: Iterable[str]) -> str:
    return " ".join(sorted(set(roles)))


def roles_of(account: StaffAccount) -> list[str]:
    return account.roles.split()


def standing(account: StaffAccount) -> Standing:
    locked = account.locked_until
    return Standing(account.failed_logins, aware(locked) if locked is not None else None)


def set_standing(account: StaffAccount, value: Standing) -> None:
    account.failed_logins = value.failed_logins
    account.locked_until = value.locked_until


async def account_named(session: AsyncSession, username: str) -> StaffAccount | None:
    return await session.get(StaffAccount, username, populate_existing=True)


async def accounts_page(
    session: AsyncSession,
    *,
    q: str | None,
    role: str | None,
    disabled: bool | None,
    limit: int,
    offset: int,
) -> tuple[list[StaffAccount], int]:
    """One page of accounts by username, and how many match: ``q`` in the username or the
    display name (any case), holding ``role``, disabled or not."""
    query = select(StaffAccount)
    if q:
        query = query.where(
            or_(
                col(StaffAccount.username).icontains(q, autoescape=True),
                col(StaffAccount.display_name).icontains(q, autoescape=True),
            )
        )
    if role:
        padded = literal(" ") + col(StaffAccount.roles) + literal(" ")
        query = query.where(padded.contains(f" {role} ", autoescape=True))
    if disabled is not None:
        query = query.where(col(StaffAccount.disabled) == disabled)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar()
    rows = await session.execute(
        query.order_by(col(StaffAccount.username)).limit(limit).offset(offset)
    )
    return list(rows.scalars()), int(total or 0)


# ---- sessions ---------------------------------------------------------------------------
def new_session(
    username: str, *, via: str, now: datetime, lifetime: Lifetime
) -> tuple[StaffSession, str]:
    """A session for ``username`` and the secret its cookie carries (returned once)."""
    secret = secrets.token_urlsafe(32)
    row = StaffSession(
        id=secrets.token_hex(16),
        secret_sha256=digest(secret),
        username=username,
        via=via,
        created_at=now,
        last_used_at=now,
        idle_expires_at=lifetime.idle_expires_at,
        expires_at=lifetime.expires_at,
    )
    return row, secret


async def session_with_account(
    session: AsyncSession, secret: str
) -> tuple[StaffSession, StaffAccount] | None:
    """The session whose cookie carries ``secret``, with its account, in any state."""
    found = (
        await session.execute(
            select(StaffSession, StaffAccount)
            .join(StaffAccount, col(StaffAccount.username) == col(StaffSession.username))
            .where(col(StaffSession.secret_sha256) == digest(secret))
            .execution_options(populate_existing=True)
        )
    ).first()
    if found is None:
        return None
    return found[0], found[1]


def lifetime_of(row: StaffSession) -> Lifetime:
    return Lifetime(aware(row.idle_expires_at), aware(row.expires_at))


async def end_sessions(
    session: AsyncSession,
    username: str,
    *,
    now: datetime,
    reason: str,
    keep: str | None = None,
) -> int:
    """End every open session of ``username`` (but ``keep``), each row changed by the ORM
    so the audit log names them; how many were ended."""
    rows = await session.execute(
        select(StaffSession).where(
            col(StaffSession.username) == username, col(StaffSession.ended_at).is_(None)
        )
    )
    ended = 0
    for row in rows.scalars():
        if row.id == keep:
            continue
        row.ended_at, row.ended_reason = now, reason
        ended += 1
    return ended


async def forget_dead_sessions(session: AsyncSession, username: str, *, now: datetime) -> None:
    """Delete ``username``'s sessions that can no longer sign anyone in (ended, or past an
    expiry): the rows of a signed-in officer stay few. Their story is in the audit log."""
    await session.execute(
        delete(StaffSession).where(
            col(StaffSession.username) == username,
            or_(
                col(StaffSession.ended_at).is_not(None),
                col(StaffSession.expires_at) <= now,
                col(StaffSession.idle_expires_at) <= now,
            ),
        )
    )


# ---- OIDC sign-ins under way ----------------------------------------------------------------
def new_signin(
    *, nonce: str, code_verifier: str, return_to: str, now: datetime
) -> tuple[OidcSignIn, str]:
    """A sign-in under way and its ``state`` (sent to the provider and back; stored hashed)."""
    state = secrets.token_urlsafe(32)
    row = OidcSignIn(
        id=secrets.token_hex(16),
        state_sha256=digest(state),
        nonce=nonce,
        code_verifier=code_verifier,
        return_to=return_to,
        created_at=now,
        expires_at=now + SIGNIN_TTL,
    )
    return row, state


async def claim_signin(
    session: AsyncSession, state: str, *, now: datetime
) -> OidcSignIn | SigninRefusal:
    """The sign-in ``state`` names, marked used (by one conditional update: of two callbacks
    racing with one state, one wins), or why it cannot go on."""
    found = await session.execute(
        select(OidcSignIn)
        .where(col(OidcSignIn.state_sha256) == digest(state))
        .execution_options(populate_existing=True)
    )
    row = found.scalars().first()
    if row is None:
        return "unknown"
    if row.used_at is not None:
        return "used"
    if aware(row.expires_at) <= now:
        return "expired"
    claimed = await session.execute(
        update(OidcSignIn)
        .where(col(OidcSignIn.id) == row.id, col(OidcSignIn.used_at).is_(None))
        .values(used_at=now)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        return "used"
    return row


async def forget_old_signins(session: AsyncSession, *, now: datetime) -> None:
    """Delete the sign-ins that can no longer finish (expired; used ones a while after)."""
    await session.execute(delete(OidcSignIn).where(col(OidcSignIn.expires_at) <= now))
