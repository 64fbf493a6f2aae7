"""The plan in force (现行规划), as every service but zoning keeps it: one component.

Zoning owns the plan: it validates and publishes each version as
``lode.zoning.plan.published.v1``, carrying the whole document. Licensing checks
applications against the version in force, monitoring judges reports by its standards,
reporting measures indicators against its targets; each keeps the latest version it has
received in its own ``plan_replica`` table (:data:`PLAN_REPLICA`, created by the service's
own migration), fed through its inbox by :func:`on_plan_published`, and reads it with
:class:`PlanReplica`, which gives the typed :class:`PlanDocument`.

* **Latest wins.** A version older than (or equal to) the one kept is ignored, so a replay
  of the topic, or an old event re-driven late, never brings back a superseded plan.
* **One parse per version.** A published version never changes, so the typed document of
  a ``(plan_id, version)`` is read once per process and reused.
* **Succession.** ``predecessor_plan_id`` (from the document's ``plan``) is kept as a column,
  so :meth:`PlanReplica.following` finds the plan in force after a successor plan was
  approved (:mod:`lode_common.plan.succession`) without reading any document.
* **Not there yet.** On a fresh deployment zoning publishes the bundled plan on its first
  start; until the event arrives :meth:`PlanReplica.require` raises :class:`PlanNotLoaded`,
  which a service answers as 503 with ``Retry-After``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    RowMapping,
    String,
    Table,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lode_common.events.catalog import PlanPublished
from lode_common.events.envelope import Envelope
from lode_common.events.registry import EventPayload
from lode_common.limits import PLAN_ID_MAX
from lode_common.messaging.inbox import EventHandler
from lode_common.plan.document import PlanDocument
from lode_common.plan.succession import plan_in_force

TOPIC = "lode.zoning"
"""Where zoning publishes the plan."""

PUBLISHED = PlanPublished.event_type.rsplit(".", 1)[0]

METADATA = MetaData()
PLAN_REPLICA = Table(
    "plan_replica",
    METADATA,
    Column("plan_id", String(PLAN_ID_MAX), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("region_adcode", String(6), nullable=False),
    Column("parent_plan_id", String(PLAN_ID_MAX), nullable=True),
    Column("predecessor_plan_id", String(PLAN_ID_MAX), nullable=True),
    Column("document", JSON, nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)
"""A service's copy of the latest version of each plan zoning published (created by each
consuming service's own migration; zoning keeps its versioned ``plan_version`` table)."""


class PlanNotLoaded(Exception):
    """No version of the plan has reached this service yet (zoning publishes it on its first
    start; retry in a few seconds)."""

    def __init__(self, plan_id: str) -> None:
        self.plan_id = plan_id
        super().__init__(plan_id)


@dataclass(frozen=True)
class PlanInForce:
    """The version of a plan in force here, with its typed document."""

    plan_id: str
    version: int
    region_adcode: str
    parent_plan_id: str | None
    document: PlanDocument
    event_id: str
    received_at: datetime

    @property
    def predecessor_plan_id(self) -> str | None:
        """The plan this one succeeds (规划接续), if any."""
        return self.document.plan.predecessor_plan_id


async def on_plan_published(
    session: AsyncSession, envelope: Envelope, payload: EventPayload | None
) -> None:
    """Keep a newly published version; an older one replayed late changes nothing."""
    if not isinstance(payload, PlanPublished):
        raise TypeError(f"{envelope.type} did not read as {PlanPublished.event_type}")
    r = PLAN_REPLICA.c
    kept = (
        await session.execute(select(r.version).where(r.plan_id == payload.plan_id))
    ).scalar_one_or_none()
    if kept is not None and kept >= payload.version:
        return
    row = {
        "version": payload.version,
        "region_adcode": payload.region_adcode,
        "parent_plan_id": payload.parent_plan_id,
        "predecessor_plan_id": payload.document.plan.predecessor_plan_id,
        "document": payload.document.as_published(),
        "event_id": envelope.id,
        "received_at": datetime.now(UTC),
    }
    if kept is None:
        await session.execute(PLAN_REPLICA.insert().values(plan_id=payload.plan_id, **row))
    else:
        await session.execute(
            update(PLAN_REPLICA).where(r.plan_id == payload.plan_id).values(**row)
        )


