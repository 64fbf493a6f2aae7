"""The servers under test, each in its own process (``python -m bench.reports --serve
...``): the bare FastAPI endpoint (0, a) and the monitoring service as deployed (b)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from lode_common.logging import configure_logging
from lode_common.testing.services import free_port
from lode_monitoring.bootstrap import build
from lode_monitoring.settings import MonitoringSettings

ROOT = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "bench-admin-token-0123456789abcdef-0123456789"  # noqa: S105
JWT_SECRET = "bench-jwt-secret-0123456789abcdef-0123456789"  # noqa: S105
BARE_POOL = 20  # the service's engine: pool_size 10 + max_overflow 10


BARE_DDL = """
CREATE TABLE bench_report (
    row_id serial PRIMARY KEY,
    id varchar(36) NOT NULL,
    version integer NOT NULL,
    is_current boolean NOT NULL,
    licence_no varchar(23) NOT NULL,
    year integer NOT NULL,
    period varchar(10) NOT NULL,
    body jsonb NOT NULL,
    ore_mined_10kt numeric(18, 4),
    reason varchar,
    submitted_by varchar(200) NOT NULL,
    submitted_at timestamp with time zone NOT NULL,
    illustrative boolean NOT NULL,
    CONSTRAINT uq_bench_report_version UNIQUE (licence_no, year, period, version)
);
CREATE INDEX ix_bench_report_id ON bench_report (id);
CREATE INDEX ix_bench_report_current ON bench_report (licence_no, year, period, is_current);
"""
BARE_INSERT = """
INSERT INTO bench_report (id, version, is_current, licence_no, year, period, body,
                          ore_mined_10kt, reason, submitted_by, submitted_at, illustrative)
VALUES ($1, 1, true, $2, $3, $4, $5, $6, NULL, $7, $8, false)
"""


def bare_app(dsn: str) -> FastAPI:
    """(0) and (a): read the body, insert the row (or not), answer as monitoring does."""
    pools: list[Any] = []

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        pools.append(await asyncpg.create_pool(dsn, min_size=BARE_POOL, max_size=BARE_POOL))
        yield
        await pools[0].close()

    app = FastAPI(lifespan=lifespan)

    def answer(report_id: str, body: dict[str, Any]) -> JSONResponse:
        return JSONResponse(
            {
                "id": report_id,
                "version": 1,
                "licence_no": body["licence_no"],
                "year": body["year"],
                "period": body["period"],
                "findings": [],
            },
            status_code=201,
        )

    @app.get("/bare/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/bare/noop", status_code=201)
    async def noop(request: Request) -> JSONResponse:
        return answer(str(uuid.uuid4()), json.loads(await request.body()))

    @app.post("/bare/reports", status_code=201)
    async def insert(request: Request) -> JSONResponse:
        raw = await request.body()
        body = json.loads(raw)
        report_id = str(uuid.uuid4())
        await pools[0].execute(
            BARE_INSERT,
            report_id,
            body["licence_no"],
            body["year"],
            body["period"],
            raw.decode(),
            Decimal(str(body["ore_mined_10kt"])),
            "bare",
            datetime.now(UTC),
        )
        return answer(report_id, body)

    return app


def monitoring_settings(database_url: str, bootstrap: str, data_dir: Path) -> MonitoringSettings:
    return MonitoringSettings(
        database_url=database_url,
        bus="kafka",
        kafka_bootstrap=bootstrap,
        kafka_idempotence=False,
        admin_token=ADMIN_TOKEN,
        jwt_secret=JWT_SECRET,
        demo=False,
        log_json=True,
        data_dir=data_dir,
    )


def serve(kind: str, port: int, database_url: str, bootstrap: str) -> None:
    """The server process: one uvicorn worker (uvloop, httptools) as ``lode up`` runs it."""
    if kind == "bare":
        app = bare_app(database_url)
    else:
        settings = monitoring_settings(database_url, bootstrap, Path(tempfile.mkdtemp()))
        configure_logging(settings.log_level, json=settings.log_json)  # as lode_monitoring.main
        _runtime, app = build(settings)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        lifespan="on",
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=15,
    )
    uvicorn.Server(config).run()


@dataclass
class Server:
    kind: str
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    @classmethod
    def start(cls, kind: str, database_url: str, bootstrap: str = "") -> Server:
        port = free_port()
        log_path = Path(tempfile.mkstemp(prefix=f"bench-reports-{kind}-", suffix=".log")[1])
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bench.reports",
                    "--serve",
                    kind,
                    "--port",
                    str(port),
                    "--database-url",
                    database_url,
                    "--bootstrap",
                    bootstrap,
                ],
                cwd=ROOT,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        return cls(kind, process, f"http://127.0.0.1:{port}", log_path)

    async def ready(self, health: str, timeout_s: float = 120) -> None:
        deadline = time.monotonic() + timeout_s
        async with httpx.AsyncClient(base_url=self.base_url, timeout=5) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the {self.kind} server exited:\n{self.tail()}")
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(health)).status_code == 200:
                        return
                await asyncio.sleep(0.1)
        raise TimeoutError(f"the {self.kind} server did not answer in {timeout_s}s:\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log_path.unlink(missing_ok=True)
