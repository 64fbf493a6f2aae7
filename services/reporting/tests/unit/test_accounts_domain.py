"""The rules of staff sign-in: usernames, passwords, lock-out, session expiry, roles and
where a sign-in may return."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lode_reporting.accounts import domain
from lode_reporting.accounts.domain import Lifetime, Policy, Standing

NOW = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)
POLICY = Policy(
    max_failures=5,
    lockout=timedelta(minutes=15),
    idle=timedelta(minutes=30),
    absolute=timedelta(hours=12),
    password_min_length=10,
)


def test_the_fifth_consecutive_failure_locks_for_the_lockout_and_restarts_the_count() -> None:
    standing = Standing()
    for failures in range(1, 5):
        standing = domain.after_failure(standing, NOW, POLICY)
        assert standing == Standing(failed_logins=failures, locked_until=None)
    standing = domain.after_failure(standing, NOW, POLICY)
    assert standing == Standing(failed_logins=0, locked_until=NOW + timedelta(minutes=15))
    assert standing.locked_at(NOW + timedelta(minutes=14)) == NOW + timedelta(minutes=15)
    assert standing.locked_at(NOW + timedelta(minutes=15)) is None  # the lock has run out


def test_after_a_lock_runs_out_a_full_set_of_tries_is_given_again() -> None:
    locked = Standing(failed_logins=0, locked_until=NOW)
    later = NOW + timedelta(minutes=1)
    assert domain.after_failure(locked, later, POLICY) == Standing(failed_logins=1)


def test_success_clears_the_count() -> None:
    assert domain.after_success() == Standing()


def test_a_session_slides_with_use_but_never_past_its_absolute_expiry() -> None:
    lifetime = domain.new_lifetime(NOW, POLICY)
    assert lifetime == Lifetime(NOW + timedelta(minutes=30), NOW + timedelta(hours=12))
    used = NOW + timedelta(minutes=29)
    assert domain.slid(lifetime, used, POLICY).idle_expires_at == used + timedelta(minutes=30)
    near_end = NOW + timedelta(hours=11, minutes=50)
    assert domain.slid(lifetime, near_end, POLICY).idle_expires_at == lifetime.expires_at


@pytest.mark.parametrize(
    ("ended", "at", "state"),
    [
        (None, NOW + timedelta(minutes=10), "live"),
        (NOW, NOW + timedelta(minutes=10), "ended"),
        (None, NOW + timedelta(minutes=30), "idle"),
        (None, NOW + timedelta(hours=12), "expired"),
    ],
)
def test_session_state(ended: datetime | None, at: datetime, state: str) -> None:
    assert domain.session_state(ended, domain.new_lifetime(NOW, POLICY), at) == state


@pytest.mark.parametrize("name", ["zhang.san", "张三", "li_si-2@bureau", "a", "x" * 64])
def test_usernames_accepted(name: str) -> None:
    assert domain.username_problem(name) is None


@pytest.mark.parametrize(
    "name",
    ["", "x" * 65, " zhang", "zhang san", ".zhang", "zh\u202eang", "zhang:san", "admin", "system"],
)
def test_usernames_refused(name: str) -> None:
    assert domain.username_problem(name) is not None


def test_usernames_are_compared_in_one_case_and_form() -> None:
    assert domain.canonical_username("Zhang.San") == "zhang.san"
    assert domain.canonical_username("e\u0301") == "\u00e9"  # NFC


@given(st.text(max_size=80))
def test_every_accepted_username_is_a_safe_token_subject(name: str) -> None:
    from lode_common.auth import _claims_problem

    canonical = domain.canonical_username(name)
    if domain.username_problem(canonical) is None:
        assert _claims_problem(canonical, None, ["viewer"]) is None


def test_password_rules() -> None:
    def problem(password: str) -> str | None:
        return domain.password_problem(password, username="zhang.san", min_length=10)

    assert problem("correct horse") is None
    assert "10" in (problem("short") or "")
    assert domain.password_problem("Zhang.San", username="zhang.san", min_length=8)
    assert problem(" " * 12)
    assert problem("x" * 257)
    assert "U+0000" in (problem("long enough\x00password") or "")


def test_roles() -> None:
    assert domain.roles_problem(["viewer", "inspector"]) is None
    assert "mine" in (domain.roles_problem(["mine"]) or "")
    assert domain.roles_problem([])
    assert "superuser" in (domain.roles_problem(["superuser"]) or "")


@pytest.mark.parametrize(
    ("claim", "roles"),
    [
        (["inspector", "mine", "boss"], {"inspector"}),
        ("viewer planner", {"viewer", "planner"}),
        ("viewer,approver", {"viewer", "approver"}),
        (None, set()),
        ({"viewer": True}, set()),
        ([1, "admin"], {"admin"}),
    ],
)
def test_roles_from_a_claim_keep_staff_roles_only(claim: object, roles: set[str]) -> None:
    assert domain.roles_from_claim(claim) == roles


def test_an_admin_cannot_lock_themselves_out() -> None:
    me = {"actor": "zhang.san", "username": "zhang.san"}
    assert domain.self_change_problem(**me, roles_after=["admin"], disabled_after=True)
    assert domain.self_change_problem(**me, roles_after=["viewer"], disabled_after=False)
    assert domain.self_change_problem(**me, roles_after=["admin"], disabled_after=False) is None
    other = {"actor": "li.si", "username": "zhang.san"}
    assert domain.self_change_problem(**other, roles_after=[], disabled_after=True) is None


@pytest.mark.parametrize("path", ["/workbench/", "/workbench/applications?id=1"])
def test_return_to_accepted(path: str) -> None:
    assert domain.return_to_problem(path) is None


@pytest.mark.parametrize(
    "path",
    [
        "https://evil.example/workbench/",
        "//evil.example/workbench/",
        "/workbench//evil.example",
        "/workbench/\\evil",
        "/public/",
        "/workbench/\nSet-Cookie: x",
        "/workbench/" + "x" * 500,
    ],
)
def test_return_to_refused(path: str) -> None:
    assert domain.return_to_problem(path) is not None


def test_the_sign_in_settings_take_lode_and_lode_reporting_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lode_reporting.accounts.signin import StaffSignIn
    from lode_reporting.settings import ReportingSettings

    monkeypatch.setenv("LODE_OIDC_ISSUER", "https://sso.example.gov.cn/realms/bureau")
    monkeypatch.setenv("LODE_OIDC_CLIENT_SECRET", "from-the-provider")
    monkeypatch.setenv("LODE_REPORTING_LOGIN_MAX_FAILURES", "3")
    settings = ReportingSettings()
    assert settings.oidc_issuer == "https://sso.example.gov.cn/realms/bureau"
    assert "from-the-provider" not in repr(settings)  # a SecretStr
    parts = StaffSignIn.from_settings(settings)
    assert parts.oidc is not None
    assert parts.oidc.issuer == settings.oidc_issuer
    assert parts.policy.max_failures == 3
    assert parts.policy.idle == timedelta(minutes=30)
    monkeypatch.delenv("LODE_OIDC_ISSUER")
    assert StaffSignIn.from_settings(ReportingSettings()).oidc is None
    monkeypatch.setenv("LODE_REPORTING_PASSWORD_MIN_LENGTH", "8")  # below the floor
    with pytest.raises(ValueError, match="password_min_length"):
        ReportingSettings()
