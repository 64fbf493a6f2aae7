"""Driving one deployment: the mines licensed, then the simulated year with the officers'
queries and the metrics watched, then the count of what reached monitoring and reporting."""

from __future__ import annotations

import asyncio
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.reports.drive import LeanTransport
from lode_common.testing.examples import AGREEMENT_REVIEW

from .cpu import CpuSample
from .targets import Target
from .workload import OFFICER_QUERIES, PERIODS, PLAN, YEAR, Mine, OfficerQuery

_GAUGE = re.compile(r"^(lode_consumer_lag|lode_outbox_backlog)\{([^}]*)\} (\S+)$", re.M)
_LABEL = re.compile(r'(\w+)="([^"]*)"')
_SOURCE = re.compile(r"\(([^,()]+), (annual|Q[1-4])\)$")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def expect(answer: httpx.Response, status: int, what: str) -> dict[str, Any]:
    if answer.status_code != status:
        raise RuntimeError(f"{what}: {answer.status_code} {answer.text[:300]}")
    body: dict[str, Any] = answer.json()
    return body


# --- the mines licensed ------------------------------------------------------------------------
def _open_checks(view: dict[str, Any]) -> set[str]:
    """The checks of an application that are neither passed nor a warning."""
    return {c["rule_id"] for c in view.get("checks") or () if c["outcome"] in ("fail", "review")}


async def license_mine(http: httpx.AsyncClient, target: Target, mine: Mine) -> None:
    await expect(
        await http.post(
            f"{target.url('zoning')}/zoning/v1/zones",
            json=mine.block(),
            headers=target.auth("planner"),
        ),
        201,
        f"block of {mine.code}",
    )
    officer = target.auth("licensing_officer")
    view = await expect(
        await http.post(
            f"{target.url('licensing')}/licensing/v1/applications",
            json=mine.application(),
            headers=officer,
        ),
        201,
        f"application of {mine.code}",
    )
    if view.get("verdict") != "needs_review" or _open_checks(view) != {"competitive_grant"}:
        raise RuntimeError(f"{mine.code}: {view.get('status')} {view.get('verdict')}")
    await expect(
        await http.post(
            f"{target.url('licensing')}/licensing/v1/applications/{view['id']}/review",
            json=AGREEMENT_REVIEW,
            headers=officer,
        ),
        200,
        f"review of {mine.code} (协议出让)",
    )
    await expect(
        await http.post(
            f"{target.url('licensing')}/licensing/v1/applications/{view['id']}/decision",
            json=mine.decision(),
            headers=officer,
        ),
        200,
        f"decision of {mine.code}",
    )


async def total(http: httpx.AsyncClient, url: str, headers: dict[str, str], **q: str) -> int:
    answer = await http.get(url, params={"limit": "1", **q}, headers=headers)
    body = await expect(answer, 200, url)
    return int(body["total"])


async def license_mines(
    http: httpx.AsyncClient, target: Target, mines: list[Mine], concurrency: int
) -> dict[str, str]:
    """Block, application, decision for each mine; monitoring's replica of every licence;
    an API key for each enterprise, issued by the admin. Returns licence number → key."""
    gate = asyncio.Semaphore(concurrency)

    async def one(mine: Mine) -> None:
        async with gate:
            await license_mine(http, target, mine)

    await asyncio.gather(*(one(m) for m in mines))
    url = f"{target.url('monitoring')}/monitoring/v1/mines"
    deadline = time.monotonic() + 120
    while await total(http, url, target.auth("inspector")) < len(mines):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{target.name}: monitoring's replica lacks licences after 120 s")
        await asyncio.sleep(0.2)

    async def key(mine: Mine) -> tuple[str, str]:
        async with gate:
            body = await expect(
                await http.post(
                    f"{target.url('monitoring')}/monitoring/v1/enterprises/"
                    f"{mine.credit_code}/api-keys",
                    json={"label": "年报系统"},
                    headers=target.admin(),
                ),
                201,
                f"API key of {mine.code}",
            )
            return mine.licence_no, str(body["key"])

    return dict(await asyncio.gather(*(key(m) for m in mines)))


# --- the simulated year ------------------------------------------------------------------------
@dataclass
class Timings:
    latencies_s: list[float] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)  # "201", "503", "cut", ...


