"""The replica of mines' API keys (企业接口密钥副本), fed by monitoring's api_key events, so
that reporting recognises a key monitoring issued (see lode_common.api_keys).

Revision ID: reporting_0003
Revises: reporting_0002
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "reporting_0003"
down_revision: str | None = "reporting_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "api_key_replica",
        sa.Column("key_id", sa.String(36), primary_key=True),
        sa.Column("prefix", sa.String(8), nullable=False, unique=True),
        sa.Column("key_sha256", sa.String(64), nullable=False),
        sa.Column("credit_code", sa.String(18), nullable=False),
        sa.Column("issued_at", TS, nullable=False),
        sa.Column("revoked_at", TS),
    )


def downgrade() -> None:
    op.drop_table("api_key_replica")
