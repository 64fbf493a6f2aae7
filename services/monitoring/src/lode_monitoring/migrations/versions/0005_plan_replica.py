"""The plan in force moves to the shared replica (lode_common.plan.replica.PLAN_REPLICA):
``plan_replica`` is created, the rows of ``monitoring_plan`` are copied into it (the
document as stored; its region and parent plan from the document; an event id made up,
since the old table kept none) and ``monitoring_plan`` is dropped. The downgrade copies
them back.

Revision ID: monitoring_0005
Revises: monitoring_0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from lode_common.plan.replica import PLAN_REPLICA

revision: str = "monitoring_0005"
down_revision: str | None = "monitoring_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
OLD = sa.table(
    "monitoring_plan",
    sa.column("plan_id", sa.String),
    sa.column("version", sa.Integer),
    sa.column("document", JSON),
    sa.column("received_at", sa.DateTime(timezone=True)),
)


def migrated_event_id(plan_id: str, version: int) -> str:
    """A stable id for a version received before the replica kept event ids."""
    return f"migrated:{plan_id}:{version}"[:64]


def _region(document: dict[str, Any]) -> str:
    region = document.get("region") or {}
    return str(region.get("adcode") or "")


def _parent(document: dict[str, Any]) -> str | None:
    parent = (document.get("plan") or {}).get("parent_plan_id")
    return str(parent) if parent else None


def upgrade() -> None:
    bind = op.get_bind()
    PLAN_REPLICA.create(bind)
    rows = bind.execute(sa.select(OLD)).mappings().all()
    if rows:
        bind.execute(
            PLAN_REPLICA.insert(),
            [
                {
                    "plan_id": row["plan_id"],
                    "version": row["version"],
                    "region_adcode": _region(row["document"]),
                    "parent_plan_id": _parent(row["document"]),
                    "document": row["document"],
                    "event_id": migrated_event_id(row["plan_id"], row["version"]),
                    "received_at": row["received_at"],
                }
                for row in rows
            ],
        )
    op.drop_table("monitoring_plan")


def downgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "monitoring_plan",
        sa.Column("plan_id", sa.String(100), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    r = PLAN_REPLICA.c
    rows = bind.execute(sa.select(r.plan_id, r.version, r.document, r.received_at)).all()
    if rows:
        bind.execute(OLD.insert(), [dict(row._mapping) for row in rows])
    PLAN_REPLICA.drop(bind)
