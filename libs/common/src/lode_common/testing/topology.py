"""The distributed topology as real processes, for system tests and the load bench.

* PostgreSQL: always a throwaway cluster of its own (``initdb`` on a free port), so a fault
  test may restart it without touching anybody else's server; one database per service.
* A Tansu Kafka-protocol broker of its own, on a free loopback port.
* Each service a ``uvicorn lode_<svc>.main:create_app --factory`` process on its own port,
  configured by environment alone (``LODE_*``, as ``docker-compose.yml`` configures them);
  monitoring twice, the two instances in one consumer group on one database.

Every process writes its log to ``log_dir/<instance>.log`` (appended across restarts). A
process can be killed (any signal), frozen (SIGSTOP) and thawed, and started again on the
same port; :meth:`Topology.stop` ends everything this module started, and only that.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from lode_common.auth import issue_token
from lode_common.testing.services import (
    KafkaBroker,
    PostgresServer,
    Unavailable,
    free_port,
    start_kafka,
    start_throwaway_postgres,
)

ADMIN_TOKEN = "system-admin-token-0123456789abcdef-0123456789"
JWT_SECRET = "system-jwt-secret-0123456789abcdef-0123456789"
PROVINCE_SECRET = "system-province-secret-0123456789abcdef-012345"
SERVICES = ("zoning", "licensing", "monitoring", "reporting")


@dataclass
class ServiceProcess:
    """One uvicorn process of a service, restartable on the same port."""

    instance: str  # "monitoring-2"
    service: str  # "monitoring"
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def health_url(self) -> str:
        return f"{self.url}/{self.service}/health"

    def start(self) -> None:
        if self.alive():
            raise RuntimeError(f"{self.instance} is already running")
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start {self.starts} of {self.instance} =====\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    f"lode_{self.service}.main:create_app",
                    "--factory",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--no-access-log",
                    "--timeout-graceful-shutdown",
                    "10",
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, timeout_s: float = 90) -> None:
        """Until ``/<service>/health`` answers ``ok`` (the runtime has started)."""
        deadline = time.monotonic() + timeout_s
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.instance} exited with {self.process.returncode} before it was "
                    f"ready; its log: {self.log_path}"
                )
            try:
                answer = httpx.get(self.health_url, timeout=2)
                if answer.status_code == 200 and answer.json().get("status") == "ok":
                    return
                last = f"{answer.status_code} {answer.text[:200]}"
            except httpx.HTTPError as exc:
                last = repr(exc)
            time.sleep(0.1)
        raise TimeoutError(f"{self.instance} not ready in {timeout_s}s ({last}); {self.log_path}")

    def signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signum)

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, whatever was in flight is cut."""
        self.signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=30)

    def freeze(self) -> None:
        self.signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.signal(signal.SIGCONT)

    def restart(self, *, hard: bool = False) -> None:
        if hard:
            self.kill()
        else:
            self.stop()
        self.start()
        self.wait_ready()

    def stop(self, timeout_s: float = 30) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


@dataclass
class Topology:
    """PostgreSQL, the broker and the service processes, started by :func:`start_topology`."""

    postgres: PostgresServer
    kafka: KafkaBroker
    log_dir: Path
    databases: dict[str, str]
    processes: dict[str, ServiceProcess] = field(default_factory=dict)

    def instances(self, service: str) -> list[ServiceProcess]:
        return [p for p in self.processes.values() if p.service == service]

    def url(self, service: str, index: int = 0) -> str:
        return self.instances(service)[index].url

    def database_url(self, service: str, driver: str = "asyncpg") -> str:
        return self.postgres.url(self.databases[service], driver=driver)

    def auth(self, *roles: str, user: str = "system-test") -> dict[str, str]:
        """Headers with a staff token of ``roles`` signed with the topology's secret."""
        token = issue_token(JWT_SECRET, user=user, roles=list(roles))
        return {"Authorization": f"Bearer {token}"}

    @property
    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    def restart_postgres(self) -> None:
        """``pg_ctl restart -m fast`` of the topology's own cluster: every connection is cut.

        Unlike :meth:`PostgresServer.restart` the new server's output goes to the cluster's
        log file, not to a pipe this process would wait on for ever."""
        server = self.postgres
        if not server.owned or server.data_dir is None or server._bin is None:
            raise Unavailable("only the topology's own cluster is restarted")
        cmd = [
            str(server._bin / "pg_ctl"),
            "-D",
            str(server.data_dir),
            "-l",
            str(server.data_dir.parent / "log"),
            "-m",
            "fast",
            "-w",
            "restart",
        ]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(
            cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120
        )

    def start_all(self) -> None:
        # zoning first: it publishes the plan the others read; then the rest together
        first, rest = (
            self.instances("zoning"),
            [p for p in self.processes.values() if p.service != "zoning"],
        )
        for group in (first, rest):
            for process in group:
                process.start()
            for process in group:
                process.wait_ready()

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            with contextlib.suppress(Exception):
                process.stop()
        with contextlib.suppress(Exception):
            self.kafka.stop()
        with contextlib.suppress(Exception):
            self.postgres.stop()


