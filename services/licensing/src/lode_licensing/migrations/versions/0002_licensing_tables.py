"""Plan in force, block holders, applications and their steps, licences and their history,
province callbacks seen.

Revision ID: licensing_0002
Revises: licensing_0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "licensing_0002"
down_revision: str | None = "licensing_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "plan_in_force",
        sa.Column("plan_id", sa.String(100), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("received_at", TS, nullable=False),
    )
    op.create_table(
        "block_holder_replica",
        sa.Column("zone_id", sa.String(64), primary_key=True),
        sa.Column("holder_credit_code", sa.String(18), nullable=False),
        sa.Column("licence_no", sa.String(23), nullable=False),
    )
    op.create_table(
        "application",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("right_type", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("verdict", sa.String(20)),
        sa.Column("applicant_name", sa.String(300), nullable=False),
        sa.Column("applicant_credit_code", sa.String(18), nullable=False),
        sa.Column("mineral", sa.String(60), nullable=False),
        sa.Column("licence_no", sa.String(23)),
        sa.Column("body", JSON, nullable=False),
        sa.Column("checks", JSON, nullable=False),
        sa.Column("plan_id", sa.String(100)),
        sa.Column("plan_version", sa.Integer),
        sa.Column("review_outcome", sa.String(10)),
        sa.Column("review_reason", sa.String),
        sa.Column("decision", sa.String(10)),
        sa.Column("decision_reason", sa.String),
        sa.Column("issued_licence_no", sa.String(23)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TS),
        sa.Column("last_error", sa.String),
        sa.Column("forward_key", sa.String(64)),
        sa.Column("province_reference", sa.String(100)),
        sa.Column("forward_acknowledged", sa.Boolean, nullable=False),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("submitted_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_application_status", "application", ["status"])
    op.create_index("ix_application_applicant", "application", ["applicant_credit_code"])
    op.create_index("ix_application_due", "application", ["status", "next_attempt_at"])
    op.create_table(
        "application_step",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("application_id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=False),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("note", sa.String),
    )
    op.create_index("ix_application_step_application_id", "application_step", ["application_id"])
    op.create_table(
        "licence",
        sa.Column("licence_no", sa.String(23), primary_key=True),
        sa.Column("right_type", sa.String(20), nullable=False),
        sa.Column("holder_name", sa.String(300), nullable=False),
        sa.Column("holder_credit_code", sa.String(18), nullable=False),
        sa.Column("mineral", sa.String(60), nullable=False),
        sa.Column("mining_method", sa.String(20)),
        sa.Column("capacity_value", sa.Numeric(16, 4)),
        sa.Column("capacity_unit", sa.String(20)),
        sa.Column("scale", sa.String(10)),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("area", JSON),
        sa.Column("phase_out", sa.Boolean, nullable=False),
        sa.Column("illustrative", sa.Boolean, nullable=False),
        sa.Column("application_id", sa.String(36)),
        sa.Column("issued_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_licence_status", "licence", ["status"])
    op.create_index("ix_licence_holder", "licence", ["holder_credit_code"])
    op.create_table(
        "licence_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("note", sa.String),
        sa.Column("state", JSON, nullable=False),
    )
    op.create_index("ix_licence_history_licence_no", "licence_history", ["licence_no"])
    op.create_table(
        "province_callback_seen",
        sa.Column("signature", sa.String(80), primary_key=True),
        sa.Column("seen_at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "province_callback_seen",
        "licence_history",
        "licence",
        "application_step",
        "application",
        "block_holder_replica",
        "plan_in_force",
    ):
        op.drop_table(table)
