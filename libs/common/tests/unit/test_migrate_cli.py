"""``python -m lode_<service>.migrate``: the separate migration step of a deployment."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

from .support import migrations_head, zoning_migrations


def run_migrate(database_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("LODE_")}
    env["LODE_ZONING_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "lode_zoning.migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_migrate_applies_the_migrations_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "zoning.db"
    result = run_migrate(f"sqlite+aiosqlite:///{path}")
    assert result.returncode == 0, result.stderr
    assert "zoning: database is at the latest migration" in result.stdout
    with sqlite3.connect(path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = db.execute("SELECT version_num FROM alembic_version").fetchone()
    assert {"outbox", "inbox", "dead_letter"} <= tables
    assert version == (migrations_head(zoning_migrations()),)


def test_a_failed_migration_exits_1_and_says_why() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run_migrate(f"postgresql+asyncpg://lode@127.0.0.1:{port}/lode")
    assert result.returncode == 1
    assert "zoning: migrations failed on ZoningSettings:" in result.stderr
