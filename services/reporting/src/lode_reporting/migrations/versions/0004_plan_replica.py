"""The plan in force moves to the shared replica (lode_common.plan.replica.PLAN_REPLICA):
``plan_replica`` is created, the rows of ``reporting_plan`` (which kept the event that
brought each version) are copied into it and ``reporting_plan`` is dropped
(lode_common.plan.migration). The downgrade copies them back.

Revision ID: reporting_0004
Revises: reporting_0003
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from lode_common.plan.migration import move_back, move_to_replica

revision: str = "reporting_0004"
down_revision: str | None = "reporting_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    move_to_replica(op.get_bind(), "reporting_plan", kept="event_id")


def downgrade() -> None:
    move_back(op.get_bind(), "reporting_plan", kept="event_id")
