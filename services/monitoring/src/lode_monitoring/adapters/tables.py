"""The monitoring service's tables (SQLModel): the plan in force and the mines (replicas
from events), enterprises' API keys, reports and reserves reports with their versions, findings,
exploration results, project progress, and the idempotency records of retried writes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Date, DateTime, Index, Numeric, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from lode_common.idempotency import IdempotencyRecord
from lode_monitoring.adapters.rectification_tables import RectificationOrder  # noqa: F401
from lode_monitoring.adapters.supervision_tables import *  # noqa: F403 (declared with the rest)

JsonType = JSON().with_variant(JSONB(), "postgresql")


def _json(nullable: bool = False) -> Any:
    return Field(sa_column=Column(JsonType, nullable=nullable))


def _ts(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


def _qty() -> Any:
    return Field(default=None, sa_column=Column(Numeric(18, 4), nullable=True))


class Mine(SQLModel, table=True):
    """A licence as monitoring knows it (矿山), replicated from licensing's events only."""

    __tablename__ = "mine"
    __table_args__ = (Index("ix_mine_holder", "holder_credit_code"),)

    licence_no: str = Field(primary_key=True, max_length=23)
    right_type: str = Field(max_length=20)
    holder_name: str = Field(max_length=300)
    holder_credit_code: str = Field(max_length=18)
    mineral: str = Field(max_length=60)
    mining_method: str | None = Field(default=None, max_length=20)
    capacity_value: Decimal | None = _qty()
    capacity_unit: str | None = Field(default=None, max_length=20)
    scale: str | None = Field(default=None, max_length=10)
    valid_from: date = Field(sa_column=Column(Date, nullable=False))
    valid_to: date = Field(sa_column=Column(Date, nullable=False))
    status: str = Field(max_length=20)
    status_history: list[dict[str, Any]] = _json()  # [{status, from}] in order
    phase_out: bool = False
    illustrative: bool = False
    restoration_plan: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JsonType, nullable=False, server_default="[]")
    )  # 复垦方案 milestones [{year, restored_area_ha}], cumulative, as the events carry them
    green_mine: bool = False  # listed on the 绿色矿山名录
    updated_at: datetime = _ts()


class ApiKey(SQLModel, table=True):
    """An enterprise's API key (stored as a SHA-256 hash; the key is shown once)."""

    __tablename__ = "api_key"

    id: str = Field(primary_key=True, max_length=36)
    prefix: str = Field(max_length=8, unique=True)
    key_hash: str = Field(max_length=64)
    credit_code: str = Field(max_length=18, index=True)
    label: str | None = Field(default=None, max_length=200)
    created_by: str = Field(max_length=200)
    created_at: datetime = _ts()
    revoked_at: datetime | None = _ts(nullable=True)
    last_used_at: datetime | None = _ts(nullable=True)


class Report(SQLModel, table=True):
    """One version of an output report (开发利用年报); corrections are new versions."""

    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("licence_no", "year", "period", "version", name="uq_report_version"),
        Index("ix_report_current", "licence_no", "year", "period", "is_current"),
    )

    row_id: int | None = Field(default=None, primary_key=True)
    id: str = Field(max_length=36, index=True)  # the report's id, the same across versions
    version: int
    is_current: bool = True
    licence_no: str = Field(max_length=23)
    year: int
    period: str = Field(max_length=10)
    body: dict[str, Any] = _json()
    ore_mined_10kt: Decimal | None = _qty()
    reason: str | None = None
    submitted_by: str = Field(max_length=200)
    submitted_at: datetime = _ts()
    illustrative: bool = False


def _qty_required() -> Any:
    return Field(sa_column=Column(Numeric(18, 4), nullable=False))


class ReservesReport(SQLModel, table=True):
    """One version of a reserves report (储量年报) of a licence, year and mineral; corrections
    are new versions. The figures are the body's, in 万吨 of ore (``recalculated`` signed)."""

    __tablename__ = "reserves_report"
    __table_args__ = (
        UniqueConstraint(
            "licence_no", "year", "mineral", "version", name="uq_reserves_report_version"
        ),
        Index("ix_reserves_report_current", "licence_no", "year", "mineral", "is_current"),
    )

    row_id: int | None = Field(default=None, primary_key=True)
    id: str = Field(max_length=36, index=True)  # the report's id, the same across versions
    version: int
    is_current: bool = True
    licence_no: str = Field(max_length=23)
    year: int
    mineral: str = Field(max_length=60)
    opening_10kt: Decimal = _qty_required()
    extracted_10kt: Decimal = _qty_required()
    lost_10kt: Decimal = _qty_required()
    new_proven_10kt: Decimal = _qty_required()
    recalculated_10kt: Decimal = _qty_required()
    closing_10kt: Decimal = _qty_required()
    body: dict[str, Any] = _json()
    reason: str | None = None
    submitted_by: str = Field(max_length=200)
    submitted_at: datetime = _ts()
    illustrative: bool = False


class Finding(SQLModel, table=True):
    """A compliance finding (发现问题), opened and closed by events."""

    __tablename__ = "finding"
    __table_args__ = (Index("ix_finding_open", "licence_no", "status"),)

    id: str = Field(primary_key=True, max_length=36)
    key: str = Field(max_length=200, index=True)
    licence_no: str = Field(max_length=23)
    code: str = Field(max_length=60)
    severity: str = Field(max_length=20)
    message: str
    standard: str
    year: int | None = None
    details: dict[str, Any] = _json()
    status: str = Field(max_length=10)  # open | closed
    opened_at: datetime = _ts()
    report_id: str | None = Field(default=None, max_length=36)
    closed_at: datetime | None = _ts(nullable=True)
    closed_by: str | None = Field(default=None, max_length=200)
    note: str | None = None


class ExplorationResult(SQLModel, table=True):
    """New resources proven by exploration (新增资源量)."""

    __tablename__ = "exploration_result"

    id: str = Field(primary_key=True, max_length=36)
    licence_no: str | None = Field(default=None, max_length=23)
    year: int
    mineral: str = Field(max_length=60)
    new_resources_ore_10kt: Decimal = Field(sa_column=Column(Numeric(18, 4), nullable=False))
    submitted_by: str = Field(max_length=200)
    submitted_at: datetime = _ts()


class ProjectProgress(SQLModel, table=True):
    """Progress of one of the plan's projects (规划项目进展)."""

    __tablename__ = "project_progress"

    id: str = Field(primary_key=True, max_length=36)
    project_id: str = Field(max_length=60)
    year: int
    completed_sheets: int | None = None
    restored_area_ha: Decimal | None = _qty()
    site: str | None = Field(default=None, max_length=300)
    submitted_by: str = Field(max_length=200)
    submitted_at: datetime = _ts()


__all__ = ["IdempotencyRecord"]  # shared table, created by this service's migration
