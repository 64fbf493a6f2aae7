"""What the workbench's and the public page's browser tests do in a page, written once: open
the workbench and sign in with a pasted token, go to a screen, wait for a table, submit a
dialog's form, pick from an Element Plus select, run axe-core, keep a screenshot; and what
they set up through the API (a free site in the demo's Pingquan, a wait until something has
happened). The fixtures they share (the system, the browser, the screenshots' folder) are in
``conftest.py``; what one test file alone does stays in that file.

Chromium writes a console line for every refused request; a page expecting one on purpose
lists its pattern (:data:`REFUSED` and its kin) when it is opened, and any other fails the
test (see ``conftest.Browser``)."""

from __future__ import annotations

import contextlib
import functools
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from lode_common.testing.examples import square

if TYPE_CHECKING:
    from playwright.async_api import Page

    from services.reporting.tests.browser.conftest import Browser, Lode

T = TypeVar("T")

AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")
"""The axe-core impacts that fail a test."""
DESK = {"width": 1440, "height": 900}
"""An officer's window."""
NO_SESSION = r"status of 401"
"""Chromium's line for a 401: the sign-in page asking whether a session is alive (none yet),
a wrong password."""
FORBIDDEN = r"status of 403"
"""Chromium's line for a 403 a test provokes (a disabled account, separation of duties)."""
REFUSED = r"status of 422"
"""Chromium's line for a 422 a test provokes (a field the API refuses)."""
LOCKED = r"status of 423"
"""Chromium's line for a 423: an account locked after too many wrong passwords."""


