"""The workbench's administration screens (系统) in a real headless Chromium against a real
Lode with its demo data, its lock-out set small (``LODE_REPORTING_LOGIN_MAX_FAILURES`` = 3):

* staff accounts: the administrator (the pasted admin token) creates an account by clicks
  (a too-short password refused at its field first), its holder signs in with the password
  and changes it from the header's "my account" menu, is locked out after three wrong
  passwords, and the administrator unlocks it; then changes its roles (its session ends),
  disables and enables it, and resets its password;
* event delivery: each service's outbox, and a parked event (a message on the bus that is no
  CloudEvent) handled again by a click, failing again and staying parked;
* audit anchors: the chains anchored, listed for an inspector and filtered by service, a
  viewer told which roles the screen needs;
* a bureau's first start (``LODE_DEMO=0``): the home page's first step is the accounts, none
  yet, and the first administrator's account is made from there.

axe-core finds nothing serious on any screen, and a screenshot of each is kept (under
``$LODE_ARTEFACTS/workbench`` when that is set, else the module's temporary folder). Every
page comes from the ``browser`` fixture: a console error, a CSP violation or a request to
another host fails the test; the answers the tests provoke on purpose are the console lines
expected (401 before signing in and for a wrong password, 422, 423, 403).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from lode_common.audit.jobs import anchor
from lode_common.messaging.transport import Message
from services.reporting.tests.browser.conftest import Lode, serve
from services.reporting.tests.browser.pages import (
    FORBIDDEN,
    LOCKED,
    REFUSED,
    accessible,
    go,
    open_workbench,
    shot,
    submit,
    table_loaded,
    until,
    with_token,
)

if TYPE_CHECKING:
    from services.reporting.tests.browser.conftest import Browser


pytestmark = pytest.mark.timeout(420)

SCREENSHOTS = "workbench"
"""The sub-folder of ``$LODE_ARTEFACTS`` the screenshots go to."""
MAX_FAILURES = 3
"""The lock-out of this module's Lode: three wrong passwords lock an account."""
SERVICES = ("zoning", "licensing", "monitoring", "reporting")
PASSWORD = "初始密码-Initial-2024"
CHANGED = "新的密码-Changed-2024"
RESET = "重置密码-Reset-2024"


@pytest.fixture(scope="module")
def lode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lode]:
    """The embedded system with its demo data and a lock-out after three wrong passwords,
    until the module ends."""
    with serve(
        tmp_path_factory.mktemp("lode-admin"), demo=True, login_max_failures=MAX_FAILURES
    ) as served:
        yield served


# --- what the tests do in the page --------------------------------------------------------------
async def _with_password(page: Any, username: str, password: str) -> None:
    """Signs in (or tries to): until the API has answered."""
    await page.fill("#login-username", username)
    await page.fill("#login-password", password)
    async with page.expect_response(
        lambda r: r.url.endswith("/reporting/v1/session") and r.request.method == "POST"
    ):
        await page.click("[data-action=sign-in]")


async def _login_error(page: Any, words: str) -> None:
    """Until the sign-in form says ``words`` (a fresh answer replaces the last one)."""
    await page.wait_for_function(
        "w => document.querySelector('[data-login-error]')?.textContent.includes(w)", arg=words
    )


async def _closed(page: Any, form: str) -> None:
    """Until the action's dialog has closed (the API said yes)."""
    await page.wait_for_selector(f"[data-form={form}]", state="hidden")


