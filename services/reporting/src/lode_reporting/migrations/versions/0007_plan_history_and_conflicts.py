"""Plan history and conflicts (issue 15): ``reporting_plan_version`` keeps every published
version of every plan (the replica keeps only the latest), ``reporting_proposal`` the
adjustment proposals as they were submitted, approved or rejected, and
``reporting_conflict`` the licences found in conflict with the plan and their resolution.

The versions already published are read back from the journal (every ``plan.published``
reporting took is there), so an upgraded deployment holds the same history as a rebuild from
the topics would. Proposals and conflicts were not consumed before: none to read back.

Revision ID: reporting_0007
Revises: reporting_0006
Create Date: 2026-12-08
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "reporting_0007"
down_revision: str | None = "reporting_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(64)
PLAN = sa.String(100)
JSON = sa.JSON().with_variant(JSONB(), "postgresql")
PUBLISHED = "lode.zoning.plan.published.v1"


def upgrade() -> None:
    op.create_table(
        "reporting_plan_version",
        sa.Column("plan_id", PLAN, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("document", JSON, nullable=False),
        sa.Column("approval_ref", sa.String(200)),
        sa.Column("approved_on", sa.Date),
        sa.Column("proposal_id", ID),
        sa.Column("predecessor_plan_id", PLAN),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", ID, nullable=False),
    )
    op.create_table(
        "reporting_proposal",
        sa.Column("proposal_id", ID, primary_key=True),
        sa.Column("plan_id", PLAN, nullable=False),
        sa.Column("proposed_plan_id", PLAN, nullable=False),
        sa.Column("base_version", sa.Integer, nullable=False),
        sa.Column("grounds", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("proposed_by", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("submitted_on", sa.Date),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_on", sa.Date),
        sa.Column("approval_ref", sa.String(200)),
        sa.Column("published_version", sa.Integer),
        sa.Column("rejection_reason", sa.Text),
        sa.Column("event_id", ID, nullable=False),
    )
    op.create_table(
        "reporting_conflict",
        sa.Column("conflict_id", ID, primary_key=True),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("plan_id", PLAN, nullable=False),
        sa.Column("plan_version", sa.Integer, nullable=False),
        sa.Column("rule_id", sa.String(100), nullable=False),
        sa.Column("clause", sa.Text, nullable=False),
        sa.Column("holder_name", sa.String(300)),
        sa.Column("mineral", sa.String(60)),
        sa.Column("outcome", sa.String(10)),
        sa.Column("message", sa.Text),
        sa.Column("zones", JSON, nullable=False),
        sa.Column("detected_on", sa.Date),
        sa.Column("resolved_on", sa.Date),
        sa.Column("resolution", sa.Text),
        sa.Column("event_id", ID, nullable=False),
    )
    op.create_index("ix_reporting_conflict_licence", "reporting_conflict", ["licence_no"])
    _plan_versions_from_the_journal(op.get_bind())


def _plan_versions_from_the_journal(bind: sa.engine.Connection) -> None:
    journal = sa.table(
        "reporting_journal",
        sa.column("event_id"),
        sa.column("type"),
        sa.column("time", sa.DateTime(timezone=True)),
        sa.column("envelope", sa.JSON),
    )
    versions = sa.table(
        "reporting_plan_version",
        *(sa.column(name) for name in ("plan_id", "version", "approval_ref", "proposal_id")),
        sa.column("document", sa.JSON),
        sa.column("approved_on", sa.Date),
        sa.column("predecessor_plan_id"),
        sa.column("published_at", sa.DateTime(timezone=True)),
        sa.column("event_id"),
    )
    rows = bind.execute(
        sa.select(journal.c.event_id, journal.c.time, journal.c.envelope).where(
            journal.c.type == PUBLISHED
        )
    ).all()
    seen: set[tuple[str, int]] = set()
    for event_id, time, envelope in rows:
        data = envelope.get("data") if isinstance(envelope, dict) else None
        if not isinstance(data, dict) or (data["plan_id"], data["version"]) in seen:
            continue
        seen.add((data["plan_id"], data["version"]))
        bind.execute(versions.insert().values(**_version(event_id, time, data)))


def _version(event_id: str, time: datetime, data: dict[str, Any]) -> dict[str, Any]:
    document = data["document"]
    approved_on = data.get("approved_on")
    return {
        "plan_id": data["plan_id"],
        "version": data["version"],
        "document": document,
        "approval_ref": data.get("approval_ref"),
        "approved_on": date.fromisoformat(approved_on) if approved_on else None,
        "proposal_id": data.get("proposal_id"),
        "predecessor_plan_id": data.get("predecessor_plan_id")
        or document.get("plan", {}).get("predecessor_plan_id"),
        "published_at": time if time.tzinfo else time.replace(tzinfo=UTC),
        "event_id": event_id,
    }


def downgrade() -> None:
    op.drop_index("ix_reporting_conflict_licence", table_name="reporting_conflict")
    op.drop_table("reporting_conflict")
    op.drop_table("reporting_proposal")
    op.drop_table("reporting_plan_version")
