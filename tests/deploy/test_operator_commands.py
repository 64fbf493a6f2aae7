"""The operator commands against a real embedded data directory with data in it:
``lode outbox status``, ``lode deadletters list|redrive``, ``lode backup`` / ``lode restore``."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import tarfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from typer.testing import CliRunner

from lode.cli import app
from lode.embedded import SERVICES, EmbeddedSystem
from lode_common.messaging.transport import Message
from lode_common.testing import eventually

pytestmark = pytest.mark.timeout(240)
T = TypeVar("T")
runner = CliRunner()


def run(data_dir: Path, work: Callable[[EmbeddedSystem, httpx.AsyncClient], Awaitable[T]]) -> T:
    """Start the embedded system on ``data_dir`` (its own event loop), do ``work``, stop it."""

    async def main() -> T:
        system = EmbeddedSystem(data_dir=data_dir, demo=False, log_json=False)
        await system.start()
        try:
            transport = httpx.ASGITransport(app=system.asgi())
            async with httpx.AsyncClient(transport=transport, base_url="http://lode") as client:
                return await work(system, client)
        finally:
            await system.stop()

    return asyncio.run(main())


def admin(system: EmbeddedSystem) -> dict[str, str]:
    return {"Authorization": f"Bearer {system.secrets.admin_token}"}


ZONE = {
    "type": "Feature",
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [[118.8, 41.0], [118.82, 41.0], [118.82, 41.02], [118.8, 41.02], [118.8, 41.0]]
        ],
    },
    "properties": {
        "plan_id": "pingquan-2021-2025",
        "type": "mining_block",
        "code": "B-77",
        "name_zh": "备份示意区块",
        "minerals": ["铁矿"],
    },
}


async def create_zone(system: EmbeddedSystem, client: httpx.AsyncClient) -> str:
    r = await client.post("/zoning/v1/zones", json=ZONE, headers=admin(system))
    assert r.status_code == 201, r.text
    zone_id: str = r.json()["id"]
    return zone_id


async def park_a_poison_message(system: EmbeddedSystem, client: httpx.AsyncClient) -> None:
    """A message on lode.licensing that is no CloudEvent: zoning parks it."""
    await system.transport.publish([Message("lode.licensing", "poison-1", b"not an envelope")])

    async def parked() -> bool:
        r = await client.get("/zoning/v1/admin/dead-letters", headers=admin(system))
        return bool(r.json()["total"])

    await eventually(parked, what="zoning parks the poison message")


def invoke(*args: str) -> Any:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded data directory with a zone, the plan's events and a parked event."""
    path = tmp_path_factory.mktemp("lode") / "var"

    async def work(system: EmbeddedSystem, client: httpx.AsyncClient) -> None:
        await create_zone(system, client)
        await park_a_poison_message(system, client)

    run(path, work)
    return path


def test_outbox_status_shows_every_service(data_dir: Path) -> None:
    result = invoke("outbox", "status", "--data-dir", str(data_dir), "--json")
    assert result.exit_code == 0, result.output
    rows = {r["service"]: r for r in json.loads(result.stdout)}
    assert set(rows) == set(SERVICES)
    zoning = rows["zoning"]
    assert zoning["unsent"] == 0  # the relay drained on stop
    assert zoning["oldest_age_s"] is None
    assert zoning["last_sent_at"] is not None  # the plan and the zone were published
    table = invoke("outbox", "status", "--data-dir", str(data_dir), "--service", "zoning")
    assert table.exit_code == 0
    assert "zoning" in table.stdout
    assert "licensing" not in table.stdout


