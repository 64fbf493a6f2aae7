"""Signing in with a password (登录): the session cookie, the staff tokens it yields, the
lock-out after repeated failures, idle and absolute expiry, logout, password changes, and
what the audit log records of it; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
import json

import jwt
from sqlalchemy import select
from sqlmodel import col

from lode_common.testing.apps import JWT_SECRET, ServiceUnderTest
from lode_reporting.accounts.passwords import Passwords
from lode_reporting.accounts.tables import StaffAccount, StaffSession
from services.reporting.tests.integration.staff import (
    CHEAP,
    PASSWORD,
    audit_entries,
    bearer,
    browser,
    create_account,
    parts,
    quick,
    sign_in,
)

SESSION = "/reporting/v1/session"


def _claims(token: str) -> dict[str, object]:
    return dict(jwt.decode(token, JWT_SECRET, algorithms=["HS256"], issuer="lode"))


async def test_signing_in_sets_a_strict_cookie_and_hands_out_a_staff_token(
    reporting_both: ServiceUnderTest,
) -> None:
    svc = reporting_both
    quick(svc)
    await create_account(svc, "Zhang.San", "admin", "inspector", display_name="张三")
    async with browser(svc) as officer:
        answer = await sign_in(officer, "ZHANG.san")  # any case: one account
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert body["user"] == {
            "username": "zhang.san",
            "display_name": "张三",
            "roles": ["admin", "inspector"],
        }
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == 300
        claims = _claims(body["access_token"])
        assert claims["sub"] == "zhang.san"
        assert claims["roles"] == ["admin", "inspector"]
        assert claims["exp"] - claims["iat"] == 300  # type: ignore[operator]
        assert answer.headers["cache-control"] == "no-store"
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("lode_session=")
        attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "samesite=strict", "path=/reporting/v1/session"} <= attributes
        assert "secure" not in attributes  # plain http here: see the https test
        # the token works on every route of the service (and every other service: same key)
        listed = await svc.client.get("/reporting/v1/accounts", headers=bearer(answer))
        assert listed.status_code == 200, listed.text
        # the session tells who is signed in and until when
        shown = await officer.get(SESSION)
        assert shown.status_code == 200
        assert shown.json()["user"]["username"] == "zhang.san"
        assert shown.json()["session"]["via"] == "password"


async def test_the_cookie_is_secure_over_https(reporting_both: ServiceUnderTest) -> None:
    svc = reporting_both
    quick(svc)
    await create_account(svc, "li.si", "viewer")
    async with browser(svc, "https://lode.test") as officer:
        answer = await sign_in(officer, "li.si")
        assert answer.status_code == 201
        assert "secure" in answer.headers["set-cookie"].lower()
        assert (await officer.post(f"{SESSION}/token")).status_code == 200


async def test_unknown_user_and_wrong_password_get_the_same_answer(
    reporting_both: ServiceUnderTest,
) -> None:
    svc = reporting_both
    quick(svc)
    await create_account(svc, "wang.wu", "viewer")
    async with browser(svc) as someone:
        wrong = await sign_in(someone, "wang.wu", "not the password")
        unknown = await sign_in(someone, "nobody.here", "not the password")
        malformed = await sign_in(someone, "no body", "not the password")
    for answer in (wrong, unknown, malformed):
        assert answer.status_code == 401
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["detail"] == "用户名或密码错误 / Wrong username or password."
        assert "set-cookie" not in answer.headers


async def test_repeated_failures_lock_the_account_even_against_the_right_password(
    reporting_both: ServiceUnderTest,
) -> None:
    svc = reporting_both
    clock = quick(svc)
    await create_account(svc, "zhao.liu", "inspector")
    async with browser(svc) as someone:
        for _ in range(4):
            assert (await sign_in(someone, "zhao.liu", "guess guess")).status_code == 401
        fifth = await sign_in(someone, "zhao.liu", "guess guess")
        assert fifth.status_code == 423
        locked_until = fifth.json()["locked_until"]
        right = await sign_in(someone, "zhao.liu")
        assert right.status_code == 423
        assert right.json()["locked_until"] == locked_until
        assert "管理员" in right.json()["detail"]
        assert "administrator" in right.json()["detail"]
        admin_view = await svc.client.get(
            "/reporting/v1/accounts/zhao.liu", headers=svc.auth("admin-token")
        )
        assert admin_view.json()["locked_until"] == locked_until
        clock.move(minutes=15)  # the lock runs out
        assert (await sign_in(someone, "zhao.liu")).status_code == 201


async def test_an_admin_unlocks_an_account_and_success_resets_the_count(
    reporting_both: ServiceUnderTest,
) -> None:
    svc = reporting_both
    quick(svc)
    await create_account(svc, "sun.qi", "viewer")
    async with browser(svc) as someone:
        for _ in range(5):
            await sign_in(someone, "sun.qi", "guess guess")
        assert (await sign_in(someone, "sun.qi")).status_code == 423
        unlocked = await svc.client.patch(
            "/reporting/v1/accounts/sun.qi", json={"unlock": True}, headers=svc.auth("admin-token")
        )
        assert unlocked.status_code == 200
        assert unlocked.json()["locked_until"] is None
        for _ in range(4):
            await sign_in(someone, "sun.qi", "guess guess")
        assert (await sign_in(someone, "sun.qi")).status_code == 201  # resets the count
        for _ in range(4):
            assert (await sign_in(someone, "sun.qi", "guess guess")).status_code == 401


async def test_concurrent_wrong_passwords_are_each_counted(
    reporting_both: ServiceUnderTest,
) -> None:
    svc = reporting_both
    quick(svc)
    await create_account(svc, "zhou.ba", "viewer")
    async with browser(svc) as someone:
        answers = await asyncio.gather(
            *(sign_in(someone, "zhou.ba", f"guess {i:08d}") for i in range(5))
        )
        assert sorted(a.status_code for a in answers) == [401, 401, 401, 401, 423]
        assert (await sign_in(someone, "zhou.ba")).status_code == 423


async def test_a_token_slides_the_idle_expiry_which_then_ends_the_session(
    reporting_both: ServiceUnderTest,
) -> None:
    svc = reporting_both
    clock = quick(svc)
    await create_account(svc, "wu.jiu", "planner")
    async with browser(svc) as officer:
        first = await sign_in(officer, "wu.jiu")
        idle_at = first.json()["session"]["idle_expires_at"]
        clock.move(minutes=29)
        again = await officer.post(f"{SESSION}/token")
        assert again.status_code == 200, again.text
        assert again.json()["session"]["idle_expires_at"] > idle_at
        assert _claims(again.json()["access_token"])["roles"] == ["planner"]
        clock.move(minutes=29)  # still within the slid idle time
        assert (await officer.post(f"{SESSION}/token")).status_code == 200
        clock.move(minutes=31)  # unused past the idle time
        idle = await officer.post(f"{SESSION}/token")
        assert idle.status_code == 401
        assert "idle" in idle.json()["detail"]
        assert (await officer.get(SESSION)).status_code == 401


async def test_the_absolute_expiry_ends_a_session_however_much_it_is_used(
    reporting_both: ServiceUnderTest,
) -> None:
    svc = reporting_both
    clock = quick(svc)
    await create_account(svc, "zheng.shi", "viewer")
    async with browser(svc) as officer:
        await sign_in(officer, "zheng.shi")
        for _ in range(12 * 3 - 1):  # every 20 minutes for almost 12 hours
            clock.move(minutes=20)
            assert (await officer.post(f"{SESSION}/token")).status_code == 200
        clock.move(minutes=20)
        expired = await officer.post(f"{SESSION}/token")
        assert expired.status_code == 401
        assert "absolute" in expired.json()["detail"]


async def test_logout_ends_the_session_and_clears_the_cookie_idempotently(
    reporting_both: ServiceUnderTest,
) -> None:
    svc = reporting_both
    quick(svc)
    await create_account(svc, "feng.yi", "viewer")
    async with browser(svc) as officer:
        await sign_in(officer, "feng.yi")
        secret = officer.cookies["lode_session"]
        out = await officer.delete(SESSION)
        assert out.status_code == 204
        assert (
            'lode_session=""' in out.headers["set-cookie"]
            or "Max-Age=0" in (out.headers["set-cookie"])
        )
        assert (await officer.delete(SESSION)).status_code == 204
    async with browser(svc) as replay:  # the old cookie, sent again, names an ended session
        replay.cookies.set("lode_session", secret, domain="lode.test", path=SESSION)
        ended = await replay.post(f"{SESSION}/token")
        assert ended.status_code == 401
        assert "signed out" in ended.json()["detail"]
    assert (await svc.client.get(SESSION)).status_code == 401  # no cookie at all


async def test_changing_ones_password_ends_the_other_sessions(
    reporting_both: ServiceUnderTest,
) -> None:
    svc = reporting_both
    quick(svc)
    await create_account(svc, "chen.er", "viewer")
    async with browser(svc) as desk, browser(svc) as laptop:
        await sign_in(desk, "chen.er")
        await sign_in(laptop, "chen.er")
        wrong = await desk.post(
            f"{SESSION}/password",
            json={"current_password": "not it at all", "new_password": "a new long password"},
        )
        assert wrong.status_code == 422
        assert wrong.json()["errors"][0]["field"] == "current_password"
        short = await desk.post(
            f"{SESSION}/password", json={"current_password": PASSWORD, "new_password": "short"}
        )
        assert short.status_code == 422
        assert short.json()["errors"][0]["field"] == "new_password"
        changed = await desk.post(
            f"{SESSION}/password",
            json={"current_password": PASSWORD, "new_password": "a new long password"},
        )
        assert changed.status_code == 204, changed.text
        assert (await desk.post(f"{SESSION}/token")).status_code == 200
        assert (await laptop.post(f"{SESSION}/token")).status_code == 401
    async with browser(svc) as again:
        assert (await sign_in(again, "chen.er")).status_code == 401
        assert (await sign_in(again, "chen.er", "a new long password")).status_code == 201
    async with svc.runtime.sessions() as session:
        account = await session.get(StaffAccount, "chen.er")
        assert account is not None
        assert account.failed_logins == 0  # the wrong current password counted, then cleared


async def test_disabling_or_changing_roles_ends_sessions_and_tokens_follow_the_roles(
    reporting_both: ServiceUnderTest,
) -> None:
    svc = reporting_both
    quick(svc)
    await create_account(svc, "han.mei", "viewer")
    admin = svc.auth("admin-token")
    async with browser(svc) as officer:
        await sign_in(officer, "han.mei")
        await svc.client.patch(
            "/reporting/v1/accounts/han.mei", json={"display_name": "韩梅"}, headers=admin
        )
        assert (await officer.post(f"{SESSION}/token")).status_code == 200  # a name: no end
        await svc.client.patch(
            "/reporting/v1/accounts/han.mei", json={"roles": ["inspector"]}, headers=admin
        )
        assert (await officer.post(f"{SESSION}/token")).status_code == 401
        again = await sign_in(officer, "han.mei")
        assert _claims(again.json()["access_token"])["roles"] == ["inspector"]
        await svc.client.patch(
            "/reporting/v1/accounts/han.mei", json={"disabled": True}, headers=admin
        )
        assert (await officer.post(f"{SESSION}/token")).status_code == 401
        disabled = await sign_in(officer, "han.mei")
        assert disabled.status_code == 403
        assert "停用" in disabled.json()["detail"]


async def test_a_password_hashed_with_older_parameters_is_rehashed_at_sign_in(
    reporting_both: ServiceUnderTest,
) -> None:
    svc = reporting_both
    quick(svc)  # the account is made with the cheap hasher
    await create_account(svc, "lin.xi", "viewer")
    parts(svc).passwords = Passwords()  # argon2-cffi's defaults: RFC 9106, 64 MiB
    async with browser(svc) as officer:
        assert (await sign_in(officer, "lin.xi")).status_code == 201
    async with svc.runtime.sessions() as session:
        account = await session.get(StaffAccount, "lin.xi")
    assert account is not None
    assert account.password_hash is not None
    assert account.password_hash.startswith("$argon2id$")
    assert "m=65536" in account.password_hash
    assert CHEAP.check_needs_rehash(account.password_hash)  # no longer the cheap parameters


async def test_the_audit_log_names_the_officer_and_holds_no_secret(
    reporting_both: ServiceUnderTest,
) -> None:
    svc = reporting_both
    quick(svc)
    await create_account(svc, "qian.san", "viewer")
    async with browser(svc) as officer:
        await sign_in(officer, "qian.san", "wrong wrong wrong")
        signed_in = await sign_in(officer, "qian.san")
        secret = officer.cookies["lode_session"]
        await officer.post(f"{SESSION}/token")
        await officer.delete(SESSION)
    async with svc.runtime.sessions() as session:
        stored = [
            (await session.execute(select(col(StaffAccount.password_hash)))).scalar_one(),
            (await session.execute(select(col(StaffSession.secret_sha256)))).scalar_one(),
        ]
    entries = await audit_entries(svc)
    text = json.dumps(entries, default=str)
    for secret_value in (
        PASSWORD,
        secret,
        signed_in.json()["access_token"],
        *stored,
        base64.b64encode(PASSWORD.encode()).decode(),
    ):
        assert secret_value not in text
    mine = [e for e in entries if "qian.san" in e["actor"] or "qian.san" in (e["detail"] or "")]
    actions = [(e["actor"], e["action"]) for e in mine]
    assert ("anonymous", "POST /reporting/v1/session") in actions  # the failure, counted
    assert ("qian.san", "POST /reporting/v1/session") in actions  # the session opened
    assert ("qian.san", "DELETE /reporting/v1/session") in actions  # the logout
    assert not any(e["action"] == "POST /reporting/v1/session/token" for e in entries)
    failed = next(e for e in mine if e["actor"] == "anonymous")
    assert json.loads(failed["subject"]) == {"staff_account": {"updated": ["qian.san"]}}
    opened = next(
        e for e in mine if e["action"] == "POST /reporting/v1/session" and e is not failed
    )
    assert "staff_session" in json.loads(opened["subject"])
