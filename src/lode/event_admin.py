"""The event path seen by an operator: outbox backlog and dead letters of every service.

Each service's database is the one its settings name (``LODE_<SERVICE>_DATABASE_URL`` or
``LODE_DATABASE_URL`` in distributed mode; ``<data_dir>/<service>.db`` in embedded mode).
Dead letters are listed and re-driven by the services' own :class:`Inbox` with their own
handlers, exactly as ``POST /<service>/v1/admin/dead-letters/{id}/redrive`` does.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from lode.embedded import SERVICES
from lode_common.database import create_engine, session_factory
from lode_common.messaging.inbox import Inbox
from lode_common.messaging.tables import EVENT_TABLES
from lode_common.runtime import ServiceSpec
from lode_common.settings import LodeSettings


@dataclass(frozen=True)
class OutboxStatus:
    service: str
    unsent: int
    oldest_age_s: float | None
    last_sent_at: datetime | None


def database_url(service: str, data_dir: Path) -> str:
    """The service's database URL from its settings (environment first, else SQLite)."""
    module = importlib.import_module(f"lode_{service}.bootstrap")
    settings: LodeSettings = module.SETTINGS_CLASS(data_dir=data_dir)
    return settings.resolved_database_url()


def spec_of(service: str) -> ServiceSpec:
    spec: ServiceSpec = importlib.import_module(f"lode_{service}.bootstrap").SPEC
    return spec


def chosen(service: str | None) -> Sequence[str]:
    if service is None:
        return SERVICES
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; one of {', '.join(SERVICES)}")
    return (service,)


@asynccontextmanager
async def _engine(service: str, data_dir: Path) -> AsyncIterator[AsyncEngine]:
    url = database_url(service, data_dir)
    if url.startswith("sqlite") and not (data_dir / f"{service}.db").exists():
        raise FileNotFoundError(
            f"{data_dir / f'{service}.db'} does not exist (wrong --data-dir, or no "
            f"LODE_{service.upper()}_DATABASE_URL set for distributed mode)"
        )
    engine = create_engine(url)
    try:
        yield engine
    finally:
        await engine.dispose()


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def outbox_status(service: str, data_dir: Path) -> OutboxStatus:
    o = EVENT_TABLES.outbox
    async with _engine(service, data_dir) as engine, engine.connect() as conn:
        unsent, oldest = (
            await conn.execute(
                select(func.count(), func.min(o.c.created_at)).where(o.c.sent_at.is_(None))
            )
        ).one()
        last_sent = (await conn.execute(select(func.max(o.c.sent_at)))).scalar()
    oldest = _aware(oldest)
    age = (datetime.now(UTC) - oldest).total_seconds() if oldest else None
    return OutboxStatus(service, int(unsent), age, _aware(last_sent))


@asynccontextmanager
async def inbox_of(service: str, data_dir: Path) -> AsyncIterator[Inbox]:
    spec = spec_of(service)
    async with _engine(service, data_dir) as engine:
        yield Inbox(
            consumer=spec.name,
            sessions=session_factory(engine),
            tables=EVENT_TABLES,
            handlers=dict(spec.handlers),
        )


async def dead_letters(
    services: Sequence[str], data_dir: Path, *, status: str | None = "parked"
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for service in services:
        if not spec_of(service).handlers:
            continue  # consumes nothing: never parks
        async with inbox_of(service, data_dir) as inbox:
            for row in await inbox.dead_letters(status=status):
                found.append({"service": service, **row})
    return found


async def redrive(service: str, ids: Sequence[int] | None, data_dir: Path) -> dict[int, bool]:
    """Re-drive the parked events ``ids`` of ``service`` (all of them with None):
    id -> handled now (False: it failed again and stays parked, with the new error)."""
    async with inbox_of(service, data_dir) as inbox:
        parked = {row["id"] for row in await inbox.dead_letters()}
        wanted = sorted(parked) if ids is None else list(ids)
        missing = [i for i in wanted if i not in parked]
        if missing:
            raise LookupError(
                f"no parked event {', '.join(map(str, missing))} in {service}; "
                f"list them with 'lode deadletters list --service {service}'"
            )
        return {i: await inbox.redrive(i) for i in wanted}
