"""Who is calling: the admin token, staff JWTs with roles, mines' API keys."""

from __future__ import annotations

import time

import jwt
import pytest
from structlog.testing import capture_logs

from lode_common import auth
from lode_common.auth import (
    ADMIN,
    INSPECTOR,
    LICENSING_OFFICER,
    MINE,
    PLANNER,
    STAFF_ROLES,
    VIEWER,
    Authenticator,
    Principal,
    api_key_matches,
    generate_api_key,
    hash_api_key,
    issue_token,
    require_role,
    split_api_key,
)
from lode_common.errors import Forbidden, Unauthorized
from lode_common.settings import DEV_SECRET

ADMIN_TOKEN = "admin-token-for-unit-tests-0123"
SECRET = "jwt-secret-for-unit-tests-0123456789"
CREDIT_CODE = "91130881MA0A000007"


async def lookup(prefix: str, key: str) -> Principal | None:
    """A key store holding one mine's key (what monitoring does with its table)."""
    if prefix == STORED_PREFIX and api_key_matches(key, STORED_HASH):
        return Principal(f"mine:{CREDIT_CODE}", frozenset({MINE}), CREDIT_CODE, "api_key")
    return None


STORED_KEY, STORED_PREFIX, STORED_HASH = generate_api_key()


@pytest.fixture
def authenticator() -> Authenticator:
    return Authenticator(admin_token=ADMIN_TOKEN, jwt_secret=SECRET, api_keys=lookup)


async def test_the_admin_token_holds_every_staff_role(authenticator: Authenticator) -> None:
    principal = await authenticator.authenticate(f"Bearer {ADMIN_TOKEN}")
    assert principal.subject == "admin"
    assert principal.roles == STAFF_ROLES
    assert principal.is_staff
    assert all(principal.has(role) for role in STAFF_ROLES)


async def test_a_staff_jwt_round_trip(authenticator: Authenticator) -> None:
    token = issue_token(SECRET, user="wang.fang", roles=[PLANNER, VIEWER])
    principal = await authenticator.authenticate(f"Bearer {token}")
    assert principal.subject == "wang.fang"
    assert principal.roles == {PLANNER, VIEWER}
    assert principal.enterprise is None
    assert principal.via == "token"
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], issuer="lode")
    assert 8 * 3600 - 5 <= claims["exp"] - time.time() <= 8 * 3600


async def test_an_applicant_token_is_scoped_to_its_enterprise(
    authenticator: Authenticator,
) -> None:
    token = issue_token(SECRET, user="applicant", roles=[MINE], enterprise=CREDIT_CODE)
    principal = await authenticator.authenticate(f"bearer {token}")  # scheme is case-blind
    assert principal.enterprise == CREDIT_CODE
    assert not principal.is_staff


async def test_an_expired_token_is_401_and_says_so(authenticator: Authenticator) -> None:
    token = issue_token(SECRET, user="u", roles=[VIEWER], ttl_s=-10)
    with pytest.raises(Unauthorized, match="expired") as caught:
        await authenticator.authenticate(f"Bearer {token}")
    assert caught.value.status == 401
    assert "lode token" in caught.value.detail
    assert caught.value.headers["WWW-Authenticate"].startswith("Bearer")


async def test_a_token_signed_with_another_secret_is_401(authenticator: Authenticator) -> None:
    token = issue_token("another-secret-0123456789abcdefghijk", user="u", roles=[ADMIN])
    with pytest.raises(Unauthorized, match="Invalid token") as caught:
        await authenticator.authenticate(f"Bearer {token}")
    assert caught.value.status == 401


async def test_a_token_from_another_issuer_is_401(authenticator: Authenticator) -> None:
    claims = {"iss": "elsewhere", "sub": "u", "roles": [ADMIN], "exp": time.time() + 60}
    token = jwt.encode(claims, SECRET, algorithm="HS256")
    with pytest.raises(Unauthorized, match="Invalid token"):
        await authenticator.authenticate(f"Bearer {token}")


