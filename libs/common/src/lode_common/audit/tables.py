"""The ``audit_entry`` table every service carries (SQLAlchemy Core), created by each
service's audit migration, like the event path's tables.

An entry is written unsealed (``seq`` NULL) in the transaction of the action it records;
the sealer gives it the next ``seq``, the previous entry's hash and its own hash, in one
writer per service, so the hot path never waits on the chain's head."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    MetaData,
    String,
    Table,
    Text,
    text,
)


def audit_table(metadata: MetaData | None = None) -> Table:
    """Build ``audit_entry`` on ``metadata`` (a fresh one by default)."""
    metadata = metadata if metadata is not None else MetaData()
    return Table(
        "audit_entry",
        metadata,
        Column("id", String(36), primary_key=True),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("actor", String(200), nullable=False),
        Column("roles", String(200), nullable=False, server_default=""),
        Column("action", String(300), nullable=False),
        Column("subject", Text, nullable=False, server_default="{}"),
        Column("request_id", String(100), nullable=True),
        Column("detail", Text, nullable=True),
        Column("seq", BigInteger, nullable=True, unique=True),
        Column("prev_hash", String(64), nullable=True),
        Column("entry_hash", String(64), nullable=True),
        Column("algorithm", String(10), nullable=True),
        Column("sealed_at", DateTime(timezone=True), nullable=True),
        Index(
            "ix_audit_entry_unsealed",
            "recorded_at",
            "id",
            postgresql_where=text("seq IS NULL"),
            sqlite_where=text("seq IS NULL"),
        ),
    )
