"""Output value and reserves: ``reporting_output`` keeps each report's output value (产值,
万元), and ``reporting_reserves`` holds the latest version of each reserves report (储量年报).

The output value of the rows already there is read back from the events the journal kept
(``output_value_cny_10k`` of the row's own event), so that an upgraded deployment sums the
same figures as a rebuild from the topics would. The downgrade drops both.

Revision ID: reporting_0005
Revises: reporting_0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "reporting_0005"
down_revision: str | None = "reporting_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QTY = sa.Numeric(18, 4)
ID = sa.String(64)


def upgrade() -> None:
    op.add_column("reporting_output", sa.Column("output_value_cny_10k", QTY))
    op.create_table(
        "reporting_reserves",
        sa.Column("report_id", ID, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("licence_no", sa.String(23), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("mineral", sa.String(60), nullable=False),
        sa.Column("opening_10kt", QTY, nullable=False),
        sa.Column("extracted_10kt", QTY, nullable=False),
        sa.Column("lost_10kt", QTY, nullable=False),
        sa.Column("new_proven_10kt", QTY, nullable=False),
        sa.Column("recalculated_10kt", QTY, nullable=False),
        sa.Column("closing_10kt", QTY, nullable=False),
        sa.Column("illustrative", sa.Boolean, nullable=False),
        sa.Column("event_id", ID, nullable=False),
    )
    op.create_index("ix_reporting_reserves_year", "reporting_reserves", ["year", "licence_no"])
    _output_values_from_the_journal(op.get_bind())


def _output_values_from_the_journal(bind: sa.engine.Connection) -> None:
    output = sa.table(
        "reporting_output",
        sa.column("report_id"),
        sa.column("event_id"),
        sa.column("output_value_cny_10k", QTY),
    )
    journal = sa.table("reporting_journal", sa.column("event_id"), sa.column("envelope", sa.JSON))
    rows = bind.execute(
        sa.select(output.c.report_id, journal.c.envelope).join(
            journal, journal.c.event_id == output.c.event_id
        )
    ).all()
    for report_id, envelope in rows:
        value = _value(envelope)
        if value is not None:
            bind.execute(
                output.update()
                .where(output.c.report_id == report_id)
                .values(output_value_cny_10k=value)
            )


def _value(envelope: Any) -> Decimal | None:
    data = envelope.get("data") if isinstance(envelope, dict) else None
    value = data.get("output_value_cny_10k") if isinstance(data, dict) else None
    return None if value is None else Decimal(str(value))


def downgrade() -> None:
    op.drop_index("ix_reporting_reserves_year", table_name="reporting_reserves")
    op.drop_table("reporting_reserves")
    with op.batch_alter_table("reporting_output") as batch:
        batch.drop_column("output_value_cny_10k")
