"""Announce the API keys issued before keys travelled as events, so that every service
learns them: an ``api_key.issued`` event (and ``api_key.revoked`` for a revoked key) is
staged in the outbox for each existing key, once (this revision runs once per database).
Keys issued from now on are announced by the route that issues them.

Revision ID: monitoring_0004
Revises: monitoring_0003
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from lode_common.events.catalog import ApiKeyIssued, ApiKeyRevoked
from lode_common.events.envelope import Envelope
from lode_common.messaging.outbox import outbox_rows
from lode_common.messaging.tables import EVENT_TABLES

revision: str = "monitoring_0004"
down_revision: str | None = "monitoring_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def upgrade() -> None:
    keys = sa.table(
        "api_key",
        sa.column("id", sa.String),
        sa.column("prefix", sa.String),
        sa.column("key_hash", sa.String),
        sa.column("credit_code", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("revoked_at", sa.DateTime(timezone=True)),
    )
    envelopes: list[Envelope] = []
    for row in op.get_bind().execute(sa.select(keys).order_by(keys.c.created_at, keys.c.id)):
        record = {
            "key_id": row.id,
            "prefix": row.prefix,
            "key_sha256": row.key_hash,
            "credit_code": row.credit_code,
            "issued_at": _aware(row.created_at),
        }
        envelopes.append(ApiKeyIssued.model_validate(record).envelope(row.id))
        if row.revoked_at is not None:
            revoked = {**record, "revoked_at": _aware(row.revoked_at)}
            envelopes.append(ApiKeyRevoked.model_validate(revoked).envelope(row.id))
    if envelopes:
        op.get_bind().execute(sa.insert(EVENT_TABLES.outbox), outbox_rows(envelopes))


def downgrade() -> None:
    """The announcements may already be on the bus: nothing to undo."""