def test_outbox_status_names_a_missing_database(tmp_path: Path) -> None:
    result = invoke("outbox", "status", "--data-dir", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert "zoning.db does not exist" in result.output
    unknown = invoke("outbox", "status", "--service", "mining")
    assert unknown.exit_code == 2
    assert "unknown service 'mining'" in unknown.output


def test_deadletters_list_and_a_redrive_that_fails_again(data_dir: Path) -> None:
    listed = invoke("deadletters", "list", "--data-dir", str(data_dir), "--json")
    assert listed.exit_code == 0, listed.output
    parked = json.loads(listed.stdout)
    # Every consumer of lode.licensing parked its own copy.
    assert sorted((r["service"], r["key"], r["status"]) for r in parked) == [
        ("monitoring", "poison-1", "parked"),
        ("reporting", "poison-1", "parked"),
        ("zoning", "poison-1", "parked"),
    ]
    assert all("not a CloudEvents envelope" in r["error"] for r in parked)
    rows = [r for r in parked if r["service"] == "zoning"]
    table = invoke("deadletters", "list", "--data-dir", str(data_dir), "--service", "zoning")
    assert "poison-1" in table.stdout

    # An id without its service is ambiguous; an unknown id is named.
    assert invoke("deadletters", "redrive", str(rows[0]["id"])).exit_code == 2
    missing = invoke(
        "deadletters", "redrive", "999", "--service", "zoning", "--data-dir", str(data_dir)
    )
    assert missing.exit_code == 1
    assert "no parked event 999 in zoning" in missing.output

    # Still no envelope: the inbox's redrive fails, the event stays parked, one attempt more.
    again = invoke(
        "deadletters", "redrive", str(rows[0]["id"]), "-s", "zoning", "--data-dir", str(data_dir)
    )
    assert again.exit_code == 1
    assert "failed again, still parked" in again.output
    listed = invoke("deadletters", "list", "-s", "zoning", "--data-dir", str(data_dir), "--json")
    after = json.loads(listed.stdout)
    assert after[0]["status"] == "parked"
    assert after[0]["attempts"] == rows[0]["attempts"] + 1
    every = invoke("deadletters", "redrive", "--all", "--data-dir", str(data_dir))
    assert every.exit_code == 1
    for r in parked:
        assert f"{r['service']} #{r['id']}: failed again" in every.output


def test_backup_wipe_restore_brings_the_data_back_and_the_system_starts(
    data_dir: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "lode-backup.tar.gz"
    result = invoke("backup", "--out", str(archive), "--data-dir", str(data_dir))
    assert result.exit_code == 0, result.output
    assert "backed up" in result.output
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert names == {"manifest.json", "bus.db", "secrets.json", *(f"{s}.db" for s in SERVICES)}
    assert set(manifest["files"]) == names - {"manifest.json"}
    assert all(len(f["sha256"]) == 64 for f in manifest["files"].values())

    # Never overwritten.
    again = invoke("backup", "--out", str(archive), "--data-dir", str(data_dir))
    assert again.exit_code == 1
    assert "exists" in again.output

    # Wipe, restore, start: the zone is back, the tokens still valid, the bus still replays.
    wiped = tmp_path / "restored" / "var"
    restored = invoke("restore", str(archive), "--data-dir", str(wiped))
    assert restored.exit_code == 0, restored.output

    async def check(system: EmbeddedSystem, client: httpx.AsyncClient) -> list[str]:
        r = await client.get("/zoning/v1/zones?code=B-77", headers=admin(system))
        assert r.status_code == 200, r.text
        zones = await client.get("/zoning/v1/zones", headers=admin(system))
        return [f["properties"]["code"] for f in zones.json()["features"]]

    assert "B-77" in run(wiped, check)
    assert json.loads((wiped / "secrets.json").read_text()) == json.loads(
        (data_dir / "secrets.json").read_text()
    )


def test_restore_replaces_existing_data_and_keeps_it_aside(data_dir: Path, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar.gz"
    assert invoke("backup", "-o", str(archive), "--data-dir", str(data_dir)).exit_code == 0
    target = tmp_path / "var"

    async def nothing(system: EmbeddedSystem, client: httpx.AsyncClient) -> None:
        return None

    run(target, nothing)  # an empty system of its own
    result = invoke("restore", str(archive), "--data-dir", str(target))
    assert result.exit_code == 0, result.output
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("var.before-restore-")]
    assert len(kept) == 1
    assert (kept[0] / "zoning.db").exists()
    assert "remove it when done" in result.output


def test_restore_is_refused_while_the_system_runs(data_dir: Path, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar.gz"
    assert invoke("backup", "-o", str(archive), "--data-dir", str(data_dir)).exit_code == 0

    async def try_restore(system: EmbeddedSystem, client: httpx.AsyncClient) -> Any:
        return invoke("restore", str(archive), "--data-dir", str(data_dir))

    result = run(data_dir, try_restore)
    assert result.exit_code == 1
    assert "is running on" in result.output


def test_a_damaged_archive_restores_nothing(data_dir: Path, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar.gz"
    assert invoke("backup", "-o", str(archive), "--data-dir", str(data_dir)).exit_code == 0
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "zoning.db":
                data = data[:-1] + bytes([data[-1] ^ 0xFF])
            member.size = len(data)
            import io

            dst.addfile(member, io.BytesIO(data))
    target = tmp_path / "target"
    result = invoke("restore", str(damaged), "--data-dir", str(target))
    assert result.exit_code == 1
    assert "zoning.db: checksum" in result.output
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if ".restore-" in p.name]


def test_events_sent_after_the_bus_copy_are_published_again(tmp_path: Path) -> None:
    """The bus is copied first: an outbox row marked sent after that moment is marked unsent
    on restore, so the relay publishes it again (the consumers' inboxes drop duplicates)."""
    from lode.backup import _republish_after

    staging = tmp_path / "staging"
    staging.mkdir()
    db = sqlite3.connect(staging / "zoning.db")
    db.execute("CREATE TABLE outbox (seq INTEGER PRIMARY KEY, sent_at TEXT)")
    db.executemany(
        "INSERT INTO outbox VALUES (?, ?)",
        [(1, "2026-03-01 08:00:00.000000"), (2, "2026-03-01 09:00:00.000000"), (3, None)],
    )
    db.commit()
    db.close()
    assert _republish_after(staging, "2026-03-01T08:30:00+00:00") == 1
    db = sqlite3.connect(staging / "zoning.db")
    assert db.execute("SELECT seq FROM outbox WHERE sent_at IS NULL ORDER BY seq").fetchall() == [
        (2,),
        (3,),
    ]
    db.close()
