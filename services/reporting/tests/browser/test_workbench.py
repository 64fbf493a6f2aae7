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
import os
import re
import threading
import time
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
from lode.embedded import EmbeddedSystem
from lode.testing import served
from lode_common.auth import issue_token
from lode_common.credit_code import with_check_character
from lode_common.testing.examples import iron_mine_application, mining_block, square
from lode_common.testing.services import free_port, wait_for_port

if TYPE_CHECKING:
    from services.reporting.tests.browser.conftest import Browser


pytestmark = pytest.mark.timeout(420)

WEB = Path(__file__).resolve().parents[2] / "web"
AXE = WEB / "node_modules" / "axe-core" / "axe.min.js"
PROVINCE_SECRET = "workbench-browser-test-province-secret"
NO_SESSION = r"status of 401"
"""Chromium's line for the sign-in page's question whether a session is alive (none yet)."""
REFUSED = r"status of 422"
"""Chromium's line for the decision the test sends with a wrong licence number, on purpose."""
LOCKED = r"status of 423"
SERIOUS = ("serious", "critical")
UUID4 = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


@dataclass(frozen=True)
class Workbench:
    url: str
    admin_token: str
    jwt_secret: str

    def token(self, *roles: str, user: str) -> str:
        return issue_token(self.jwt_secret, user=user, roles=list(roles))

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {self.admin_token}"}, timeout=30
        )


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


def _until(what: str, check: Any, timeout_s: float = 240) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout_s} s")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def lode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workbench]:
    """The embedded system with its demo data, forwarding to the province simulator, until
    the module ends; its plan has reached licensing and reporting before a page opens."""
    port = free_port()
    with _province() as province_url:
        system = EmbeddedSystem(
            data_dir=tmp_path_factory.mktemp("lode-workbench"),
            port=port,
            demo=True,
            log_json=True,
            province_url=province_url,
            province_secret=PROVINCE_SECRET,
            public_url=f"http://127.0.0.1:{port}",
            # monitoring's daily passes every 2 s: an order recorded past its due day is
            # overdue (and on the enforcement list) within the test, not the next hour
            daily_pass_interval_s=2,
        )
        with served(system) as url:
            bench = Workbench(url, system.secrets.admin_token, system.secrets.jwt_secret)
            with bench.api() as api:
                _until(
                    "the plan reaching reporting",
                    lambda: api.get("/reporting/v1/indicators", params={"year": 2021}).is_success,
                )
            yield bench


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where the screenshots go: ``$LODE_ARTEFACTS/workbench``, else a temporary folder."""
    root = os.environ.get("LODE_ARTEFACTS")
    folder = Path(root) / "workbench" if root else tmp_path_factory.mktemp("workbench-screens")
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    print(f"\nworkbench screenshots: {folder}")


# --- what the tests do in the page --------------------------------------------------------------
async def _open(browser: Browser, lode: Workbench, *expected: str) -> Any:
    page, _ = await browser.page(
        lode,  # type: ignore[arg-type]  # the conftest's Browser reads only .url
        viewport={"width": 1440, "height": 900},
        expect_console=(NO_SESSION, *expected),
    )
    await page.goto(lode.url + "/workbench/")
    await page.wait_for_selector("body[data-ready=true]")
    return page


async def _with_token(page: Any, token: str) -> None:
    await page.click("#tab-token")
    await page.fill("#login-token", token)
    await page.click("[data-action=use-token]")
    await page.wait_for_selector("[data-username]")


async def _go(page: Any, lode: Workbench, path: str) -> None:
    await page.goto(f"{lode.url}/workbench/#{path}")


async def _axe(page: Any, where: str) -> None:
    """No serious or critical accessibility violation on the page as it stands. axe is run
    from the test's side (the page's CSP refuses an inline script, as it should)."""
    await page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]
    assert not serious, f"{where}: " + "; ".join(serious)


async def _shot(page: Any, artefacts: Path, name: str, *, whole: bool = True) -> None:
    """The page as the officer sees it (``whole``: scrolled through; a dialog: the window)."""
    await page.wait_for_load_state("networkidle")
    await page.screenshot(path=str(artefacts / f"{name}.png"), full_page=whole)


async def _table_loaded(page: Any) -> None:
    await page.wait_for_selector("[data-loaded=true]")


# --- what the tests set up through the API -------------------------------------------------------
def _free_site(api: httpx.Client) -> tuple[float, float]:
    """A corner inside Pingquan's boundary touching no demo zone or licence."""

    def search() -> tuple[float, float] | None:
        for step in range(200):
            lon, lat = 118.40 + 0.05 * (step % 16), 40.75 + 0.05 * (step // 16)
            answer = api.post("/zoning/v1/analysis", json={"geometry": square(lon, lat, 0.02)})
            assert answer.status_code == 200, answer.text
            body = answer.json()
            inside = body["region"] and body["region"]["outside_ha"] == 0
            others = [z for z in body["zones"] if z["type"] != "administrative_boundary"]
            if inside and not others and not body["licences"]:
                return lon, lat
        return None

    found: tuple[float, float] = _until("a free site in the demo's Pingquan", search)
    return found


def _applications(api: httpx.Client, names: list[str], tag: str) -> list[dict[str, Any]]:
    """One new iron mine per name inside a fresh mining block, each ``needs_review`` (no
    grant named: the officer confirms the basis of an agreement grant on review)."""
    lon, lat = _free_site(api)
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
    browser: Browser, lode: Workbench, artefacts: Path
) -> None:
    page = await _open(browser, lode)
    await page.wait_for_selector("[data-form=password]")
    assert await page.get_attribute("html", "lang") == "zh-CN"
    await _axe(page, "the sign-in page")
    await _shot(page, artefacts, "01-login")

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
    await _axe(page, "home (Chinese)")
    await _shot(page, artefacts, "02-home")

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
    await _axe(page, "home (English)")
    await _go(page, lode, "/licences")
    await _table_loaded(page)
    assert "Licence no." in await page.inner_text("main")
    await _axe(page, "licences (English)")
    await _shot(page, artefacts, "03-licences-english")
    await page.click("[data-lang=zh]")
    await page.wait_for_selector("html[lang=zh-CN]")

    await page.click("[data-action=sign-out]")
    await page.wait_for_selector("[data-ended]")
    await page.reload()
    await page.wait_for_selector("[data-form=password]")
    assert await page.evaluate("sessionStorage.getItem('lode.workbench.token')") is None


