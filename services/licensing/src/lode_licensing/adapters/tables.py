"""The licensing service's tables (SQLModel): block holders (a replica from zoning's
events), applications with every step, licences with their history, and the province
callbacks already seen. The plan in force is the shared replica's table
(:data:`lode_common.plan.replica.PLAN_REPLICA`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Date, DateTime, Index, Numeric, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from lode_common.idempotency import IdempotencyRecord

JsonType = JSON().with_variant(JSONB(), "postgresql")


def _json(nullable: bool = False) -> Any:
    return Field(sa_column=Column(JsonType, nullable=nullable))


def _ts(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class BlockHolderReplica(SQLModel, table=True):
    """A planning block's one holder, as zoning announced it."""

    __tablename__ = "block_holder_replica"

    zone_id: str = Field(primary_key=True, max_length=64)
    holder_credit_code: str = Field(max_length=18)
    licence_no: str = Field(max_length=23)


class Application(SQLModel, table=True):
    """An application for an exploration or mining right (矿业权申请) and where it stands."""

    __tablename__ = "application"
    __table_args__ = (
        Index("ix_application_status", "status"),
        Index("ix_application_applicant", "applicant_credit_code"),
        Index("ix_application_due", "status", "next_attempt_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    right_type: str = Field(max_length=20)
    kind: str = Field(max_length=20)
    status: str = Field(max_length=20)
    verdict: str | None = Field(default=None, max_length=20)
    applicant_name: str = Field(max_length=300)
    applicant_credit_code: str = Field(max_length=18)
    mineral: str = Field(max_length=60)
    licence_no: str | None = Field(default=None, max_length=23)
    body: dict[str, Any] = _json()
    checks: list[dict[str, Any]] = _json()
    plan_id: str | None = Field(default=None, max_length=100)
    plan_version: int | None = None
    review_outcome: str | None = Field(default=None, max_length=10)
    review_reason: str | None = None
    decision: str | None = Field(default=None, max_length=10)
    decision_reason: str | None = None
    issued_licence_no: str | None = Field(default=None, max_length=23)
    grant_id: str | None = Field(default=None, max_length=36, index=True)
    """The competitive grant (出让) a new application rests on, when it names one."""
    attempts: int = 0  # check attempts while pending_checks; forward attempts once forwarded
    next_attempt_at: datetime | None = _ts(nullable=True)
    last_error: str | None = None
    forward_key: str | None = Field(default=None, max_length=64)
    province_reference: str | None = Field(default=None, max_length=100)
    forward_acknowledged: bool = False
    submitted_by: str = Field(max_length=200)
    submitted_at: datetime = _ts()
    updated_at: datetime = _ts()


class ApplicationStep(SQLModel, table=True):
    """Who did what to an application, and when (办理记录)."""

    __tablename__ = "application_step"

    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(max_length=36, index=True)
    action: str = Field(max_length=40)
    from_status: str = Field(max_length=20)
    to_status: str = Field(max_length=20)
    actor: str = Field(max_length=200)
    role: str = Field(max_length=40)
    at: datetime = _ts()
    note: str | None = None


class Licence(SQLModel, table=True):
    """An exploration or mining licence (勘查/采矿许可证), numbered upstream (统一配号)."""

    __tablename__ = "licence"
    __table_args__ = (
        Index("ix_licence_status", "status"),
        Index("ix_licence_holder", "holder_credit_code"),
    )

    licence_no: str = Field(primary_key=True, max_length=23)
    right_type: str = Field(max_length=20)
    holder_name: str = Field(max_length=300)
    holder_credit_code: str = Field(max_length=18)
    mineral: str = Field(max_length=60)
    mining_method: str | None = Field(default=None, max_length=20)
    capacity_value: Decimal | None = Field(default=None, sa_column=Column(Numeric(16, 4)))
    capacity_unit: str | None = Field(default=None, max_length=20)
    scale: str | None = Field(default=None, max_length=10)
    valid_from: date = Field(sa_column=Column(Date, nullable=False))
    valid_to: date = Field(sa_column=Column(Date, nullable=False))
    status: str = Field(max_length=20)
    area: dict[str, Any] | None = _json(nullable=True)
    phase_out: bool = False
    illustrative: bool = False
    restoration_plan: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JsonType, nullable=False, server_default="[]")
    )  # 复垦方案: [{year, restored_area_ha}], cumulative
    green_mine: bool = False  # listed on the 绿色矿山名录
    application_id: str | None = Field(default=None, max_length=36)
    grant_id: str | None = Field(default=None, max_length=36)
    """The competitive grant (出让) the right was granted by, when it was."""
    issued_at: datetime = _ts()
    updated_at: datetime = _ts()