def _signed(**claims: object) -> str:
    """A token signed at collection: valid for a day, however long the suite runs before it."""
    base: dict[str, object] = {"iss": "lode", "sub": "u", "roles": [VIEWER]}
    return jwt.encode(
        {**base, "exp": int(time.time()) + 86_400, **claims}, SECRET, algorithm="HS256"
    )


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (issue_token("another-secret-0123456789abcdefghijk", user="u", roles=[ADMIN]), "ignat"),
        (_signed(iss="elsewhere"), "issuer"),
        (_signed(exp=None), "exp"),
        ("not-a-jwt", "segments"),
        (_signed(sub="x" * 201), "longer than 200"),
        (_signed(sub="wang\u202efang"), "bidirectional"),
        (_signed(sub="wang\x00fang"), "control character"),
        (_signed(sub=""), "sub"),
        (_signed(sub=42), "Subject"),
        (_signed(ent={"code": "x"}), "ent"),
        (_signed(roles="admin"), "roles"),
        (_signed(roles=[["admin"]]), "roles"),
        (_signed(roles=5), "roles"),
    ],
)
async def test_a_refused_token_says_invalid_and_the_reason_is_logged_not_answered(
    authenticator: Authenticator, token: str, reason: str
) -> None:
    """The answer names no check (a forger learns nothing); the log says which one failed.
    A subject too long or unsafe to store as the actor of a step is refused the same way."""
    with capture_logs() as logs, pytest.raises(Unauthorized) as caught:
        await authenticator.authenticate(f"Bearer {token}")
    assert caught.value.status == 401
    assert caught.value.detail == "Invalid token; get a new one ('lode token')."
    refused = [e for e in logs if e["event"] == "token refused"]
    assert len(refused) == 1, logs
    assert reason in refused[0]["reason"]


async def test_a_subject_at_the_limit_is_accepted(authenticator: Authenticator) -> None:
    principal = await authenticator.authenticate(f"Bearer {_signed(sub='王' * 200)}")
    assert principal.subject == "王" * 200


async def test_a_token_without_a_known_role_is_401(authenticator: Authenticator) -> None:
    claims = {"iss": "lode", "sub": "u", "roles": ["superuser"], "exp": time.time() + 60}
    token = jwt.encode(claims, SECRET, algorithm="HS256")
    with pytest.raises(Unauthorized, match="no known role"):
        await authenticator.authenticate(f"Bearer {token}")


async def test_an_unsigned_token_is_refused(authenticator: Authenticator) -> None:
    claims = {"iss": "lode", "sub": "u", "roles": [ADMIN], "exp": int(time.time()) + 60}
    token = jwt.encode(claims, None, algorithm="none")
    with pytest.raises(Unauthorized):
        await authenticator.authenticate(f"Bearer {token}")


async def test_the_development_secret_signs_tokens_without_warnings() -> None:
    token = issue_token(DEV_SECRET, user="u", roles=[VIEWER])
    checker = Authenticator(admin_token=ADMIN_TOKEN, jwt_secret=DEV_SECRET)
    assert (await checker.authenticate(f"Bearer {token}")).subject == "u"


def test_issue_token_rejects_unknown_roles() -> None:
    with pytest.raises(ValueError, match=r"unknown roles \['root'\]"):
        issue_token(SECRET, user="u", roles=[VIEWER, "root"])


@pytest.mark.parametrize(
    ("user", "reason"), [("u" * 201, "longer than 200"), ("a\u202eb", "bidirectional")]
)
def test_issue_token_refuses_a_subject_no_service_would_accept(user: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        issue_token(SECRET, user=user, roles=[VIEWER])


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "No credentials"),
        ("", "No credentials"),
        ("Basic dXNlcjpwYXNz", "Bearer scheme"),
        ("Bearer ", "Bearer scheme"),
        ("Bearer not-a-jwt", "Invalid token"),
    ],
)
async def test_missing_or_malformed_credentials_are_401(
    authenticator: Authenticator, header: str | None, message: str
) -> None:
    with pytest.raises(Unauthorized, match=message):
        await authenticator.authenticate(header)


def test_api_keys_generate_split_hash_and_verify() -> None:
    key, prefix, stored = generate_api_key()
    assert key.startswith(f"lode_{prefix}_")
    assert len(prefix) == 8
    assert split_api_key(key) == prefix
    assert stored == hash_api_key(key)
    assert key not in stored  # only the hash is kept
    assert api_key_matches(key, stored)
    assert not api_key_matches(key + "x", stored)
    other_key, other_prefix, _ = generate_api_key()
    assert (other_key, other_prefix) != (key, prefix)


