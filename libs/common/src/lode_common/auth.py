"""Who is calling: staff bearer tokens with roles, and mines' API keys stored hashed.

* The bootstrap admin token (``LODE_ADMIN_TOKEN``) holds every staff role.
* Staff tokens are HS256 JWTs (``lode token --role R --user NAME``) with ``sub`` and
  ``roles``; production may use the organisation's OpenID Connect provider instead.
* A mine's API key (``lode_<prefix>_<secret>``) is looked up by its prefix and checked
  against a SHA-256 hash with a constant-time comparison; the key itself is never stored.
  (High-entropy random keys need no slow password hash: nothing can be guessed.)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import jwt
import structlog

from lode_common.audit import context as audit_context
from lode_common.errors import Forbidden, Unauthorized
from lode_common.limits import SUBJECT_MAX, unsafe_character

log = structlog.get_logger(__name__)

ADMIN = "admin"
PLANNER = "planner"
LICENSING_OFFICER = "licensing_officer"
INSPECTOR = "inspector"
VIEWER = "viewer"
APPROVER = "approver"
"""The approving level of a plan (规划审批机关: 承德市 for a county plan): approves or rejects
plan adjustments (规划调整) that another user proposed."""
MINE = "mine"
STAFF_ROLES = frozenset({ADMIN, PLANNER, LICENSING_OFFICER, INSPECTOR, VIEWER, APPROVER})
ROLES = STAFF_ROLES | {MINE}
API_KEY_PREFIX = "lode_"
JWT_ISSUER = "lode"


@dataclass(frozen=True)
class Principal:
    """The caller. ``enterprise`` is the credit code a mine's key (or applicant token) is
    scoped to (统一社会信用代码)."""

    subject: str
    roles: frozenset[str]
    enterprise: str | None = None
    via: str = "token"  # token | api_key
    attributes: dict[str, str] = field(default_factory=dict)

    def has(self, *roles: str) -> bool:
        """Holds one of ``roles``; an admin holds every staff role."""
        wanted = set(roles)
        return bool(self.roles & wanted) or (ADMIN in self.roles and bool(wanted & STAFF_ROLES))

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)


ApiKeyLookup = Callable[[str, str], Awaitable[Principal | None]]


def issue_token(
    secret: str,
    *,
    user: str,
    roles: list[str],
    enterprise: str | None = None,
    ttl_s: int = 8 * 3600,
    clock: Callable[[], float] = time.time,
) -> str:
    """A signed staff token (``clock``: seconds since the epoch, injectable for tests)."""
    unknown = set(roles) - ROLES
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; roles are {sorted(ROLES)}")
    problem = _claims_problem(user, enterprise, roles)
    if problem is not None:  # a token no service would accept
        raise ValueError(f"cannot issue this token: {problem}")
    now = int(clock())
    claims: dict[str, object] = {
        "iss": JWT_ISSUER,
        "sub": user,
        "roles": roles,
        "iat": now,
        "exp": now + ttl_s,
    }
    if enterprise:
        claims["ent"] = enterprise
    return jwt.encode(claims, secret, algorithm="HS256")


def generate_api_key() -> tuple[str, str, str]:
    """A new key: (the key to hand out once, its prefix, its hash to store)."""
    prefix = secrets.token_hex(4)
    key = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return key, prefix, hash_api_key(key)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_api_key(key), stored_hash)


def split_api_key(key: str) -> str | None:
    """The prefix of a well-formed key, else None."""
    if not key.startswith(API_KEY_PREFIX):
        return None
    rest = key[len(API_KEY_PREFIX) :]
    prefix, sep, secret = rest.partition("_")
    if not sep or len(prefix) != 8 or not secret:
        return None
    return prefix


class Authenticator:
    """Who sends a request: the admin token, a mine's API key or a signed staff token.

    ``clock`` (seconds since the epoch) decides when a token has expired, in the cache of
    verified tokens and at verification alike, so a test can move time on instead of
    sleeping past an ``exp``."""

    def __init__(
        self,
        *,
        admin_token: str,
        jwt_secret: str,
        api_keys: ApiKeyLookup | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._admin_token = admin_token
        self._jwt_secret = jwt_secret
        self._api_keys = api_keys
        self._clock = clock
        # a token verified once is valid until its exp: the signature is not checked again
        self._verified: dict[str, tuple[Principal, float]] = {}

    @property
    def api_keys(self) -> ApiKeyLookup | None:
        """Where mines' API keys are looked up (None: this service takes no API keys)."""
        return self._api_keys

    async def authenticate(self, authorization: str | None) -> Principal:
        """The caller of ``authorization``; also named in the audit context, so whatever the
        request changes is recorded as its doing (审计)."""
        principal = await self._authenticate(authorization)
        audit_context.identify(principal.subject, principal.roles)
        return principal

    async def _authenticate(self, authorization: str | None) -> Principal:
        if not authorization:
            raise Unauthorized(
                "No credentials: send 'Authorization: Bearer <token>' (a staff token from "
                "'lode token', or your mine's API key)."
            )
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("Use the Bearer scheme: 'Authorization: Bearer <token>'.")
        if hmac.compare_digest(token.encode(), self._admin_token.encode()):
            return Principal("admin", STAFF_ROLES)
        prefix = split_api_key(token)
        if prefix is not None:
            principal = await self._api_keys(prefix, token) if self._api_keys else None
            if principal is None:
                raise Unauthorized(
                    "This API key is unknown or revoked; ask the bureau for a new one."
                )
            return principal
        return self._from_jwt(token)

    def _from_jwt(self, token: str) -> Principal:
        cached = self._verified.get(token)
        if cached is not None and cached[1] > self._clock():
            return cached[0]
        principal, expires = self._decode(token)
        if len(self._verified) >= 4096:
            self._verified.clear()
        self._verified[token] = (principal, expires)
        return principal

    def _decode(self, token: str) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(
                token,
                self._jwt_secret,
                algorithms=["HS256"],
                issuer=JWT_ISSUER,
                # exp is checked below against this authenticator's clock
                options={"require": ["exp", "sub", "iss"], "verify_exp": False},
            )
        except jwt.InvalidTokenError as exc:
            # Which check failed helps a forger, not the caller: it is logged, not answered.
            raise _invalid_token(str(exc)) from exc
        expires = claims["exp"]
        if not isinstance(expires, int | float) or isinstance(expires, bool):
            raise _invalid_token("exp is not a number")
        if expires <= self._clock():
            raise Unauthorized("The token has expired; get a new one ('lode token').")
        subject, enterprise, roles = claims["sub"], claims.get("ent"), claims.get("roles", [])
        problem = _claims_problem(subject, enterprise, roles)
        if problem is not None:
            raise _invalid_token(problem)
        known = frozenset(r for r in roles if r in ROLES)
        if not known:
            raise Unauthorized("The token carries no known role; get a new one.")
        return Principal(subject, known, enterprise=enterprise), float(expires)


