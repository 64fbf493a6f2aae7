"""Enforcement from rectification orders (issue 17): ``rectification_order``, the replica of
monitoring's orders (责令限期整改) with their place on the enforcement list (执法清单) and
the suspension or revocation that cited them.

Revision ID: licensing_0012
Revises: licensing_0011
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "licensing_0012"
down_revision: str | None = "licensing_0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "rectification_order",
        sa.Column("order_id", sa.String(64), primary_key=True),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("holder_name", sa.String(300), nullable=False),
        sa.Column("holder_credit_code", sa.String(18), nullable=False),
        sa.Column("finding_ids", JSON, nullable=False),
        sa.Column("requirement", sa.String, nullable=False),
        sa.Column("ordered_on", sa.Date, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("overdue_on", sa.Date),
        sa.Column("done_on", sa.Date),
        sa.Column("item_status", sa.String(10)),
        sa.Column("listed_at", sa.DateTime(timezone=True)),
        sa.Column("resolved_on", sa.Date),
        sa.Column("reason", sa.String),
        sa.Column("action", sa.String(10)),
        sa.Column("action_on", sa.Date),
        sa.Column("action_by", sa.String(200)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_rectification_order_licence", "rectification_order", ["licence_no", "status"]
    )
    op.create_index(
        "ix_rectification_order_item", "rectification_order", ["item_status", "listed_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_rectification_order_item", table_name="rectification_order")
    op.drop_index("ix_rectification_order_licence", table_name="rectification_order")
    op.drop_table("rectification_order")
