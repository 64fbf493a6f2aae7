"""Licences carry their restoration plan (复垦方案 milestones) and the green-mine listing.

Revision ID: licensing_0004
Revises: licensing_0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "licensing_0004"
down_revision: str | None = "licensing_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("licence") as batch:
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
    with op.batch_alter_table("licence") as batch:
        batch.drop_column("green_mine")
        batch.drop_column("restoration_plan")
