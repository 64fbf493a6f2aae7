"""The event path's tables: outbox, inbox, dead_letter.

Revision ID: reporting_0001
Revises:
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

from lode_common.messaging.tables import event_tables

revision: str = "reporting_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in event_tables().all():
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed(event_tables().all()):
        table.drop(op.get_bind())