class LicenceHistory(SQLModel, table=True):
    """Every change of a licence: what, who, when, why, and the state after it."""

    __tablename__ = "licence_history"

    id: int | None = Field(default=None, primary_key=True)
    licence_no: str = Field(max_length=23, index=True)
    action: str = Field(max_length=20)
    actor: str = Field(max_length=200)
    at: datetime = _ts()
    note: str | None = None
    state: dict[str, Any] = _json()


class ProvinceCallbackSeen(SQLModel, table=True):
    """Signatures of province callbacks already accepted (replays are refused)."""

    __tablename__ = "province_callback_seen"

    signature: str = Field(primary_key=True, max_length=80)
    seen_at: datetime = _ts()


class OutputReportReplica(SQLModel, table=True):
    """The latest version of each mine's output report (开发利用年报/季报), from monitoring's
    events: what the output-control check adds up (a correction replaces its report)."""

    __tablename__ = "output_report_replica"
    __table_args__ = (Index("ix_output_report_replica_year", "year", "period"),)

    report_id: str = Field(primary_key=True, max_length=64)
    version: int
    licence_no: str = Field(max_length=23)
    year: int
    period: str = Field(max_length=10)
    mineral: str | None = Field(default=None, max_length=60)
    ore_mined_10kt: Decimal = Field(sa_column=Column(Numeric(18, 4), nullable=False))
    products: list[dict[str, Any]] = _json()  # [{name, grade_pct, output_10kt}]


class ReservesReportReplica(SQLModel, table=True):
    """The latest version of each reserves report (储量年报), from monitoring's events: the
    closing reserves (保有资源量) a service-years check uses when an application gives none."""

    __tablename__ = "reserves_report_replica"
    __table_args__ = (Index("ix_reserves_report_replica_licence", "licence_no", "year"),)

    report_id: str = Field(primary_key=True, max_length=64)
    version: int
    licence_no: str = Field(max_length=23)
    year: int
    mineral: str = Field(max_length=60)
    closing_10kt: Decimal = Field(sa_column=Column(Numeric(18, 4), nullable=False))


