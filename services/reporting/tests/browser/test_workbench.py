"""The officers' workbench (业务工作台) in a real headless Chromium against a real Lode with its
demo data and a province approval platform (the simulator, on its own port): an officer signs
in (a pasted token, a staff account's password; a wrong password and a locked account said on
the form), reviews, forwards and decides applications by clicks until the licences appear,
sees a 422 from the API next to its field, suspends and resumes a licence, closes a finding,
switches to English; axe-core finds nothing serious on any screen, and a screenshot of each
main screen is kept (under ``$LODE_ARTEFACTS/workbench`` when that is set, else the module's
temporary folder, printed at the end).

Every page comes from the ``browser`` fixture: any console error, CSP violation or request to
another host fails the test. The 401 of the page asking whether a session is alive (there is
none before signing in) and the 422 a test provokes on purpose are the console lines expected.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import uvicorn

from lode.doubles.province_sim import SimPolicy, create_sim_app
from lode_common.credit_code import with_check_character
from lode_common.testing.examples import iron_mine_application, mining_block, square
from lode_common.testing.services import free_port, wait_for_port
from services.reporting.tests.browser.conftest import Lode, serve
from services.reporting.tests.browser.pages import (
    LOCKED,
    REFUSED,
    accessible,
    free_site,
    go,
    open_workbench,
    shot,
    table_loaded,
    until,
    with_token,
)

if TYPE_CHECKING:
    from services.reporting.tests.browser.conftest import Browser


pytestmark = pytest.mark.timeout(420)

SCREENSHOTS = "workbench"
"""The sub-folder of ``$LODE_ARTEFACTS`` the screenshots go to."""
PROVINCE_SECRET = "workbench-browser-test-province-secret"
UUID4 = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


@contextmanager
def _province() -> Iterator[str]:
    """The province approval platform's simulator, approving what the checks allow."""
    port = free_port()
    app = create_sim_app(secret=PROVINCE_SECRET, policy=SimPolicy(), callback_delay_s=0.2)
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, lifespan="on", log_config=None, access_log=False
        )
    )
    thread = threading.Thread(target=server.run, name="province-sim", daemon=True)
    thread.start()
    try:
        wait_for_port("127.0.0.1", port, 30, "the province simulator")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def lode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lode]:
    """The embedded system with its demo data, forwarding to the province simulator, until
    the module ends; its plan has reached licensing and reporting before a page opens."""
    port = free_port()
    with (
        _province() as province_url,
        serve(
            tmp_path_factory.mktemp("lode-workbench"),
            demo=True,
            port=port,
            province_url=province_url,
            province_secret=PROVINCE_SECRET,
            public_url=f"http://127.0.0.1:{port}",
            # monitoring's daily passes every 2 s: an order recorded past its due day is
            # overdue (and on the enforcement list) within the test, not the next hour
            daily_pass_interval_s=2,
        ) as served,
    ):
        yield served


# --- what the tests set up through the API -------------------------------------------------------
def _applications(api: httpx.Client, names: list[str], tag: str) -> list[dict[str, Any]]:
    """One new iron mine per name inside a fresh mining block, each ``needs_review`` (no
    grant named: the officer confirms the basis of an agreement grant on review)."""
    lon, lat = free_site(api, (118.40, 40.75))
    block = mining_block(f"WB-{tag}", "工作台测试区块（示意）", square(lon, lat, 0.02))
    assert api.post("/zoning/v1/zones", json=block).status_code == 201
    made = []
    for i, name in enumerate(names):
        code = with_check_character(f"91130881MA8{tag}{i:02d}".ljust(17, "0")[:17])
        area = square(lon + 0.002 + 0.007 * i, lat + 0.002, 0.005)
        answer = api.post(
            "/licensing/v1/applications", json=iron_mine_application(name, code, area)
        )
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert body["verdict"] == "needs_review", body["checks"]
        made.append(body)
    return made


def _licence_number(seed: str) -> str:
    """A 23-character mining licence number (统一配号 layout: C, region 130881, year, six
    digits, a counter) no other test allocates."""
    digits = int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 10**6
    return f"C130881{date.today().year:04d}{digits:06d}000077"


