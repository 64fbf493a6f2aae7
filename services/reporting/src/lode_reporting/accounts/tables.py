"""The tables of staff sign-in (SQLModel), reporting's own data rather than read models: no
event feeds them, so ``lode reporting rebuild`` carries them over (:data:`KEPT_TABLES`)
instead of replaying them.

No column holds a password or a session secret: a password is an argon2id hash, a session
and a sign-in state are found by the SHA-256 of their secret, and their primary keys are
separate random ids (the audit log records the primary keys of changed rows).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Index, Integer
from sqlmodel import Field, SQLModel

from lode_reporting.accounts.domain import USERNAME_MAX

_REVISION = Column("revision", Integer, nullable=False, default=1)
"""The account's version: a change made from a stale read (two sign-ins at once counting a
failure each) fails and is made again, so no failure goes uncounted."""


def _ts(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class StaffAccount(SQLModel, table=True):
    """An officer's account (人员账号): who they are, their roles, how they sign in (a
    password hash, or none: through the organisation's OIDC provider only) and their record
    of failed sign-ins (登录失败处理)."""

    __tablename__ = "staff_account"
    __mapper_args__ = {"version_id_col": _REVISION}  # SQLAlchemy's own

    username: str = Field(primary_key=True, max_length=USERNAME_MAX)
    display_name: str = Field(max_length=300)
    roles: str = Field(max_length=200)
    """Space-separated, sorted (``inspector viewer``): filterable alike on both databases."""
    password_hash: str | None = Field(default=None, max_length=200)
    disabled: bool = False
    failed_logins: int = 0
    locked_until: datetime | None = _ts(nullable=True)
    last_login_at: datetime | None = _ts(nullable=True)
    password_changed_at: datetime | None = _ts(nullable=True)
    created_at: datetime = _ts()
    created_by: str = Field(max_length=200)
    updated_at: datetime = _ts()
    revision: int = Field(default=1, sa_column=_REVISION)


class StaffSession(SQLModel, table=True):
    """A signed-in browser (登录会话): found by the SHA-256 of the secret its cookie holds;
    ends at logout, when unused for the idle time, at its absolute expiry, or when its
    account is disabled or its roles or password change."""

    __tablename__ = "staff_session"
    __table_args__ = (Index("ix_staff_session_username", "username", "ended_at"),)

    id: str = Field(primary_key=True, max_length=32)
    secret_sha256: str = Field(max_length=64, unique=True)
    username: str = Field(max_length=USERNAME_MAX)
    via: str = Field(max_length=10)
    """``password`` or ``oidc``."""
    created_at: datetime = _ts()
    last_used_at: datetime = _ts()
    idle_expires_at: datetime = _ts()
    expires_at: datetime = _ts()
    ended_at: datetime | None = _ts(nullable=True)
    ended_reason: str | None = Field(default=None, max_length=20)


class OidcSignIn(SQLModel, table=True):
    """An OIDC sign-in under way: what the callback checks (state, nonce) and sends (the
    PKCE code verifier), kept here rather than in the browser; used once, within minutes."""

    __tablename__ = "staff_oidc_signin"
    __table_args__ = (Index("ix_staff_oidc_signin_expires", "expires_at"),)

    id: str = Field(primary_key=True, max_length=32)
    state_sha256: str = Field(max_length=64, unique=True)
    nonce: str = Field(max_length=100)
    code_verifier: str = Field(max_length=128)
    return_to: str = Field(max_length=500)
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    used_at: datetime | None = _ts(nullable=True)


KEPT_TABLES: tuple[type[SQLModel], ...] = (StaffAccount, StaffSession)
"""What a rebuild of the read models copies from the live database: the accounts and their
sessions (officers stay signed in). A sign-in under way is not worth carrying."""