# --- waiting for the system ---------------------------------------------------------------------
def until(what: str, check: Callable[[], T | None], timeout_s: float = 240) -> T:
    """``check``'s first answer that is not empty, asked every half second (the demo loads,
    and events travel, after the system has started)."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout_s} s")
        time.sleep(0.5)


def free_site(api: httpx.Client, start: tuple[float, float]) -> tuple[float, float]:
    """A corner inside Pingquan's boundary, searched from ``start`` eastwards then
    northwards, whose 0.02° square touches no demo zone but the boundary, and no licence
    (asked again until the demo's zones are in)."""

    def search() -> tuple[float, float] | None:
        for step in range(200):
            lon, lat = start[0] + 0.05 * (step % 16), start[1] + 0.05 * (step // 16)
            answer = api.post("/zoning/v1/analysis", json={"geometry": square(lon, lat, 0.02)})
            assert answer.status_code == 200, answer.text
            body = answer.json()
            inside = body["region"] and body["region"]["outside_ha"] == 0
            others = [z for z in body["zones"] if z["type"] != "administrative_boundary"]
            if inside and not others and not body["licences"]:
                return lon, lat
        return None

    return until("a free site in the demo's Pingquan", search)


# --- the workbench ------------------------------------------------------------------------------
async def open_workbench(browser: Browser, lode: Lode, *expected: str) -> Any:
    """A new page at the workbench's sign-in, in an officer's window; ``expected``: the
    console lines of the refusals the test provokes (the sign-in page's 401 always is). The
    page is untyped, as the ``browser`` fixture's are."""
    page, _ = await browser.page(lode, viewport=DESK, expect_console=(NO_SESSION, *expected))
    await page.goto(lode.url + "/workbench/")
    await page.wait_for_selector("body[data-ready=true]")
    return page


async def with_token(page: Page, token: str) -> None:
    """Signs in with a pasted token, as scripts and a bureau's first start do."""
    await page.click("#tab-token")
    await page.fill("#login-token", token)
    await page.click("[data-action=use-token]")
    await page.wait_for_selector("[data-username]")


async def signed_in(browser: Browser, lode: Lode, token: str, *expected: str) -> Any:
    """A new page signed in with ``token`` (see :func:`open_workbench` for ``expected``)."""
    page = await open_workbench(browser, lode, *expected)
    await with_token(page, token)
    return page


async def go(page: Page, lode: Lode, path: str) -> None:
    """The workbench's screen at ``path`` (its address after ``#``)."""
    await page.goto(f"{lode.url}/workbench/#{path}")


async def table_loaded(page: Page) -> None:
    """Until the screen's table has its rows from the API."""
    await page.wait_for_selector("[data-loaded=true]")


async def submit(page: Page, form: str) -> None:
    """Clicks the submit button of ``form``: its name (``data-form``) or a selector."""
    selector = f"[data-form={form}]" if re.fullmatch(r"[\w-]+", form) else form
    await page.click(f"{selector} [data-action=submit]")


async def choose(
    page: Page, select: str, text: str | None = None, *, item: str | None = None
) -> None:
    """Picks an option of the Element Plus select at ``select`` (the select, its input or
    the form field holding it): the option showing ``text``, or the one ``item`` selects.
    The select opens from its wrapper (the placeholder covers the input) and its list is
    rendered at the end of the body; this returns once the list has closed (while it fades
    out it is a scrollable region without anything to focus, which axe reports)."""
    assert (text is None) != (item is None), "an option's text or its selector"
    wrapper = page.locator(select).locator(
        "xpath=ancestor-or-self::div[contains(concat(' ', normalize-space(@class), ' '),"
        " ' el-select__wrapper ')]"
        " | descendant::div[contains(concat(' ', normalize-space(@class), ' '),"
        " ' el-select__wrapper ')]"
    )
    await wrapper.first.click()
    if item is None:
        option = page.locator(".el-select-dropdown__item:visible", has_text=text)
    else:
        option = page.locator(f"{item}:visible")
    await option.first.click()
    await page.wait_for_function(
        "() => ![...document.querySelectorAll('.el-select__popper')]"
        ".some(p => getComputedStyle(p).display !== 'none')"
    )


# --- what every screen is checked for -----------------------------------------------------------
@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


async def violations(page: Page) -> list[str]:
    """The serious and critical violations axe-core finds on the page as it is now. axe is
    put into the page from the test's side, through the DevTools protocol: the page's
    Content-Security-Policy refuses an inline script, as it should, and is kept."""
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.evaluate(_axe_source() + "\n;undefined")
    result = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


async def accessible(page: Page, where: str, *, dialog: bool = False) -> None:
    """No serious or critical accessibility violation on the page at rest: the mouse and
    the focus taken off the last button clicked (hovered or focused, a primary button is
    the theme's lighter blue, a moment of the page), no transition running (half-faded text
    has too little contrast) and, unless a ``dialog`` is what is checked, every dialog
    closed."""
    await page.mouse.move(1, 1)
    await page.evaluate("document.activeElement?.blur()")
    await page.wait_for_function(
        '() => !document.querySelector(\'[class*="-enter-active"], [class*="-leave-active"]\')'
        " && document.getAnimations()"
        ".every(a => !(a instanceof CSSTransition) || a.playState !== 'running')"
    )
    if not dialog:
        await page.wait_for_function(
            "() => ![...document.querySelectorAll('.el-overlay')]"
            ".some((e) => getComputedStyle(e).display !== 'none')"
        )
    serious = await violations(page)
    assert not serious, f"{where}: " + "; ".join(serious)


async def shot(page: Page, folder: Path, name: str, *, whole: bool = True) -> None:
    """The page as the officer sees it, kept as ``folder/name.png`` (``whole``: scrolled
    through; a dialog: the window), once its requests have settled. The picture is a
    record, not a check: a page whose network does not fall quiet within a few seconds (one
    that asks again by itself) is pictured as it stands, and a picture that cannot be taken
    is said on the output, never failing the test."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        await page.wait_for_load_state("networkidle", timeout=10_000)
    try:
        await page.screenshot(path=str(folder / f"{name}.png"), full_page=whole)
    except PlaywrightError as error:
        print(f"\nno screenshot {name}: {error}")
