"""The rules of staff sign-in (身份鉴别), as plain functions: what a username and a password
may be, when repeated failures lock an account (登录失败处理), when a session ends
(登录连接超时自动退出), which roles an account may hold and where a sign-in may return.

GB/T 22239-2019 (等保2.0) 8.1.4.1 a) and b) ask for these mechanisms without figures; the
figures come from :class:`Policy`, built from the settings (Lode's own defaults).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from lode_common.auth import ADMIN, MINE, STAFF_ROLES
from lode_common.limits import unsafe_character

USERNAME_MAX: Final = 64
"""A username's characters: short enough for a login form and the audit log's actor."""
USERNAME_PATTERN: Final = (
    r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9._@\u4e00-\u9fff-]{0," + str(USERNAME_MAX - 1) + r"}$"
)
"""Letters, digits, ``. _ - @`` and Chinese characters (CJK Unified Ideographs), starting with
a letter, a digit or a Chinese character: a safe token ``sub`` (no white space, control or
bidirectional character) that reads the same wherever it is shown."""
_USERNAME = re.compile(USERNAME_PATTERN)
RESERVED_USERNAMES: Final = frozenset({"admin", "anonymous", "system", "unattributed"})
"""Names the audit log already gives to others: ``admin`` is the bootstrap admin token, the
others are what it records for unauthenticated requests and background work."""
PASSWORD_MAX: Final = 256
"""A password's characters at most (a longer one is refused before it is hashed)."""
PASSWORD_MIN_FLOOR: Final = 10
"""The fewest characters a deployment may ask of a password (LODE_REPORTING_PASSWORD_MIN_LENGTH
may only raise it): what the API's documents state as every new password's minimum."""
RETURN_TO_DEFAULT: Final = "/workbench/"
RETURN_TO_MAX: Final = 500
ASSIGNABLE_ROLES: Final = frozenset(STAFF_ROLES)
"""The roles an account may hold: staff roles only (a mine reports with its API key)."""

SessionState = Literal["live", "ended", "idle", "expired"]


@dataclass(frozen=True)
class Policy:
    """The figures of sign-in, from the settings (GB/T 22239-2019 8.1.4.1 a/b)."""

    max_failures: int
    lockout: timedelta
    idle: timedelta
    absolute: timedelta
    password_min_length: int


@dataclass(frozen=True)
class Standing:
    """An account's record of failed sign-ins: consecutive failures since the last success
    or lock, and until when it is locked (None: not locked, or no longer)."""

    failed_logins: int = 0
    locked_until: datetime | None = None

    def locked_at(self, now: datetime) -> datetime | None:
        """Until when the account is locked at ``now``, or None when it is not."""
        if self.locked_until is not None and self.locked_until > now:
            return self.locked_until
        return None


def after_failure(standing: Standing, now: datetime, policy: Policy) -> Standing:
    """The standing after a wrong password: the ``max_failures``-th consecutive one locks the
    account for ``lockout`` and starts the count again (so an expired lock gives a full
    set of tries, not one)."""
    failures = standing.failed_logins + 1
    if failures >= policy.max_failures:
        return Standing(failed_logins=0, locked_until=now + policy.lockout)
    return Standing(failed_logins=failures, locked_until=standing.locked_at(now))


def after_success() -> Standing:
    """A right password clears the count (an account still locked is refused before)."""
    return Standing()


@dataclass(frozen=True)
class Lifetime:
    """When a session ends by itself: unused (idle) or in any case (absolute)."""

    idle_expires_at: datetime
    expires_at: datetime


def new_lifetime(now: datetime, policy: Policy) -> Lifetime:
    expires = now + policy.absolute
    return Lifetime(idle_expires_at=min(now + policy.idle, expires), expires_at=expires)


def slid(lifetime: Lifetime, now: datetime, policy: Policy) -> Lifetime:
    """A session used at ``now``: its idle expiry moves on, never past the absolute one."""
    return Lifetime(
        idle_expires_at=min(now + policy.idle, lifetime.expires_at),
        expires_at=lifetime.expires_at,
    )


def session_state(ended_at: datetime | None, lifetime: Lifetime, now: datetime) -> SessionState:
    """Whether a session still signs its officer in, or why not."""
    if ended_at is not None:
        return "ended"
    if now >= lifetime.expires_at:
        return "expired"
    if now >= lifetime.idle_expires_at:
        return "idle"
    return "live"


