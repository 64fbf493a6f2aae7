"""The plan in force moves to the shared replica (lode_common.plan.replica): ``plan_replica``
takes the rows of ``reporting_plan`` (the document as it was published, its event id, the
region's code from the document), and ``reporting_plan`` goes. The downgrade brings the old
table back with the same rows.

Revision ID: reporting_0004
Revises: reporting_0003
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from lode_common.plan.replica import PLAN_REPLICA

revision: str = "reporting_0004"
down_revision: str | None = "reporting_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
OLD = sa.table(
    "reporting_plan",
    sa.column("plan_id", sa.String),
    sa.column("version", sa.Integer),
    sa.column("document", JSON),
    sa.column("event_id", sa.String),
)


def upgrade() -> None:
    bind = op.get_bind()
    PLAN_REPLICA.create(bind)
    now = datetime.now(UTC)
    for row in bind.execute(sa.select(OLD)).mappings().all():
        document = row["document"]
        bind.execute(
            PLAN_REPLICA.insert().values(
                plan_id=row["plan_id"],
                version=row["version"],
                region_adcode=document["region"]["adcode"],
                parent_plan_id=document["plan"].get("parent_plan_id"),
                document=document,
                event_id=row["event_id"],
                received_at=now,
            )
        )
    op.drop_table("reporting_plan")


def downgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "reporting_plan",
        sa.Column("plan_id", sa.String(100), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
    )
    r = PLAN_REPLICA.c
    for row in bind.execute(sa.select(r.plan_id, r.version, r.document, r.event_id)).all():
        bind.execute(
            OLD.insert().values(
                plan_id=row.plan_id,
                version=row.version,
                document=row.document,
                event_id=row.event_id,
            )
        )
    PLAN_REPLICA.drop(bind)