@pytest.mark.parametrize(
    "key", ["", "lode_", "lode_abc_secret", "lode_abcdefgh_", "lode_abcdefgh", "key_abcdefgh_s"]
)
def test_split_api_key_refuses_malformed_keys(key: str) -> None:
    assert split_api_key(key) is None


def test_split_api_key_keeps_underscores_in_the_secret() -> None:
    assert split_api_key("lode_abcdefgh_sec_ret") == "abcdefgh"


async def test_a_mines_api_key_authenticates_as_its_enterprise(
    authenticator: Authenticator,
) -> None:
    principal = await authenticator.authenticate(f"Bearer {STORED_KEY}")
    assert principal.enterprise == CREDIT_CODE
    assert principal.roles == {MINE}
    assert principal.via == "api_key"


async def test_an_unknown_api_key_is_401(authenticator: Authenticator) -> None:
    key, _, _ = generate_api_key()
    with pytest.raises(Unauthorized, match="unknown or revoked"):
        await authenticator.authenticate(f"Bearer {key}")
    no_store = Authenticator(admin_token=ADMIN_TOKEN, jwt_secret=SECRET)
    with pytest.raises(Unauthorized, match="unknown or revoked"):
        await no_store.authenticate(f"Bearer {STORED_KEY}")


def test_require_role_names_the_roles_needed_and_held() -> None:
    viewer = Principal("li.lei", frozenset({VIEWER}))
    with pytest.raises(Forbidden) as caught:
        require_role(viewer, PLANNER, LICENSING_OFFICER)
    assert caught.value.status == 403
    assert "licensing_officer, planner" in caught.value.detail
    assert "your credentials carry viewer" in caught.value.detail
    assert require_role(viewer, VIEWER, INSPECTOR) is viewer


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_admin_counts_as_every_staff_role(role: str) -> None:
    admin = Principal("a", frozenset({ADMIN}))
    assert admin.has(role)
    assert require_role(admin, role) is admin


def test_admin_does_not_count_as_a_mine() -> None:
    admin = Principal("a", frozenset({ADMIN}))
    assert not admin.has(MINE)
    with pytest.raises(Forbidden, match="mine"):
        require_role(admin, MINE)
    assert admin.has(MINE, VIEWER)  # one of several is enough


def test_other_staff_roles_do_not_stand_in_for_each_other() -> None:
    planner = Principal("p", frozenset({PLANNER}))
    assert planner.has(PLANNER)
    assert not planner.has(ADMIN)
    assert not planner.has(LICENSING_OFFICER)
    mine = Principal("m", frozenset({MINE}), CREDIT_CODE)
    assert not mine.has(VIEWER)
    assert not mine.is_staff
    assert STAFF_ROLES | {MINE} == auth.ROLES


class Clock:
    """Seconds since the epoch that move only when a test moves them."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))  # a whole second, as a token's iat and exp

    def __call__(self) -> float:
        return self.now


async def test_a_cached_token_still_expires() -> None:
    """Verified tokens are remembered, but never past their exp."""
    clock = Clock()
    checker = Authenticator(admin_token=ADMIN_TOKEN, jwt_secret=SECRET, clock=clock)
    token = issue_token(SECRET, user="brief", roles=[VIEWER], ttl_s=1, clock=clock)
    assert (await checker.authenticate(f"Bearer {token}")).subject == "brief"
    clock.now += 0.9
    assert (await checker.authenticate(f"Bearer {token}")).subject == "brief"  # from the cache
    clock.now += 0.1  # exp itself: no longer valid
    with pytest.raises(Unauthorized, match="expired"):
        await checker.authenticate(f"Bearer {token}")


async def test_a_token_is_expired_by_the_authenticators_clock_not_only_the_cache() -> None:
    clock = Clock()
    token = issue_token(SECRET, user="late", roles=[VIEWER], ttl_s=60, clock=clock)
    clock.now += 61
    fresh = Authenticator(admin_token=ADMIN_TOKEN, jwt_secret=SECRET, clock=clock)
    with pytest.raises(Unauthorized, match="expired"):
        await fresh.authenticate(f"Bearer {token}")
