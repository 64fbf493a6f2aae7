"""The system topology, started once per session: PostgreSQL (a throwaway cluster of its own,
one database per service), a Tansu broker of its own, the four services as uvicorn processes
(monitoring twice, one consumer group), and the province platform as a process.

Logs: every process writes to ``var/system-tests/<stamp>/<instance>.log``; the folder is
removed when every system test passed and kept (its path printed) when one failed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from lode_common.testing.plugin import missing
from lode_common.testing.services import Unavailable, free_port
from lode_common.testing.topology import PROVINCE_SECRET, Topology, start_topology

ROOT = Path(__file__).resolve().parents[2]
FAILED: list[str] = []


@dataclass
class Platform:
    """The province platform process (see :mod:`.province_platform`)."""

    port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.system.province_platform",
                    "--port",
                    str(self.port),
                    "--secret",
                    PROVINCE_SECRET,
                ],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise TimeoutError(f"the province platform did not start; {self.log_path}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def switch(self, **settings: object) -> dict[str, object]:
        answer = httpx.post(f"{self.url}/_control", json=settings, timeout=5)
        answer.raise_for_status()
        state: dict[str, object] = answer.json()
        return state


@dataclass
class System:
    topology: Topology
    platform: Platform

    def url(self, service: str, index: int = 0) -> str:
        return self.topology.url(service, index)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.failed and report.nodeid.startswith("tests/system/"):
        FAILED.append(report.nodeid)


@pytest.fixture(scope="session")
def system() -> Iterator[System]:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    log_dir = ROOT / "var" / "system-tests" / f"{stamp}-{os.getpid()}"
    log_dir.mkdir(parents=True, exist_ok=True)
    platform = Platform(free_port(), log_dir / "province-platform.log")
    platform.start()
    try:
        topology = start_topology(
            log_dir,
            province_url=platform.url,
            # the daily passes (deadlines, lists, overdue orders) every 2 s: a recorded order
            # past its due day is overdue within the story, not the next hour
            extra_env={"monitoring": {"LODE_MONITORING_DAILY_PASS_INTERVAL_S": "2"}},
        )
    except Unavailable as exc:
        platform.stop()
        missing("the system topology", str(exc))
        raise
    except BaseException:
        platform.stop()
        print(f"\nsystem test logs kept in {log_dir}")
        raise
    try:
        yield System(topology, platform)
    finally:
        topology.stop()
        platform.stop()
        if FAILED:
            print(f"\nsystem test logs kept in {log_dir} (failed: {', '.join(FAILED)})")
        else:
            shutil.rmtree(log_dir, ignore_errors=True)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client
