"""The mines sending: one client (one kept-alive connection) per mine, in a closed loop."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import httptools
import httpx
from starlette.types import ASGIApp

from bench.reports.cpu import CpuSample
from bench.reports.servers import Server
from bench.reports.workload import split
from lode_common.testing.services import KafkaBroker


@dataclass
class Run:
    label: str
    n: int
    seconds: float
    latencies: list[float]
    completed_at: list[float]  # seconds from the start, in completion order
    ids: list[str]
    findings: int
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.n / self.seconds

    def quarter_rates(self) -> list[float]:
        """Reports/s in each quarter of the run (by count of answers)."""
        done = sorted(self.completed_at)
        edges = [0.0] + [done[round(q * len(done) / 4) - 1] for q in (1, 2, 3, 4)]
        sizes = split(len(done), 4)
        return [
            round(size / (b - a)) if b > a else float("nan")
            for size, a, b in zip(sizes, edges, edges[1:], strict=False)
        ]


class _Response:
    """httptools' callbacks: one HTTP response."""

    __slots__ = ("body", "done", "headers")

    def __init__(self) -> None:
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.done = False

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.done = True


class LeanTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 over one kept-alive loopback connection, the answer parsed by httptools (C).

    httpx's default transport (httpcore + h11, pure Python) spends about 600 µs of CPU per
    request on this 2-CPU machine, more than the bare server itself: the client would set
    (0)'s and (a)'s rates. Under httpx.AsyncClient this one spends about a third of that.
    One request at a time (one mine, one connection)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        head = [f"{request.method} {request.url.raw_path.decode()} HTTP/1.1".encode()]
        head += [name + b": " + value for name, value in request.headers.raw]
        writer.write(b"\r\n".join(head) + b"\r\n\r\n" + request.content)
        response = _Response()
        parser = httptools.HttpResponseParser(response)
        while not response.done:
            data = await reader.read(65536)
            if not data:
                self.streams = None
                raise httpx.RemoteProtocolError("the server closed the connection")
            parser.feed_data(data)
        return httpx.Response(
            parser.get_status_code(), headers=response.headers, content=b"".join(response.body)
        )

    async def aclose(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


def mine_clients(
    base_url: str, keys: Sequence[str], *, app: ASGIApp | None = None, httpcore: bool = False
) -> list[httpx.AsyncClient]:
    """One client (one connection) per mine, its key in every request."""
    url = httpx.URL(base_url)
    clients = []
    for key in keys:
        transport: httpx.AsyncBaseTransport | None = None
        if app is not None:
            transport = httpx.ASGITransport(app=app)
        elif not httpcore:
            transport = LeanTransport(url.host, url.port or 80)
        clients.append(
            httpx.AsyncClient(
                base_url=base_url,
                headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
                limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                timeout=120,
                transport=transport,
            )
        )
    return clients


async def drive(
    label: str,
    clients: Sequence[httpx.AsyncClient],
    path: str,
    bodies: Sequence[Sequence[bytes]],
    *,
    seconds: float | None = None,
) -> Run:
    """Every mine sends its bodies one after the other, all mines at once, and none after
    ``seconds``. Any answer but 201 fails the run (after it, with the first few answers)."""
    latencies: list[float] = []
    completed: list[float] = []
    ids: list[str] = []
    problems: list[str] = []
    findings = 0
    clock = time.perf_counter
    start = clock()
    deadline = start + seconds if seconds else math.inf

    async def mine(client: httpx.AsyncClient, contents: Sequence[bytes]) -> None:
        nonlocal findings
        for content in contents:
            t0 = clock()
            if t0 > deadline:
                return
            r = await client.post(path, content=content)
            t1 = clock()
            if r.status_code != 201:
                problems.append(f"{r.status_code} {r.text[:400]}")
                continue
            latencies.append(t1 - t0)
            completed.append(t1 - start)
            answer = r.json()
            ids.append(answer["id"])
            findings += len(answer["findings"])

    await asyncio.gather(*(mine(c, b) for c, b in zip(clients, bodies, strict=True)))
    elapsed = clock() - start
    if problems:
        shown = "\n  ".join(problems[:5])
        raise AssertionError(f"{label}: {len(problems)} answers were not 201:\n  {shown}")
    return Run(label, len(ids), elapsed, latencies, completed, ids, findings)


async def timed(
    label: str,
    server: Server,
    broker: KafkaBroker,
    clients: Sequence[httpx.AsyncClient],
    path: str,
    bodies: Sequence[Sequence[bytes]],
    seconds: float,
) -> Run:
    before = CpuSample.take(server.process.pid, broker.process.pid)
    run = await drive(label, clients, path, bodies, seconds=seconds)
    run.cpu = CpuSample.take(server.process.pid, broker.process.pid).used_since(before, run.n)
    return run