REPLICA_HANDLERS: dict[str, EventHandler] = {PUBLISHED: on_plan_published}
"""The inbox handler a service adds to its own (and :data:`TOPIC` to what it consumes)."""


class PlanReplica:
    """Reads the plan in force from the service's replica, typed; each version parsed once."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, follow_ttl_s: float = 2.0
    ) -> None:
        self._sessions = sessions
        self._documents: dict[tuple[str, int], PlanDocument] = {}
        self._follow_ttl_s = follow_ttl_s
        self._followed: dict[str, tuple[float, str]] = {}

    def _typed(self, row: RowMapping) -> PlanInForce:
        key = (row["plan_id"], row["version"])
        document = self._documents.get(key)
        if document is None:
            document = self._documents[key] = PlanDocument.model_validate(row["document"])
        received_at = row["received_at"]
        return PlanInForce(
            plan_id=row["plan_id"],
            version=row["version"],
            region_adcode=row["region_adcode"],
            parent_plan_id=row["parent_plan_id"],
            document=document,
            event_id=row["event_id"],
            received_at=received_at if received_at.tzinfo else received_at.replace(tzinfo=UTC),
        )

    async def version_of(self, plan_id: str, session: AsyncSession | None = None) -> int | None:
        """The version in force of ``plan_id`` (one small read; no document)."""
        query = select(PLAN_REPLICA.c.version).where(PLAN_REPLICA.c.plan_id == plan_id)
        if session is not None:
            return (await session.execute(query)).scalar_one_or_none()
        async with self._sessions() as own:
            return (await own.execute(query)).scalar_one_or_none()

    async def in_force(
        self, plan_id: str, session: AsyncSession | None = None
    ) -> PlanInForce | None:
        """The version of ``plan_id`` in force here, or None if none has arrived. Reads in
        ``session`` when given (the caller's transaction), else in a session of its own."""
        query = select(PLAN_REPLICA).where(PLAN_REPLICA.c.plan_id == plan_id)
        if session is not None:
            row = (await session.execute(query)).mappings().first()
        else:
            async with self._sessions() as own:
                row = (await own.execute(query)).mappings().first()
        return None if row is None else self._typed(row)

    async def require(self, plan_id: str, session: AsyncSession | None = None) -> PlanInForce:
        """The version of ``plan_id`` in force; :class:`PlanNotLoaded` if none has arrived."""
        plan = await self.in_force(plan_id, session)
        if plan is None:
            raise PlanNotLoaded(plan_id)
        return plan

    async def predecessors(self, session: AsyncSession | None = None) -> dict[str, str | None]:
        """Each plan kept here → the plan it succeeds (one small read; no document)."""
        r = PLAN_REPLICA.c
        query = select(r.plan_id, r.predecessor_plan_id)
        if session is not None:
            rows = (await session.execute(query)).all()
        else:
            async with self._sessions() as own:
                rows = (await own.execute(query)).all()
        return {plan_id: predecessor for plan_id, predecessor in rows}

    async def following(self, configured: str, session: AsyncSession | None = None) -> str:
        """The plan in force for a deployment configured with ``configured``: that plan, or
        its approved successor (:func:`lode_common.plan.succession.plan_in_force`).

        The answer is kept ``follow_ttl_s`` (2 s): a succession happens once a plan period,
        and every report and application asks; an instance that did not consume the
        successor's event itself learns it within that time."""
        now = time.monotonic()
        kept = self._followed.get(configured)
        if kept is not None and now - kept[0] < self._follow_ttl_s:
            return kept[1]
        found = plan_in_force(configured, await self.predecessors(session))
        self._followed[configured] = (now, found)
        return found

    async def all_in_force(self, session: AsyncSession | None = None) -> list[PlanInForce]:
        """Every plan kept here, by plan id."""
        query = select(PLAN_REPLICA).order_by(PLAN_REPLICA.c.plan_id)
        if session is not None:
            rows = (await session.execute(query)).mappings().all()
        else:
            async with self._sessions() as own:
                rows = (await own.execute(query)).mappings().all()
        return [self._typed(row) for row in rows]
