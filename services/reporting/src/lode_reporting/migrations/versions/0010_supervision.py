"""Supervision and enforcement (issue 17): ``inspection_draw_record`` (双随机抽查),
``inspection_record`` (检查结果), ``rectification_record`` (责令限期整改), ``listing_record``
(异常名录, 严重违法失信名单) from monitoring's events, and ``audit_anchor``: every service's
daily audit anchor (审计锚点), the copy outside each service that ``lode audit verify``
compares the chain with.

None of these events was consumed before: none to read back from the journal.

Revision ID: reporting_0010
Revises: reporting_0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "reporting_0010"
down_revision: str | None = "reporting_0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def _stamp() -> list[sa.Column[Any]]:
    return [
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "inspection_draw_record",
        sa.Column("draw_id", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("ratio_pct", sa.Numeric(9, 4), nullable=False),
        sa.Column("seed", sa.String(200), nullable=False),
        sa.Column("algorithm", sa.String(60), nullable=False),
        sa.Column("population", JSON, nullable=False),
        sa.Column("drawn", JSON, nullable=False),
        sa.Column("drawn_on", sa.Date, nullable=False),
        *_stamp(),
    )
    op.create_index("ix_inspection_draw_record_year", "inspection_draw_record", ["year"])
    op.create_table(
        "inspection_record",
        sa.Column("inspection_id", sa.String(64), primary_key=True),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("credit_code", sa.String(18), nullable=False),
        sa.Column("holder_name", sa.String(300), nullable=False),
        sa.Column("draw_id", sa.String(64)),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("inspected_on", sa.Date, nullable=False),
        sa.Column("result", sa.String(20), nullable=False),
        sa.Column("items", JSON, nullable=False),
        sa.Column("finding_id", sa.String(64)),
        *_stamp(),
    )
    op.create_index("ix_inspection_record_year", "inspection_record", ["year", "result"])
    op.create_table(
        "rectification_record",
        sa.Column("order_id", sa.String(64), primary_key=True),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("credit_code", sa.String(18), nullable=False),
        sa.Column("holder_name", sa.String(300), nullable=False),
        sa.Column("finding_ids", JSON, nullable=False),
        sa.Column("requirement", sa.String, nullable=False),
        sa.Column("ordered_on", sa.Date, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("verified_on", sa.Date),
        sa.Column("verification", sa.String(10)),
        sa.Column("overdue_on", sa.Date),
        *_stamp(),
    )
    op.create_index("ix_rectification_record_ordered", "rectification_record", ["ordered_on"])
    op.create_table(
        "listing_record",
        sa.Column("listing_id", sa.String(64), primary_key=True),
        sa.Column("credit_code", sa.String(18), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("list", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.String),
        sa.Column("listed_on", sa.Date),
        sa.Column("until", sa.Date),
        sa.Column("release_reason", sa.String),
        sa.Column("released_on", sa.Date),
        *_stamp(),
    )
    op.create_index("ix_listing_record_list", "listing_record", ["list", "status"])
    op.create_table(
        "audit_anchor",
        sa.Column("service", sa.String(20), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("entry_hash", sa.String(128), primary_key=True),
        sa.Column("algorithm", sa.String(10), nullable=False),
        sa.Column("anchored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_anchor")
    op.drop_index("ix_listing_record_list", table_name="listing_record")
    op.drop_table("listing_record")
    op.drop_index("ix_rectification_record_ordered", table_name="rectification_record")
    op.drop_table("rectification_record")
    op.drop_index("ix_inspection_record_year", table_name="inspection_record")
    op.drop_table("inspection_record")
    op.drop_index("ix_inspection_draw_record_year", table_name="inspection_draw_record")
    op.drop_table("inspection_draw_record")
