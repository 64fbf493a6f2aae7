"""Mines keep their licence's restoration plan (复垦方案 milestones) and green-mine listing.

Revision ID: monitoring_0003
Revises: monitoring_0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "monitoring_0003"
down_revision: str | None = "monitoring_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mine") as batch:
        batch.add_column(
            sa.Column(
                "restoration_plan",
                sa.JSON().with_variant(JSONB(), "postgresql"),
                nullable=False,
                server_default="[]",
            )
        )
        batch.add_column(
            sa.Column("green_mine", sa.Boolean, nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("mine") as batch:
        batch.drop_column("green_mine")
        batch.drop_column("restoration_plan")
