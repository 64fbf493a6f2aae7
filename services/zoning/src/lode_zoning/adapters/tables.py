"""The zoning service's tables (SQLModel): plan versions, zone versions, licence footprints,
block holders, and the spatial generation that tells every instance its index is stale.

Nothing is overwritten: a plan or a zone changes by a new version row; the current one is
flagged ``is_current``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Numeric
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from lode_common.idempotency import IdempotencyRecord

JsonType = JSON().with_variant(JSONB(), "postgresql")
NullableJsonType = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
"""A JSON column that may be empty: Python ``None`` is SQL NULL, not the JSON ``null`` a
plain JSON column stores (which ``IS NOT NULL`` does not filter out on PostgreSQL)."""


def _json_column(nullable: bool = False) -> Any:
    return Field(sa_column=Column(NullableJsonType if nullable else JsonType, nullable=nullable))


def _ts() -> Any:
    return Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class PlanVersion(SQLModel, table=True):
    """One published version of a plan document (规划版本)."""

    __tablename__ = "plan_version"

    plan_id: str = Field(primary_key=True, max_length=100)
    version: int = Field(primary_key=True)
    title_zh: str = Field(max_length=300)
    region_adcode: str = Field(max_length=12)
    parent_plan_id: str | None = Field(default=None, max_length=100)
    is_current: bool = Field(default=True, index=True)
    document: dict[str, Any] = _json_column()
    published_at: datetime = _ts()
    published_by: str = Field(max_length=200)
    note: str | None = None
    approval_ref: str | None = Field(default=None, max_length=300)
    """the approving level's reference (批准文号) the version rests on"""
    approved_on: date | None = None
    proposal_id: str | None = Field(default=None, max_length=36)
    """the adjustment proposal (规划调整) it was approved from, if any"""
    superseded_by: str | None = Field(default=None, max_length=100)
    """set on a plan's last version when an approved successor plan closed it (规划接续)"""


class PlanProposal(SQLModel, table=True):
    """A plan adjustment proposal (规划调整方案): the document it would publish, the zone
    features riding along, and where it stands (``domain.proposals``)."""

    __tablename__ = "plan_proposal"
    __table_args__ = (Index("ix_plan_proposal_plan_status", "plan_id", "status"),)

    id: str = Field(primary_key=True, max_length=36)
    plan_id: str = Field(max_length=100)
    """the plan adjusted; for a successor plan, the predecessor it replaces"""
    proposed_plan_id: str = Field(max_length=100)
    base_version: int
    status: str = Field(max_length=20)
    grounds: str = Field(max_length=40)
    reason: str
    document: dict[str, Any] = _json_column()
    """as it would be published (validated, with its standards)"""
    zones: list[dict[str, Any]] = _json_column()
    """the zone features as sent (checked when sent and again on approval)"""
    zone_summary: dict[str, Any] = _json_column()
    """what the features do, as read when sent: created, changed, retired, carried over"""
    proposed_by: str = Field(max_length=200)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    approval_ref: str | None = Field(default=None, max_length=300)
    approved_on: date | None = None
    published_version: int | None = None
    rejection_reason: str | None = None


class ProposalStep(SQLModel, table=True):
    """One step of a proposal (who, in which role, when, what, with which note)."""

    __tablename__ = "proposal_step"

    proposal_id: str = Field(primary_key=True, max_length=36)
    seq: int = Field(primary_key=True)
    action: str = Field(max_length=20)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    actor: str = Field(max_length=200)
    role: str = Field(max_length=40)
    at: datetime = _ts()
    note: str | None = None


class ZoneVersion(SQLModel, table=True):
    """One version of a zone or planning block (分区、规划区块), geometry in EPSG:4490."""

    __tablename__ = "zone_version"
    __table_args__ = (
        Index("ix_zone_current_plan_type", "plan_id", "type", "is_current"),
        Index("ix_zone_current_code", "plan_id", "code", "is_current"),
    )

    zone_id: str = Field(primary_key=True, max_length=64)
    version: int = Field(primary_key=True)
    plan_id: str = Field(max_length=100)
    type: str = Field(max_length=60)
    code: str = Field(max_length=60)
    name_zh: str = Field(max_length=300)
    minerals: list[str] = _json_column()
    status: str = Field(max_length=20)  # active | retired
    illustrative: bool = False
    geometry: dict[str, Any] = _json_column()
    area_ha: Decimal = Field(sa_column=Column(Numeric(16, 4), nullable=False))
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    is_current: bool = Field(default=True)
    properties: dict[str, Any] = _json_column()
    changed_at: datetime = _ts()
    changed_by: str = Field(max_length=200)
    reason: str | None = None


class LicenceFootprint(SQLModel, table=True):
    """A licence's area as licensing announced it (event-carried), for overlap analysis."""

    __tablename__ = "licence_footprint"

    licence_no: str = Field(primary_key=True, max_length=23)
    right_type: str = Field(max_length=20)
    holder_name: str = Field(max_length=300)
    holder_credit_code: str = Field(max_length=18)
    mineral: str = Field(max_length=60)
    status: str = Field(max_length=20, index=True)
    geometry: dict[str, Any] | None = _json_column(nullable=True)
    illustrative: bool = False
    updated_at: datetime = _ts()


class BlockHolder(SQLModel, table=True):
    """The one holder of a planning block (一个区块一个主体)."""

    __tablename__ = "block_holder"

    zone_id: str = Field(primary_key=True, max_length=64)
    holder_credit_code: str = Field(max_length=18)
    holder_name: str = Field(max_length=300)
    licence_no: str = Field(max_length=23)
    assigned_at: datetime = _ts()


class SpatialGeneration(SQLModel, table=True):
    """Bumped in the transaction of every zone or footprint change: an instance whose index
    was built at an older generation rebuilds it before answering."""

    __tablename__ = "spatial_generation"

    id: int = Field(primary_key=True)
    generation: int = 0


__all__ = ["IdempotencyRecord"]  # shared table, created by this service's migration (0004)
