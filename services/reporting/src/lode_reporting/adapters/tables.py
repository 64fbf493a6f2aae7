"""The reporting service's tables (SQLModel): the event journal and the read models fed
only by events (zones, licences with their versions, output and reserves reports,
exploration results, project progress, findings, plan history, conflicts, competitive
grants; supervision and the audit anchors, declared in
:mod:`lode_reporting.adapters.supervision`). Each read-model row names the event behind it
(``event_id``), which the journal holds, so every figure can be traced. The plan in force is
the shared replica's table (:data:`lode_common.plan.replica.PLAN_REPLICA`), with its event
id too."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Date, DateTime, Index, Integer, Numeric
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

# reporting's own tables beside the read models (staff sign-in: not fed by events, kept by a
# rebuild): named here so every table of the service is in one module's namespace
from lode_reporting.accounts.tables import OidcSignIn, StaffAccount, StaffSession  # noqa: F401
from lode_reporting.adapters.decisions import PublicDecision
from lode_reporting.adapters.supervision import (
    AuditAnchor,
    InspectionDrawRecord,
    InspectionRecord,
    ListingRecord,
    RectificationRecord,
)

JsonType = JSON().with_variant(JSONB(), "postgresql")


def _json(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(JsonType, nullable=nullable))


def _ts() -> Any:
    return Field(sa_column=Column(DateTime(timezone=True), nullable=False))


def _date() -> Any:
    return Field(sa_column=Column(Date, nullable=False))


def _qty(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(Numeric(18, 4), nullable=nullable))


class JournalEntry(SQLModel, table=True):
    """Every event the reporting handlers accepted, in the order they were committed."""

    __tablename__ = "reporting_journal"
    __table_args__ = (Index("ix_reporting_journal_licence", "licence_no"),)

    seq: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    event_id: str = Field(max_length=64, unique=True)
    type: str = Field(max_length=200)
    subject: str = Field(max_length=200)
    licence_no: str | None = Field(default=None, max_length=23)
    time: datetime = _ts()
    envelope: dict[str, Any] = _json()


class ReportingZone(SQLModel, table=True):
    """A zone or planning block in its latest version (retired ones kept, flagged)."""

    __tablename__ = "reporting_zone"

    zone_id: str = Field(primary_key=True, max_length=64)
    plan_id: str = Field(max_length=100)
    type: str = Field(max_length=60)
    code: str = Field(max_length=60)
    name_zh: str = Field(max_length=300)
    version: int
    geometry: dict[str, Any] | None = _json(nullable=True)
    illustrative: bool
    retired: bool
    event_id: str = Field(max_length=64)


class ReportingLicence(SQLModel, table=True):
    """A licence in its latest state (licences by status, mineral and scale)."""

    __tablename__ = "reporting_licence"
    __table_args__ = (Index("ix_reporting_licence_status", "right_type", "status"),)

    licence_no: str = Field(primary_key=True, max_length=23)
    right_type: str = Field(max_length=20)
    holder_name: str = Field(max_length=300)
    holder_credit_code: str = Field(max_length=18)
    mineral: str = Field(max_length=60)
    scale: str | None = Field(default=None, max_length=10)
    status: str = Field(max_length=20)
    valid_from: date = _date()
    valid_to: date = _date()
    first_valid_from: date = _date()
    green_mine: bool
    restoration_plan: list[dict[str, Any]] = _json()
    area: dict[str, Any] | None = _json(nullable=True)
    illustrative: bool
    first_event_id: str = Field(max_length=64)
    event_id: str = Field(max_length=64)
    event_time: datetime = _ts()


class ReportingLicenceVersion(SQLModel, table=True):
    """A licence's state from one event on (the mines at any year's end come from these)."""

    __tablename__ = "reporting_licence_version"

    licence_no: str = Field(primary_key=True, max_length=23)
    event_id: str = Field(primary_key=True, max_length=64)
    effective_on: date = _date()
    right_type: str = Field(max_length=20)
    status: str = Field(max_length=20)
    scale: str | None = Field(default=None, max_length=10)
    mineral: str = Field(max_length=60)
    valid_from: date = _date()
    valid_to: date = _date()


class ReportingOutput(SQLModel, table=True):
    """The current version of each output report (output by mineral and year); a
    correction replaces the row, so its contribution replaces the previous one."""

    __tablename__ = "reporting_output"
    __table_args__ = (Index("ix_reporting_output_year", "year", "licence_no"),)

    report_id: str = Field(primary_key=True, max_length=64)
    version: int
    licence_no: str = Field(max_length=23)
    year: int
    period: str = Field(max_length=10)
    mineral: str | None = Field(default=None, max_length=60)
    ore_mined_10kt: Decimal = _qty(nullable=False)
    products: list[dict[str, Any]] = _json()
    mining_recovery_pct: Decimal | None = _qty()
    processing_recovery_pct: Decimal | None = _qty()
    comprehensive_utilization_pct: Decimal | None = _qty()
    disturbed_area_ha: Decimal | None = _qty()
    restored_area_ha: Decimal | None = _qty()
    output_value_cny_10k: Decimal | None = _qty()
    """产值 (万元), as the mine reported it; ``None`` when the report gives none."""
    illustrative: bool
    event_id: str = Field(max_length=64)


class ReportingReserves(SQLModel, table=True):
    """The current version of each reserves report (储量年报: one mine, year and mineral);
    a correction replaces the row, as for output reports. 万吨 of ore throughout."""

    __tablename__ = "reporting_reserves"
    __table_args__ = (Index("ix_reporting_reserves_year", "year", "licence_no"),)

    report_id: str = Field(primary_key=True, max_length=64)
    version: int
    licence_no: str = Field(max_length=23)
    year: int
    mineral: str = Field(max_length=60)
    opening_10kt: Decimal = _qty(nullable=False)
    extracted_10kt: Decimal = _qty(nullable=False)
    lost_10kt: Decimal = _qty(nullable=False)
    new_proven_10kt: Decimal = _qty(nullable=False)
    recalculated_10kt: Decimal = _qty(nullable=False)
    closing_10kt: Decimal = _qty(nullable=False)
    illustrative: bool
    event_id: str = Field(max_length=64)


class ReportingExploration(SQLModel, table=True):
    """New resources proven (新增资源量), one row per result."""

    __tablename__ = "reporting_exploration"

    result_id: str = Field(primary_key=True, max_length=64)
    licence_no: str | None = Field(default=None, max_length=23)
    year: int
    mineral: str = Field(max_length=60)
    new_resources_ore_10kt: Decimal = _qty(nullable=False)
    event_id: str = Field(max_length=64)


class ReportingProgress(SQLModel, table=True):
    """Progress of the plan's projects (规划项目进展), one row per progress report."""

    __tablename__ = "reporting_progress"

    progress_id: str = Field(primary_key=True, max_length=64)
    project_id: str = Field(max_length=100)
    year: int
    completed_sheets: int | None = None
    restored_area_ha: Decimal | None = _qty()
    site: str | None = Field(default=None, max_length=300)
    event_id: str = Field(max_length=64)


