"""Request and answer bodies of the sign-in and account routes."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, Field, StrictBool

from lode_common.limits import STRICT_BODY, Name, text_pattern
from lode_reporting.accounts.domain import (
    PASSWORD_MAX,
    PASSWORD_MIN_FLOOR,
    USERNAME_MAX,
    USERNAME_PATTERN,
)

NEW_PASSWORD: Final = Field(
    min_length=PASSWORD_MIN_FLOOR,
    max_length=PASSWORD_MAX,
    json_schema_extra={"pattern": text_pattern()},
    description=f"at least {PASSWORD_MIN_FLOOR} characters, or LODE_REPORTING_PASSWORD_MIN_LENGTH "
    "when a deployment sets more (GET /reporting/v1/session/providers says how many); not the "
    "username, no control characters",
)
StaffRole = Literal["admin", "planner", "licensing_officer", "inspector", "viewer", "approver"]
"""The roles an account may hold (``lode_common.auth.STAFF_ROLES``; never ``mine``)."""
Password = Field(min_length=1, max_length=PASSWORD_MAX, description="the password, as typed")


class Credentials(BaseModel):
    model_config = STRICT_BODY

    username: str = Field(min_length=1, max_length=USERNAME_MAX, description="e.g. zhang.san")
    password: str = Password


class PasswordChange(BaseModel):
    model_config = STRICT_BODY

    current_password: str = Password
    new_password: str = NEW_PASSWORD


class SignedInUser(BaseModel):
    username: str
    display_name: str
    roles: list[str]


class SessionTimes(BaseModel):
    via: Literal["password", "oidc"]
    created_at: str
    idle_expires_at: str = Field(description="ends unless a token is taken before")
    expires_at: str = Field(description="ends at the latest")


class SessionView(BaseModel):
    user: SignedInUser
    session: SessionTimes


class SessionToken(SessionView):
    access_token: str = Field(description="a staff token: 'Authorization: Bearer <it>'")
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the scheme's name
    expires_in: int = Field(description="seconds the access token lives")


class PasswordPolicy(BaseModel):
    enabled: bool = Field(description="local accounts sign in with a password (always here)")
    min_length: int = Field(description="the fewest characters of a new password")


class OidcOption(BaseModel):
    enabled: bool
    display_name: str | None = None
    start: str | None = Field(None, description="where the browser goes to sign in with it")


class Providers(BaseModel):
    password: PasswordPolicy
    oidc: OidcOption


class NewAccount(BaseModel):
    model_config = STRICT_BODY

    username: str = Field(
        min_length=1,
        max_length=USERNAME_MAX,
        pattern=USERNAME_PATTERN,
        description="letters, digits, Chinese characters and . _ - @ (stored in lower case)",
    )
    display_name: Name | None = Field(None, description="e.g. 张三 (default: the username)")
    roles: list[StaffRole] = Field(min_length=1, max_length=6)
    password: str | None = Field(
        None,
        min_length=PASSWORD_MIN_FLOOR,
        max_length=PASSWORD_MAX,
        json_schema_extra={"pattern": text_pattern()},
        description="none: the account signs in through the OIDC provider only; "
        + str(NEW_PASSWORD.description),
    )


class AccountChange(BaseModel):
    model_config = STRICT_BODY

    display_name: Name | None = None
    roles: list[StaffRole] | None = Field(None, min_length=1, max_length=6)
    disabled: StrictBool | None = None
    unlock: Literal[True] | None = Field(None, description="true: clear a lock and the failures")
    password: str | None = Field(
        None,
        min_length=PASSWORD_MIN_FLOOR,
        max_length=PASSWORD_MAX,
        json_schema_extra={"pattern": text_pattern()},
        description="a new password (the account's sessions end): " + str(NEW_PASSWORD.description),
    )


class StaffAccountView(BaseModel):
    username: str
    display_name: str
    roles: list[str]
    disabled: bool
    has_password: bool = Field(description="false: signs in through the OIDC provider only")
    failed_logins: int
    locked_until: str | None
    last_login_at: str | None
    password_changed_at: str | None
    created_at: str | None
    created_by: str
    updated_at: str | None


class StaffAccountPage(BaseModel):
    items: list[StaffAccountView]
    total: int
