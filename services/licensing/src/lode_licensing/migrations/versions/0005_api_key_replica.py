"""The replica of mines' API keys (企业接口密钥副本), fed by monitoring's api_key events, so
that licensing recognises a key monitoring issued (see lode_common.api_keys).

Revision ID: licensing_0005
Revises: licensing_0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from lode_common.api_keys import KEY_REPLICA

revision: str = "licensing_0005"
down_revision: str | None = "licensing_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    KEY_REPLICA.create(op.get_bind())


def downgrade() -> None:
    KEY_REPLICA.drop(op.get_bind())
