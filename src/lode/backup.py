"""Backup and restore of the embedded mode's data directory (``lode backup`` / ``lode restore``).

A backup is a ``.tar.gz`` holding ``manifest.json`` and a copy of each SQLite database (the
bus log ``bus.db``, then ``<service>.db`` for every service) taken with SQLite's online
backup API, so it can be taken while the system runs; plus ``secrets.json`` (the embedded
admin token and JWT key: keep the archive as safe as the data directory itself). The
manifest lists every file with its size and SHA-256.

The bus is copied first and the services after it; a service may have published events after
the bus copy was taken. ``restore`` therefore marks unsent again every outbox row sent after
``bus_copied_at`` (less a margin): the relay publishes them again on start and the
consumers' inboxes drop what they had already handled. Nothing is lost, nothing is applied
twice.

``restore`` refuses while a system runs on the directory (its lock, see ``embedded.py``),
verifies every checksum before touching anything, builds the restored directory beside the
current one and swaps them by renaming; the previous data stays in
``<data_dir>.before-restore-<time>`` until the operator removes it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lode.embedded import SERVICES, data_dir_in_use

FORMAT = "lode-embedded-backup/1"
MANIFEST = "manifest.json"
BUS = "bus.db"
SECRETS = "secrets.json"
REPUBLISH_MARGIN = timedelta(seconds=5)  # clocks of one machine; a wide margin costs nothing

Progress = Callable[[str, int, int], None]  # (file, pages done, pages in all)


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Restored:
    data_dir: Path
    previous: Path | None  # where the replaced data was kept
    files: list[str]
    republished: int  # outbox rows marked unsent again


def databases(data_dir: Path) -> list[str]:
    """The database files of a data directory, the bus first."""
    names = [BUS, *(f"{service}.db" for service in SERVICES)]
    return [name for name in names if (data_dir / name).exists()]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_database(source: Path, target: Path, progress: Progress | None) -> None:
    """An online, consistent copy (SQLite's backup API), reported page by page."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:

        def report(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(source.name, total - remaining, total)

        src.backup(dst, pages=256, progress=report)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside
    finally:
        dst.close()
        src.close()


def backup(data_dir: Path, out: Path, *, progress: Progress | None = None) -> dict[str, Any]:
    """Write a backup of ``data_dir`` to ``out`` (never overwritten); returns the manifest."""
    if out.exists():
        raise BackupError(f"{out} exists; choose another file (a backup never overwrites)")
    names = databases(data_dir)
    if not names:
        raise BackupError(f"{data_dir} holds no Lode databases (run 'lode up' once, or --data-dir)")
    files: dict[str, dict[str, Any]] = {}
    bus_copied_at: str | None = None
    with tempfile.TemporaryDirectory(prefix="lode-backup-") as tmp:
        staging = Path(tmp)
        for name in names:
            _copy_database(data_dir / name, staging / name, progress)
            if name == BUS:
                bus_copied_at = datetime.now(UTC).isoformat()
        if (data_dir / SECRETS).exists():
            shutil.copy2(data_dir / SECRETS, staging / SECRETS)
            names.append(SECRETS)
        for name in names:
            path = staging / name
            files[name] = {"bytes": path.stat().st_size, "sha256": _sha256(path)}
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(),
            "source": str(data_dir.resolve()),
            "bus_copied_at": bus_copied_at,
            "files": files,
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        try:
            target = out.open("xb")  # refuses a file created meanwhile
        except FileExistsError:
            raise BackupError(f"{out} exists; choose another file") from None
        try:
            with target, tarfile.open(fileobj=target, mode="w:gz") as archive:
                raw = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = (
                    len(raw),
                    int(datetime.now(UTC).timestamp()),
                    0o600,
                )
                archive.addfile(info, io.BytesIO(raw))
                for name in names:
                    archive.add(staging / name, arcname=name)
        except BaseException:
            out.unlink(missing_ok=True)
            raise
    return manifest


def read_manifest(archive_path: Path) -> dict[str, Any]:
    with _open(archive_path) as archive:
        return _manifest(archive)


@contextmanager
def _open(archive_path: Path) -> Iterator[tarfile.TarFile]:
    if not archive_path.is_file():
        raise BackupError(f"{archive_path} is not a file")
    try:
        with tarfile.open(archive_path, mode="r:gz") as archive:
            yield archive
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{archive_path} is not a Lode backup (.tar.gz): {exc}") from exc


def _manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise BackupError("the archive has no manifest.json: not a Lode backup")
    manifest: dict[str, Any] = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r} (expected {FORMAT})")
    allowed = {BUS, SECRETS, *(f"{s}.db" for s in SERVICES)}
    unknown = set(manifest["files"]) - allowed
    if unknown:
        raise BackupError(f"the manifest names files Lode does not keep: {sorted(unknown)}")
    return manifest


def restore(archive_path: Path, data_dir: Path) -> Restored:
    """Replace ``data_dir`` by the backup's data (refused while a system runs on it)."""
    if data_dir_in_use(data_dir):
        raise BackupError(
            f"a Lode system is running on {data_dir}; stop it (Ctrl-C or SIGTERM to 'lode up') "
            "and restore again"
        )
    parent = data_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.restore-", dir=parent))
    try:
        with _open(archive_path) as archive:
            manifest = _manifest(archive)
            for name, expected in manifest["files"].items():
                member = archive.extractfile(name)
                if member is None:
                    raise BackupError(f"{name} is in the manifest but not in the archive")
                with (staging / name).open("wb") as f:
                    shutil.copyfileobj(member, f)
                actual = _sha256(staging / name)
                if actual != expected["sha256"]:
                    raise BackupError(
                        f"{name}: checksum {actual} does not match the manifest "
                        f"({expected['sha256']}); the archive is damaged, nothing was restored"
                    )
        if (staging / SECRETS).exists():
            (staging / SECRETS).chmod(0o600)
        republished = _republish_after(staging, manifest.get("bus_copied_at"))
        previous = None
        if data_dir.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            previous = data_dir.with_name(f"{data_dir.name}.before-restore-{stamp}")
            os.replace(data_dir, previous)
        os.replace(staging, data_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Restored(data_dir, previous, sorted(manifest["files"]), republished)


def _republish_after(staging: Path, bus_copied_at: str | None) -> int:
    """Mark unsent the outbox rows sent after the bus was copied (they are not in it)."""
    if bus_copied_at is None:
        return 0
    since = datetime.fromisoformat(bus_copied_at) - REPUBLISH_MARGIN
    count = 0
    for service in SERVICES:
        path = staging / f"{service}.db"
        if not path.exists():
            continue
        db = sqlite3.connect(path)
        try:
            has_outbox = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='outbox'"
            ).fetchone()
            if not has_outbox:
                continue
            rows = db.execute("SELECT seq, sent_at FROM outbox WHERE sent_at IS NOT NULL")
            later = [seq for seq, sent in rows if _parse_time(sent) >= since]
            db.executemany("UPDATE outbox SET sent_at = NULL WHERE seq = ?", [(s,) for s in later])
            db.commit()
            count += len(later)
        finally:
            db.close()
    return count


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