class ClosureFact(SQLModel, table=True):
    """A fact of a mine's closure the bureau recorded (闭坑): ``closure_report`` (矿山闭坑报告
    received) or ``restoration_acceptance`` (地质环境恢复治理验收), with its date, reference,
    who recorded it, in which role, and when. Every record is kept; the latest of each kind
    counts."""

    __tablename__ = "closure_fact"
    __table_args__ = (Index("ix_closure_fact_licence", "licence_no", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    licence_no: str = Field(max_length=23)
    kind: str = Field(max_length=30)
    happened_on: date = Field(sa_column=Column(Date, nullable=False))  # received_on, accepted_on
    reference: str = Field(max_length=300)
    note: str | None = None
    recorded_by: str = Field(max_length=200)
    role: str = Field(max_length=40)
    recorded_at: datetime = _ts()


class LicenceConflict(SQLModel, table=True):
    """A licence in force in conflict with the plan in force (与规划冲突): the rule and clause
    it fails, under which version, the zones concerned; ``open`` until it no longer holds."""

    __tablename__ = "licence_conflict"
    __table_args__ = (
        Index("ix_licence_conflict_status", "status", "detected_on"),
        Index("ix_licence_conflict_licence", "licence_no"),
        Index(
            "ux_licence_conflict_open",
            "licence_no",
            "rule_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: str = Field(primary_key=True, max_length=36)
    licence_no: str = Field(max_length=23)
    holder_name: str = Field(max_length=300)
    holder_credit_code: str = Field(max_length=18)
    mineral: str = Field(max_length=60)
    plan_id: str = Field(max_length=100)
    plan_version: int
    rule_id: str = Field(max_length=100)
    clause: str
    outcome: str = Field(max_length=10)
    message: str
    zones: list[dict[str, Any]] = _json()
    detected_on: date = Field(sa_column=Column(Date, nullable=False))
    detected_at: datetime = _ts()
    status: str = Field(max_length=10)
    resolved_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    reason: str | None = None


class ConflictSweep(SQLModel, table=True):
    """A durable "the licences in force need checking against the plan again": an event
    handler bumps ``requested`` (a plan version or a zone change arrived); the background
    job sweeps and records the ``requested`` it swept as ``done``."""

    __tablename__ = "conflict_sweep"

    id: str = Field(primary_key=True, max_length=20)
    requested: int = 0
    done: int = 0
    reason: str | None = None
    requested_at: datetime | None = _ts(nullable=True)


_MONEY = 4
"""Decimal places kept of an amount in 万元 (1 yuan)."""


def _money(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(Numeric(18, _MONEY), nullable=nullable))


def _day(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(Date, nullable=nullable))


class Grant(SQLModel, table=True):
    """A competitive grant of a right (矿业权出让: 出让方案 → 公告 → 交易 → 成交/流拍 → 出让合同).

    ``reserve_price_cny_10k`` (底价) is the bureau's secret until the trade concludes: only
    licensing officers read it before then, and no event carries it."""

    __tablename__ = "rights_grant"
    __table_args__ = (
        Index("ix_rights_grant_status", "status"),
        Index("ix_rights_grant_year", "year", "status"),
    )

    id: str = Field(primary_key=True, max_length=36)
    year: int
    right_type: str = Field(max_length=20)
    mineral: str = Field(max_length=60)
    method: str = Field(max_length=10)
    area: dict[str, Any] = _json()
    """The area as given (``{geometry}`` or ``{corners, crs}``)."""
    area_lonlat: dict[str, Any] | None = _json(nullable=True)
    """The area as zoning read it, GeoJSON in CRS84 (None until analysed)."""
    area_ha: Decimal | None = Field(default=None, sa_column=Column(Numeric(16, 4)))
    zones: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JsonType, nullable=False, server_default="[]")
    )  # the zones it touches: [{zone_id, type, code, name_zh, overlap_ha}]
    mining_method: str | None = Field(default=None, max_length=20)  # 开采方式, when given
    capacity_value: Decimal | None = Field(default=None, sa_column=Column(Numeric(16, 4)))
    capacity_unit: str | None = Field(default=None, max_length=20)
    reserves_10kt: Decimal | None = Field(default=None, sa_column=Column(Numeric(16, 4)))
    term_years: int
    starting_price_cny_10k: Decimal = _money(nullable=False)
    reserve_price_cny_10k: Decimal = _money(nullable=False)
    clean_grant: bool = False
    status: str = Field(max_length=20)
    checks: list[dict[str, Any]] = _json()
    verdict: str | None = Field(default=None, max_length=20)
    plan_id: str = Field(max_length=100)
    plan_version: int
    announcement: int = 0  # how many times it was announced (a failed trade is announced again)
    announced_on: date | None = _day()
    trade_from: date | None = _day()
    trade_to: date | None = _day()
    concluded_on: date | None = _day()
    publicity_until: date | None = _day()
    winner_name: str | None = Field(default=None, max_length=300)
    winner_credit_code: str | None = Field(default=None, max_length=18)
    price_cny_10k: Decimal | None = _money()
    failed_on: date | None = _day()
    failed_reason: str | None = Field(default=None, max_length=30)
    signed_on: date | None = _day()
    contract_ref: str | None = Field(default=None, max_length=100)
    instalments: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JsonType, nullable=False, server_default="[]")
    )  # the grant fee's instalments: [{due, amount_cny_10k}]
    created_by: str = Field(max_length=200)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class GrantStep(SQLModel, table=True):
    """Who moved a grant, when, from where to where, and why (出让办理记录)."""

    __tablename__ = "grant_step"

    id: int | None = Field(default=None, primary_key=True)
    grant_id: str = Field(max_length=36, index=True)
    action: str = Field(max_length=40)
    from_status: str = Field(max_length=20)
    to_status: str = Field(max_length=20)
    actor: str = Field(max_length=200)
    role: str = Field(max_length=40)
    at: datetime = _ts()
    note: str | None = None


