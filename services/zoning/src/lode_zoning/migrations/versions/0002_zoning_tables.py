"""Plan versions, zone versions, licence footprints, block holders, spatial generation.

Revision ID: zoning_0002
Revises: zoning_0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "zoning_0002"
down_revision: str | None = "zoning_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "plan_version",
        sa.Column("plan_id", sa.String(100), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("title_zh", sa.String(300), nullable=False),
        sa.Column("region_adcode", sa.String(12), nullable=False),
        sa.Column("parent_plan_id", sa.String(100)),
        sa.Column("is_current", sa.Boolean, nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("published_at", TS, nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.Column("note", sa.String),
    )
    op.create_index("ix_plan_version_is_current", "plan_version", ["is_current"])
    op.create_table(
        "zone_version",
        sa.Column("zone_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.String(100), nullable=False),
        sa.Column("type", sa.String(60), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("name_zh", sa.String(300), nullable=False),
        sa.Column("minerals", JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("illustrative", sa.Boolean, nullable=False),
        sa.Column("geometry", JSON, nullable=False),
        sa.Column("area_ha", sa.Numeric(16, 4), nullable=False),
        sa.Column("min_lon", sa.Float, nullable=False),
        sa.Column("min_lat", sa.Float, nullable=False),
        sa.Column("max_lon", sa.Float, nullable=False),
        sa.Column("max_lat", sa.Float, nullable=False),
        sa.Column("is_current", sa.Boolean, nullable=False),
        sa.Column("properties", JSON, nullable=False),
        sa.Column("changed_at", TS, nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("reason", sa.String),
    )
    op.create_index("ix_zone_current_plan_type", "zone_version", ["plan_id", "type", "is_current"])
    op.create_index("ix_zone_current_code", "zone_version", ["plan_id", "code", "is_current"])
    op.create_table(
        "licence_footprint",
        sa.Column("licence_no", sa.String(23), primary_key=True),
        sa.Column("right_type", sa.String(20), nullable=False),
        sa.Column("holder_name", sa.String(300), nullable=False),
        sa.Column("holder_credit_code", sa.String(18), nullable=False),
        sa.Column("mineral", sa.String(60), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("geometry", JSON),
        sa.Column("illustrative", sa.Boolean, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_licence_footprint_status", "licence_footprint", ["status"])
    op.create_table(
        "block_holder",
        sa.Column("zone_id", sa.String(64), primary_key=True),
        sa.Column("holder_credit_code", sa.String(18), nullable=False),
        sa.Column("holder_name", sa.String(300), nullable=False),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("assigned_at", TS, nullable=False),
    )
    op.create_table(
        "spatial_generation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("generation", sa.Integer, nullable=False),
    )
    op.execute("INSERT INTO spatial_generation (id, generation) VALUES (1, 0)")


def downgrade() -> None:
    for table in (
        "spatial_generation",
        "block_holder",
        "licence_footprint",
        "zone_version",
        "plan_version",
    ):
        op.drop_table(table)
