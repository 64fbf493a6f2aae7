"""The table of rectification orders (责令限期整改通知), with their verifications (整改核查)
kept on the order in the order they were made. Gathered into the service's tables by
:mod:`lode_monitoring.adapters.tables`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Date, DateTime, Index
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

_JSON = JSON().with_variant(JSONB(), "postgresql")


class RectificationOrder(SQLModel, table=True):
    """An order to remedy open findings of a licence by ``due`` (CST). ``holder_*`` are the
    holder when it was ordered (to whom the order is addressed). ``revision`` counts the
    order's moves: a move is a conditional update of the revision read, so two concurrent
    verifications cannot both happen. ``verifications``: ``[{outcome, note, verified_on,
    verified_by, recorded_at}]``."""

    __tablename__ = "rectification"
    __table_args__ = (
        Index("ix_rectification_status", "status", "due"),
        Index("ix_rectification_licence", "licence_no"),
        Index("ix_rectification_holder", "holder_credit_code"),
    )

    id: str = Field(primary_key=True, max_length=36)
    licence_no: str = Field(max_length=23)
    holder_name: str = Field(max_length=300)
    holder_credit_code: str = Field(max_length=18)
    finding_ids: list[str] = Field(sa_column=Column(_JSON, nullable=False))
    requirement: str
    ordered_on: date = Field(sa_column=Column(Date, nullable=False))
    due: date = Field(sa_column=Column(Date, nullable=False))
    status: str = Field(max_length=10)  # ordered | overdue | done
    revision: int = 0
    ordered_by: str = Field(max_length=200)
    ordered_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    overdue_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    done_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    verifications: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(_JSON, nullable=False)
    )
