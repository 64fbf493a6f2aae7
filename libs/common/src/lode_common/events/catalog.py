"""The integration events of Lode: the public contract of ``EVENTS.md``.

Importing this module registers every type. Payload fields only grow within a version;
an incompatible change is a new class with ``.v2`` (``tests`` compare the schemas with
the committed ones in ``schemas/`` and fail on an incompatible change).
Quantities are exact decimals written as JSON numbers (:data:`Quantity`).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_serializer

from lode_common.events.quantities import Quantity
from lode_common.events.registry import EventPayload
from lode_common.events.supervision import AUDIT_ANCHORED as AUDIT_ANCHORED
from lode_common.events.supervision import InspectionDrawn as InspectionDrawn
from lode_common.events.supervision import InspectionItem as InspectionItem
from lode_common.events.supervision import InspectionRecorded as InspectionRecorded
from lode_common.events.supervision import LicensingAuditAnchored as LicensingAuditAnchored
from lode_common.events.supervision import MonitoringAuditAnchored as MonitoringAuditAnchored
from lode_common.events.supervision import RectificationOrdered as RectificationOrdered
from lode_common.events.supervision import RectificationOverdue as RectificationOverdue
from lode_common.events.supervision import RectificationVerified as RectificationVerified
from lode_common.events.supervision import ReportingAuditAnchored as ReportingAuditAnchored
from lode_common.events.supervision import ZoningAuditAnchored as ZoningAuditAnchored
from lode_common.plan.document import PlanDocument

GeoJSON = dict[str, Any]


class Holder(BaseModel):
    """A right holder (矿业权人), keyed by its unified social credit code (统一社会信用代码)."""

    model_config = ConfigDict(frozen=True)
    name: str
    credit_code: str


class Capacity(BaseModel):
    """Production capacity (生产规模) in the unit of the mineral's scale class."""

    model_config = ConfigDict(frozen=True)
    value: Quantity
    unit: str = Field(description="万吨/年, 万立方米/年 or t/d")


# --- zoning --------------------------------------------------------------------------------
class PlanPublished(EventPayload):
    """A plan version was published (规划发布); carries the whole document, read by every
    consumer as the typed :class:`~lode_common.plan.document.PlanDocument` (the plan and
    the national standards in force). Zoning validated it before publishing, so every
    ``plan.published`` ever written reads as one; the document is sent as zoning publishes
    it (exact numbers as JSON numbers, no nulls)."""

    event_type = "lode.zoning.plan.published.v1"
    plan_id: str
    version: int
    region_adcode: str
    parent_plan_id: str | None = None
    document: PlanDocument
    approval_ref: str | None = Field(
        None, description="the approving level's reference (批准文号) this version rests on"
    )
    approved_on: date | None = None
    proposal_id: str | None = Field(
        None, description="the adjustment proposal (规划调整) it was approved from, if any"
    )
    predecessor_plan_id: str | None = Field(
        None, description="the plan it succeeds and closes (规划接续), if any"
    )

    @field_serializer("document", mode="plain")
    def _published(self, document: PlanDocument) -> dict[str, Any]:
        return document.as_published()


class _ZoneEvent(EventPayload):
    zone_id: str
    plan_id: str
    type: str
    code: str
    name_zh: str
    version: int
    geometry: GeoJSON | None = Field(None, description="GeoJSON geometry, EPSG:4490 lon/lat")
    minerals: list[str] = Field(default_factory=list)
    illustrative: bool = False


class ZoneCreated(_ZoneEvent):
    """A zone or planning block was created (分区、规划区块新建)."""

    event_type = "lode.zoning.zone.created.v1"


class ZoneChanged(_ZoneEvent):
    """A zone got a new version (geometry or attributes changed)."""

    event_type = "lode.zoning.zone.changed.v1"


class ZoneRetired(_ZoneEvent):
    """A zone was retired (kept in history, no longer in force)."""

    event_type = "lode.zoning.zone.retired.v1"


class BlockHolderAssigned(EventPayload):
    """A planning block got its one holder (一个区块一个主体)."""

    event_type = "lode.zoning.block.holder_assigned.v1"
    zone_id: str
    plan_id: str
    code: str
    holder: Holder
    licence_no: str


class BlockHolderReleased(EventPayload):
    """A planning block's holder licence ended (revoked, expired, cancelled): it is free."""

    event_type = "lode.zoning.block.holder_released.v1"
    zone_id: str
    plan_id: str
    code: str
    licence_no: str
    reason: str


