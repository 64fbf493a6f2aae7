"""The audit log's background work in every service's runtime: the sealer, and the daily
anchor (锚定) and retention prune (留存期清理).

* :func:`audit_sealer` seals what was recorded, every ``LODE_AUDIT_SEAL_EVERY_S``;
* :func:`audit_daily` at ``LODE_AUDIT_ANCHOR_TIME`` (China Standard Time) each day: appends an
  ``audit.anchor`` entry naming the head (seq and hash) and emits the service's
  ``lode.<service>.audit.anchored.v1`` through the outbox, in one transaction; then deletes
  sealed entries older than ``LODE_AUDIT_RETENTION_DAYS``, never past the last anchored one,
  and appends an ``audit.pruned`` entry naming the last deleted seq and its hash, where a
  walk of the chain starts again.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import structlog
from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from lode_common.audit.chain import ANCHOR_ACTION, PRUNED_ACTION, preferred_algorithm
from lode_common.audit.context import acting, for_system
from lode_common.audit.recording import AUDIT_ENTRY, entry_row
from lode_common.audit.sealing import Head, head_of, lock_chain, seal, seal_locked
from lode_common.cst import CHINA_STANDARD_TIME, cst_date
from lode_common.events.supervision import AUDIT_ANCHORED

if TYPE_CHECKING:
    from lode_common.runtime import ServiceRuntime

log = structlog.get_logger(__name__)


async def seal_now(runtime: ServiceRuntime) -> int:
    """Seal every entry recorded so far (``verify`` and tests call it instead of waiting)."""
    return await seal(runtime.engine)


async def _anything_unsealed(engine: AsyncEngine) -> bool:
    async with engine.connect() as conn:
        found = await conn.execute(select(AUDIT_ENTRY.c.id).where(AUDIT_ENTRY.c.seq.is_(None)))
        return found.first() is not None


async def audit_sealer(runtime: ServiceRuntime) -> None:
    """Background job: seal new entries every ``audit_seal_every_s`` (a cheap look first,
    so an idle service takes no lock)."""
    while True:
        await asyncio.sleep(runtime.settings.audit_seal_every_s)
        if await _anything_unsealed(runtime.engine):
            await seal(runtime.engine)


@dataclass(frozen=True)
class Anchored:
    day: date
    head: Head


async def _last_anchor(conn: AsyncConnection) -> dict[str, object] | None:
    e = AUDIT_ENTRY.c
    detail = (
        await conn.execute(
            select(e.detail)
            .where(e.action == ANCHOR_ACTION)
            .order_by(e.seq.desc().nulls_first(), e.recorded_at.desc())
            .limit(1)
        )
    ).scalar()
    return json.loads(detail) if detail else None


async def anchor(runtime: ServiceRuntime, now: datetime | None = None) -> Anchored | None:
    """Anchor the head as of the CST day that ended before ``now``: an ``audit.anchor``
    entry and the service's anchored event, once per day (None: already done, or nothing
    to anchor yet)."""
    now = now or datetime.now(UTC)
    day = cst_date(now) - timedelta(days=1)
    algorithm = preferred_algorithm()
    with acting(for_system("audit-anchor")):
        async with runtime.uow() as uow:
            conn = await uow.session.connection()
            await lock_chain(conn)
            last = await _last_anchor(conn)
            if last is not None and str(last.get("day")) >= day.isoformat():
                return None
            await seal_locked(conn, algorithm=algorithm)
            head = await head_of(conn)
            if head.seq == 0:
                return None
            detail = {"day": day.isoformat(), "seq": head.seq, "entry_hash": head.entry_hash}
            row = entry_row(for_system("audit-anchor"), {"chain": runtime.name}, detail=detail)
            await conn.execute(insert(AUDIT_ENTRY).values(row | {"action": ANCHOR_ACTION}))
            await seal_locked(conn, algorithm=algorithm)
            event = AUDIT_ANCHORED.get(runtime.name)
            if event is not None:
                uow.emit(
                    event(
                        service=runtime.name,
                        day=day,
                        seq=head.seq,
                        entry_hash=head.entry_hash,
                        algorithm=head.algorithm or algorithm,
                        anchored_at=now,
                    ),
                    subject=runtime.name,
                )
            await uow.commit()
    log.info("audit chain anchored", service=runtime.name, day=str(day), seq=head.seq)
    return Anchored(day, head)


async def prune_audit(
    engine: AsyncEngine, *, retention_days: int, now: datetime | None = None
) -> int | None:
    """Delete sealed entries recorded more than ``retention_days`` ago, up to the last
    anchored seq at most, and record an ``audit.pruned`` entry naming the last one deleted
    and its hash; the seq pruned through (None: nothing to prune)."""
    now = now or datetime.now(UTC)
    before = now - timedelta(days=retention_days)
    e = AUDIT_ENTRY.c
    async with engine.begin() as conn:
        await lock_chain(conn)
        last = await _last_anchor(conn)
        if last is None:
            return None
        old = select(func.max(e.seq)).where(e.seq.is_not(None), e.recorded_at < before)
        oldest_kept = (await conn.execute(old)).scalar()
        if oldest_kept is None:
            return None
        through = min(int(oldest_kept), int(str(last["seq"])))
        at_cut = (await conn.execute(select(e.entry_hash).where(e.seq == through))).scalar()
        if at_cut is None:
            return None  # already pruned through there
        gone = (await conn.execute(delete(AUDIT_ENTRY).where(e.seq <= through))).rowcount
        if not gone:
            return None
        detail = {"through_seq": through, "entry_hash": at_cut, "deleted": gone}
        row = entry_row(for_system("audit-retention"), {"chain": "audit_entry"}, detail=detail)
        await conn.execute(insert(AUDIT_ENTRY).values(row | {"action": PRUNED_ACTION}))
        await seal_locked(conn, algorithm=preferred_algorithm())
    log.info("audit log pruned", through_seq=through, deleted=gone)
    return through


def next_run(now: datetime, at: time) -> datetime:
    """The next ``at`` (a time of day, CST) after ``now``."""
    local = now.astimezone(CHINA_STANDARD_TIME)
    candidate = datetime.combine(local.date(), at, CHINA_STANDARD_TIME)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate.astimezone(UTC)


async def daily_once(runtime: ServiceRuntime, now: datetime | None = None) -> None:
    """The day's work: anchor, then prune."""
    await anchor(runtime, now)
    await prune_audit(runtime.engine, retention_days=runtime.settings.audit_retention_days, now=now)


async def audit_daily(runtime: ServiceRuntime) -> None:
    """Background job: :func:`daily_once` at ``audit_anchor_time`` CST every day; at start
    only when an earlier anchor exists and a day was missed (a fresh database starts its
    anchors at the next anchor time)."""
    async with runtime.engine.connect() as conn:
        last = await _last_anchor(conn)
    yesterday = cst_date(datetime.now(UTC)) - timedelta(days=1)
    if last is not None and str(last.get("day")) < yesterday.isoformat():
        await daily_once(runtime)
    while True:
        now = datetime.now(UTC)
        wait = (next_run(now, runtime.settings.audit_anchor_time) - now).total_seconds()
        await asyncio.sleep(max(wait, 0.0))
        await daily_once(runtime)