@dataclass
class Year:
    """What the run sent and saw."""

    accepted: dict[tuple[str, str, int], str] = field(default_factory=dict)  # → report id
    findings_answered: int = 0
    reports: Timings = field(default_factory=Timings)
    queries: dict[str, Timings] = field(default_factory=lambda: defaultdict(Timings))
    unanswered: list[str] = field(default_factory=list)
    started: float = 0.0
    last_accepted: float = 0.0
    lag_max: dict[str, float] = field(default_factory=dict)  # consumer group → messages
    backlog_max: dict[str, float] = field(default_factory=dict)  # service → outbox rows
    samples: int = 0
    cpu_s: dict[str, float] = field(default_factory=dict)  # process → CPU s during the year


async def send_report(
    http: httpx.AsyncClient,
    target: Target,
    instance: int,
    mine: Mine,
    key: str,
    period: str,
    year: int,
    run: Year,
    seconds: float = 60,
) -> None:
    """POST one report; a 503, a 500 or a cut connection is asked again with the same
    ``Idempotency-Key`` (the client's side of exactly once). Every answer is counted."""
    headers = {
        "Authorization": f"Bearer {key}",
        "Idempotency-Key": f"load-{mine.licence_no}-{year}-{period}",
    }
    body = mine.report(period, year)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        url = f"{target.url('monitoring', instance)}/monitoring/v1/reports"
        began = time.perf_counter()
        try:
            answer = await http.post(url, json=body, headers=headers)
        except httpx.TransportError as error:
            run.reports.answers[f"cut ({type(error).__name__})"] += 1
            await asyncio.sleep(0.2)
            continue
        run.reports.answers[str(answer.status_code)] += 1
        if answer.status_code in (200, 201):
            run.reports.latencies_s.append(time.perf_counter() - began)
            reply = answer.json()
            run.accepted[(mine.licence_no, period, year)] = reply["id"]
            run.findings_answered += len(reply.get("findings") or [])
            run.last_accepted = time.monotonic()
            return
        if answer.status_code not in (500, 503):
            run.unanswered.append(f"{mine.code} {year} {period}: {answer.text[:200]}")
            return
        await asyncio.sleep(0.2)
    run.unanswered.append(f"{mine.code} {year} {period}: no answer in {seconds} s")


async def officer(http: httpx.AsyncClient, target: Target, query: OfficerQuery, run: Year) -> None:
    timings = run.queries[query.name]
    began = time.perf_counter()
    try:
        answer = await http.get(
            f"{target.url(query.service)}{query.path}",
            params=query.params,
            headers=target.auth(query.role),
        )
    except httpx.TransportError as error:
        timings.answers[f"cut ({type(error).__name__})"] += 1
        return
    timings.answers[str(answer.status_code)] += 1
    if answer.status_code == 200:
        timings.latencies_s.append(time.perf_counter() - began)


async def officers(
    http: httpx.AsyncClient, target: Target, rate: float, run: Year, stop: asyncio.Event
) -> None:
    """An open loop: one query every 1/rate s (licences, findings, indicators in turn),
    whether or not the last one was answered."""
    tasks: set[asyncio.Task[None]] = set()
    n = 0
    start = time.monotonic()
    while not stop.is_set():
        task = asyncio.create_task(
            officer(http, target, OFFICER_QUERIES[n % len(OFFICER_QUERIES)], run)
        )
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        n += 1
        await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
    await asyncio.gather(*tasks)


async def watch(http: httpx.AsyncClient, target: Target, run: Year, stop: asyncio.Event) -> None:
    """Every second (the services set the gauges each second), every process's ``/metrics``:
    consumer lag per consumer group (summed over the topics' partitions, each partition as
    its consumer reports it) and the outbox backlog per service; the maxima are kept."""
    urls = target.metrics_urls()
    while not stop.is_set():
        pages = await asyncio.gather(
            *(http.get(url, timeout=5) for _, url in urls), return_exceptions=True
        )
        lag: dict[tuple[str, str, str], float] = {}
        backlog: dict[str, float] = {}
        for page in pages:
            if not isinstance(page, httpx.Response) or page.status_code != 200:
                continue
            for name, labels, value in _GAUGE.findall(page.text):
                tags = dict(_LABEL.findall(labels))
                if name == "lode_consumer_lag":
                    where = (tags["service"], tags["topic"], tags["partition"])
                    lag[where] = max(lag.get(where, 0.0), float(value))
                else:
                    service = tags["service"]
                    backlog[service] = max(backlog.get(service, 0.0), float(value))
        groups: Counter[str] = Counter()
        for (service, _topic, _partition), value in lag.items():
            groups[service] += value  # type: ignore[assignment]
        for service, value in groups.items():
            run.lag_max[service] = max(run.lag_max.get(service, 0.0), float(value))
        for service, value in backlog.items():
            run.backlog_max[service] = max(run.backlog_max.get(service, 0.0), value)
        run.samples += 1
        with_timeout = asyncio.ensure_future(stop.wait())
        await asyncio.wait({with_timeout}, timeout=1.0)
        with_timeout.cancel()


