"""The event journal and the read models: plan in force, zones, licences and their
versions, output reports, exploration results, project progress, findings.

Revision ID: reporting_0002
Revises: reporting_0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "reporting_0002"
down_revision: str | None = "reporting_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)
QTY = sa.Numeric(18, 4)
ID = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "reporting_journal",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("event_id", ID, nullable=False, unique=True),
        sa.Column("type", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("licence_no", sa.String(23)),
        sa.Column("time", TS, nullable=False),
        sa.Column("envelope", JSON, nullable=False),
    )
    op.create_index("ix_reporting_journal_licence", "reporting_journal", ["licence_no"])
    op.create_table(
        "reporting_plan",
        sa.Column("plan_id", sa.String(100), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("event_id", ID, nullable=False),
    )
    op.create_table(
        "reporting_zone",
        sa.Column("zone_id", ID, primary_key=True),
        sa.Column("plan_id", sa.String(100), nullable=False),
        sa.Column("type", sa.String(60), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("name_zh", sa.String(300), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("geometry", JSON),
        sa.Column("illustrative", sa.Boolean, nullable=False),
        sa.Column("retired", sa.Boolean, nullable=False),
        sa.Column("event_id", ID, nullable=False),
    )
    op.create_table(
        "reporting_licence",
        sa.Column("licence_no", sa.String(23), primary_key=True),
        sa.Column("right_type", sa.String(20), nullable=False),
        sa.Column("holder_name", sa.String(300), nullable=False),
        sa.Column("holder_credit_code", sa.String(18), nullable=False),
        sa.Column("mineral", sa.String(60), nullable=False),
        sa.Column("scale", sa.String(10)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date, nullable=False),
        sa.Column("first_valid_from", sa.Date, nullable=False),
        sa.Column("green_mine", sa.Boolean, nullable=False),
        sa.Column("restoration_plan", JSON, nullable=False),
        sa.Column("area", JSON),
        sa.Column("illustrative", sa.Boolean, nullable=False),
        sa.Column("first_event_id", ID, nullable=False),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("event_time", TS, nullable=False),
    )
    op.create_index("ix_reporting_licence_status", "reporting_licence", ["right_type", "status"])
    op.create_table(
        "reporting_licence_version",
        sa.Column("licence_no", sa.String(23), primary_key=True),
        sa.Column("event_id", ID, primary_key=True),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("right_type", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("scale", sa.String(10)),
        sa.Column("mineral", sa.String(60), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date, nullable=False),
    )
    op.create_table(
        "reporting_output",
        sa.Column("report_id", ID, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("mineral", sa.String(60)),
        sa.Column("ore_mined_10kt", QTY, nullable=False),
        sa.Column("products", JSON, nullable=False),
        sa.Column("mining_recovery_pct", QTY),
        sa.Column("processing_recovery_pct", QTY),
        sa.Column("comprehensive_utilization_pct", QTY),
        sa.Column("disturbed_area_ha", QTY),
        sa.Column("restored_area_ha", QTY),
        sa.Column("illustrative", sa.Boolean, nullable=False),
        sa.Column("event_id", ID, nullable=False),
    )
    op.create_index("ix_reporting_output_year", "reporting_output", ["year", "licence_no"])
    op.create_table(
        "reporting_exploration",
        sa.Column("result_id", ID, primary_key=True),
        sa.Column("licence_no", sa.String(23)),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("mineral", sa.String(60), nullable=False),
        sa.Column("new_resources_ore_10kt", QTY, nullable=False),
        sa.Column("event_id", ID, nullable=False),
    )
    op.create_table(
        "reporting_progress",
        sa.Column("progress_id", ID, primary_key=True),
        sa.Column("project_id", sa.String(100), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("completed_sheets", sa.Integer),
        sa.Column("restored_area_ha", QTY),
        sa.Column("site", sa.String(300)),
        sa.Column("event_id", ID, nullable=False),
    )
    op.create_table(
        "reporting_finding",
        sa.Column("finding_id", ID, primary_key=True),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("message", sa.String, nullable=False),
        sa.Column("standard", sa.String, nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("history", JSON, nullable=False),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("event_time", TS, nullable=False),
    )
    op.create_index("ix_reporting_finding_open", "reporting_finding", ["status", "licence_no"])


def downgrade() -> None:
    for table in (
        "reporting_finding",
        "reporting_progress",
        "reporting_exploration",
        "reporting_output",
        "reporting_licence_version",
        "reporting_licence",
        "reporting_zone",
        "reporting_plan",
        "reporting_journal",
    ):
        op.drop_table(table)