async def test_a_staff_account_signs_in_with_its_password_and_is_told_what_went_wrong(
    browser: Browser, lode: Workbench
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
    page = await _open(browser, lode, LOCKED)
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
    browser: Browser, lode: Workbench, artefacts: Path
) -> None:
    with lode.api() as api:
        forwarded, decided = _applications(
            api, ["平泉市工作台报送测试矿业有限公司", "平泉市工作台决定测试矿业有限公司"], "WB1"
        )
    page = await _open(browser, lode, REFUSED)
    await _with_token(page, lode.token("licensing_officer", user="王审批"))

    # the queue: the application is there, its verdict a tag in words
    await page.click("[data-screen=applications]")
    await _table_loaded(page)
    row = page.locator(f"[data-application='{forwarded['id']}']")
    await row.wait_for()
    assert "需人工复核" in await page.inner_text("main")
    await _axe(page, "applications")
    await _shot(page, artefacts, "04-applications")
    await row.click()

    # its checks, each with the clause it cites
    await page.wait_for_selector("[data-application-status=checked]")
    checks = await page.inner_text("[data-checks]")
    for check in forwarded["checks"]:
        assert check["clause"] in checks
    assert "需复核" in checks
    await _axe(page, "an application")
    await _shot(page, artefacts, "05-application")

    await page.click("[data-action=review]")
    await page.wait_for_selector("[data-form=review]")
    await _axe(page, "the review form")
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
    await _axe(page, "a licence")
    await _shot(page, artefacts, "06-licence")

    # the other: reviewed, then decided here; a wrong licence number is refused at its field
    await _go(page, lode, f"/applications/{decided['id']}")
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
    await _axe(page, "the decision form with a field error")
    await _shot(page, artefacts, "07-decision-refused", whole=False)

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
    await _go(page, lode, "/licences?holder=工作台")
    await _table_loaded(page)
    await page.wait_for_selector(f"[data-licence='{number}']")
    await page.wait_for_selector(f"[data-licence='{licence_no}']")
    assert await page.get_attribute("[data-loaded=true]", "data-total") == "2"


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
        spare = sorted(active - {f["licence_no"] for f in findings})
        if closed is None or not spare:
            return None
        return Subjects(
            ordered["licence_no"], ordered["id"], closed["licence_no"], closed["id"], spare[0]
        )

    subjects: Subjects = _until("the demo's licences and findings", found)
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

    _until("the overdue order on the enforcement list", listed, timeout_s=90)
    return order_id


async def test_enforcement_suspends_citing_the_overdue_order_and_a_finding_is_closed(
    browser: Browser, lode: Workbench, artefacts: Path
) -> None:
    with lode.api() as api:
        subjects = _subjects(api)
        order_id = _overdue_order(api, subjects.ordered_licence, subjects.ordered_finding)
    page = await _open(browser, lode)
    await _with_token(page, lode.token("licensing_officer", "inspector", user="陈执法"))

    # the list shows the overdue order; its "suspend" opens the licence's form, citing it
    await page.click("[data-screen=enforcement]")
    await _table_loaded(page)
    link = page.locator(f"[data-enforce=suspend][data-order='{order_id}']")
    await link.wait_for()
    await _axe(page, "enforcement")
    await _shot(page, artefacts, "08-enforcement")
    await link.click()
    form = "[data-form=suspend]"
    await page.wait_for_selector(form)
    assert await page.input_value(f"{form} input[name=order_id]") == order_id
    await page.fill(f"{form} textarea[name=reason]", "逾期未整改，依整改通知暂扣（示意）")
    await page.click(f"{form} [data-action=submit]")
    await page.wait_for_selector("[data-licence-status=suspended]")
    assert "暂扣" in await page.inner_text("[data-history]")
    await _go(page, lode, f"/enforcement?status=all&licence_no={subjects.ordered_licence}")
    await _table_loaded(page)
    await page.wait_for_function(
        "() => document.querySelector('main').innerText.includes('已暂扣')"
    )

    # a licence suspended and resumed by clicks, no order cited
    await _go(page, lode, f"/licences/{subjects.spare_licence}")
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
    await _go(page, lode, "/findings?status=open")
    await _table_loaded(page)
    await page.wait_for_selector("[data-close]")
    await _axe(page, "findings")
    await _shot(page, artefacts, "09-findings")
    finding_id = subjects.closed_finding
    await _go(page, lode, f"/findings?status=open&licence_no={subjects.closed_licence}")
    await page.click(f"[data-close='{finding_id}']")
    await page.fill("[data-form=close] textarea[name=note]", "已补报年报（示意）")
    await page.click("[data-form=close] [data-action=submit]")
    await page.wait_for_function(
        "id => !document.querySelector(`[data-close='${id}']`)", arg=finding_id
    )
    with lode.api() as api:
        closed = api.get("/monitoring/v1/findings", params={"status": "closed"}).json()
    assert finding_id in [f["id"] for f in closed["items"]]
