"""The page's event-stream client in Chromium: the parser reads the format however the bytes
are split, and a dropped connection resumes with Last-Event-ID, losing and repeating
nothing."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from services.reporting.tests.browser.conftest import Browser, Lode


async def _page(browser: Browser, lode: Lode) -> Any:
    page, _ = await browser.page(lode)
    await page.goto(lode.url + "/#token=" + lode.viewer_token)
    await page.wait_for_selector("body[data-ready=true]")
    return page


async def test_the_parser_reads_events_split_anywhere(browser: Browser, lode: Lode) -> None:
    page = await _page(browser, lode)
    events = await page.evaluate(
        """async () => {
             const { SseParser } = await import('/reporting/static/js/sse.js');
             const seen = [];
             const parser = new SseParser((e) => seen.push(e));
             const chunks = [
               ': ping\\n\\nid: e-1\\nevent: lode.x.v1\\nda', 'ta: {"a":', '1}\\r',
               '\\ndata: second line\\n\\n', 'data: no id\\r\\n\\r\\n',
               'id: e-2\\ndata:tight\\n', '\\nevent: lost\\n',
             ];
             for (const chunk of chunks) parser.push(chunk);
             return seen;
           }"""
    )
    assert events == [
        {"id": "e-1", "type": "lode.x.v1", "data": '{"a":1}\nsecond line'},
        {"id": "e-1", "type": "message", "data": "no id"},  # the last id carries over
        {"id": "e-2", "type": "message", "data": "tight"},
    ]


async def test_a_dropped_stream_resumes_after_the_last_event(browser: Browser, lode: Lode) -> None:
    page = await _page(browser, lode)
    resumes: list[str | None] = []
    page.on(
        "request",
        lambda r: (
            resumes.append(r.headers.get("last-event-id"))
            if r.url.endswith("/reporting/v1/stream")
            else None
        ),
    )
    await page.evaluate(
        """async () => {
             const { LiveStream } = await import('/reporting/static/js/sse.js');
             window.seen = []; window.states = [];
             window.probe = new LiveStream('/reporting/v1/stream', {
               onEvent: (e) => window.seen.push(e.id), onState: (s) => window.states.push(s) });
             window.probe.minDelay = 50;
             window.probe.start();
           }"""
    )
    await page.wait_for_function("() => window.states.includes('open')")
    async with httpx.AsyncClient(
        base_url=lode.url, headers={"Authorization": f"Bearer {lode.admin_token}"}, timeout=30
    ) as api:

        async def progress(area: float) -> None:
            r = await api.post(
                "/monitoring/v1/projects/abandoned_mine_restoration/progress",
                json={"year": 2025, "restored_area_ha": area, "site": f"示意 流测试 {time.time()}"},
            )
            assert r.status_code == 201, r.text

        await progress(0.5)
        await page.wait_for_function("() => window.seen.length >= 1")
        # the connection drops; the last event seen is read in the same turn of the page's
        # event loop, so an event arriving meanwhile cannot slip between the two
        first = await page.evaluate(
            """() => {
                 const last = window.seen[window.seen.length - 1];
                 window.probe.controller.abort();
                 return last;
               }"""
        )
        await page.wait_for_function(
            "() => window.states.filter(s => s === 'open').length >= 2", timeout=30000
        )
        assert resumes[-1] == first, "the reconnection names the last event it saw"
        await progress(0.25)
        await page.wait_for_function(
            "n => window.seen.length > n", arg=await page.evaluate("window.seen.length")
        )
    seen = await page.evaluate("window.probe.stop(); window.seen")
    assert len(seen) == len(set(seen)), "nothing is delivered twice"
    assert "reconnecting" in await page.evaluate("window.states")