# --- the tests -----------------------------------------------------------------------------------
async def test_a_pasted_token_signs_in_the_language_switches_and_signing_out_forgets_it(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    page = await open_workbench(browser, lode)
    await page.wait_for_selector("[data-form=password]")
    assert await page.get_attribute("html", "lang") == "zh-CN"
    await accessible(page, "the sign-in page")
    await shot(page, artefacts, "01-login")

    await page.click("#tab-token")
    await page.fill("#login-token", "not-a-token-anyone-issued")
    await page.click("[data-action=use-token]")
    error = await page.wait_for_selector("[data-login-error]")
    assert "令牌无效" in await error.inner_text()

    await page.fill("#login-token", lode.admin_token)
    await page.click("[data-action=use-token]")
    await page.wait_for_selector("[data-username]")
    assert await page.inner_text("[data-username]") == "系统管理员"
    await page.wait_for_selector("[data-todo=open-findings][data-count]")
    menu = await page.inner_text("nav.side")
    for title in ("矿业权申请", "矿业权证", "执法监管清单", "监管发现"):
        assert title in menu
    await accessible(page, "home (Chinese)")
    await shot(page, artefacts, "02-home")

    # from the keyboard: the first Tab reaches "skip to the main content", Enter goes there
    await page.reload()
    await page.wait_for_selector("[data-todo=open-findings][data-count]")
    await page.keyboard.press("Tab")
    assert await page.evaluate("() => document.activeElement.classList.contains('skip')")
    await page.keyboard.press("Enter")
    assert await page.evaluate("() => document.activeElement.id") == "main"

    await page.click("[data-lang=en]")
    await page.wait_for_selector("html[lang=en]")
    assert await page.get_attribute("[data-lang=en]", "aria-pressed") == "true"
    assert "Lode workbench" in await page.inner_text("header.top")
    menu = await page.inner_text("nav.side")
    for title in ("Applications", "Licences", "Enforcement", "Findings"):
        assert title in menu
    assert "Open findings" in await page.inner_text("[data-todo=open-findings]")
    await accessible(page, "home (English)")
    await go(page, lode, "/licences")
    await table_loaded(page)
    assert "Licence no." in await page.inner_text("main")
    await accessible(page, "licences (English)")
    await shot(page, artefacts, "03-licences-english")
    await page.click("[data-lang=zh]")
    await page.wait_for_selector("html[lang=zh-CN]")

    await page.click("[data-action=sign-out]")
    await page.wait_for_selector("[data-ended]")
    await page.reload()
    await page.wait_for_selector("[data-form=password]")
    assert await page.evaluate("sessionStorage.getItem('lode.workbench.token')") is None


async def test_a_staff_account_signs_in_with_its_password_and_is_told_what_went_wrong(
    browser: Browser, lode: Lode
) -> None:
    with lode.api() as api:
        for username, roles in (("li.inspector", ["inspector"]), ("zhao.locked", ["viewer"])):
            created = api.post(
                "/reporting/v1/accounts",
                json={
                    "username": username,
                    "display_name": "李检查" if username == "li.inspector" else "赵查阅",
                    "roles": roles,
                    "password": "正确的密码-correct-1",
                },
            )
            assert created.status_code == 201, created.text
    page = await open_workbench(browser, lode, LOCKED)
    await page.fill("#login-username", "li.inspector")
    await page.fill("#login-password", "a-wrong-password")
    await page.click("[data-action=sign-in]")
    error = await page.wait_for_selector("[data-login-error]")
    assert "用户名或密码错误" in await error.inner_text()

    await page.fill("#login-password", "正确的密码-correct-1")
    await page.click("[data-action=sign-in]")
    await page.wait_for_selector("[data-username]")
    assert await page.inner_text("[data-username]") == "李检查"
    assert await page.locator("[data-role=inspector]").count() == 1
    assert await page.locator("[data-screen=findings]").count() == 1
    await page.wait_for_selector("[data-todo=open-findings][data-count]")
    assert await page.locator("[data-todo=awaiting-review]").count() == 0  # not an officer's

    await page.reload()  # the session cookie signs the page in again
    await page.wait_for_selector("[data-username]")
    assert await page.inner_text("[data-username]") == "李检查"
    await page.click("[data-action=sign-out]")
    await page.wait_for_selector("[data-ended]")
    await page.reload()
    await page.wait_for_selector("[data-form=password]")

    # repeated failures lock the account: said on the form, even with the right password
    await page.fill("#login-username", "zhao.locked")
    for _ in range(5):
        await page.fill("#login-password", "a-wrong-password")
        await page.click("[data-action=sign-in]")
        await page.wait_for_selector("[data-login-error]")
    await page.fill("#login-password", "正确的密码-correct-1")
    await page.click("[data-action=sign-in]")
    await page.wait_for_function(
        "() => document.querySelector('[data-login-error]')?.textContent.includes('锁定')"
    )


async def test_applications_are_reviewed_forwarded_and_decided_by_clicks(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    with lode.api() as api:
        forwarded, decided = _applications(
            api, ["平泉市工作台报送测试矿业有限公司", "平泉市工作台决定测试矿业有限公司"], "WB1"
        )
    page = await open_workbench(browser, lode, REFUSED)
    await with_token(page, lode.token("licensing_officer", user="王审批"))

    # the queue: the application is there, its verdict a tag in words
    await page.click("[data-screen=applications]")
    await table_loaded(page)
    row = page.locator(f"[data-application='{forwarded['id']}']")
    await row.wait_for()
    assert "需人工复核" in await page.inner_text("main")
    await accessible(page, "applications")
    await shot(page, artefacts, "04-applications")
    await row.click()

    # its checks, each with the clause it cites
    await page.wait_for_selector("[data-application-status=checked]")
    checks = await page.inner_text("[data-checks]")
    for check in forwarded["checks"]:
        assert check["clause"] in checks
    assert "需复核" in checks
    await accessible(page, "an application")
    await shot(page, artefacts, "05-application")

    await page.click("[data-action=review]")
    await page.wait_for_selector("[data-form=review]")
    await accessible(page, "the review form", dialog=True)
    await page.click("[data-form=review] [data-value=accept]")
    await page.fill("[data-form=review] textarea[name=reason]", "协议出让依据已核实（示意）")
    await page.click("[data-form=review] [data-action=submit]")
    await page.wait_for_selector("[data-application-status=reviewed]")

    await page.click("[data-action=forward]")
    await page.click("[data-form=forward] [data-action=submit]")
    await page.wait_for_selector("[data-application-status=forwarded]")
    # the province platform decides and calls back; the page looks again by itself
    await page.wait_for_selector("[data-application-status=approved]", timeout=60_000)
    issued = await page.wait_for_selector("[data-issued] a")
    await issued.click()
    await page.wait_for_selector("[data-licence-status=active]")
    licence_no = (await page.inner_text("h1")).split(" ")[0]
    assert licence_no.startswith("C130881")
    await accessible(page, "a licence")
    await shot(page, artefacts, "06-licence")

    # the other: reviewed, then decided here; a wrong licence number is refused at its field
    await go(page, lode, f"/applications/{decided['id']}")
    await page.wait_for_selector("[data-application-status=checked]")
    await page.click("[data-action=review]")
    await page.fill("[data-form=review] textarea[name=reason]", "协议出让依据已核实（示意）")
    await page.click("[data-form=review] [data-action=submit]")
    await page.wait_for_selector("[data-application-status=reviewed]")
    keys: list[str | None] = []  # one submission, retried after the fix: one key
    page.on(
        "request",
        lambda r: (
            keys.append(r.headers.get("idempotency-key"))
            if r.method == "POST" and r.url.endswith("/decision")
            else None
        ),
    )
    await page.click("[data-action=decide]")
    form = "[data-form=decide]"
    await page.wait_for_selector(form)
    await page.click(f"{form} [data-value=approved]")
    await page.fill(f"{form} input[name=licence_no]", "C123")
    today = date.today()
    for field, day in (("valid_from", today), ("valid_to", today.replace(year=today.year + 5))):
        await page.fill(f"#action-decide-{field}", day.isoformat())
        await page.press(f"#action-decide-{field}", "Enter")
    await page.click(f"{form} [data-action=submit]")
    error = page.locator(f"{form} [data-field=licence_no] .el-form-item__error")
    await error.wait_for()
    assert await error.inner_text()
    assert await page.locator(f"{form} .problem-alert[data-status='422']").count() == 1
    await accessible(page, "the decision form with a field error", dialog=True)
    await shot(page, artefacts, "07-decision-refused", whole=False)

    number = _licence_number(decided["id"])
    await page.fill(f"{form} input[name=licence_no]", number)
    await page.click(f"{form} [data-action=submit]")
    await page.wait_for_selector("[data-application-status=approved]")
    assert number in await page.inner_text("[data-issued]")
    assert len(keys) == 2, keys
    assert keys[0] is not None
    assert keys[0] == keys[1]
    assert re.fullmatch(UUID4, keys[0])

    # both licences are in the register
    await go(page, lode, "/licences?holder=工作台")
    await table_loaded(page)
    await page.wait_for_selector(f"[data-licence='{number}']")
    await page.wait_for_selector(f"[data-licence='{licence_no}']")
    assert await page.get_attribute("[data-loaded=true]", "data-total") == "2"

    # and the public sees both on the disclosure page, without a token, once reporting has
    # them (each poll asks with another page size: a public answer is cached for a minute)
    sizes = iter(range(50, 200))

    def public(no: str) -> bool:
        found = httpx.get(
            f"{lode.url}/public/v1/licences", params={"q": no, "limit": next(sizes)}, timeout=30
        ).json()
        return [item["licence_no"] for item in found["items"]] == [no]

    for no in (number, licence_no):
        until(f"licence {no} on /public/v1/licences", lambda no=no: public(no))
    disclosure, _ = await browser.page(lode, viewport={"width": 1440, "height": 900})
    await disclosure.goto(f"{lode.url}/public/")
    await disclosure.wait_for_selector("main[data-ready=true]")
    await disclosure.wait_for_selector("[data-panel=licences]:not([data-state=loading])")
    panel = disclosure.locator("[data-panel=licences]")
    await panel.get_by_label("许可证号或矿业权人", exact=True).fill("工作台")
    await disclosure.keyboard.press("Enter")
    await disclosure.wait_for_function(
        "total => document.querySelector('[data-panel=licences]').dataset.total === total",
        arg="2",
    )
    shown = await panel.locator("table tbody").inner_text()
    assert number in shown
    assert licence_no in shown
    assert "平泉市工作台决定测试矿业有限公司" in shown
    await shot(disclosure, artefacts, "08-public-licences")


@dataclass(frozen=True)
class Subjects:
    """What the enforcement test acts on, from the demo's data."""

    ordered_licence: str  # an active mining licence with an open finding, to order rectified
    ordered_finding: str
    closed_licence: str  # another licence's open finding, to close
    closed_finding: str
    spare_licence: str  # a third active licence, to suspend and resume


def _subjects(api: httpx.Client) -> Subjects:
    def found() -> Subjects | None:
        active = {
            item["licence_no"]
            for item in api.get(
                "/licensing/v1/licences",
                params={"status": "active", "right_type": "mining", "limit": 1000},
            ).json()["items"]
        }
        findings = api.get(
            "/monitoring/v1/findings", params={"status": "open", "limit": 1000}
        ).json()["items"]
        ordered = next((f for f in findings if f["licence_no"] in active), None)
        if ordered is None:
            return None
        closed = next((f for f in findings if f["licence_no"] != ordered["licence_no"]), None)
        # a third licence (once the reserves deadline has passed, the demo's daily pass gives
        # every licence a reserves_report_missing finding: the spare may have findings too)
        spare = sorted(active - {ordered["licence_no"], closed["licence_no"]})
        if closed is None or not spare:
            return None
        return Subjects(
            ordered["licence_no"], ordered["id"], closed["licence_no"], closed["id"], spare[0]
        )

    subjects: Subjects = until("the demo's licences and findings", found)
    return subjects


def _overdue_order(api: httpx.Client, licence_no: str, finding_id: str) -> str:
    """A rectification order recorded after its due day (an order the bureau issued on paper
    before it started with Lode), once it is on licensing's enforcement list as overdue."""
    today = date.today()
    created = api.post(
        "/monitoring/v1/rectifications",
        json={
            "licence_no": licence_no,
            "finding_ids": [finding_id],
            "ordered_on": (today - timedelta(days=60)).isoformat(),
            "due": (today - timedelta(days=30)).isoformat(),
            "requirement": "限期补报储量年报（示意）",
        },
    )
    assert created.status_code == 201, created.text
    order_id = str(created.json()["id"])

    def listed() -> bool:
        items = api.get(
            "/licensing/v1/enforcement", params={"kind": "order", "licence_no": licence_no}
        ).json()["items"]
        return any(i["id"] == order_id and i["allowed_actions"] for i in items)

    until("the overdue order on the enforcement list", listed, timeout_s=90)
    return order_id


async def test_enforcement_suspends_citing_the_overdue_order_and_a_finding_is_closed(
    browser: Browser, lode: Lode, artefacts: Path
) -> None:
    with lode.api() as api:
        subjects = _subjects(api)
        order_id = _overdue_order(api, subjects.ordered_licence, subjects.ordered_finding)
    page = await open_workbench(browser, lode)
    await with_token(page, lode.token("licensing_officer", "inspector", user="陈执法"))

    # the list shows the overdue order; its "suspend" opens the licence's form, citing it
    await page.click("[data-screen=enforcement]")
    await table_loaded(page)
    link = page.locator(f"[data-enforce=suspend][data-order='{order_id}']")
    await link.wait_for()
    await accessible(page, "enforcement")
    await shot(page, artefacts, "08-enforcement")
    await link.click()
    form = "[data-form=suspend]"
    await page.wait_for_selector(form)
    assert await page.input_value(f"{form} input[name=order_id]") == order_id
    await page.fill(f"{form} textarea[name=reason]", "逾期未整改，依整改通知暂扣（示意）")
    await page.click(f"{form} [data-action=submit]")
    await page.wait_for_selector("[data-licence-status=suspended]")
    assert "暂扣" in await page.inner_text("[data-history]")
    await go(page, lode, f"/enforcement?status=all&licence_no={subjects.ordered_licence}")
    await table_loaded(page)
    await page.wait_for_function(
        "() => document.querySelector('main').innerText.includes('已暂扣')"
    )

    # a licence suspended and resumed by clicks, no order cited
    await go(page, lode, f"/licences/{subjects.spare_licence}")
    await page.wait_for_selector("[data-licence-status=active]")
    await page.click("[data-action=suspend]")
    await page.fill("[data-form=suspend] textarea[name=reason]", "现场检查发现越界开采（示意）")
    await page.click("[data-form=suspend] [data-action=submit]")
    await page.wait_for_selector("[data-licence-status=suspended]")
    await page.click("[data-action=resume]")
    await page.fill("[data-form=resume] textarea[name=reason]", "整改完成，恢复生产（示意）")
    await page.click("[data-form=resume] [data-action=submit]")
    await page.wait_for_selector("[data-licence-status=active]")

    # a finding closed with a note
    await go(page, lode, "/findings?status=open")
    await table_loaded(page)
    await page.wait_for_selector("[data-close]")
    await accessible(page, "findings")
    await shot(page, artefacts, "09-findings")
    finding_id = subjects.closed_finding
    await go(page, lode, f"/findings?status=open&licence_no={subjects.closed_licence}")
    await page.click(f"[data-close='{finding_id}']")
    await page.fill("[data-form=close] textarea[name=note]", "已补报年报（示意）")
    await page.click("[data-form=close] [data-action=submit]")
    await page.wait_for_function(
        "id => !document.querySelector(`[data-close='${id}']`)", arg=finding_id
    )
    with lode.api() as api:
        closed = api.get(
            "/monitoring/v1/findings",
            params={"status": "closed", "licence_no": subjects.closed_licence, "limit": 1000},
        ).json()
    assert finding_id in [f["id"] for f in closed["items"]]