Grounds = Literal["major_discovery", "conditions_changed", "major_project"]
"""The grounds of a plan adjustment (矿产资源规划编制实施办法 art. 38): a major discovery
(重大发现), changed conditions (形势变化), a major project (重大项目)."""


class _ProposalEvent(EventPayload):
    """A plan adjustment proposal (规划调整方案): ``plan_id`` is the plan it adjusts (for a
    successor plan, the predecessor it replaces) and ``proposed_plan_id`` the plan its
    document is (the same, or the successor)."""

    proposal_id: str
    plan_id: str
    proposed_plan_id: str
    base_version: int = Field(description="the version in force when it was proposed")
    grounds: Grounds
    reason: str
    proposed_by: str
    zone_changes: int = Field(0, description="how many zone features ride along")


class ProposalSubmitted(_ProposalEvent):
    """A proposal was submitted to the approving level (报批)."""

    event_type = "lode.zoning.proposal.submitted.v1"


class ProposalApproved(_ProposalEvent):
    """The approving level approved a proposal (批准); ``plan.published`` of
    ``published_version`` follows in the same transaction."""

    event_type = "lode.zoning.proposal.approved.v1"
    approved_by: str
    approval_ref: str
    approved_on: date
    published_version: int


class ProposalRejected(_ProposalEvent):
    """The approving level rejected a proposal (不予批准), with its reason."""

    event_type = "lode.zoning.proposal.rejected.v1"
    rejected_by: str
    rejection_reason: str


# --- licensing -----------------------------------------------------------------------------
class Check(BaseModel):
    """One plan check of an application, citing the plan clause (规划条款)."""

    model_config = ConfigDict(frozen=True, extra="allow")
    rule_id: str
    outcome: Literal["pass", "fail", "review", "warn"]
    message: str
    clause: str


class ApplicationSubmitted(EventPayload):
    """An application for an exploration or mining right was submitted (申请受理)."""

    event_type = "lode.licensing.application.submitted.v1"
    application_id: str
    right_type: Literal["exploration", "mining"]
    kind: Literal["new", "renewal", "change", "transfer", "cancellation"]
    applicant: Holder
    mineral: str
    licence_no: str | None = None
    grant_id: str | None = Field(
        None, description="the competitive grant (矿业权出让) a new application rests on"
    )


class ApplicationChecked(EventPayload):
    """The plan checks of an application ran (规划审查)."""

    event_type = "lode.licensing.application.checked.v1"
    application_id: str
    verdict: Literal["eligible", "ineligible", "needs_review"]
    checks: list[Check]
    plan_id: str
    plan_version: int


class ApplicationForwarded(EventPayload):
    """An application was sent to the province approval platform."""

    event_type = "lode.licensing.application.forwarded.v1"
    application_id: str
    province_reference: str | None = None


class ApplicationDecided(EventPayload):
    """The approval decision on an application (审批决定)."""

    event_type = "lode.licensing.application.decided.v1"
    application_id: str
    decision: Literal["approved", "rejected"]
    reason: str | None = None
    licence_no: str | None = None


class CheckChange(BaseModel):
    """A check whose outcome differs between two plan versions (None: the rule did not apply
    under that version)."""

    model_config = ConfigDict(frozen=True)
    rule_id: str
    clause: str
    before: Literal["pass", "fail", "review", "warn"] | None
    after: Literal["pass", "fail", "review", "warn"] | None
    message: str | None = Field(None, description="the check's message under the new version")


class ApplicationRechecked(EventPayload):
    """An open application was checked again because a new plan version came into force
    (规划调整后重新审查); ``application.checked`` with the new checks is written with it."""

    event_type = "lode.licensing.application.rechecked.v1"
    application_id: str
    plan_id: str
    from_plan_id: str
    from_version: int
    plan_version: int
    verdict_before: Literal["eligible", "ineligible", "needs_review"] | None
    verdict_after: Literal["eligible", "ineligible", "needs_review"]
    changes: list[CheckChange] = Field(default_factory=list)


class ConflictZone(BaseModel):
    """A zone a licence in force is in conflict with, and by how much it overlaps."""

    model_config = ConfigDict(frozen=True)
    zone_id: str
    type: str
    code: str
    name_zh: str
    overlap_ha: Quantity


