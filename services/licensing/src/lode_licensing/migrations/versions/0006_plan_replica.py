"""The plan in force moves to the shared replica (lode_common.plan.replica.PLAN_REPLICA):
``plan_replica`` is created, the rows of ``plan_in_force`` (which kept the time each version
arrived) are copied into it and ``plan_in_force`` is dropped (lode_common.plan.migration).
The downgrade copies them back.

Revision ID: licensing_0006
Revises: licensing_0005
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from lode_common.plan.migration import move_back, move_to_replica

revision: str = "licensing_0006"
down_revision: str | None = "licensing_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    move_to_replica(op.get_bind(), "plan_in_force", kept="received_at")


def downgrade() -> None:
    move_back(op.get_bind(), "plan_in_force", kept="received_at")
