"""Administering officers' accounts (账号管理) through ``/reporting/v1/accounts`` and
``lode account``; a rebuild of the read models keeps them. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from lode.cli import app as cli
from lode_common.database import create_engine, session_factory
from lode_common.messaging.inprocess import InProcessTransport
from lode_common.testing.apps import ServiceUnderTest
from lode_reporting.accounts.tables import StaffAccount, StaffSession
from lode_reporting.bootstrap import SPEC
from lode_reporting.rebuild import rebuild
from lode_reporting.settings import ReportingSettings
from services.reporting.tests.integration.staff import (
    PASSWORD,
    audit_entries,
    bearer,
    browser,
    create_account,
    quick,
    sign_in,
)

ACCOUNTS = "/reporting/v1/accounts"


async def test_an_admin_creates_reads_lists_and_changes_accounts(
    reporting_both: ServiceUnderTest,
) -> None:
    svc = reporting_both
    quick(svc)
    admin = svc.auth("admin-token")
    created = await svc.client.post(
        ACCOUNTS,
        json={
            "username": "Zhang.San",
            "display_name": "张三",
            "roles": ["inspector", "viewer", "inspector"],
            "password": PASSWORD,
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"{ACCOUNTS}/zhang.san"
    account = created.json()
    assert account["username"] == "zhang.san"
    assert account["roles"] == ["inspector", "viewer"]
    assert account["has_password"] is True
    assert account["created_by"] == "admin"
    assert not any("hash" in key for key in account)
    await create_account(svc, "li.si", "licensing_officer", password=None)  # OIDC only
    await create_account(svc, "王五", "planner", "approver")
    await svc.client.patch(f"{ACCOUNTS}/li.si", json={"disabled": True}, headers=admin)

    async def names(**query: Any) -> tuple[list[str], int]:
        answer = await svc.client.get(ACCOUNTS, params=query, headers=admin)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return [a["username"] for a in body["items"]], body["total"]

    assert await names() == (["li.si", "zhang.san", "王五"], 3)
    assert await names(role="inspector") == (["zhang.san"], 1)
    assert await names(role="licensing_officer") == (["li.si"], 1)
    assert await names(disabled="true") == (["li.si"], 1)
    assert await names(q="SAN") == (["zhang.san"], 1)
    assert await names(q="王") == (["王五"], 1)
    assert await names(q="_") == ([], 0)  # a LIKE wildcard, searched as itself
    assert await names(limit=1, offset=1) == (["zhang.san"], 3)
    one = await svc.client.get(f"{ACCOUNTS}/LI.SI", headers=admin)
    assert one.status_code == 200
    assert one.json()["has_password"] is False
    assert one.json()["disabled"] is True
    changed = await svc.client.patch(
        f"{ACCOUNTS}/王五",
        json={"display_name": "王五（科长）", "roles": ["viewer"], "password": "another password"},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["roles"] == ["viewer"]
    assert changed.json()["password_changed_at"] is not None
    async with browser(svc) as officer:
        assert (await sign_in(officer, "王五", "another password")).status_code == 201


async def test_account_requests_are_checked_field_by_field(
    reporting_both: ServiceUnderTest,
) -> None:
    svc = reporting_both
    quick(svc)
    admin = svc.auth("admin-token")
    await create_account(svc, "zhang.san", "viewer")
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"username": "ZHANG.SAN", "roles": ["viewer"]}, 409, ""),
        ({"username": "mine.one", "roles": ["mine"]}, 422, "roles.0"),
        ({"username": "nobody", "roles": []}, 422, "roles"),
        ({"username": "admin", "roles": ["admin"]}, 422, "username"),
        ({"username": "zhang san", "roles": ["viewer"]}, 422, "username"),
        ({"username": "x" * 65, "roles": ["viewer"]}, 422, "username"),
        ({"username": "li.si", "roles": ["viewer"], "password": "short"}, 422, "password"),
        ({"username": "li.si", "roles": ["viewer"], "password": "LI.SI"}, 422, "password"),
        ({"username": "li.si", "roles": ["viewer"], "password_hash": "x"}, 422, "password_hash"),
        ({"username": "li.si", "roles": ["viewer"], "display_name": "a\u202eb"}, 422, ""),
    ]
    for body, status, field in cases:
        answer = await svc.client.post(ACCOUNTS, json=body, headers=admin)
        assert answer.status_code == status, (body, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        if field:
            assert field in [e["field"] for e in answer.json()["errors"]], answer.text
    patches: list[tuple[str, dict[str, Any], int, str]] = [
        ("zhang.san", {"roles": ["mine"]}, 422, "roles.0"),
        ("zhang.san", {"disabled": "yes"}, 422, "disabled"),
        ("zhang.san", {"unlock": False}, 422, "unlock"),
        ("zhang.san", {"password": "zhang.san"}, 422, "password"),
        ("nobody.here", {"disabled": True}, 404, ""),
    ]
    for username, body, status, field in patches:
        answer = await svc.client.patch(f"{ACCOUNTS}/{username}", json=body, headers=admin)
        assert answer.status_code == status, (body, answer.text)
        if field:
            assert field in [e["field"] for e in answer.json()["errors"]], answer.text
    assert (await svc.client.get(f"{ACCOUNTS}/no%20body", headers=admin)).status_code == 422
    assert (await svc.client.get(f"{ACCOUNTS}/nobody", headers=admin)).status_code == 404


async def test_hostile_parameters_are_refused_naming_them(
    reporting_both: ServiceUnderTest,
) -> None:
    svc = reporting_both
    admin = svc.auth("admin-token")
    cases = [
        (f"{ACCOUNTS}?role=mine", "role"),
        (f"{ACCOUNTS}?disabled=maybe", "disabled"),
        (f"{ACCOUNTS}?limit=0", "limit"),
        (f"{ACCOUNTS}?limit=9999999999999", "limit"),
        (f"{ACCOUNTS}?offset=-1", "offset"),
        (f"{ACCOUNTS}?q=" + "x" * 101, "q"),
        (f"{ACCOUNTS}?q=%20%20", "q"),
        (f"{ACCOUNTS}?q=zhang%E2%80%AEsan", "q"),
        (f"{ACCOUNTS}?q=a%00b", "url"),
        (f"{ACCOUNTS}/" + "x" * 65, "username"),
        (f"{ACCOUNTS}/zhang%E2%80%AEsan", "username"),
    ]
    for url, field in cases:
        answer = await svc.client.get(url, headers=admin)
        assert answer.status_code == 422, (url, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert field in [e["field"].split(".")[-1] for e in answer.json()["errors"]], url
    for search in ("%", "../../etc/passwd", "_"):  # a search for what it says
        found = await svc.client.get(ACCOUNTS, params={"q": search}, headers=admin)
        assert found.status_code == 200
        assert found.json() == {"items": [], "total": 0}


async def test_only_admins_administer_accounts(reporting_both: ServiceUnderTest) -> None:
    svc = reporting_both
    quick(svc)
    await create_account(svc, "zhang.san", "viewer")
    for headers, status in (({}, 401), (svc.auth("inspector", "planner", "viewer"), 403)):
        assert (await svc.client.get(ACCOUNTS, headers=headers)).status_code == status
        assert (await svc.client.get(f"{ACCOUNTS}/zhang.san", headers=headers)).status_code == (
            status
        )
        created = await svc.client.post(
            ACCOUNTS, json={"username": "li.si", "roles": ["admin"]}, headers=headers
        )
        assert created.status_code == status
        changed = await svc.client.patch(
            f"{ACCOUNTS}/zhang.san", json={"roles": ["admin"]}, headers=headers
        )
        assert changed.status_code == status


async def test_an_admin_cannot_disable_themselves_or_drop_their_admin_role(
    reporting_both: ServiceUnderTest,
) -> None:
    svc = reporting_both
    quick(svc)
    await create_account(svc, "chief", "admin")
    await create_account(svc, "deputy", "admin")
    async with browser(svc) as officer:
        me = bearer(await sign_in(officer, "chief"))
        for body in ({"disabled": True}, {"roles": ["viewer"]}):
            refused = await svc.client.patch(f"{ACCOUNTS}/chief", json=body, headers=me)
            assert refused.status_code == 409, refused.text
            assert "another administrator" in refused.json()["detail"]
        kept = await svc.client.patch(
            f"{ACCOUNTS}/chief", json={"roles": ["admin", "planner"]}, headers=me
        )
        assert kept.status_code == 200
        other = await svc.client.patch(f"{ACCOUNTS}/deputy", json={"disabled": True}, headers=me)
        assert other.status_code == 200
    entries = [e for e in await audit_entries(svc) if e["action"].startswith("PATCH")]
    assert [e["actor"] for e in entries] == ["chief", "chief"]  # the two changes made, by chief


async def test_a_rebuild_of_the_read_models_keeps_the_accounts_and_sessions(
    reporting_both: ServiceUnderTest, tmp_path: Path
) -> None:
    svc = reporting_both
    quick(svc)
    await create_account(svc, "zhang.san", "inspector")
    async with browser(svc) as officer:
        await sign_in(officer, "zhang.san")
    settings: ReportingSettings = svc.runtime.settings  # type: ignore[assignment]
    target = (
        f"sqlite+aiosqlite:///{tmp_path / 'rebuilt.db'}"
        if svc.backend == "sqlite"
        else settings.resolved_database_url().rsplit("/", 1)[0] + f"/rebuilt_{uuid.uuid4().hex}"
    )
    empty_bus = InProcessTransport(tmp_path / "empty-bus.db", partitions=1)  # nothing to replay
    await empty_bus.start()
    await empty_bus.ensure_topics(SPEC.consumes)
    try:
        result = await rebuild(
            settings, transport=empty_bus, target_url=target, compare_with_live=False
        )
    finally:
        await empty_bus.stop()
    engine = create_engine(result.database_url)
    try:
        async with session_factory(engine)() as session:
            accounts = (await session.execute(select(StaffAccount))).scalars().all()
            sessions = (await session.execute(select(StaffSession))).scalars().all()
    finally:
        await engine.dispose()
    assert [(a.username, a.roles) for a in accounts] == [("zhang.san", "inspector")]
    assert accounts[0].password_hash is not None
    assert [s.username for s in sessions] == ["zhang.san"]


runner = CliRunner()


@pytest.fixture
def _no_database_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LODE_DATABASE_URL", "LODE_REPORTING_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("_no_database_environment")
def test_lode_account_creates_the_first_admin_and_lists_accounts(tmp_path: Path) -> None:
    made = runner.invoke(
        cli,
        [
            "account",
            "create",
            "Zhang.San",
            "--role",
            "admin",
            "--role",
            "inspector",
            "--display-name",
            "张三",
            "--password-stdin",
            "--data-dir",
            str(tmp_path),
        ],
        input=f"{PASSWORD}\n",
    )
    assert made.exit_code == 0, made.output
    oidc_only = runner.invoke(
        cli,
        [
            "account",
            "create",
            "li.si",
            "--role",
            "viewer",
            "--oidc-only",
            "--data-dir",
            str(tmp_path),
        ],
    )
    assert oidc_only.exit_code == 0, oidc_only.output
    again = runner.invoke(
        cli,
        [
            "account",
            "create",
            "zhang.san",
            "--role",
            "viewer",
            "--password-stdin",
            "--data-dir",
            str(tmp_path),
        ],
        input=f"{PASSWORD}\n",
    )
    assert again.exit_code == 1
    assert "exists already" in again.output
    short = runner.invoke(
        cli,
        [
            "account",
            "create",
            "wang.wu",
            "--role",
            "viewer",
            "--password-stdin",
            "--data-dir",
            str(tmp_path),
        ],
        input="short\n",
    )
    assert short.exit_code == 2
    listed = runner.invoke(cli, ["account", "list", "--json", "--data-dir", str(tmp_path)])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert [(r["username"], r["roles"], r["has_password"]) for r in rows] == [
        ("li.si", ["viewer"], False),
        ("zhang.san", ["admin", "inspector"], True),
    ]
    assert rows[1]["created_by"] == "system:cli"
    table = runner.invoke(cli, ["account", "list", "--data-dir", str(tmp_path)])
    assert "张三" in table.stdout
    asyncio.run(_audited_by_cli(tmp_path))


async def _audited_by_cli(data_dir: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{data_dir / 'reporting.db'}")
    try:
        async with engine.connect() as conn:
            from lode_common.audit.recording import AUDIT_ENTRY

            rows = (await conn.execute(select(AUDIT_ENTRY.c.actor, AUDIT_ENTRY.c.action))).all()
    finally:
        await engine.dispose()
    assert ("system:cli", "lode account create") in [tuple(r) for r in rows]
