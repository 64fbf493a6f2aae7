"""Competitive granting (issue 16): ``grant`` (出让方案 to 出让合同), ``grant_step``,
``grant_bid``, the replica ``enterprise_listing`` (bidders' standing, from monitoring's
events), and ``grant_id`` on applications and licences.

Revision ID: licensing_0010
Revises: licensing_0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "licensing_0010"
down_revision: str | None = "licensing_0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
MONEY = sa.Numeric(18, 4)


def upgrade() -> None:
    op.create_table(
        "rights_grant",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("right_type", sa.String(20), nullable=False),
        sa.Column("mineral", sa.String(60), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("area", JSON, nullable=False),
        sa.Column("area_lonlat", JSON),
        sa.Column("area_ha", sa.Numeric(16, 4)),
        sa.Column("zones", JSON, nullable=False, server_default="[]"),
        sa.Column("mining_method", sa.String(20)),
        sa.Column("capacity_value", sa.Numeric(16, 4)),
        sa.Column("capacity_unit", sa.String(20)),
        sa.Column("reserves_10kt", sa.Numeric(16, 4)),
        sa.Column("term_years", sa.Integer, nullable=False),
        sa.Column("starting_price_cny_10k", MONEY, nullable=False),
        sa.Column("reserve_price_cny_10k", MONEY, nullable=False),
        sa.Column("clean_grant", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("checks", JSON, nullable=False),
        sa.Column("verdict", sa.String(20)),
        sa.Column("plan_id", sa.String(100), nullable=False),
        sa.Column("plan_version", sa.Integer, nullable=False),
        sa.Column("announcement", sa.Integer, nullable=False),
        sa.Column("announced_on", sa.Date),
        sa.Column("trade_from", sa.Date),
        sa.Column("trade_to", sa.Date),
        sa.Column("concluded_on", sa.Date),
        sa.Column("publicity_until", sa.Date),
        sa.Column("winner_name", sa.String(300)),
        sa.Column("winner_credit_code", sa.String(18)),
        sa.Column("price_cny_10k", MONEY),
        sa.Column("failed_on", sa.Date),
        sa.Column("failed_reason", sa.String(30)),
        sa.Column("signed_on", sa.Date),
        sa.Column("contract_ref", sa.String(100)),
        sa.Column("instalments", JSON, nullable=False, server_default="[]"),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_rights_grant_status", "rights_grant", ["status"])
    op.create_index("ix_rights_grant_year", "rights_grant", ["year", "status"])
    op.create_table(
        "grant_step",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("grant_id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=False),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String),
    )
    op.create_index("ix_grant_step_grant_id", "grant_step", ["grant_id"])
    op.create_table(
        "grant_bid",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("grant_id", sa.String(36), nullable=False),
        sa.Column("announcement", sa.Integer, nullable=False),
        sa.Column("bidder_name", sa.String(300), nullable=False),
        sa.Column("bidder_credit_code", sa.String(18), nullable=False),
        sa.Column("amount_cny_10k", MONEY, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_grant_bid_grant", "grant_bid", ["grant_id", "announcement"])
    op.create_table(
        "enterprise_listing",
        sa.Column("listing_id", sa.String(36), primary_key=True),
        sa.Column("credit_code", sa.String(18), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("list", sa.String(20), nullable=False),
        sa.Column("reason", sa.String, nullable=False),
        sa.Column("listed_on", sa.Date, nullable=False),
        sa.Column("until", sa.Date),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("released_on", sa.Date),
        sa.Column("released_reason", sa.String),
    )
    op.create_index("ix_enterprise_listing_code", "enterprise_listing", ["credit_code", "status"])
    with op.batch_alter_table("application") as batch:
        batch.add_column(sa.Column("grant_id", sa.String(36)))
        batch.create_index("ix_application_grant_id", ["grant_id"])
    with op.batch_alter_table("licence") as batch:
        batch.add_column(sa.Column("grant_id", sa.String(36)))


def downgrade() -> None:
    with op.batch_alter_table("licence") as batch:
        batch.drop_column("grant_id")
    with op.batch_alter_table("application") as batch:
        batch.drop_index("ix_application_grant_id")
        batch.drop_column("grant_id")
    op.drop_index("ix_enterprise_listing_code", table_name="enterprise_listing")
    op.drop_table("enterprise_listing")
    op.drop_index("ix_grant_bid_grant", table_name="grant_bid")
    op.drop_table("grant_bid")
    op.drop_index("ix_grant_step_grant_id", table_name="grant_step")
    op.drop_table("grant_step")
    op.drop_index("ix_rights_grant_year", table_name="rights_grant")
    op.drop_index("ix_rights_grant_status", table_name="rights_grant")
    op.drop_table("rights_grant")
