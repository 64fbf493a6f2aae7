"""The two deployments the bench drives, each started and stopped by it.

* distributed: :func:`lode_common.testing.topology.start_topology` — a throwaway PostgreSQL
  cluster (a database per service), a Tansu broker, each service a uvicorn process, monitoring
  twice in one consumer group; decisions entered locally (no province platform).
* embedded: ``lode up`` as a subprocess on a free port (one process, SQLite files, the
  in-process bus), with the same secrets and no demo data.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from lode_common.auth import issue_token
from lode_common.testing.services import free_port
from lode_common.testing.topology import ADMIN_TOKEN, JWT_SECRET, SERVICES, start_topology

from .workload import PLAN, YEAR


@dataclass
class Target:
    """Where each service answers, and how to stop the lot."""

    name: str
    urls: dict[str, list[str]]  # service → its instances' base URLs
    log_dir: Path
    pids: dict[str, int]  # process → pid, for the CPU accounting (PostgreSQL apart)
    databases: dict[str, str] = field(default_factory=dict)  # service → asyncpg DSN

    def url(self, service: str, index: int = 0) -> str:
        instances = self.urls[service]
        return instances[index % len(instances)]

    def metrics_urls(self) -> list[tuple[str, str]]:
        """(instance, URL) of every process's ``/<service>/metrics``."""
        out = []
        for service, urls in self.urls.items():
            for i, url in enumerate(urls):
                out.append((f"{service}-{i + 1}", f"{url}/{service}/metrics"))
        return out

    @staticmethod
    def auth(*roles: str) -> dict[str, str]:
        token = issue_token(JWT_SECRET, user="bench-load", roles=list(roles))
        return {"Authorization": f"Bearer {token}"}

    @staticmethod
    def admin() -> dict[str, str]:
        return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def wait_for_plan(target: Target, timeout_s: float = 120) -> None:
    """Until reporting evaluates the plan (zoning published it and the event arrived)."""
    deadline = time.monotonic() + timeout_s
    last = ""
    while time.monotonic() < deadline:
        try:
            answer = httpx.get(
                f"{target.url('reporting')}/reporting/v1/indicators",
                params={"plan_id": PLAN, "year": str(YEAR)},
                headers=Target.auth("viewer"),
                timeout=5,
            )
            if answer.status_code == 200:
                return
            last = f"{answer.status_code} {answer.text[:200]}"
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.2)
    raise TimeoutError(f"{target.name}: the plan did not reach reporting ({last})")


@contextlib.contextmanager
def distributed(log_dir: Path, monitoring_instances: int = 2) -> Iterator[Target]:
    topology = start_topology(log_dir, monitoring_instances=monitoring_instances)
    try:
        urls = {s: [p.url for p in topology.instances(s)] for s in SERVICES}
        pids = {
            name: p.process.pid for name, p in topology.processes.items() if p.process is not None
        }
        pids["broker (Tansu)"] = topology.kafka.process.pid
        databases = {
            s: topology.database_url(s).replace("postgresql+asyncpg://", "postgresql://")
            for s in SERVICES
        }
        target = Target("distributed", urls, log_dir, pids, databases)
        wait_for_plan(target)
        yield target
    finally:
        topology.stop()


def _lode_command() -> list[str]:
    script = Path(sys.executable).parent / "lode"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from lode.cli import main; main()"]


@contextlib.contextmanager
def embedded(log_dir: Path) -> Iterator[Target]:
    port = free_port()
    data_dir = log_dir / "embedded-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LODE_")},
        "LODE_ADMIN_TOKEN": ADMIN_TOKEN,
        "LODE_JWT_SECRET": JWT_SECRET,
        "LODE_DEMO": "false",
        "LODE_LOG_JSON": "true",
        "LODE_LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = log_dir / "embedded.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [*_lode_command(), "up", "--port", str(port), "--data-dir", str(data_dir)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        target = Target(
            "embedded", {s: [base] for s in SERVICES}, log_dir, {"lode up": process.pid}
        )
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"lode up exited with {process.returncode}; see {log_path}")
            try:
                if httpx.get(f"{base}/reporting/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"lode up not ready in 120 s; see {log_path}")
            time.sleep(0.2)
        wait_for_plan(target)
        yield target
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
