"""Rectification orders (责令限期整改, issue 17): one row per order, its verifications
(整改核查) kept on it.

Revision ID: monitoring_0010
Revises: monitoring_0009
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "monitoring_0010"
down_revision: str | None = "monitoring_0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "rectification",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("holder_name", sa.String(300), nullable=False),
        sa.Column("holder_credit_code", sa.String(18), nullable=False),
        sa.Column("finding_ids", JSON, nullable=False),
        sa.Column("requirement", sa.String, nullable=False),
        sa.Column("ordered_on", sa.Date, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("ordered_by", sa.String(200), nullable=False),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("overdue_on", sa.Date),
        sa.Column("done_on", sa.Date),
        sa.Column("verifications", JSON, nullable=False),
    )
    op.create_index("ix_rectification_status", "rectification", ["status", "due"])
    op.create_index("ix_rectification_licence", "rectification", ["licence_no"])
    op.create_index("ix_rectification_holder", "rectification", ["holder_credit_code"])


def downgrade() -> None:
    op.drop_index("ix_rectification_holder", table_name="rectification")
    op.drop_index("ix_rectification_licence", table_name="rectification")
    op.drop_index("ix_rectification_status", table_name="rectification")
    op.drop_table("rectification")