class ReportingFinding(SQLModel, table=True):
    """A compliance finding with its history (opened, closed, opened again)."""

    __tablename__ = "reporting_finding"
    __table_args__ = (Index("ix_reporting_finding_open", "status", "licence_no"),)

    finding_id: str = Field(primary_key=True, max_length=64)
    licence_no: str = Field(max_length=23)
    code: str = Field(max_length=60)
    severity: str = Field(max_length=20)
    message: str
    standard: str
    year: int | None = None
    status: str = Field(max_length=10)
    history: list[dict[str, Any]] = _json()
    event_id: str = Field(max_length=64)
    event_time: datetime = _ts()


class ReportingPlanVersion(SQLModel, table=True):
    """Every published version of every plan (the shared replica keeps only the latest), so
    the annual report and the final evaluation can say what each adjustment changed."""

    __tablename__ = "reporting_plan_version"

    plan_id: str = Field(primary_key=True, max_length=100)
    version: int = Field(primary_key=True)
    document: dict[str, Any] = _json()
    approval_ref: str | None = Field(default=None, max_length=200)
    approved_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    proposal_id: str | None = Field(default=None, max_length=64)
    predecessor_plan_id: str | None = Field(default=None, max_length=100)
    published_at: datetime = _ts()
    """The event's time (when zoning published it)."""
    event_id: str = Field(max_length=64)