class Bid(SQLModel, table=True):
    """An offer (报价) in a grant's trade, recorded by a licensing officer from the trading
    platform (公共资源交易平台), under the announcement it was made in."""

    __tablename__ = "grant_bid"
    __table_args__ = (Index("ix_grant_bid_grant", "grant_id", "announcement"),)

    id: str = Field(primary_key=True, max_length=36)
    grant_id: str = Field(max_length=36)
    announcement: int
    bidder_name: str = Field(max_length=300)
    bidder_credit_code: str = Field(max_length=18)
    amount_cny_10k: Decimal = _money(nullable=False)
    at: datetime = _ts()
    recorded_by: str = Field(max_length=200)
    recorded_at: datetime = _ts()


class EnterpriseListing(SQLModel, table=True):
    """An enterprise's place on a supervision list (异常名录 / 严重违法失信名单), a replica
    kept from monitoring's ``enterprise.listed`` / ``.released`` events: a listed bidder's
    offer is refused."""

    __tablename__ = "enterprise_listing"
    __table_args__ = (Index("ix_enterprise_listing_code", "credit_code", "status"),)

    listing_id: str = Field(primary_key=True, max_length=36)
    credit_code: str = Field(max_length=18)
    name: str = Field(max_length=300)
    list: str = Field(max_length=20)
    reason: str
    listed_on: date = _day(nullable=False)
    until: date | None = _day()
    status: str = Field(max_length=10)  # listed | released
    released_on: date | None = _day()
    released_reason: str | None = None


class RectificationOrder(SQLModel, table=True):
    """A rectification order (责令限期整改通知) monitoring issued for a licence, a replica kept
    from its ``rectification.ordered/verified/overdue`` events (``status`` ordered, overdue,
    done: never moved backwards by an older event). Once overdue (逾期未整改) it is an item of
    the enforcement list (执法清单, ``kind: order``) until verified done or the licence leaves
    force; ``action``: the suspension or revocation that cited it."""

    __tablename__ = "rectification_order"
    __table_args__ = (
        Index("ix_rectification_order_licence", "licence_no", "status"),
        Index("ix_rectification_order_item", "item_status", "listed_at"),
    )

    order_id: str = Field(primary_key=True, max_length=64)
    licence_no: str = Field(max_length=23)
    holder_name: str = Field(max_length=300)
    holder_credit_code: str = Field(max_length=18)
    finding_ids: list[str] = _json()
    requirement: str
    ordered_on: date = _day(nullable=False)
    due: date = _day(nullable=False)
    status: str = Field(max_length=10)  # ordered | overdue | done
    overdue_on: date | None = _day()
    done_on: date | None = _day()
    item_status: str | None = Field(default=None, max_length=10)
    """On the enforcement list: ``open``, ``resolved``; None while not overdue."""
    listed_at: datetime | None = _ts(nullable=True)
    resolved_on: date | None = _day()
    reason: str | None = None
    """Why the item was resolved."""
    action: str | None = Field(default=None, max_length=10)  # suspend | revoke
    action_on: date | None = _day()
    action_by: str | None = Field(default=None, max_length=200)
    updated_at: datetime = _ts()


__all__ = ["IdempotencyRecord"]  # shared table, created by this service's migration
