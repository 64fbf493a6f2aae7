"""Plan adjustment (规划调整, issue 15): proposals and their steps, the approval a plan
version rests on (批准文号, date, proposal), the successor that closed a plan, and the
idempotency records of the proposals' POSTs.

Revision ID: zoning_0004
Revises: zoning_0003
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "zoning_0004"
down_revision: str | None = "zoning_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)
PLAN_VERSION_COLUMNS = ("approval_ref", "approved_on", "proposal_id", "superseded_by")


def upgrade() -> None:
    with op.batch_alter_table("plan_version") as batch:
        batch.add_column(sa.Column("approval_ref", sa.String(300)))
        batch.add_column(sa.Column("approved_on", sa.Date))
        batch.add_column(sa.Column("proposal_id", sa.String(36)))
        batch.add_column(sa.Column("superseded_by", sa.String(100)))
    op.create_table(
        "plan_proposal",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("plan_id", sa.String(100), nullable=False),
        sa.Column("proposed_plan_id", sa.String(100), nullable=False),
        sa.Column("base_version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("grounds", sa.String(40), nullable=False),
        sa.Column("reason", sa.String, nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("zones", JSON, nullable=False),
        sa.Column("zone_summary", JSON, nullable=False),
        sa.Column("proposed_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("approval_ref", sa.String(300)),
        sa.Column("approved_on", sa.Date),
        sa.Column("published_version", sa.Integer),
        sa.Column("rejection_reason", sa.String),
    )
    op.create_index("ix_plan_proposal_plan_status", "plan_proposal", ["plan_id", "status"])
    op.create_table(
        "proposal_step",
        sa.Column("proposal_id", sa.String(36), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("from_status", sa.String(20)),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("note", sa.String),
    )
    op.create_table(
        "idempotency_record",
        sa.Column("scope", sa.String(200), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("response", JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("idempotency_record")
    op.drop_table("proposal_step")
    op.drop_index("ix_plan_proposal_plan_status", "plan_proposal")
    op.drop_table("plan_proposal")
    with op.batch_alter_table("plan_version") as batch:
        for name in PLAN_VERSION_COLUMNS:
            batch.drop_column(name)
