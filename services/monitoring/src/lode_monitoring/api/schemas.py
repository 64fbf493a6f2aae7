"""The shapes of monitoring's API, as its OpenAPI document publishes them.

Answers are response models. Report, correction, exploration-result and progress bodies
are read by the domain's field readers (:mod:`lode_monitoring.domain.report`), which list
every bad field at once and stay the authority for the messages; the request models
here document exactly what those readers accept (types, bounds, enums, no other field)
and are never used to validate (:data:`BODIES` are published in the document with
``lode_common.openapi.publish_bodies``).

Times are sent as ISO 8601 text and quantities as JSON numbers, as before the models
existed: the models type them so (``format: date-time``), they change no byte on the wire.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from lode_common.limits import (
    PRODUCTS_PER_REPORT_MAX,
    QUANTITY_MAX,
    SHEETS_MAX,
    STRICT_BODY,
    YEAR_MAX,
    Code,
    Label,
    Name,
    Text,
)
from lode_monitoring.domain.finding import FindingCode, Severity
from lode_monitoring.domain.licence import LicenceStatus
from lode_monitoring.domain.periods import Period
from lode_monitoring.domain.report import EARLIEST_YEAR, REASON_MIN
from lode_monitoring.domain.vocabulary import Scale

Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
"""A moment as ISO 8601 text with its offset (``2026-03-31T16:00:00+00:00``)."""
Day = Annotated[str, Field(json_schema_extra={"format": "date"})]
"""A date as ISO 8601 text (``2021-01-01``)."""

# --- what the field readers accept (documentation only) --------------------------------------

Quantity = Annotated[float, Field(ge=0, le=float(QUANTITY_MAX))]
"""A JSON number (not text, not true/false), at least 0; at most 15 significant digits and
4 decimal places."""
Percent = Annotated[float, Field(ge=0, le=100)]
"""A percentage, a JSON number from 0 to 100."""
ReportYear = Annotated[
    int, Field(ge=EARLIEST_YEAR, le=YEAR_MAX, description="at most the current year (CST)")
]
LicenceNo = Annotated[
    str,
    Field(
        pattern=r"^[CT][0-9]{22}$",
        description="the licence number (统一配号): C = 采矿, T = 探矿, 23 characters",
    ),
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProductBody(_Body):
    """A product of the period (产品), e.g. 铁精粉 at 65 %."""

    name: Label
    grade_pct: Percent | None = None
    output_10kt: Quantity


class ReportFields(_Body):
    """The figures of an output report; the three rates are 开采回采率, 选矿回收率, 综合利用率.
    An annual report of a mining licence with ore mined above 0 needs
    ``mining_recovery_pct``."""

    products: list[ProductBody] | None = Field(None, max_length=PRODUCTS_PER_REPORT_MAX)
    mining_recovery_pct: Percent | None = None
    processing_recovery_pct: Percent | None = None
    comprehensive_utilization_pct: Percent | None = None
    disturbed_area_ha: Quantity | None = None
    restored_area_ha: Quantity | None = None
    output_value_cny_10k: Quantity | None = None


class OutputReportBody(ReportFields):
    """A mine's output report (开发利用年报/季报) for a licence, year and period."""

    licence_no: LicenceNo
    year: ReportYear
    period: Period
    ore_mined_10kt: Quantity


class CorrectionBody(ReportFields):
    """A correction: the fields it changes and why; the licence, year and period are kept
    (given, they must be the report's)."""

    reason: Text = Field(min_length=REASON_MIN)
    licence_no: LicenceNo | None = None
    year: ReportYear | None = None
    period: Period | None = None
    ore_mined_10kt: Quantity | None = None


class ExplorationResultBody(_Body):
    """New resources proven (新增资源量): under an exploration licence (a mine's key must
    give its own), or none (staff, a survey the state funds)."""

    licence_no: LicenceNo | None = None
    year: ReportYear
    mineral: Code = Field(description="a Chinese name (铁矿) or catalogue code (iron)")
    new_resources_ore_10kt: Quantity


class ProjectProgressBody(_Body):
    """Progress of a plan project in a year: ``completed_sheets`` for a survey counted in
    map sheets (geochem_survey), ``restored_area_ha`` and ``site`` for one counted in
    hectares (abandoned_mine_restoration)."""

    year: ReportYear
    completed_sheets: int | None = Field(None, ge=0, le=SHEETS_MAX)
    restored_area_ha: Quantity | None = None
    site: Name | None = None


BODIES: tuple[type[BaseModel], ...] = (
    OutputReportBody,
    CorrectionBody,
    ExplorationResultBody,
    ProjectProgressBody,
)
"""The bodies the routes read by hand (``openapi_extra=request_body(...)``)."""


