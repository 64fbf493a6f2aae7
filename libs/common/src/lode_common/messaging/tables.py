"""The tables every service carries for its event path: ``outbox``, ``inbox``, ``dead_letter``.

Defined once here (SQLAlchemy Core) and created by each service's first migration, so
the event path is the same code on every service and every database.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)

# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
SeqType = BigInteger().with_variant(Integer(), "sqlite")


@dataclass(frozen=True)
class EventTables:
    metadata: MetaData
    outbox: Table
    inbox: Table
    dead_letter: Table

    def all(self) -> tuple[Table, ...]:
        return (self.outbox, self.inbox, self.dead_letter)


def event_tables(metadata: MetaData | None = None) -> EventTables:
    """Build the three tables on ``metadata`` (a fresh one by default)."""
    metadata = metadata if metadata is not None else MetaData()
    outbox = Table(
        "outbox",
        metadata,
        Column("seq", SeqType, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("type", String(200), nullable=False),
        Column("envelope", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("sent_at", DateTime(timezone=True), nullable=True),
        Index(
            "ix_outbox_unsent",
            "seq",
            postgresql_where=text("sent_at IS NULL"),
            sqlite_where=text("sent_at IS NULL"),
        ),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("consumer", String(100), nullable=False),
        Column("event_id", String(36), nullable=False),
        Column("outcome", String(20), nullable=False),  # handled | parked
        Column("handled_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
    )
    dead_letter = Table(
        "dead_letter",
        metadata,
        Column("id", SeqType, primary_key=True, autoincrement=True),
        Column("consumer", String(100), nullable=False),
        Column("event_id", String(200), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("type", String(200), nullable=False),
        Column("envelope", Text, nullable=False),
        Column("error", Text, nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("parked_at", DateTime(timezone=True), nullable=False),
        Column("redriven_at", DateTime(timezone=True), nullable=True),
        Column("status", String(20), nullable=False),  # parked | redriven
        Index("ix_dead_letter_status", "status"),
    )
    return EventTables(metadata, outbox, inbox, dead_letter)


EVENT_TABLES = event_tables()
"""The tables every service uses at run time (one definition; each service's own database)."""
