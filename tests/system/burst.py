"""Bursts of mines' reports against the monitoring instances, and the count of what they
imply: every report the service accepted is there once, in monitoring's read model and as
one ``output.reported`` event on ``lode.monitoring``; nothing else is.

A report is sent with an ``Idempotency-Key``; an answer that never came (a process killed,
a connection cut) or a 503 is retried with the same key, on the other instance after a cut,
until it is answered (the client's side of "exactly once"). Every answer is counted.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from lode_common.events.envelope import Envelope
from lode_common.messaging.kafka import KafkaConfig, KafkaTransport
from lode_common.testing import eventually

from .conftest import System
from .flows import report

PERIODS = ("Q1", "Q2", "Q3", "Q4", "annual")


def slots(count: int) -> list[tuple[int, str]]:
    """``count`` distinct (year, period), the current year's first, then the years before."""
    year = datetime.now(UTC).year
    out: list[tuple[int, str]] = []
    while len(out) < count:
        out += [(year, p) for p in PERIODS if (year, p) != (datetime.now(UTC).year, "annual")]
        year -= 1
    return out[:count]


@dataclass
class Mine:
    licence_no: str
    key: str


@dataclass
class Burst:
    """What a burst sent and what it was answered."""

    accepted: dict[tuple[str, int, str], str] = field(default_factory=dict)  # → report id
    answers: Counter[str] = field(default_factory=Counter)  # "201", "503", "cut", ...
    retry_after: set[str] = field(default_factory=set)  # Retry-After values of the 503s
    unexpected: list[str] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(self.answers.values())


async def send_one(
    http: httpx.AsyncClient,
    urls: list[str],
    mine: Mine,
    body: dict[str, Any],
    burst: Burst,
    *,
    seconds: float = 90,
) -> None:
    key = f"sys-{mine.licence_no}-{body['year']}-{body['period']}-{uuid.uuid4().hex[:6]}"
    headers = {"Authorization": f"Bearer {mine.key}", "Idempotency-Key": key}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    attempt = 0
    while loop.time() < deadline:
        url = urls[attempt % len(urls)]
        attempt += 1
        try:
            answer = await http.post(f"{url}/monitoring/v1/reports", json=body, headers=headers)
        except httpx.TransportError as exc:
            burst.answers["cut"] += 1
            del exc
            await asyncio.sleep(0.1)
            continue
        burst.answers[str(answer.status_code)] += 1
        if answer.status_code in (200, 201):
            burst.accepted[(mine.licence_no, body["year"], body["period"])] = answer.json()["id"]
            return
        if answer.status_code == 503:
            burst.retry_after.add(answer.headers.get("Retry-After", "missing"))
            await asyncio.sleep(0.2)
            continue
        if answer.status_code == 500:  # outcome unknown to the client: ask again, same key
            await asyncio.sleep(0.2)
            continue
        burst.unexpected.append(f"{answer.status_code} {answer.text[:300]}")
        return
    burst.unexpected.append(f"no answer within {seconds}s for {key}")


async def run_burst(
    http: httpx.AsyncClient,
    urls: list[str],
    mines: list[Mine],
    per_mine: int,
    *,
    on_progress: Callable[[int], None] | None = None,
    burst: Burst | None = None,
) -> Burst:
    """Each mine sends ``per_mine`` reports one after the other; the mines at once."""
    burst = burst if burst is not None else Burst()

    async def mine_loop(mine: Mine, burst: Burst = burst) -> None:
        for year, period in slots(per_mine):
            await send_one(http, urls, mine, report(mine.licence_no, year, period), burst)
            if on_progress is not None:
                on_progress(len(burst.accepted))

    await asyncio.gather(*(mine_loop(m) for m in mines))
    return burst


async def reports_in_monitoring(
    http: httpx.AsyncClient, system: System, licence_no: str
) -> list[dict[str, Any]]:
    answer = await http.get(
        f"{system.url('monitoring')}/monitoring/v1/reports",
        params={"licence_no": licence_no, "limit": "1000"},
        headers=system.topology.auth("inspector"),
    )
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def reported_events(system: System, licence_nos: set[str]) -> dict[str, set[str]]:
    """report id → the distinct ids of the ``output.reported`` events on the topic."""
    transport = KafkaTransport(
        KafkaConfig(
            bootstrap=system.topology.kafka.bootstrap,
            idempotence=False,
            client_id=f"system-probe-{uuid.uuid4().hex[:6]}",
        )
    )
    events: dict[str, set[str]] = {}
    async for batch in transport.replay("lode.monitoring"):
        for delivery in batch:
            envelope = Envelope.from_json(delivery.value)
            if envelope.base_type.endswith("output.reported") and (
                envelope.data.get("licence_no") in licence_nos
            ):
                events.setdefault(envelope.data["report_id"], set()).add(envelope.id)
    return events


async def assert_exactly_once(
    http: httpx.AsyncClient, system: System, mines: list[Mine], burst: Burst, per_mine: int
) -> None:
    """The read model and the topic equal what the accepted requests imply."""
    assert not burst.unexpected, burst.unexpected
    assert len(burst.accepted) == per_mine * len(mines), (burst.answers, len(burst.accepted))
    for mine in mines:
        items = await reports_in_monitoring(http, system, mine.licence_no)
        stored = Counter((r["year"], r["period"]) for r in items)
        wanted = {(y, p): burst.accepted[(mine.licence_no, y, p)] for y, p in slots(per_mine)}
        assert stored == Counter(wanted.keys()), (
            f"{mine.licence_no}: stored {stored} != sent {wanted}"
        )
        assert {r["id"] for r in items} == set(wanted.values())
    expected_ids = set(burst.accepted.values())
    seen: dict[str, set[str]] = {}

    async def all_published() -> bool:
        seen.clear()
        seen.update(await reported_events(system, {m.licence_no for m in mines}))
        return expected_ids <= seen.keys()

    await eventually(
        all_published, timeout_s=60, what="every accepted report's event on lode.monitoring"
    )
    assert seen.keys() == expected_ids, "an event for a report nobody was told was accepted"
    doubled = {rid: ids for rid, ids in seen.items() if len(ids) != 1}
    assert not doubled, f"reports published as more than one event: {doubled}"
