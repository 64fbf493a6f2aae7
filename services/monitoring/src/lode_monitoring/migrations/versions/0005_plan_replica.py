"""The plan in force moves to the shared replica (lode_common.plan.replica.PLAN_REPLICA):
``plan_replica`` is created, the rows of ``monitoring_plan`` (which kept the time each
version arrived) are copied into it and ``monitoring_plan`` is dropped
(lode_common.plan.migration). The downgrade copies them back.

Revision ID: monitoring_0005
Revises: monitoring_0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from lode_common.plan.migration import move_back, move_to_replica

revision: str = "monitoring_0005"
down_revision: str | None = "monitoring_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    move_to_replica(op.get_bind(), "monitoring_plan", kept="received_at")


def downgrade() -> None:
    move_back(op.get_bind(), "monitoring_plan", kept="received_at")
