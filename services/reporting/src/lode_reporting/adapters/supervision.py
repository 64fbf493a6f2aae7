"""The read models of supervision and enforcement (监督检查, issue 17), fed by monitoring's
events, and the audit anchors (审计锚点) every service publishes. Declared with the others
in :data:`lode_reporting.adapters.tables.READ_MODELS`.

Each row names the event that states its present state (``event_id``, ``updated_at``: see
:func:`lode_reporting.domain.supervision.supersedes`). No row holds an inspector's name: no
event carries one."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Date, DateTime, Index, Numeric, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

_JSON = JSON().with_variant(JSONB(), "postgresql")


def _json() -> Any:
    return Field(default=None, sa_column=Column(_JSON, nullable=False))


def _ts() -> Any:
    return Field(sa_column=Column(DateTime(timezone=True), nullable=False))


def _day(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(Date, nullable=nullable))


class InspectionDrawRecord(SQLModel, table=True):
    """A random inspection draw (双随机抽查): the population it was drawn from, the seed and
    the algorithm (so anyone can redraw it), and the licences drawn, in draw order."""

    __tablename__ = "inspection_draw_record"
    __table_args__ = (Index("ix_inspection_draw_record_year", "year"),)

    draw_id: str = Field(primary_key=True, max_length=64)
    year: int
    ratio_pct: Decimal = Field(sa_column=Column(Numeric(9, 4), nullable=False))
    seed: str = Field(max_length=200)
    algorithm: str = Field(max_length=60)
    population: list[str] = _json()
    drawn: list[str] = _json()
    drawn_on: date = _day()
    updated_at: datetime = _ts()
    event_id: str = Field(max_length=64)


class InspectionRecord(SQLModel, table=True):
    """An inspection's result (检查结果) with its items (filed against found)."""

    __tablename__ = "inspection_record"
    __table_args__ = (Index("ix_inspection_record_year", "year", "result"),)

    inspection_id: str = Field(primary_key=True, max_length=64)
    licence_no: str = Field(max_length=23)
    credit_code: str = Field(max_length=18)
    holder_name: str = Field(max_length=300)
    draw_id: str | None = Field(default=None, max_length=64)
    year: int
    inspected_on: date = _day()
    result: str = Field(max_length=20)
    items: list[dict[str, Any]] = _json()
    finding_id: str | None = Field(default=None, max_length=64)
    updated_at: datetime = _ts()
    event_id: str = Field(max_length=64)


class RectificationRecord(SQLModel, table=True):
    """A rectification order (责令限期整改) as far as its events went: issued, verified
    (整改核查), found overdue (逾期未整改). ``status`` is read from those
    (:func:`lode_reporting.domain.supervision.order_status`)."""

    __tablename__ = "rectification_record"
    __table_args__ = (Index("ix_rectification_record_ordered", "ordered_on"),)

    order_id: str = Field(primary_key=True, max_length=64)
    licence_no: str = Field(max_length=23)
    credit_code: str = Field(max_length=18)
    holder_name: str = Field(max_length=300)
    finding_ids: list[str] = _json()
    requirement: str
    ordered_on: date = _day()
    due: date = _day()
    status: str = Field(max_length=10)
    verified_on: date | None = _day(nullable=True)
    verification: str | None = Field(default=None, max_length=10)
    overdue_on: date | None = _day(nullable=True)
    updated_at: datetime = _ts()
    event_id: str = Field(max_length=64)


class ListingRecord(SQLModel, table=True):
    """An enterprise's place on a supervision list (异常名录 or 严重违法失信名单): listed
    with the reason and term, released with the reason."""

    __tablename__ = "listing_record"
    __table_args__ = (Index("ix_listing_record_list", "list", "status"),)

    listing_id: str = Field(primary_key=True, max_length=64)
    credit_code: str = Field(max_length=18)
    name: str = Field(max_length=300)
    list: str = Field(max_length=20)
    status: str = Field(max_length=10)
    reason: str | None = None
    listed_on: date | None = _day(nullable=True)
    until: date | None = _day(nullable=True)
    release_reason: str | None = None
    released_on: date | None = _day(nullable=True)
    updated_at: datetime = _ts()
    event_id: str = Field(max_length=64)


class AuditAnchor(SQLModel, table=True):
    """A daily anchor of a service's hash-chained audit log (审计日志), as published: the
    copy outside the service that ``lode audit verify`` compares the chain with.

    Keyed by everything it asserts, so a second anchor for the same day claiming another
    hash is kept beside the first, never over it; the same anchor published again keeps the
    earliest ``anchored_at``."""

    __tablename__ = "audit_anchor"

    service: str = Field(primary_key=True, max_length=20)
    day: date = Field(sa_column=Column(Date, primary_key=True))
    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    entry_hash: str = Field(sa_column=Column(String(128), primary_key=True))
    algorithm: str = Field(max_length=10)
    anchored_at: datetime = _ts()
    event_id: str = Field(max_length=64)