class _ConflictEvent(EventPayload):
    conflict_id: str
    licence_no: str = Field(pattern=r"^[CT][0-9]{22}$")
    plan_id: str
    plan_version: int
    rule_id: str
    clause: str


class LicenceConflictDetected(_ConflictEvent):
    """A licence in force conflicts with the plan in force (与规划冲突): a new version or a
    zone change put a 禁采区 or the ecological red line over it, or prohibited its mineral.
    It is listed under ``GET /licensing/v1/enforcement``."""

    event_type = "lode.licensing.licence.conflict_detected.v1"
    holder: Holder
    mineral: str
    outcome: Literal["fail", "review"]
    message: str
    zones: list[ConflictZone] = Field(default_factory=list)
    detected_on: date


class LicenceConflictResolved(_ConflictEvent):
    """A conflict no longer holds (a later version or zone change lifted it, or the licence
    left force), with why."""

    event_type = "lode.licensing.licence.conflict_resolved.v1"
    reason: str
    resolved_on: date


class GrantZone(BaseModel):
    """A planning zone or block (规划分区/区块) a grant's area lies in, as zoning analysed it."""

    model_config = ConfigDict(frozen=True)
    zone_id: str
    type: str
    code: str
    name_zh: str


class Instalment(BaseModel):
    """One instalment of the grant fee (出让收益) the contract sets: due on ``due``."""

    model_config = ConfigDict(frozen=True)
    due: date
    amount_cny_10k: Quantity


class _GrantEvent(EventPayload):
    """A competitive grant of a right (矿业权竞争性出让: 招标/拍卖/挂牌), keyed by its id. No
    grant event carries the reserve price (底价): it is the bureau's secret until the trade
    concludes, and a published event is read by anyone subscribed."""

    grant_id: str
    year: int = Field(description="the year's grant plan (年度出让计划) it belongs to")
    right_type: Literal["exploration", "mining"]
    mineral: str
    method: Literal["auction", "listing", "tender"]


class GrantAnnounced(_GrantEvent):
    """A grant was announced (出让公告): the trade window, the starting price and what is
    offered. Carries no reserve price."""

    event_type = "lode.licensing.grant.announced.v1"
    announced_on: date
    trade_from: date
    trade_to: date
    starting_price_cny_10k: Quantity
    area: GeoJSON | None = Field(None, description="the area offered, GeoJSON in CRS84")
    area_ha: Quantity | None = None
    capacity: Capacity | None = None
    mining_method: str | None = Field(None, description="开采方式, when the plan names it")
    reserves_10kt: Quantity | None = None
    term_years: int
    clean_grant: bool = Field(description="净矿出让: offered free of other claims on the land")
    zones: list[GrantZone] = Field(default_factory=list)
    plan_id: str
    plan_version: int
    announcement: int = Field(1, description="1 the first time, 2 after a failed trade, ...")


class GrantConcluded(_GrantEvent):
    """A grant's trade concluded (成交): the winner and the price, published for
    ``publicity_until`` (结果公示)."""

    event_type = "lode.licensing.grant.concluded.v1"
    winner: Holder
    price_cny_10k: Quantity
    concluded_on: date
    publicity_until: date
    bidders: int = Field(description="how many bidders made an offer")


class GrantFailed(_GrantEvent):
    """A grant's trade failed (流拍): no offer reached the reserve price, no offer was made,
    or fewer bidders came than the method requires. It may be announced again."""

    event_type = "lode.licensing.grant.failed.v1"
    failed_on: date
    reason: Literal["no_bids", "reserve_not_reached", "too_few_bidders"]
    bidders: int


class GrantContracted(_GrantEvent):
    """The grant contract (出让合同) was signed: the price and its instalments of the grant
    fee (出让收益), which sum to the price."""

    event_type = "lode.licensing.grant.contracted.v1"
    winner: Holder
    price_cny_10k: Quantity
    signed_on: date
    contract_ref: str | None = Field(None, description="the contract's number (合同编号)")
    instalments: list[Instalment]


class RestorationMilestone(BaseModel):
    """A milestone of the licence's restoration plan (矿山地质环境保护与土地复垦方案).

    ``restored_area_ha`` is cumulative: the area the holder must have restored (复垦) by the
    end of ``year``.
    """

    model_config = ConfigDict(frozen=True)
    year: int
    restored_area_ha: Quantity


