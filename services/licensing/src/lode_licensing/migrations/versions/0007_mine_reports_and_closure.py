"""Replicas of the mines' output and reserves reports (from monitoring's events) and the
closure facts the bureau records (闭坑报告 received, 恢复治理 accepted).

Revision ID: licensing_0007
Revises: licensing_0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "licensing_0007"
down_revision: str | None = "licensing_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
QUANTITY = sa.Numeric(18, 4)


def upgrade() -> None:
    op.create_table(
        "output_report_replica",
        sa.Column("report_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("mineral", sa.String(60)),
        sa.Column("ore_mined_10kt", QUANTITY, nullable=False),
        sa.Column("products", JSON, nullable=False),
    )
    op.create_index("ix_output_report_replica_year", "output_report_replica", ["year", "period"])
    op.create_table(
        "reserves_report_replica",
        sa.Column("report_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("mineral", sa.String(60), nullable=False),
        sa.Column("closing_10kt", QUANTITY, nullable=False),
    )
    op.create_index(
        "ix_reserves_report_replica_licence", "reserves_report_replica", ["licence_no", "year"]
    )
    op.create_table(
        "closure_fact",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("happened_on", sa.Date, nullable=False),
        sa.Column("reference", sa.String(300), nullable=False),
        sa.Column("note", sa.String),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_closure_fact_licence", "closure_fact", ["licence_no", "kind"])


def downgrade() -> None:
    op.drop_table("closure_fact")
    op.drop_table("reserves_report_replica")
    op.drop_table("output_report_replica")
