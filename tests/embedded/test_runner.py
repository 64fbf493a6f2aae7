"""The embedded runner: four services in one process, SQLite, the in-process bus."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from lode.embedded import SERVICES, EmbeddedSystem, embedded_secrets
from lode_common.events.envelope import new_envelope
from lode_common.testing import eventually
from lode_common.testing.services import free_port, wait_for_port

LODE = Path(sys.executable).parent / "lode"


def test_lode_up_serves_four_health_endpoints_and_stops_cleanly_on_sigterm(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "LODE_PORT": str(port),
        "LODE_DATA_DIR": str(tmp_path / "var"),
        "LODE_LOG_JSON": "true",
    }
    env.pop("LODE_ADMIN_TOKEN", None)
    proc = subprocess.Popen(
        [str(LODE), "up"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        wait_for_port("127.0.0.1", port, 60, "lode up")
        for name in SERVICES:
            r = httpx.get(f"http://127.0.0.1:{port}/{name}/health", timeout=10)
            assert r.status_code == 200
            assert r.json()["status"] == "ok"
            spec = httpx.get(f"http://127.0.0.1:{port}/{name}/openapi.json", timeout=10)
            assert spec.json()["info"]["title"].startswith(f"Lode {name}")
        token = embedded_secrets(tmp_path / "var").admin_token
        admin = httpx.get(
            f"http://127.0.0.1:{port}/zoning/v1/admin/outbox",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert admin.status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    text = out.decode()
    # uvicorn re-raises the signal after a graceful shutdown: killed-by-SIGTERM is clean
    assert proc.returncode in (0, -signal.SIGTERM), text
    assert f"http://127.0.0.1:{port}/" in text
    assert token in text, "the admin token is printed at start"
    for name in SERVICES:
        assert f'"service": "{name}", "event": "service stopped"' in text
    for name in SERVICES:
        assert (tmp_path / "var" / f"{name}.db").exists()


async def test_events_left_in_the_outbox_at_shutdown_are_published_on_the_next_start(
    tmp_path: Path,
) -> None:
    data = tmp_path / "var"
    first = EmbeddedSystem(data_dir=data, port=free_port())
    await first.start()
    zoning = first.runtimes["zoning"]
    first.transport.available = False  # the bus refuses: the event stays in the outbox
    envelope = new_envelope(
        event_type="lode.zoning.zone.retired.v1", subject="zone-1", data={"zone_id": "zone-1"}
    )
    async with zoning.uow() as uow:
        uow.emit_envelope(envelope)
        await uow.commit()
    await first.stop()

    second = EmbeddedSystem(data_dir=data, port=free_port())
    await second.start()
    try:
        outbox = second.runtimes["zoning"].tables.outbox

        async def published() -> bool:
            async with second.runtimes["zoning"].sessions() as session:
                sent_at = (
                    await session.execute(
                        select(outbox.c.sent_at).where(outbox.c.event_id == envelope.id)
                    )
                ).scalar()
            return sent_at is not None

        await eventually(
            published, timeout_s=20, what="the next start to publish what the last one left"
        )
        records = second.transport.db.execute(
            "SELECT COUNT(*) FROM records "
            "WHERE topic = 'lode.zoning' AND CAST(value AS TEXT) LIKE ?",
            (f"%{envelope.id}%",),
        ).fetchone()[0]
        assert records == 1
    finally:
        await second.stop()


def test_embedded_mode_ignores_a_database_url_and_keeps_one_sqlite_file_per_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LODE_DATABASE_URL", "postgresql+asyncpg://nobody@nowhere/none")
    system = EmbeddedSystem(data_dir=tmp_path)
    urls = {name: rt.settings.resolved_database_url() for name, rt in system.runtimes.items()}
    assert urls == {name: f"sqlite+aiosqlite:///{tmp_path / f'{name}.db'}" for name in SERVICES}
    assert len({rt.settings.admin_token for rt in system.runtimes.values()}) == 1
