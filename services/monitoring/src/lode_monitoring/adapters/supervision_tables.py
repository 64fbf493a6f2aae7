"""The tables of supervision (监督检查, issue 17), SQLModel: the inspector roster (检查人员
名录) and its recorded relations (回避), the random draws (双随机抽查) with their seed and
population, inspections (检查记录), and the enterprises on the abnormal and
serious-violation lists (异常名录, 严重违法失信名单). Migration ``monitoring_0009``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Date, DateTime, Index, Numeric, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

JsonType = JSON().with_variant(JSONB(), "postgresql")


def _json() -> Any:
    return Field(sa_column=Column(JsonType, nullable=False))


def _ts() -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=False))


class Inspector(SQLModel, table=True):
    """A member of the inspector roster (检查人员); ``subject`` is the staff token's subject."""

    __tablename__ = "inspector"

    id: str = Field(primary_key=True, max_length=60)
    name: str = Field(max_length=200)
    subject: str = Field(max_length=200, unique=True)
    active: bool = True
    created_by: str = Field(max_length=200)
    created_at: datetime = _ts()


class InspectorRelation(SQLModel, table=True):
    """An enterprise an inspector must not inspect (回避: 亲属, 曾任职, 持股 …)."""

    __tablename__ = "inspector_relation"
    __table_args__ = (
        UniqueConstraint("inspector_id", "credit_code", name="uq_inspector_relation"),
    )

    row_id: int | None = Field(default=None, primary_key=True)
    inspector_id: str = Field(max_length=60)
    credit_code: str = Field(max_length=18)
    relation: str = Field(max_length=500)
    recorded_by: str = Field(max_length=200)
    recorded_at: datetime = _ts()


class InspectionDraw(SQLModel, table=True):
    """A random draw (双随机抽查): what it was made from (``population``, sorted; for each
    drawn licence the eligible inspectors, ``candidates``) and what it gave, so it can be
    redrawn from its seed."""

    __tablename__ = "inspection_draw"
    __table_args__ = (Index("ix_inspection_draw_year", "year"),)

    id: str = Field(primary_key=True, max_length=36)
    year: int
    ratio_pct: Decimal = Field(sa_column=Column(Numeric(7, 4), nullable=False))
    seed: str = Field(max_length=200)
    algorithm: str = Field(max_length=40)
    population: list[str] = _json()
    candidates: dict[str, Any] = _json()  # {licence_no: [inspector id, ...]} of drawn ones
    drawn: list[str] = _json()
    assignments: list[dict[str, Any]] = _json()  # [{licence_no, inspectors: [id, id]}]
    drawn_by: str = Field(max_length=200)
    drawn_at: datetime = _ts()


class Inspection(SQLModel, table=True):
    """An inspection of a licence (现场检查) with its items and result."""

    __tablename__ = "inspection"
    __table_args__ = (
        Index("ix_inspection_licence", "licence_no", "year"),
        Index("ix_inspection_credit_code", "credit_code"),
    )

    id: str = Field(primary_key=True, max_length=36)
    licence_no: str = Field(max_length=23)
    credit_code: str = Field(max_length=18)
    year: int
    draw_id: str | None = Field(default=None, max_length=36)
    inspected_on: date = Field(sa_column=Column(Date, nullable=False))
    inspectors: list[str] = _json()
    items: list[dict[str, Any]] = _json()
    result: str = Field(max_length=20)
    note: str | None = None
    finding_id: str | None = Field(default=None, max_length=36)
    recorded_by: str = Field(max_length=200)
    recorded_at: datetime = _ts()


class EnterpriseListing(SQLModel, table=True):
    """An enterprise's place on a list (列入异常名录 / 严重违法失信名单), kept after release.
    ``source_ref`` names what listed it (``annual_report_missing:2024``,
    ``inspection:<id>``, ``serious_violation:<listing id>``): one listing per source."""

    __tablename__ = "supervision_listing"
    __table_args__ = (
        UniqueConstraint(
            "credit_code", "reason_code", "source_ref", name="uq_supervision_listing_source"
        ),
        Index("ix_supervision_listing_status", "credit_code", "list", "status"),
    )

    listing_id: str = Field(primary_key=True, max_length=36)
    credit_code: str = Field(max_length=18)
    name: str = Field(max_length=300)
    list: str = Field(max_length=20)
    reason_code: str = Field(max_length=40)
    reason: str
    source_ref: str = Field(max_length=200)
    listed_on: date = Field(sa_column=Column(Date, nullable=False))
    until: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    status: str = Field(max_length=10)  # listed | released
    released_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    release_reason: str | None = None
    listed_by: str = Field(max_length=200)
    released_by: str | None = Field(default=None, max_length=200)


__all__ = [
    "EnterpriseListing",
    "Inspection",
    "InspectionDraw",
    "Inspector",
    "InspectorRelation",
]