# --- answers ---------------------------------------------------------------------------------

Figure = int | float
"""A JSON number as it was sent (an integer stays one)."""


class ReportFinding(BaseModel):
    """A finding as a report's answer gives it."""

    code: FindingCode
    severity: Severity
    message: str = Field(description="message_zh — message_en")
    message_zh: str
    message_en: str
    standard: str = Field(description="the standard or plan clause it enforces")
    year: int
    key: str = Field(description="stable: code, licence, year [, quarter] [, subject]")
    details: dict[str, Any]


class ReportAccepted(BaseModel):
    """A report version accepted, with the findings it gave."""

    id: str
    version: int
    licence_no: str
    year: int
    period: Period
    findings: list[ReportFinding]


class ProductSent(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str | None = None
    grade_pct: Figure | None = None
    output_10kt: Figure | None = None


class ReportSent(BaseModel):
    """A report's body as it was accepted, a correction's fields merged in: only the
    fields that were sent appear."""

    model_config = ConfigDict(extra="allow")

    licence_no: str | None = None
    year: int | None = None
    period: Period | None = None
    ore_mined_10kt: Figure | None = None
    products: list[ProductSent] | None = None
    mining_recovery_pct: Figure | None = None
    processing_recovery_pct: Figure | None = None
    comprehensive_utilization_pct: Figure | None = None
    disturbed_area_ha: Figure | None = None
    restored_area_ha: Figure | None = None
    output_value_cny_10k: Figure | None = None


class ReportVersion(BaseModel):
    """One version of a report, its body as sent (corrections merged)."""

    id: str
    version: int
    current: bool
    licence_no: str
    year: int
    period: Period
    body: ReportSent
    reason: str | None
    submitted_by: str
    submitted_at: Timestamp
    illustrative: bool


class ReportHistory(BaseModel):
    id: str
    versions: list[ReportVersion] = Field(description="every version, the current one last")


class ReportPage(BaseModel):
    items: list[ReportVersion]
    total: int


class FindingView(BaseModel):
    """A finding (监管发现) with its state."""

    id: str
    licence_no: str
    code: FindingCode
    severity: Severity
    message: str
    standard: str
    year: int | None
    status: Literal["open", "closed"]
    details: dict[str, Any]
    opened_at: Timestamp
    report_id: str | None
    closed_at: Timestamp | None
    closed_by: str | None
    note: str | None


class FindingPage(BaseModel):
    items: list[FindingView]
    total: int


class Closing(BaseModel):
    """The note an inspector closes a finding with (整改情况)."""

    model_config = STRICT_BODY

    note: Text = Field(min_length=2, description="what was done (kept)")


class ApiKeyView(BaseModel):
    """An enterprise's key, by prefix: never the key itself."""

    id: str
    prefix: str
    credit_code: str
    label: str | None
    created_by: str
    created_at: Timestamp | None
    revoked_at: Timestamp | None
    last_used_at: Timestamp | None
    active: bool


class IssuedKey(ApiKeyView):
    """A new key: ``key`` is shown this once and stored nowhere (only its SHA-256)."""

    key: str
    note: str


class ApiKeyPage(BaseModel):
    items: list[ApiKeyView]
    total: int


class HolderView(BaseModel):
    name: str
    credit_code: str


class CapacityView(BaseModel):
    value: float
    unit: str = Field(description="万吨/年, 万立方米/年 or t/d")


class StatusChangeView(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    status: LicenceStatus
    from_: Day = Field(alias="from", description="the day the status took effect")


class MilestoneView(BaseModel):
    year: int
    restored_area_ha: Figure = Field(description="cumulative hectares restored by the year's end")


class MineView(BaseModel):
    """A licence as monitoring replicates it from licensing's events."""

    licence_no: str
    right_type: Literal["exploration", "mining"]
    holder: HolderView
    mineral: str
    mining_method: str | None
    capacity: CapacityView | None
    scale: Scale | None
    valid_from: Day
    valid_to: Day
    status: LicenceStatus
    status_history: list[StatusChangeView]
    phase_out: bool
    illustrative: bool
    restoration_plan: list[MilestoneView]
    green_mine: bool


class MinePage(BaseModel):
    items: list[MineView]
    total: int


class ExplorationRecorded(BaseModel):
    id: str
    year: int
    mineral: str = Field(description="the catalogue's Chinese name")
    new_resources_ore_10kt: float
    licence_no: str | None


class ProgressRow(BaseModel):
    id: str
    year: int
    completed_sheets: int | None
    restored_area_ha: float | None
    site: str | None


class ProgressRecorded(ProgressRow):
    project_id: str


class ProgressPage(BaseModel):
    items: list[ProgressRow]
    total: int
