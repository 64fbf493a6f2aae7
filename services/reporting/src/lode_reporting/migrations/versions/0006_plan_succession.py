"""Plan succession (issue 15): ``plan_replica`` keeps the plan each plan succeeds
(``predecessor_plan_id``, filled from the kept documents), so the service finds the plan in
force once a successor plan is approved (lode_common.plan.succession).

Revision ID: reporting_0006
Revises: reporting_0005
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from lode_common.plan.migration import add_predecessor, drop_predecessor

revision: str = "reporting_0006"
down_revision: str | None = "reporting_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_predecessor(op.get_bind())


def downgrade() -> None:
    drop_predecessor()