def canonical_username(raw: str) -> str:
    """The form a username is stored and compared in: Unicode NFC, lower case (``Zhang.San``
    and ``zhang.san`` are one account, whoever typed it)."""
    return unicodedata.normalize("NFC", raw).lower()


def username_problem(username: str) -> str | None:
    """What makes ``username`` (canonical) unusable, or None."""
    if not username:
        return "不能为空 / must not be empty"
    if len(username) > USERNAME_MAX:
        return f"至多 {USERNAME_MAX} 个字符 / at most {USERNAME_MAX} characters ({len(username)})"
    if _USERNAME.fullmatch(username) is None:
        return (
            "只能包含字母、数字、汉字和 . _ - @，且以字母、数字或汉字开头 / only letters, digits, "
            "Chinese characters and . _ - @, starting with a letter, a digit or a Chinese "
            "character"
        )
    if username in RESERVED_USERNAMES:
        return (
            f"'{username}' 在审计日志中另有所指，请用本人的名字（如 zhang.san）/ the audit log "
            f"already uses '{username}' for something else: use a personal name such as zhang.san"
        )
    return None


def password_problem(password: str, *, username: str, min_length: int) -> str | None:
    """What makes ``password`` unacceptable for ``username``, or None: too short (GB/T
    22239-2019 8.1.4.1 a: 复杂度要求), too long to hash, or the username itself."""
    if len(password) < min_length:
        return f"至少 {min_length} 个字符 / at least {min_length} characters, got {len(password)}"
    if len(password) > PASSWORD_MAX:
        return f"至多 {PASSWORD_MAX} 个字符 / at most {PASSWORD_MAX} characters"
    if canonical_username(password) == username:
        return "不能与用户名相同 / must not be the username"
    if not password.strip():
        return "不能全是空白 / must not be all white space"
    unsafe = unsafe_character(password)
    if unsafe is not None:  # a NUL or an escape is no one's typing, and no form sends it
        return f"不能包含控制字符 / must not contain {unsafe.split(' at position')[0]}"
    return None


def roles_problem(roles: Iterable[str]) -> str | None:
    """What makes ``roles`` unassignable, or None: at least one, staff roles only."""
    wanted = list(roles)
    if not wanted:
        return "至少一个角色 / at least one role: " + ", ".join(sorted(ASSIGNABLE_ROLES))
    if MINE in wanted:
        return (
            "不能授予 mine：矿山以接口密钥报送 / 'mine' cannot be given to a staff account (a "
            "mine reports with its API key)"
        )
    unknown = sorted(set(wanted) - ASSIGNABLE_ROLES)
    if unknown:
        return f"未知角色 / unknown roles {', '.join(unknown)}; the roles are " + ", ".join(
            sorted(ASSIGNABLE_ROLES)
        )
    return None


def roles_from_claim(value: object) -> frozenset[str]:
    """The staff roles an identity provider's claim names (a list of texts, or one text of
    space- or comma-separated names); anything else it carries is ignored."""
    if isinstance(value, str):
        names: Iterable[object] = value.replace(",", " ").split()
    elif isinstance(value, list | tuple):
        names = value
    else:
        return frozenset()
    return frozenset(n for n in names if isinstance(n, str) and n in ASSIGNABLE_ROLES)


def self_change_problem(
    *, actor: str, username: str, roles_after: Iterable[str], disabled_after: bool
) -> str | None:
    """An administrator may not lock themselves out of administration (the bureau could be
    left without one): not disable their own account, nor take their own admin role."""
    if actor != username:
        return None
    if disabled_after:
        return (
            "不能停用自己的账号，请另一位管理员操作 / you cannot disable your own account; ask "
            "another administrator"
        )
    if ADMIN not in set(roles_after):
        return (
            "不能取消自己的管理员角色，请另一位管理员操作 / you cannot remove your own admin role; "
            "ask another administrator"
        )
    return None


def return_to_problem(path: str) -> str | None:
    """Where a finished sign-in may send the browser: a path of the workbench on this
    site, never another site (an open redirect would hand an officer to a look-alike)."""
    if len(path) > RETURN_TO_MAX:
        return f"至多 {RETURN_TO_MAX} 个字符 / at most {RETURN_TO_MAX} characters"
    if not path.startswith(RETURN_TO_DEFAULT):
        return f"须以 {RETURN_TO_DEFAULT} 开头 / must be a path under {RETURN_TO_DEFAULT}"
    if "//" in path or "\\" in path or unsafe_character(path) is not None or " " in path:
        return "须是本站的路径 / must be a plain path on this site"
    return None
