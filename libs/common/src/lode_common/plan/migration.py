"""Moving a service's own copy of the plan in force into the shared replica (Alembic).

Before issue 13 licensing (``plan_in_force``), monitoring (``monitoring_plan``) and
reporting (``reporting_plan``) each kept the plan zoning published in a table of their
own, with ``plan_id``, ``version`` and ``document`` and either the time it arrived
(``received_at``) or the event that brought it (``event_id``). Each service's migration
calls :func:`move_to_replica`: ``plan_replica`` is created, every row copied into it (the
document as stored; its region and parent plan read from the document; an event id made up
when the old table kept none; the time of the migration when it kept no time) and the old
table dropped. :func:`move_back` is the downgrade.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection

from lode_common.limits import PLAN_ID_MAX
from lode_common.plan.replica import PLAN_REPLICA

Kept = Literal["received_at", "event_id"]
"""What the old table kept besides the plan id, version and document."""

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_KEPT: dict[Kept, sa.types.TypeEngine[Any]] = {
    "received_at": sa.DateTime(timezone=True),
    "event_id": sa.String(64),
}


def migrated_event_id(plan_id: str, version: int) -> str:
    """A stable id for a version received before the replica kept the event's id."""
    return f"migrated:{plan_id}:{version}"[:64]


PREDECESSOR = "predecessor_plan_id"
"""The column issue 15 added to the replica (:func:`add_predecessor`)."""

_REPLICA_FIRST = sa.Table(
    PLAN_REPLICA.name,
    sa.MetaData(),
    *(column._copy() for column in PLAN_REPLICA.columns if column.name != PREDECESSOR),
)
"""``plan_replica`` as issue 13 created it: the older migrations create this one, so a
database migrated from scratch reaches the same table as one migrated step by step."""


def _old(name: str, kept: Kept) -> sa.TableClause:
    return sa.table(
        name,
        sa.column("plan_id", sa.String),
        sa.column("version", sa.Integer),
        sa.column("document", _JSON),
        sa.column(kept, _KEPT[kept]),
    )


def _replica_row(row: sa.RowMapping, kept: Kept, now: datetime) -> dict[str, Any]:
    document = row["document"]
    parent = (document.get("plan") or {}).get("parent_plan_id")
    return {
        "plan_id": row["plan_id"],
        "version": row["version"],
        "region_adcode": str((document.get("region") or {}).get("adcode") or ""),
        "parent_plan_id": str(parent) if parent else None,
        "document": document,
        "event_id": row["event_id"]
        if kept == "event_id"
        else migrated_event_id(row["plan_id"], row["version"]),
        "received_at": row["received_at"] if kept == "received_at" else now,
    }


def move_to_replica(bind: Connection, old_table: str, *, kept: Kept) -> None:
    """Create ``plan_replica``, copy ``old_table`` into it, drop ``old_table``."""
    _REPLICA_FIRST.create(bind)
    now = datetime.now(UTC)
    rows = bind.execute(sa.select(_old(old_table, kept))).mappings().all()
    if rows:
        bind.execute(_REPLICA_FIRST.insert(), [_replica_row(row, kept, now) for row in rows])
    sa.Table(old_table, sa.MetaData()).drop(bind)


def move_back(bind: Connection, old_table: str, *, kept: Kept) -> None:
    """The downgrade: ``old_table`` created again with the replica's rows; the replica
    dropped."""
    sa.Table(
        old_table,
        sa.MetaData(),
        sa.Column("plan_id", sa.String(PLAN_ID_MAX), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", _JSON, nullable=False),
        sa.Column(kept, _KEPT[kept], nullable=False),
    ).create(bind)
    r = _REPLICA_FIRST.c
    rows = bind.execute(sa.select(r.plan_id, r.version, r.document, r[kept])).mappings().all()
    if rows:
        bind.execute(_old(old_table, kept).insert(), [dict(row) for row in rows])
    _REPLICA_FIRST.drop(bind)


def add_predecessor(bind: Connection) -> None:
    """Add ``predecessor_plan_id`` to ``plan_replica``, filled from each kept document's
    ``plan.predecessor_plan_id`` (issue 15: plan succession)."""
    with_column = sa.Table(
        PLAN_REPLICA.name,
        sa.MetaData(),
        sa.Column("plan_id", sa.String(PLAN_ID_MAX), primary_key=True),
        sa.Column("document", _JSON),
        sa.Column(PREDECESSOR, sa.String(PLAN_ID_MAX), nullable=True),
    )
    op.add_column(PLAN_REPLICA.name, sa.Column(PREDECESSOR, sa.String(PLAN_ID_MAX), nullable=True))
    c = with_column.c
    for plan_id, document in bind.execute(sa.select(c.plan_id, c.document)).all():
        predecessor = ((document or {}).get("plan") or {}).get(PREDECESSOR)
        if predecessor:
            bind.execute(
                with_column.update().where(c.plan_id == plan_id).values({PREDECESSOR: predecessor})
            )


def drop_predecessor() -> None:
    """The downgrade of :func:`add_predecessor`."""
    with op.batch_alter_table(PLAN_REPLICA.name) as batch:
        batch.drop_column(PREDECESSOR)