def _invalid_token(reason: str) -> Unauthorized:
    log.info("token refused", reason=reason)
    return Unauthorized("Invalid token; get a new one ('lode token').")


def _claims_problem(subject: object, enterprise: object, roles: object) -> str | None:
    """What makes a correctly signed token's claims unusable, or None. The subject is stored
    as the actor of every step (a 200-character column) and shown to people."""
    if not isinstance(subject, str) or not subject.strip():
        return "sub is not a non-empty string"
    if len(subject) > SUBJECT_MAX:
        return f"sub is longer than {SUBJECT_MAX} characters ({len(subject)})"
    unsafe = unsafe_character(subject)
    if unsafe is not None:
        return f"sub carries {unsafe}"
    if enterprise is not None and (
        not isinstance(enterprise, str)
        or len(enterprise) > SUBJECT_MAX
        or unsafe_character(enterprise) is not None
    ):
        return "ent is not a short text"
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        return "roles is not a list of texts"
    return None


def require_role(principal: Principal, *roles: str) -> Principal:
    """Raise 403 unless the caller has one of ``roles``."""
    if not principal.has(*roles):
        raise Forbidden(
            f"This needs one of the roles {', '.join(sorted(roles))}; your credentials carry "
            f"{', '.join(sorted(principal.roles)) or 'none'}. Ask an administrator for access."
        )
    return principal
