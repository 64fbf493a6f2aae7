"""Public disclosure (信息公示, issue 18): ``public_decision``, the applications and their
approval decisions (审批决定) as the public may see them, fed by licensing's
``application.submitted`` (applicant, kind, right type, mineral) and
``application.decided`` (decision, reason, licence number; the event's time gives the
decision's date in CST). No check, verdict or staff name is kept: none is public.

Either event may arrive first (the broker does not order two subjects), so every column the
other event fills is nullable; only rows with both are disclosed. Neither event was
consumed before: ``lode reporting rebuild`` fills the table from the journal of events
received from now on.

Revision ID: reporting_0011
Revises: reporting_0010
Create Date: 2026-12-14
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "reporting_0011"
down_revision: str | None = "reporting_0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "public_decision",
        sa.Column("application_id", sa.String(64), primary_key=True),
        sa.Column("right_type", sa.String(20)),
        sa.Column("kind", sa.String(20)),
        sa.Column("applicant_name", sa.String(300)),
        sa.Column("applicant_credit_code", sa.String(64)),
        sa.Column("mineral", sa.String(60)),
        sa.Column("submitted_on", sa.Date),
        sa.Column("decision", sa.String(10)),
        sa.Column("reason", sa.String),
        sa.Column("licence_no", sa.String(23)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decided_on", sa.Date),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_public_decision_decided", "public_decision", ["decided_on", "decision"])


def downgrade() -> None:
    op.drop_index("ix_public_decision_decided", table_name="public_decision")
    op.drop_table("public_decision")
