"""Checking a service's audit chain in its database (``lode audit verify``).

:func:`verify_database` seals nothing by default (a check must not change what it checks):
it reads the sealed entries in seq order, counts the unsealed ones, and walks the chain
with :func:`lode_common.audit.chain.verify_entries`, against the anchors a copy outside
the service kept (reporting's ``audit_anchor`` read model, :func:`kept_anchors`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from lode_common.audit.chain import Anchor, Verdict, verify_entries
from lode_common.audit.recording import AUDIT_ENTRY
from lode_common.audit.sealing import seal

ANCHOR_TABLE = "audit_anchor"
"""Reporting's read model of every service's anchored heads (columns ``service``, ``day``,
``seq``, ``entry_hash``)."""


@dataclass
class ChainReport:
    """One service's chain: the walk's verdict and the entries not sealed yet."""

    service: str
    verdict: Verdict
    unsealed: int
    anchors_note: str = ""


async def read_entries(engine: AsyncEngine) -> tuple[list[dict[str, Any]], int]:
    """The sealed entries in seq order, and how many are unsealed."""
    e = AUDIT_ENTRY.c
    async with engine.connect() as conn:
        rows = await conn.execute(select(AUDIT_ENTRY).where(e.seq.is_not(None)).order_by(e.seq))
        entries = [dict(r) for r in rows.mappings()]
        unsealed = (await conn.execute(select(func.count()).where(e.seq.is_(None)))).scalar_one()
    return entries, int(unsealed)


async def kept_anchors(engine: AsyncEngine, service: str) -> list[Anchor] | None:
    """The anchors of ``service`` kept in reporting's database behind ``engine`` (None: it
    has no ``audit_anchor`` table)."""
    async with engine.connect() as conn:
        has = await conn.run_sync(lambda sync: inspect(sync).has_table(ANCHOR_TABLE))
        if not has:
            return None
        rows = await conn.execute(
            text(
                f"SELECT seq, entry_hash, day FROM {ANCHOR_TABLE} "  # noqa: S608 - a constant
                "WHERE service = :service ORDER BY seq"
            ),
            {"service": service},
        )
        return [Anchor(int(r[0]), str(r[1]), _day(r[2])) for r in rows]


def _day(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


async def verify_database(
    service: str,
    engine: AsyncEngine,
    *,
    anchors: list[Anchor] | None = None,
    seal_first: bool = False,
) -> ChainReport:
    """Walk ``service``'s chain in ``engine``'s database (sealing first if asked)."""
    if seal_first:
        await seal(engine)
    entries, unsealed = await read_entries(engine)
    verdict = verify_entries(entries, anchors or [])
    return ChainReport(service, verdict, unsealed)
