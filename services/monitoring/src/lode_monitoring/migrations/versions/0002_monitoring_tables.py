"""Plan in force, mines (licence replicas), API keys, reports, findings, exploration
results, project progress, idempotency records.

Revision ID: monitoring_0002
Revises: monitoring_0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "monitoring_0002"
down_revision: str | None = "monitoring_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)
QTY = sa.Numeric(18, 4)


def upgrade() -> None:
    op.create_table(
        "monitoring_plan",
        sa.Column("plan_id", sa.String(100), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("received_at", TS, nullable=False),
    )
    op.create_table(
        "mine",
        sa.Column("licence_no", sa.String(23), primary_key=True),
        sa.Column("right_type", sa.String(20), nullable=False),
        sa.Column("holder_name", sa.String(300), nullable=False),
        sa.Column("holder_credit_code", sa.String(18), nullable=False),
        sa.Column("mineral", sa.String(60), nullable=False),
        sa.Column("mining_method", sa.String(20)),
        sa.Column("capacity_value", QTY),
        sa.Column("capacity_unit", sa.String(20)),
        sa.Column("scale", sa.String(10)),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_history", JSON, nullable=False),
        sa.Column("phase_out", sa.Boolean, nullable=False),
        sa.Column("illustrative", sa.Boolean, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_mine_holder", "mine", ["holder_credit_code"])
    op.create_table(
        "api_key",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("prefix", sa.String(8), nullable=False, unique=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("credit_code", sa.String(18), nullable=False),
        sa.Column("label", sa.String(200)),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked_at", TS),
        sa.Column("last_used_at", TS),
    )
    op.create_index("ix_api_key_credit_code", "api_key", ["credit_code"])
    op.create_table(
        "report",
        sa.Column("row_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("is_current", sa.Boolean, nullable=False),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("body", JSON, nullable=False),
        sa.Column("ore_mined_10kt", QTY),
        sa.Column("reason", sa.String),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("submitted_at", TS, nullable=False),
        sa.Column("illustrative", sa.Boolean, nullable=False),
        sa.UniqueConstraint("licence_no", "year", "period", "version", name="uq_report_version"),
    )
    op.create_index("ix_report_id", "report", ["id"])
    op.create_index("ix_report_current", "report", ["licence_no", "year", "period", "is_current"])
    op.create_table(
        "finding",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("message", sa.String, nullable=False),
        sa.Column("standard", sa.String, nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("details", JSON, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("report_id", sa.String(36)),
        sa.Column("closed_at", TS),
        sa.Column("closed_by", sa.String(200)),
        sa.Column("note", sa.String),
    )
    op.create_index("ix_finding_key", "finding", ["key"])
    op.create_index("ix_finding_open", "finding", ["licence_no", "status"])
    op.create_table(
        "idempotency_record",
        sa.Column("scope", sa.String(200), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("response", JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "exploration_result",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("licence_no", sa.String(23)),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("mineral", sa.String(60), nullable=False),
        sa.Column("new_resources_ore_10kt", QTY, nullable=False),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("submitted_at", TS, nullable=False),
    )
    op.create_table(
        "project_progress",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(60), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("completed_sheets", sa.Integer),
        sa.Column("restored_area_ha", QTY),
        sa.Column("site", sa.String(300)),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("submitted_at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "project_progress",
        "exploration_result",
        "idempotency_record",
        "finding",
        "report",
        "api_key",
        "mine",
        "monitoring_plan",
    ):
        op.drop_table(table)
