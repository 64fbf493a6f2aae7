"""``lode audit verify`` on an embedded data directory: an intact chain passes; an entry
edited in the database, or a chain that no longer matches reporting's anchor, is named and
the command exits 1."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import insert, text
from typer.testing import CliRunner

from lode.cli import app
from lode_common.audit.context import AuditContext
from lode_common.audit.recording import AUDIT_ENTRY, entry_row
from lode_common.audit.sealing import seal
from lode_common.database import create_engine, migrate

runner = CliRunner()


async def _chain(data_dir: Path, n: int) -> str:
    """A migrated zoning database holding ``n`` sealed entries; the head's hash."""
    from lode_zoning.bootstrap import SPEC

    engine = create_engine(f"sqlite+aiosqlite:///{data_dir / 'zoning.db'}")
    try:
        await migrate(engine, SPEC.migrations_dir)
        who = AuditContext(actor="planner-1", roles=("planner",), action="POST /zoning/v1/plans")
        async with engine.begin() as conn:
            for i in range(n):
                await conn.execute(insert(AUDIT_ENTRY).values(entry_row(who, {"plan": [i]})))
        await seal(engine)
        async with engine.connect() as conn:
            head = await conn.execute(text("SELECT entry_hash FROM audit_entry WHERE seq = 2"))
            return str(head.scalar_one())
    finally:
        await engine.dispose()


async def _sql(database: Path, *statements: str) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LODE_DATABASE_URL", "LODE_ZONING_DATABASE_URL", "LODE_REPORTING_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_verify_passes_an_intact_chain_and_names_an_edited_entry(tmp_path: Path) -> None:
    asyncio.run(_chain(tmp_path, 4))
    args = ["audit", "verify", "--service", "zoning", "--data-dir", str(tmp_path)]
    ok = runner.invoke(app, args)
    assert ok.exit_code == 0, ok.output
    assert "完整 intact" in ok.output
    assert "anchors not read" in ok.output  # no reporting database here: a note, not a failure

    asyncio.run(_sql(tmp_path / "zoning.db", "UPDATE audit_entry SET actor = 'x' WHERE seq = 3"))
    broken = runner.invoke(app, [*args, "--json"])
    assert broken.exit_code == 1
    assert '"seq": 3' in broken.output
    assert '"kind": "edited"' in broken.output


def test_verify_checks_the_anchors_reporting_kept(tmp_path: Path) -> None:
    anchored = asyncio.run(_chain(tmp_path, 3))
    asyncio.run(
        _sql(
            tmp_path / "reporting.db",
            "CREATE TABLE audit_anchor (service TEXT, day TEXT, seq INTEGER, entry_hash TEXT)",
            f"INSERT INTO audit_anchor VALUES ('zoning', '2026-12-07', 2, '{anchored}')",  # noqa: S608 - a hash we computed
        )
    )
    args = ["audit", "verify", "--service", "zoning", "--data-dir", str(tmp_path)]
    ok = runner.invoke(app, args)
    assert ok.exit_code == 0, ok.output
    assert "已核锚定 anchors checked 1" in ok.output

    asyncio.run(_sql(tmp_path / "reporting.db", "UPDATE audit_anchor SET entry_hash = 'ff'"))
    rewritten = runner.invoke(app, args)
    assert rewritten.exit_code == 1
    assert "the chain was rewritten: entry 2" in rewritten.output