def service_env(
    service: str,
    *,
    database_url: str,
    bootstrap: str,
    data_dir: Path,
    port: int,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of one service process: ``docker-compose.yml``'s, for a test host."""
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LODE_") and k not in ("FORWARDED_ALLOW_IPS",)
    }
    return {
        **inherited,
        "LODE_ENVIRONMENT": "development",
        "LODE_ADMIN_TOKEN": ADMIN_TOKEN,
        "LODE_JWT_SECRET": JWT_SECRET,
        "LODE_BUS": "kafka",
        "LODE_KAFKA_BOOTSTRAP": bootstrap,
        "LODE_KAFKA_IDEMPOTENCE": "false",  # Tansu does not take idempotent producers
        "LODE_KAFKA_SESSION_TIMEOUT_MS": "6000",  # a killed consumer's partitions move soon
        "LODE_DATABASE_URL": database_url,
        "LODE_DATA_DIR": str(data_dir),
        "LODE_DEMO": "false",
        "LODE_LOG_JSON": "true",
        "LODE_LOG_LEVEL": "INFO",
        "LODE_RELAY_MAX_BACKOFF_S": "1.0",
        "LODE_PORT": str(port),
        "LODE_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "PYTHONUNBUFFERED": "1",
        **(extra or {}),
    }


def start_topology(
    log_dir: Path,
    *,
    monitoring_instances: int = 2,
    province_url: str = "",
    extra_env: Mapping[str, Mapping[str, str]] | None = None,
) -> Topology:
    """Start PostgreSQL, the broker and every service process; wait until all are ready.

    ``province_url``: licensing forwards there (signed callbacks with
    :data:`PROVINCE_SECRET`); empty: decisions are entered locally. ``extra_env``: more
    environment per service name. On any failure everything started so far is stopped.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    postgres = start_throwaway_postgres()
    try:
        kafka = start_kafka()
    except Unavailable:
        postgres.stop()
        raise
    databases = {name: postgres.create_database(f"lode_{name}") for name in SERVICES}
    topology = Topology(postgres, kafka, log_dir, databases)
    try:
        ports = {name: free_port() for name in SERVICES}
        for name in SERVICES:
            count = monitoring_instances if name == "monitoring" else 1
            for i in range(count):
                instance = f"{name}-{i + 1}" if count > 1 else name
                port = ports[name] if i == 0 else free_port()
                extra = dict((extra_env or {}).get(name, {}))
                if name == "zoning":
                    extra.setdefault(
                        "LODE_ZONING_LICENSING_URL", f"http://127.0.0.1:{ports['licensing']}"
                    )
                if name == "licensing":
                    extra.setdefault(
                        "LODE_LICENSING_ZONING_URL", f"http://127.0.0.1:{ports['zoning']}"
                    )
                    extra.setdefault("LODE_LICENSING_RECHECK_INTERVAL_S", "0.5")
                    if province_url:
                        extra.setdefault("LODE_PROVINCE_URL", province_url)
                        extra.setdefault("LODE_PROVINCE_SECRET", PROVINCE_SECRET)
                data_dir = log_dir / "data" / instance
                data_dir.mkdir(parents=True, exist_ok=True)
                topology.processes[instance] = ServiceProcess(
                    instance=instance,
                    service=name,
                    port=port,
                    env=service_env(
                        name,
                        database_url=postgres.url(databases[name]),
                        bootstrap=kafka.bootstrap,
                        data_dir=data_dir,
                        port=port,
                        extra=extra,
                    ),
                    log_path=log_dir / f"{instance}.log",
                )
        topology.start_all()
    except BaseException:
        topology.stop()
        raise
    return topology
