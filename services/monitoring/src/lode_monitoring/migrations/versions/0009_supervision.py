"""Supervision (监督检查, issue 17): the inspector roster (检查人员名录) and the enterprises
each inspector must not inspect (回避), the random inspection draws (双随机) with their
seed and population, inspections, and the abnormal and serious-violation lists
(异常名录, 严重违法失信名单).

Revision ID: monitoring_0009
Revises: monitoring_0008
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "monitoring_0009"
down_revision: str | None = "monitoring_0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inspector",
        sa.Column("id", sa.String(60), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False, unique=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "inspector_relation",
        sa.Column("row_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("inspector_id", sa.String(60), nullable=False),
        sa.Column("credit_code", sa.String(18), nullable=False),
        sa.Column("relation", sa.String(500), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.UniqueConstraint("inspector_id", "credit_code", name="uq_inspector_relation"),
    )
    op.create_table(
        "inspection_draw",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("ratio_pct", sa.Numeric(7, 4), nullable=False),
        sa.Column("seed", sa.String(200), nullable=False),
        sa.Column("algorithm", sa.String(40), nullable=False),
        sa.Column("population", JSON, nullable=False),
        sa.Column("candidates", JSON, nullable=False),
        sa.Column("drawn", JSON, nullable=False),
        sa.Column("assignments", JSON, nullable=False),
        sa.Column("drawn_by", sa.String(200), nullable=False),
        sa.Column("drawn_at", TS, nullable=False),
    )
    op.create_index("ix_inspection_draw_year", "inspection_draw", ["year"])
    op.create_table(
        "inspection",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("credit_code", sa.String(18), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("draw_id", sa.String(36)),
        sa.Column("inspected_on", sa.Date, nullable=False),
        sa.Column("inspectors", JSON, nullable=False),
        sa.Column("items", JSON, nullable=False),
        sa.Column("result", sa.String(20), nullable=False),
        sa.Column("note", sa.String),
        sa.Column("finding_id", sa.String(36)),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
    )
    op.create_index("ix_inspection_licence", "inspection", ["licence_no", "year"])
    op.create_index("ix_inspection_credit_code", "inspection", ["credit_code"])
    op.create_table(
        "supervision_listing",
        sa.Column("listing_id", sa.String(36), primary_key=True),
        sa.Column("credit_code", sa.String(18), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("list", sa.String(20), nullable=False),
        sa.Column("reason_code", sa.String(40), nullable=False),
        sa.Column("reason", sa.String, nullable=False),
        sa.Column("source_ref", sa.String(200), nullable=False),
        sa.Column("listed_on", sa.Date, nullable=False),
        sa.Column("until", sa.Date),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("released_on", sa.Date),
        sa.Column("release_reason", sa.String),
        sa.Column("listed_by", sa.String(200), nullable=False),
        sa.Column("released_by", sa.String(200)),
        sa.UniqueConstraint(
            "credit_code", "reason_code", "source_ref", name="uq_supervision_listing_source"
        ),
    )
    op.create_index(
        "ix_supervision_listing_status", "supervision_listing", ["credit_code", "list", "status"]
    )


def downgrade() -> None:
    op.drop_index("ix_supervision_listing_status", table_name="supervision_listing")
    op.drop_table("supervision_listing")
    op.drop_index("ix_inspection_credit_code", table_name="inspection")
    op.drop_index("ix_inspection_licence", table_name="inspection")
    op.drop_table("inspection")
    op.drop_index("ix_inspection_draw_year", table_name="inspection_draw")
    op.drop_table("inspection_draw")
    op.drop_table("inspector_relation")
    op.drop_table("inspector")