class LicenceState(EventPayload):
    """The licence's state after the change (event-carried state transfer)."""

    licence_no: str = Field(pattern=r"^[CT][0-9]{22}$")
    right_type: Literal["exploration", "mining"]
    holder: Holder
    mineral: str
    mining_method: str | None = None
    capacity: Capacity | None = None
    scale: Literal["large", "medium", "small"] | None = None
    valid_from: date
    valid_to: date
    status: Literal["active", "suspended", "expired", "revoked", "cancelled"]
    area: GeoJSON | None = None
    phase_out: bool = False
    illustrative: bool = False
    restoration_plan: list[RestorationMilestone] = Field(
        default_factory=list, description="复垦方案 milestones, cumulative, by year"
    )
    green_mine: bool = Field(False, description="listed on the 绿色矿山名录")
    grant_id: str | None = Field(
        None, description="the competitive grant (矿业权出让) the right was granted by"
    )


class LicenceIssued(LicenceState):
    """A licence was issued (颁发采矿/勘查许可证)."""

    event_type = "lode.licensing.licence.issued.v1"
    application_id: str | None = None


class LicenceRenewed(LicenceState):
    """A licence was renewed (延续)."""

    event_type = "lode.licensing.licence.renewed.v1"
    previous_valid_to: date


class LicenceChanged(LicenceState):
    """A licence changed area, capacity, mineral or method (变更)."""

    event_type = "lode.licensing.licence.changed.v1"
    changed: list[str]


class LicenceTransferred(LicenceState):
    """A licence passed to a new holder (转让)."""

    event_type = "lode.licensing.licence.transferred.v1"
    from_holder: Holder
    to_holder: Holder


class LicenceSuspended(LicenceState):
    """A licence was suspended (暂扣/停产整顿)."""

    event_type = "lode.licensing.licence.suspended.v1"
    reason: str
    order_id: str | None = Field(
        None, description="the rectification order (整改通知) the suspension cites"
    )


class LicenceRevoked(LicenceState):
    """A licence was revoked (吊销)."""

    event_type = "lode.licensing.licence.revoked.v1"
    reason: str
    order_id: str | None = Field(
        None, description="the rectification order (整改通知) the revocation cites"
    )


class LicenceExpired(LicenceState):
    """A licence lapsed at the end of its validity (到期失效)."""

    event_type = "lode.licensing.licence.expired.v1"


class LicenceCancelled(LicenceState):
    """A licence was cancelled (注销), after closure and restoration."""

    event_type = "lode.licensing.licence.cancelled.v1"
    reason: str | None = None


LICENCE_EVENTS: tuple[type[LicenceState], ...] = (
    LicenceIssued,
    LicenceRenewed,
    LicenceChanged,
    LicenceTransferred,
    LicenceSuspended,
    LicenceRevoked,
    LicenceExpired,
    LicenceCancelled,
)
"""The eight licence events, each carrying the licence's whole state after the change:
what a replica of the licences consumes (``Consumers.on(*LICENCE_EVENTS)``)."""


# --- monitoring ----------------------------------------------------------------------------
class Product(BaseModel):
    """A product of a mine's report (产品), e.g. 铁精粉 at a grade."""

    model_config = ConfigDict(frozen=True)
    name: str
    grade_pct: Quantity | None = None
    output_10kt: Quantity


class _OutputReport(EventPayload):
    report_id: str
    version: int
    licence_no: str
    year: int
    period: str
    ore_mined_10kt: Quantity
    products: list[Product] = Field(default_factory=list)
    mining_recovery_pct: Quantity | None = None
    processing_recovery_pct: Quantity | None = None
    comprehensive_utilization_pct: Quantity | None = None
    disturbed_area_ha: Quantity | None = None
    restored_area_ha: Quantity | None = None
    output_value_cny_10k: Quantity | None = None
    mineral: str | None = None
    illustrative: bool = False


class OutputReported(_OutputReport):
    """A mine reported its output and three rates (开发利用年报)."""

    event_type = "lode.monitoring.output.reported.v1"


class OutputCorrected(_OutputReport):
    """A report was corrected by a new version (更正); the old one is kept."""

    event_type = "lode.monitoring.output.corrected.v1"
    reason: str