class ReportingProposal(SQLModel, table=True):
    """A plan adjustment proposal (规划调整方案) as far as it went: submitted, then approved
    or rejected, with its grounds, reason and who proposed and decided."""

    __tablename__ = "reporting_proposal"

    proposal_id: str = Field(primary_key=True, max_length=64)
    plan_id: str = Field(max_length=100)
    proposed_plan_id: str = Field(max_length=100)
    base_version: int
    grounds: str = Field(max_length=40)
    reason: str
    proposed_by: str = Field(max_length=200)
    status: str = Field(max_length=20)
    submitted_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    decided_by: str | None = Field(default=None, max_length=200)
    decided_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    approval_ref: str | None = Field(default=None, max_length=200)
    published_version: int | None = None
    rejection_reason: str | None = None
    event_id: str = Field(max_length=64)


class ReportingConflict(SQLModel, table=True):
    """A licence in force in conflict with the plan in force (与规划冲突), detected and, once
    it no longer holds, resolved."""

    __tablename__ = "reporting_conflict"
    __table_args__ = (Index("ix_reporting_conflict_licence", "licence_no"),)

    conflict_id: str = Field(primary_key=True, max_length=64)
    licence_no: str = Field(max_length=23)
    plan_id: str = Field(max_length=100)
    plan_version: int
    rule_id: str = Field(max_length=100)
    clause: str
    holder_name: str | None = Field(default=None, max_length=300)
    mineral: str | None = Field(default=None, max_length=60)
    outcome: str | None = Field(default=None, max_length=10)
    message: str | None = None
    zones: list[dict[str, Any]] = _json()
    detected_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    resolved_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    resolution: str | None = None
    event_id: str = Field(max_length=64)


class GrantRecord(SQLModel, table=True):
    """A competitive grant (矿业权出让) as far as licensing's events went: its announcement,
    its trade's result (成交 or 流拍), its contract and the fee schedule. No event carries the
    reserve price (底价), and neither does this row. ``updated_at`` is the time of the event
    that states the present status (:func:`lode_reporting.domain.grants.supersedes`),
    ``event_id`` that event."""

    __tablename__ = "grant_record"
    __table_args__ = (Index("ix_grant_record_year", "year", "status"),)

    grant_id: str = Field(primary_key=True, max_length=64)
    year: int
    right_type: str = Field(max_length=20)
    mineral: str = Field(max_length=60)
    method: str = Field(max_length=10)
    status: str = Field(max_length=20)
    announcement: int | None = None
    announced_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    trade_from: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    trade_to: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    starting_price_cny_10k: Decimal | None = _qty()
    area_ha: Decimal | None = _qty()
    zones: list[dict[str, Any]] = _json()
    winner_name: str | None = Field(default=None, max_length=300)
    winner_credit_code: str | None = Field(default=None, max_length=64)
    price_cny_10k: Decimal | None = _qty()
    concluded_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    publicity_until: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    failed_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    failed_reason: str | None = Field(default=None, max_length=30)
    bidders: int | None = None
    signed_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    contract_ref: str | None = Field(default=None, max_length=200)
    instalments: list[dict[str, Any]] = _json()
    """The fee schedule (出让收益): ``[{"due": "2025-03-31", "amount_cny_10k": 1200}]``."""
    updated_at: datetime = _ts()
    event_id: str = Field(max_length=64)


READ_MODELS: tuple[type[SQLModel], ...] = (
    JournalEntry,
    ReportingZone,
    ReportingLicence,
    ReportingLicenceVersion,
    ReportingOutput,
    ReportingReserves,
    ReportingExploration,
    ReportingProgress,
    ReportingFinding,
    ReportingPlanVersion,
    ReportingProposal,
    ReportingConflict,
    GrantRecord,
    InspectionDrawRecord,
    InspectionRecord,
    RectificationRecord,
    ListingRecord,
    AuditAnchor,
    PublicDecision,
)
