"""Reserves reports (储量年报): one row per version of a licence's report for a year and
mineral, the figures in 万吨 of ore.

Revision ID: monitoring_0006
Revises: monitoring_0005
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "monitoring_0006"
down_revision: str | None = "monitoring_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)
FIGURES = (
    "opening_10kt",
    "extracted_10kt",
    "lost_10kt",
    "new_proven_10kt",
    "recalculated_10kt",
    "closing_10kt",
)


def upgrade() -> None:
    op.create_table(
        "reserves_report",
        sa.Column("row_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("is_current", sa.Boolean, nullable=False),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("mineral", sa.String(60), nullable=False),
        *(sa.Column(name, sa.Numeric(18, 4), nullable=False) for name in FIGURES),
        sa.Column("body", JSON, nullable=False),
        sa.Column("reason", sa.String),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("submitted_at", TS, nullable=False),
        sa.Column("illustrative", sa.Boolean, nullable=False),
        sa.UniqueConstraint(
            "licence_no", "year", "mineral", "version", name="uq_reserves_report_version"
        ),
    )
    op.create_index("ix_reserves_report_id", "reserves_report", ["id"])
    op.create_index(
        "ix_reserves_report_current",
        "reserves_report",
        ["licence_no", "year", "mineral", "is_current"],
    )


def downgrade() -> None:
    op.drop_index("ix_reserves_report_current", table_name="reserves_report")
    op.drop_index("ix_reserves_report_id", table_name="reserves_report")
    op.drop_table("reserves_report")
