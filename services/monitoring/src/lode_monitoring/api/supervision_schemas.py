"""The bodies and answers of supervision's routes (监督检查): the inspector roster, draws,
inspections and the lists. Bodies are validated by these models (an unknown field, a wrong
type or a value out of bounds is a 422 naming the field); the domain checks the rest."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt, WithJsonSchema
from pydantic.functional_validators import BeforeValidator

from lode_common.credit_code import CHARSET, LENGTH, credit_code_problem
from lode_common.events.supervision import InspectionItemName
from lode_common.limits import STRICT_BODY, Code, Label, Name, Percent, Quantity, Text, Year
from lode_common.types import UtcDatetime
from lode_monitoring.domain.listing import ListingStatus, ListName, ReasonCode

DAY_PATTERN = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


def _strict_day(value: Any) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError("a date as YYYY-MM-DD text")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value[:10]!r} is not a calendar day (YYYY-MM-DD)") from None


def _credit_code(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("统一社会信用代码 as text")
    problem = credit_code_problem(value)
    if problem:
        raise ValueError(problem)
    return value


IsoDay = Annotated[
    date,
    BeforeValidator(_strict_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN}),
]
"""A calendar day sent as ``YYYY-MM-DD`` text."""
CreditCode = Annotated[
    str,
    BeforeValidator(_credit_code),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": LENGTH,
            "maxLength": LENGTH,
            "pattern": f"^[{CHARSET}]{{{LENGTH}}}$",
            "description": "统一社会信用代码 (GB 32100), the last a check character",
        }
    ),
]
InspectorId = Annotated[Code, Field(description="the inspector's id in the roster")]
Reason = Annotated[Text, Field(min_length=2)]
Ratio = Annotated[
    Percent,
    Field(gt=0),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": 100}),
]
"""A share in per cent, a JSON number above 0 and at most 100 (4 decimal places)."""
Figure = Quantity | None
"""A filed or found figure, a JSON number (万吨, %, ha); what words describe (the extent of
mining beyond the boundary, 越界情况) goes in the inspection's ``note``."""


# --- roster ------------------------------------------------------------------------------------
class InspectorBody(BaseModel):
    """An inspector of the roster (检查人员); with the ``id`` of one, changes it."""

    model_config = STRICT_BODY
    id: InspectorId | None = Field(None, description="kept as given; generated when left out")
    name: Name
    subject: Annotated[Label, Field(description="the `sub` of the inspector's staff token")]
    active: StrictBool = True


class RelationBody(BaseModel):
    """An enterprise the inspector must not inspect (回避), and why (亲属, 曾任职, 持股 …)."""

    model_config = STRICT_BODY
    credit_code: CreditCode
    relation: Annotated[Label, Field(min_length=2)]


class RelationView(BaseModel):
    credit_code: str
    relation: str
    recorded_by: str
    recorded_at: UtcDatetime


class InspectorView(BaseModel):
    id: str
    name: str
    subject: str
    active: bool
    relations: list[RelationView]


class InspectorPage(BaseModel):
    items: list[InspectorView]
    total: int


# --- draws -------------------------------------------------------------------------------------
class DrawBody(BaseModel):
    """A random inspection draw (双随机抽查) over the licences in force in ``year``."""

    model_config = STRICT_BODY
    year: Year
    ratio_pct: Ratio | None = Field(
        None, description="per cent of the licences to draw; the setting when left out"
    )
    seed: Annotated[Label, Field(min_length=1)] | None = Field(
        None, description="the seed; 32 random bytes (hex) when left out"
    )


class AssignmentView(BaseModel):
    licence_no: str
    inspectors: list[str]


class DrawView(BaseModel):
    id: str
    year: int
    ratio_pct: float
    seed: str
    algorithm: str
    population: list[str]
    drawn: list[str]
    assignments: list[AssignmentView]
    drawn_by: str
    drawn_at: UtcDatetime


class DrawPage(BaseModel):
    items: list[DrawView]
    total: int


class Redraw(BaseModel):
    same: bool = Field(description="the redraw gave the kept list and inspectors")
    id: str
    seed: str
    algorithm: str
    drawn: list[str]
    assignments: list[AssignmentView]


# --- inspections -------------------------------------------------------------------------------
class ItemBody(BaseModel):
    """An inspection item (检查事项): what the mine filed against what was found."""

    model_config = STRICT_BODY
    item: InspectionItemName
    filed: Figure = Field(None, description="left out: read from the year's filing")
    found: Figure = None
    ok: StrictBool
    false_filing: StrictBool = Field(False, description="the filing was found false (虚假填报)")


class InspectionBody(BaseModel):
    """An inspection (现场检查) of a licence, of a draw or not."""

    model_config = STRICT_BODY
    licence_no: Annotated[Code, Field(max_length=23, description="^[CT][0-9]{22}$")]
    draw_id: Annotated[Code, Field(max_length=36)] | None = None
    year: Year | None = Field(
        None, description="the year whose filing is compared; the draw's or inspected_on's"
    )
    inspected_on: IsoDay
    inspectors: list[InspectorId] = Field(min_length=2, max_length=20)
    items: list[ItemBody] = Field(min_length=1, max_length=50)
    result: Literal["compliant", "non_compliant"]
    note: Text | None = None


class ItemView(BaseModel):
    item: str
    filed: float | str | None
    found: float | str | None
    ok: bool
    false_filing: bool


class InspectionView(BaseModel):
    id: str
    licence_no: str
    credit_code: str
    year: int
    draw_id: str | None
    inspected_on: date
    inspectors: list[str] | None = Field(description="staff only; null for a mine's key")
    items: list[ItemView]
    result: str
    note: str | None
    finding_id: str | None
    recorded_by: str | None
    recorded_at: UtcDatetime


class InspectionPage(BaseModel):
    items: list[InspectionView]
    total: int


# --- lists -------------------------------------------------------------------------------------
class ReleaseBody(BaseModel):
    """Release an enterprise from a list (移出), with the reason it is remedied."""

    model_config = STRICT_BODY
    reason: Reason
    list: ListName = "abnormal"


class SeriousViolationBody(BaseModel):
    """Put an enterprise on the serious-violation list (严重违法失信名单)."""

    model_config = STRICT_BODY
    credit_code: CreditCode
    reason: Reason
    term_years: Annotated[StrictInt, Field(ge=1, le=20)] | None = Field(
        None, description="the term; the setting when left out (and no until)"
    )
    until: IsoDay | None = Field(None, description="the last day listed; instead of term_years")


class ListingView(BaseModel):
    listing_id: str
    credit_code: str
    name: str
    list: ListName
    reason_code: ReasonCode
    reason: str
    source_ref: str
    listed_on: date
    until: date | None
    status: ListingStatus
    released_on: date | None
    release_reason: str | None


class ListingPage(BaseModel):
    items: list[ListingView]
    total: int


class Released(BaseModel):
    released: list[ListingView]
