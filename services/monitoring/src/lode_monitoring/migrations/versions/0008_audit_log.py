"""The tamper-evident audit log (issue 17): ``audit_entry``, defined once in
``lode_common.audit.tables`` for every service.

Revision ID: monitoring_0008
Revises: monitoring_0007
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from lode_common.audit.tables import audit_table

revision: str = "monitoring_0008"
down_revision: str | None = "monitoring_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    audit_table().create(op.get_bind())


def downgrade() -> None:
    audit_table().drop(op.get_bind())
