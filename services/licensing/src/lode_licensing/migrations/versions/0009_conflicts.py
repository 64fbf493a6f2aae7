"""Conflicts of licences in force with the plan in force (issue 15): ``licence_conflict``
(one open row per licence and rule) and ``conflict_sweep`` (the durable request for the
background job to check the licences again after a plan version or zone change).

Revision ID: licensing_0009
Revises: licensing_0008
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "licensing_0009"
down_revision: str | None = "licensing_0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
OPEN = sa.text("status = 'open'")


def upgrade() -> None:
    op.create_table(
        "licence_conflict",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("holder_name", sa.String(300), nullable=False),
        sa.Column("holder_credit_code", sa.String(18), nullable=False),
        sa.Column("mineral", sa.String(60), nullable=False),
        sa.Column("plan_id", sa.String(100), nullable=False),
        sa.Column("plan_version", sa.Integer, nullable=False),
        sa.Column("rule_id", sa.String(100), nullable=False),
        sa.Column("clause", sa.String, nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("message", sa.String, nullable=False),
        sa.Column("zones", JSON, nullable=False),
        sa.Column("detected_on", sa.Date, nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("resolved_on", sa.Date),
        sa.Column("reason", sa.String),
    )
    op.create_index("ix_licence_conflict_status", "licence_conflict", ["status", "detected_on"])
    op.create_index("ix_licence_conflict_licence", "licence_conflict", ["licence_no"])
    op.create_index(
        "ux_licence_conflict_open",
        "licence_conflict",
        ["licence_no", "rule_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_table(
        "conflict_sweep",
        sa.Column("id", sa.String(20), primary_key=True),
        sa.Column("requested", sa.Integer, nullable=False, server_default="0"),
        sa.Column("done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("reason", sa.String),
        sa.Column("requested_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(
        sa.table(
            "conflict_sweep",
            sa.column("id", sa.String),
            sa.column("requested", sa.Integer),
            sa.column("done", sa.Integer),
        ),
        [{"id": "licences", "requested": 0, "done": 0}],
    )


def downgrade() -> None:
    op.drop_table("conflict_sweep")
    op.drop_index("ux_licence_conflict_open", table_name="licence_conflict")
    op.drop_index("ix_licence_conflict_licence", table_name="licence_conflict")
    op.drop_index("ix_licence_conflict_status", table_name="licence_conflict")
    op.drop_table("licence_conflict")