class _ReservesReport(EventPayload):
    """A mine's annual reserves report (储量年报) for one mineral: 保有 at the start and end
    of the year, what was mined (开采量) and lost (损失量), newly proven (新增查明) and
    recalculated (重算增减, signed); ``opening − extracted − lost + new_proven +
    recalculated = closing``, all in 万吨 of ore."""

    report_id: str
    version: int
    licence_no: str
    year: int
    mineral: str
    opening_10kt: Quantity
    extracted_10kt: Quantity
    lost_10kt: Quantity
    new_proven_10kt: Quantity
    recalculated_10kt: Quantity
    closing_10kt: Quantity
    illustrative: bool = False


class ReservesReported(_ReservesReport):
    """A mine filed its annual reserves report (储量年报, 矿产资源法 art. 40)."""

    event_type = "lode.monitoring.reserves.reported.v1"


class ReservesCorrected(_ReservesReport):
    """A reserves report was corrected by a new version (更正), with the reason; the old
    one is kept."""

    event_type = "lode.monitoring.reserves.corrected.v1"
    reason: str


class ExplorationResultReported(EventPayload):
    """New resources proven by exploration (新增资源量)."""

    event_type = "lode.monitoring.exploration.result_reported.v1"
    result_id: str
    licence_no: str | None = None
    year: int
    mineral: str
    new_resources_ore_10kt: Quantity


class ProjectProgressReported(EventPayload):
    """Progress of one of the plan's projects (规划项目进展)."""

    event_type = "lode.monitoring.project.progress_reported.v1"
    progress_id: str
    project_id: str
    year: int
    completed_sheets: int | None = None
    restored_area_ha: Quantity | None = None
    site: str | None = None


class _FindingEvent(EventPayload):
    finding_id: str
    licence_no: str
    code: str
    severity: Literal["info", "warning", "violation"]
    message: str
    standard: str
    year: int | None = None


class FindingOpened(_FindingEvent):
    """A compliance finding was opened (发现问题)."""

    event_type = "lode.monitoring.finding.opened.v1"


class FindingClosed(_FindingEvent):
    """A finding was closed (整改完成/核销), with who closed it and why."""

    event_type = "lode.monitoring.finding.closed.v1"
    note: str | None = None
    closed_by: str | None = None


class _ListingEvent(EventPayload):
    """An enterprise's place on a supervision list (监管名录), keyed by its credit code: the
    abnormal list (经营异常名录, 自然资源部令第13号) or the serious-violation list
    (严重违法失信名单). Licensing refuses a listed enterprise's new applications and bids."""

    listing_id: str
    credit_code: str = Field(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$", description="统一社会信用代码")
    name: str
    list: Literal["abnormal", "serious_violation"]


class EnterpriseListed(_ListingEvent):
    """An enterprise was put on a list (列入), with the reason and, for a term, its end."""

    event_type = "lode.monitoring.enterprise.listed.v1"
    reason: str
    listed_on: date
    until: date | None = Field(None, description="the end of the term; None: until released")


class EnterpriseReleased(_ListingEvent):
    """An enterprise was released from a list (移出), with the reason (remedied, term ended)."""

    event_type = "lode.monitoring.enterprise.released.v1"
    reason: str
    released_on: date


class _ApiKeyEvent(EventPayload):
    """A mine's API key (企业接口密钥) as every service needs it to recognise the key: its id,
    its public prefix, the SHA-256 of the whole key (hex) and the enterprise it speaks for.

    The key itself never travels. The hash may: a key is ``lode_<prefix>_`` and 32 random
    bytes (256 bits), so its SHA-256 cannot be reversed or guessed, and presenting the hash
    as a key fails (the services hash what they are given)."""

    key_id: str = Field(max_length=36)
    prefix: str = Field(pattern=r"^[0-9a-f]{8}$", description="the key's public prefix")
    key_sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the whole key, lower-case hex"
    )
    credit_code: str = Field(
        pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$",
        description="the enterprise the key speaks for (统一社会信用代码)",
    )
    issued_at: AwareDatetime


class ApiKeyIssued(_ApiKeyEvent):
    """An enterprise was issued an API key (签发企业接口密钥): valid in every service from
    this event on, with the role ``mine`` for its enterprise's data only."""

    event_type = "lode.monitoring.api_key.issued.v1"


class ApiKeyRevoked(_ApiKeyEvent):
    """An API key was revoked (吊销企业接口密钥): refused by every service once this event
    has reached it (and its short look-up cache has let the key go)."""

    event_type = "lode.monitoring.api_key.revoked.v1"
    revoked_at: AwareDatetime
