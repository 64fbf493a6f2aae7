"""What the licensing API answers, as the OpenAPI document publishes it.

The answers are built as JSON by :mod:`.views` (the wire shape the contract fixes); these
models describe that shape, and each route declares one as its ``response_model``, so an
answer that strays from it is caught as the route's error, not by a client. Instants are
ISO 8601 text as the database gave them (``...+00:00``); calendar days are ``YYYY-MM-DD``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from lode_licensing.domain.licence import LicenceStatus
from lode_licensing.domain.vocabulary import (
    ApplicationKind,
    Outcome,
    RightType,
    Scale,
    Verdict,
)
from lode_licensing.domain.workflow import (
    ApplicationStatus,
    Decision,
    ReviewOutcome,
)

Instant = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Day = Annotated[str, Field(json_schema_extra={"format": "date"})]
Number = int | float


class Holder(BaseModel):
    """An enterprise: its registered name and 统一社会信用代码."""

    name: str
    credit_code: str


class CheckAnswer(BaseModel):
    """One rule's outcome, citing where the plan says it."""

    rule_id: str = Field(description="the entry rule's id, or a mineral policy, licence_overlap")
    outcome: Outcome
    message: str = Field(description="message_zh — message_en")
    clause: str = Field(description="where the plan says it (e.g. 第三章第一节 专栏4)")
    message_zh: str | None = None
    message_en: str | None = None
    details: dict[str, Any] | None = Field(None, description="the figures the rule used")


class ReviewAnswer(BaseModel):
    outcome: ReviewOutcome
    reason: str | None


class DecisionAnswer(BaseModel):
    decision: Decision
    reason: str | None
    licence_no: str | None = Field(description="the licence issued or changed on approval")


class ForwardAnswer(BaseModel):
    acknowledged: bool = Field(description="the province platform has received it")
    province_reference: str | None


class Step(BaseModel):
    """One move of the application (办理记录): who, in which role, when, why."""

    action: str = Field(description="submit, record_checks, review, forward, ...")
    from_: ApplicationStatus | None = Field(alias="from")
    to: ApplicationStatus
    actor: str
    role: str
    at: Instant
    note: str | None


class ApplicationAnswer(BaseModel):
    """An application and where it stands (an applicant sees no other enterprise's code)."""

    id: str
    status: ApplicationStatus
    verdict: Verdict | None
    right_type: RightType
    kind: ApplicationKind
    applicant: Holder
    mineral: str
    licence_no: str | None
    grant_id: str | None = Field(
        description="the competitive grant (矿业权出让) a new application rests on"
    )
    checks: list[CheckAnswer]
    plan_id: str | None
    plan_version: int | None
    review: ReviewAnswer | None
    decision: DecisionAnswer | None
    forward: ForwardAnswer | None
    attempts: int
    next_attempt_at: Instant | None
    last_error: str | None
    allowed_actions: list[str] = Field(description="the moves allowed now: review(accept), ...")
    submitted_by: str
    submitted_at: Instant
    updated_at: Instant


class ApplicationWithSteps(ApplicationAnswer):
    """One application, with every step it went through."""

    steps: list[Step]


class Applications(BaseModel):
    """A page of applications, newest first."""

    items: list[ApplicationAnswer]
    total: int


class CapacityAnswer(BaseModel):
    value: Number
    unit: str


class Milestone(BaseModel):
    year: int
    restored_area_ha: Number


class LicenceAnswer(BaseModel):
    """An exploration or mining licence (勘查/采矿许可证)."""

    licence_no: str
    right_type: RightType
    holder: Holder
    mineral: str
    mining_method: str | None
    capacity: CapacityAnswer | None
    scale: Scale | None
    valid_from: Day
    valid_to: Day
    status: LicenceStatus
    area: dict[str, Any] | None = Field(description="GeoJSON geometry, EPSG:4490")
    phase_out: bool = Field(description="for a mineral the plan prohibits")
    illustrative: bool = Field(description="demo data (示意), not a real licence")
    restoration_plan: list[Milestone]
    green_mine: bool = Field(description="listed on the 绿色矿山名录")
    grant_id: str | None = Field(
        description="the competitive grant (矿业权出让) the right was granted by"
    )
    application_id: str | None
    issued_at: Instant
    updated_at: Instant


class LicenceEvent(BaseModel):
    """One change of a licence."""

    action: str = Field(description="issued, renewed, changed, suspended, ...")
    actor: str
    at: Instant
    note: str | None


class LicenceWithHistory(LicenceAnswer):
    history: list[LicenceEvent]


class Licences(BaseModel):
    """A page of licences, by number."""

    items: list[LicenceAnswer]
    total: int


class ProvinceReceipt(BaseModel):
    """What the province platform learns from its callback."""

    application_id: str
    status: ApplicationStatus
    changed: bool = Field(description="false: the same decision was already recorded")
    licence_no: str | None
