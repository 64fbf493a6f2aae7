"""Competitive grants (issue 16): ``grant_record`` keeps each grant (矿业权出让) as far as
licensing's ``grant.announced``, ``.concluded``, ``.failed`` and ``.contracted`` went: the
announcement, the trade's result, the contract and its fee schedule (出让收益). No event
carries the reserve price (底价), and no column holds one.

Grant events were not consumed before: none to read back from the journal.

Revision ID: reporting_0008
Revises: reporting_0007
Create Date: 2026-12-09
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "reporting_0008"
down_revision: str | None = "reporting_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
MONEY = sa.Numeric(18, 4)


def upgrade() -> None:
    op.create_table(
        "grant_record",
        sa.Column("grant_id", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("right_type", sa.String(20), nullable=False),
        sa.Column("mineral", sa.String(60), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("announcement", sa.Integer),
        sa.Column("announced_on", sa.Date),
        sa.Column("trade_from", sa.Date),
        sa.Column("trade_to", sa.Date),
        sa.Column("starting_price_cny_10k", MONEY),
        sa.Column("area_ha", MONEY),
        sa.Column("zones", JSON, nullable=False),
        sa.Column("winner_name", sa.String(300)),
        sa.Column("winner_credit_code", sa.String(64)),
        sa.Column("price_cny_10k", MONEY),
        sa.Column("concluded_on", sa.Date),
        sa.Column("publicity_until", sa.Date),
        sa.Column("failed_on", sa.Date),
        sa.Column("failed_reason", sa.String(30)),
        sa.Column("bidders", sa.Integer),
        sa.Column("signed_on", sa.Date),
        sa.Column("contract_ref", sa.String(200)),
        sa.Column("instalments", JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_grant_record_year", "grant_record", ["year", "status"])


def downgrade() -> None:
    op.drop_index("ix_grant_record_year", table_name="grant_record")
    op.drop_table("grant_record")
