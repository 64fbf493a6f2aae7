"""The read model of approval decisions as the public may see them (审批结果公开, issue 18),
fed by licensing's ``application.submitted`` and ``application.decided``. Declared with the
others in :data:`lode_reporting.adapters.tables.READ_MODELS`.

No row holds a check, a verdict, a plan clause or a staff name: none of them is public, and
the events this table is fed by carry no staff name. Either event may arrive first, so the
columns the other one fills are nullable; only a row holding both is disclosed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Date, DateTime, Index
from sqlmodel import Field, SQLModel


def _day() -> Any:
    return Field(default=None, sa_column=Column(Date, nullable=True))


class PublicDecision(SQLModel, table=True):
    """An application (行政许可申请) and, once made, its decision (审批决定): who applied for
    what (from ``submitted``), approved or rejected, why, on which day in China Standard
    Time, and the licence an approval issued or concerns (from ``decided``).

    ``event_id`` and ``updated_at`` name the event that states the row's present state: the
    decision once it came, else the submission."""

    __tablename__ = "public_decision"
    __table_args__ = (Index("ix_public_decision_decided", "decided_on", "decision"),)

    application_id: str = Field(primary_key=True, max_length=64)
    right_type: str | None = Field(default=None, max_length=20)
    kind: str | None = Field(default=None, max_length=20)
    applicant_name: str | None = Field(default=None, max_length=300)
    applicant_credit_code: str | None = Field(default=None, max_length=64)
    mineral: str | None = Field(default=None, max_length=60)
    submitted_on: date | None = _day()
    decision: str | None = Field(default=None, max_length=10)
    reason: str | None = None
    licence_no: str | None = Field(default=None, max_length=23)
    decided_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    decided_on: date | None = _day()
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    event_id: str = Field(max_length=64)