def _account(lode: Lode, username: str) -> dict[str, Any]:
    with lode.api() as api:
        answer = api.get(f"/reporting/v1/accounts/{username}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


# --- the tests -----------------------------------------------------------------------------------
async def test_an_account_is_created_signs_in_changes_its_password_is_locked_and_unlocked(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    admin = await open_workbench(browser, lode, REFUSED)
    await with_token(admin, lode.admin_token)
    menu = await admin.inner_text("nav.side")
    for title in ("人员账号", "事件投递", "审计锚点"):
        assert title in menu
    await admin.click("[data-screen=accounts]")
    await table_loaded(admin)
    await accessible(admin, "staff accounts")
    await shot(admin, artefacts, "admin-01-accounts")

    # a new account, by clicks: a password too short is refused at its field, by the API
    await admin.click("[data-action=create]")
    form = "[data-form=create]"
    await admin.wait_for_selector(form)
    await admin.fill(f"{form} input[name=username]", "Qian.ShenPi")
    await admin.fill(f"{form} input[name=display_name]", "钱审批")
    await admin.click(f"{form} [data-field=roles] [data-value=licensing_officer]")
    await admin.fill(f"{form} input[name=password]", "short")
    await accessible(admin, "the new account's form", dialog=True)
    await submit(admin, "create")
    error = admin.locator(f"{form} [data-field=password] .el-form-item__error")
    await error.wait_for()
    assert "10" in await error.inner_text()  # the policy's fewest characters, as the API says
    await shot(admin, artefacts, "admin-02-account-refused", whole=False)
    await admin.fill(f"{form} input[name=password]", PASSWORD)
    await submit(admin, "create")
    await _closed(admin, "create")
    await admin.wait_for_selector("[data-account='qian.shenpi']")
    made = _account(lode, "qian.shenpi")
    assert made["display_name"] == "钱审批"
    assert made["roles"] == ["licensing_officer"]
    assert made["has_password"] is True
    assert made["created_by"] == "admin"

    await admin.click("[data-account='qian.shenpi']")
    await admin.wait_for_selector("[data-account-standing=active]")
    assert "从未" in await admin.inner_text("main")  # never signed in yet
    await accessible(admin, "an account")
    await shot(admin, artefacts, "admin-03-account")

    # its holder signs in with the password, and changes it from "my account"
    officer = await open_workbench(browser, lode, REFUSED, LOCKED)
    await _with_password(officer, "qian.shenpi", PASSWORD)
    await officer.wait_for_selector("[data-username]")
    assert await officer.inner_text("[data-username]") == "钱审批"
    assert await officer.locator("[data-screen=applications]").count() == 1
    assert await officer.locator("[data-screen=accounts]").count() == 0
    await officer.click("[data-action=user-menu]")
    await officer.click("[data-action=change-password]")
    mine = "[data-form=change-password]"
    await officer.wait_for_selector(mine)
    await accessible(officer, "changing one's password", dialog=True)
    await shot(officer, artefacts, "admin-04-my-password", whole=False)
    await officer.fill(f"{mine} input[name=current_password]", "not-my-password")
    await officer.fill(f"{mine} input[name=new_password]", CHANGED)
    await submit(officer, "change-password")
    wrong = officer.locator(f"{mine} [data-field=current_password] .el-form-item__error")
    await wrong.wait_for()
    assert "当前密码不正确" in await wrong.inner_text()
    await officer.fill(f"{mine} input[name=current_password]", PASSWORD)
    await submit(officer, "change-password")
    await _closed(officer, "change-password")
    changed = _account(lode, "qian.shenpi")
    assert changed["password_changed_at"] != made["password_changed_at"]
    assert changed["failed_logins"] == 0  # the right password cleared the wrong one
    await officer.click("[data-action=sign-out]")
    await officer.wait_for_selector("[data-ended]")

    # three wrong passwords lock it: said on the form, even with the right password then
    for attempt in range(1, MAX_FAILURES + 1):
        await _with_password(officer, "qian.shenpi", f"wrong-password-{attempt}")
        await _login_error(officer, "锁定" if attempt == MAX_FAILURES else "用户名或密码错误")
    await _with_password(officer, "qian.shenpi", CHANGED)
    await _login_error(officer, "锁定")
    locked = _account(lode, "qian.shenpi")
    assert locked["locked_until"] is not None

    # the administrator sees it locked, and unlocks it
    await go(admin, lode, "/accounts")
    await table_loaded(admin)
    standing = admin.locator("[data-account='qian.shenpi']").locator(
        "xpath=ancestor::tr//*[@data-standing]"
    )
    assert await standing.get_attribute("data-standing") == "locked"
    await admin.click("[data-account='qian.shenpi']")
    await admin.wait_for_selector("[data-account-standing=locked]")
    await accessible(admin, "a locked account")
    await shot(admin, artefacts, "admin-05-account-locked")
    await admin.click("[data-action=unlock]")
    await admin.wait_for_selector("[data-form=unlock]")
    await submit(admin, "unlock")
    await admin.wait_for_selector("[data-account-standing=active]")
    unlocked = _account(lode, "qian.shenpi")
    assert unlocked["locked_until"] is None
    assert unlocked["failed_logins"] == 0

    await _with_password(officer, "qian.shenpi", CHANGED)
    await officer.wait_for_selector("[data-username]")
    assert await officer.inner_text("[data-username]") == "钱审批"


async def test_an_account_s_roles_change_and_it_is_disabled_enabled_and_its_password_reset(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    with lode.api() as api:
        created = api.post(
            "/reporting/v1/accounts",
            json={
                "username": "sun.jiancha",
                "display_name": "孙检查",
                "roles": ["viewer"],
                "password": PASSWORD,
            },
        )
        assert created.status_code == 201, created.text
    holder = await open_workbench(browser, lode, FORBIDDEN)
    await _with_password(holder, "sun.jiancha", PASSWORD)
    await holder.wait_for_selector("[data-username]")
    assert await holder.locator("[data-screen=findings]").count() == 1

    admin = await open_workbench(browser, lode)
    await with_token(admin, lode.admin_token)
    await go(admin, lode, "/accounts?q=sun")
    await table_loaded(admin)
    assert await admin.get_attribute("[data-loaded=true]", "data-total") == "1"
    await admin.click("[data-account='sun.jiancha']")
    await admin.wait_for_selector("[data-account-standing=active]")

    # in English too
    await admin.click("[data-lang=en]")
    await admin.wait_for_selector("html[lang=en]")
    assert "Staff accounts" in await admin.inner_text("nav.side")
    for words in ("Change name and roles", "Reset password", "Disable", "Last sign-in"):
        assert words in await admin.inner_text("main")
    await accessible(admin, "an account (English)")
    await shot(admin, artefacts, "admin-10-account-english")
    await admin.click("[data-lang=zh]")
    await admin.wait_for_selector("html[lang=zh-CN]")

    # roles: an inspector too; the holder's session ends with the change
    await admin.click("[data-action=edit]")
    form = "[data-form=edit]"
    await admin.wait_for_selector(form)
    await admin.click(f"{form} [data-field=roles] [data-value=inspector]")
    await admin.fill(f"{form} input[name=display_name]", "孙监察")
    await submit(admin, "edit")
    await admin.wait_for_selector("[data-roles] [data-role=inspector]")
    account = _account(lode, "sun.jiancha")
    assert account["roles"] == ["inspector", "viewer"]
    assert account["display_name"] == "孙监察"
    await holder.reload()
    await holder.wait_for_selector("[data-form=password]")

    # disabled: the sign-in says so; enabled again: it signs in
    await admin.click("[data-action=disable]")
    await submit(admin, "disable")
    await admin.wait_for_selector("[data-account-standing=disabled]")
    assert _account(lode, "sun.jiancha")["disabled"] is True
    await _with_password(holder, "sun.jiancha", PASSWORD)
    await _login_error(holder, "停用")
    await admin.click("[data-action=enable]")
    await submit(admin, "enable")
    await admin.wait_for_selector("[data-account-standing=active]")

    # a new password set by the administrator
    await admin.click("[data-action=reset]")
    await admin.fill("[data-form=reset] input[name=password]", RESET)
    await submit(admin, "reset")
    await _closed(admin, "reset")
    await _with_password(holder, "sun.jiancha", RESET)
    await holder.wait_for_selector("[data-username]")
    assert await holder.inner_text("[data-username]") == "孙监察"
    assert await holder.locator("[data-role=inspector]").count() == 1


async def test_the_events_screen_lists_each_outbox_and_handles_a_parked_event_again(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    # a message on lode.licensing that is no CloudEvent: each consumer of it parks it
    lode.run(lode.system.transport.publish([Message("lode.licensing", "poison-1", b"no event")]))
    with lode.api() as api:

        def parked() -> list[dict[str, Any]] | None:
            items: list[dict[str, Any]] = api.get("/zoning/v1/admin/dead-letters").json()["items"]
            return [i for i in items if i["key"] == "poison-1"] or None

        before = until("zoning parking the message", parked)[0]

    page = await open_workbench(browser, lode)
    await with_token(page, lode.admin_token)
    await page.click("[data-screen=events]")
    for service in SERVICES:
        outbox = page.locator(f"[data-outbox={service}]")
        await outbox.wait_for()
        assert (await outbox.get_attribute("data-unsent") or "").isdigit()
    redrive = f"[data-redrive='zoning-{before['id']}']"
    await page.wait_for_selector(redrive)
    assert "poison-1" in await page.inner_text("[data-service=zoning]")
    await accessible(page, "event delivery")
    await shot(page, artefacts, "admin-06-events")

    await page.click(redrive)
    await page.wait_for_selector("[data-form=redrive]")
    await submit(page, "redrive")
    alert = page.locator("[data-form=redrive] .problem-alert")
    await alert.wait_for()
    assert "再次处理失败" in await alert.inner_text()
    await page.wait_for_function(
        "([id, n]) => document.querySelector(`[data-attempts='${id}']`)?.textContent.trim() == n",
        arg=[before["id"], str(before["attempts"] + 1)],
    )
    await shot(page, artefacts, "admin-07-redrive-failed", whole=False)
    with lode.api() as api:
        after = api.get("/zoning/v1/admin/dead-letters").json()["items"]
    again = next(i for i in after if i["id"] == before["id"])
    assert again["status"] == "parked"
    assert again["attempts"] == before["attempts"] + 1

    # the re-driven ones: none yet
    await page.click("[data-form=redrive] button:has-text('取消')")
    await go(page, lode, "/events?zoning-status=redriven")
    await page.wait_for_function(
        "() => { const t = document.querySelector('[data-service=zoning] [data-total]');"
        " return t?.dataset.loaded === 'true' && t.dataset.total === '0'; }"
    )
    assert "poison-1" not in await page.inner_text("[data-service=zoning]")


async def test_audit_anchors_are_listed_for_an_inspector_and_refused_to_a_viewer(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    for service in SERVICES:
        lode.run(anchor(lode.system.runtimes[service]))
    with lode.api() as api:

        def anchored() -> set[str] | None:
            items = api.get("/reporting/v1/audit-anchors").json()["items"]
            found = {str(i["service"]) for i in items}
            return found if found >= set(SERVICES) else None

        until("every service's anchor reaching reporting", anchored)

    page = await open_workbench(browser, lode)
    await with_token(page, lode.token("inspector", user="周检查"))
    await page.click("[data-screen=audit]")
    await table_loaded(page)
    for service in SERVICES:
        await page.wait_for_selector(f"[data-anchor-service={service}]")
    assert "lode audit verify" in await page.inner_text("[data-verify]")
    await accessible(page, "audit anchors")
    await shot(page, artefacts, "admin-08-audit-anchors")

    await go(page, lode, "/audit?service=licensing")
    await table_loaded(page)
    await page.wait_for_function(
        "() => document.querySelectorAll('[data-anchor-service]').length > 0 && "
        "[...document.querySelectorAll('[data-anchor-service]')]"
        ".every(e => e.dataset.anchorService === 'licensing')"
    )

    viewer = await open_workbench(browser, lode)
    await with_token(viewer, lode.token("viewer", user="吴查阅"))
    assert await viewer.locator("[data-screen=audit]").count() == 0
    await go(viewer, lode, "/audit")
    notice = await viewer.wait_for_selector("[data-forbidden]")
    assert "监督检查人员" in await notice.inner_text()


async def test_a_first_start_asks_for_the_accounts_first_and_makes_the_first_one(
    browser: Browser, lode_empty: Lode, artefacts: Path
) -> None:
    page = await open_workbench(browser, lode_empty)
    await with_token(page, lode_empty.admin_token)
    await page.wait_for_selector("[data-first-start] [data-accounts-count='0']")
    first = page.locator("[data-first-start] ol > li").first
    assert await first.get_attribute("data-step") == "accounts"
    await accessible(page, "a first start's home")
    await shot(page, artefacts, "admin-09-first-start")

    await page.click("[data-step=accounts] a")
    await table_loaded(page)
    assert "尚无工作人员账号" in await page.inner_text("main")
    await page.click("[data-action=create]")
    form = "[data-form=create]"
    await page.wait_for_selector(form)
    await page.fill(f"{form} input[name=username]", "zhou.guanli")
    await page.fill(f"{form} input[name=display_name]", "周管理")
    await page.click(f"{form} [data-field=roles] [data-value=admin]")
    await page.fill(f"{form} input[name=password]", PASSWORD)
    await submit(page, "create")
    await page.wait_for_selector("[data-account='zhou.guanli']")

    await page.click("a[href='#/']")
    await page.wait_for_selector("[data-first-start] [data-accounts-count='1']")

    # the bureau's own administrator signs in with it, and finds the accounts screen
    own = await open_workbench(browser, lode_empty)
    await _with_password(own, "zhou.guanli", PASSWORD)
    await own.wait_for_selector("[data-username]")
    assert await own.inner_text("[data-username]") == "周管理"
    await own.click("[data-screen=accounts]")
    await own.wait_for_selector("[data-account='zhou.guanli']")