async def simulated_year(
    http: httpx.AsyncClient,
    target: Target,
    mines: list[Mine],
    keys: dict[str, str],
    officer_rate: float,
    run: Year,
) -> None:
    """The mines at once, each sending its year's reports in order (alternating between the
    monitoring instances by mine), while officers query at ``officer_rate`` per second."""
    stop_officers = asyncio.Event()
    queries = asyncio.create_task(officers(http, target, officer_rate, run, stop_officers))
    run.started = time.monotonic()
    before = CpuSample.take(target.pids)

    async def mine_year(mine: Mine) -> None:
        # one connection per mine, parsed by httptools: httpx's own transport would spend
        # more CPU per request than the server on these shared 2 cores
        url = httpx.URL(target.url("monitoring", mine.n))
        transport = LeanTransport(url.host, url.port or 80)
        async with httpx.AsyncClient(transport=transport, timeout=60) as own:
            for period, year in PERIODS:
                key = keys[mine.licence_no]
                await send_report(own, target, mine.n, mine, key, period, year, run)

    await asyncio.gather(*(mine_year(m) for m in mines))
    run.cpu_s = CpuSample.take(target.pids).since(before)
    stop_officers.set()
    await queries


# --- nothing lost ------------------------------------------------------------------------------
@dataclass
class Seen:
    monitoring: dict[int, set[str]] = field(default_factory=dict)  # year → report ids
    reporting: dict[int, set[str]] = field(default_factory=dict)
    findings_monitoring: int = 0
    findings_reporting: int = 0
    visible_after_s: float | None = None


async def monitoring_ids(http: httpx.AsyncClient, target: Target, year: int) -> set[str]:
    ids: set[str] = set()
    offset = 0
    while True:
        body = await expect(
            await http.get(
                f"{target.url('monitoring')}/monitoring/v1/reports",
                params={"year": str(year), "limit": "1000", "offset": str(offset)},
                headers=target.auth("inspector"),
            ),
            200,
            "monitoring's reports",
        )
        ids |= {r["id"] for r in body["items"]}
        offset += len(body["items"])
        if not body["items"] or offset >= body["total"]:
            return ids


async def reporting_ids(http: httpx.AsyncClient, target: Target, year: int) -> set[str]:
    """The report ids behind the iron-concentrate figure of ``year``: one source each."""
    body = await expect(
        await http.get(
            f"{target.url('reporting')}/reporting/v1/indicators/iron_concentrate_output/sources",
            params={"plan_id": PLAN, "year": str(year)},
            headers=target.auth("viewer"),
        ),
        200,
        "reporting's sources",
    )
    ids = set()
    for item in body["items"]:
        match = _SOURCE.search(item["note"])
        if match:
            ids.add(match.group(1))
    return ids


async def open_findings_in_reporting(http: httpx.AsyncClient, target: Target) -> int:
    body = await expect(
        await http.get(
            f"{target.url('reporting')}/reporting/v1/compliance",
            params={"year": str(YEAR)},
            headers=target.auth("viewer"),
        ),
        200,
        "reporting's compliance",
    )
    return sum(k["open_findings"] for k in body["kinds"])


async def nothing_lost(
    http: httpx.AsyncClient, target: Target, run: Year, timeout_s: float
) -> Seen:
    """Until reporting shows every accepted report (or ``timeout_s``): the report ids in
    monitoring's list and behind reporting's figures, per year; the findings in both."""
    seen = Seen()
    years = sorted({year for _period, year in PERIODS})
    wanted = {y: {rid for (_n, _p, yr), rid in run.accepted.items() if yr == y} for y in years}
    seen.findings_monitoring = await total(
        http,
        f"{target.url('monitoring')}/monitoring/v1/findings",
        target.auth("inspector"),
        year=str(YEAR),
        status="open",
    )
    deadline = time.monotonic() + timeout_s
    while True:
        for y in years:
            seen.reporting[y] = await reporting_ids(http, target, y)
        seen.findings_reporting = await open_findings_in_reporting(http, target)
        if (
            all(seen.reporting[y] >= wanted[y] for y in years)
            and seen.findings_reporting >= seen.findings_monitoring
        ):
            seen.visible_after_s = time.monotonic() - run.last_accepted
            break
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.25)
    for y in years:
        seen.monitoring[y] = await monitoring_ids(http, target, y)
    return seen
