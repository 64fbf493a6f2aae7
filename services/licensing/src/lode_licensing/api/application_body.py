"""The body of ``POST /licensing/v1/applications`` as the OpenAPI document publishes it.

The body is read by :func:`~lode_licensing.domain.application.parse_application`, against
the plan in force (its mineral catalogue, mining methods, capacity units and ore types),
and that reader stays the authority for what is accepted and for the words of each
refusal. These models say the same thing as a schema, for the systems that generate their
clients from the document: one model per ``kind`` (a union told apart by ``kind``), every
field the reader knows with its type, bounds and enumerations, no other field. What a
schema cannot say (a credit code's check character, a name in the plan's catalogue, the
fields that depend on ``right_type``) is in the descriptions.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter

from lode_common.limits import (
    CODE_MAX,
    ELEVATION_MAX_M,
    ELEVATION_MIN_M,
    MILESTONES_MAX,
    PERCENT_MAX,
    QUANTITY_MAX,
    STRICT_BODY,
    YEAR_MAX,
    YEAR_MIN,
    Code,
    Name,
)
from lode_licensing.domain.application import CHANGE_ITEMS, ChangeItem, RestorationStatus
from lode_licensing.domain.right_basis import GRANT_ID_MAX
from lode_licensing.domain.vocabulary import RightType

CREDIT_CODE_PATTERN = "^[0-9A-HJ-NPQRTUWXY]{18}$"
"""统一社会信用代码 (GB 32100): 18 characters of 0-9 and the capitals without I O S V Z."""
LICENCE_NO_PATTERN = "^[CT][0-9]{22}$"
"""A licence number allocated by 统一配号: C (mining) or T (exploration) and 22 digits."""
EXPLORATION_LICENCE_NO_PATTERN = "^T[0-9]{22}$"
"""An exploration licence's number (勘查许可证: T and 22 digits)."""
ID_PATTERN = "^[A-Za-z0-9-]+$"
"""An id the service gave (an application's, a grant's), as its paths accept it."""

Quantity = Annotated[float, Field(ge=0, le=float(QUANTITY_MAX))]
"""A non-negative JSON number (never text), at most 4 digits after the point."""
PositiveQuantity = Annotated[float, Field(gt=0, le=float(QUANTITY_MAX))]
PercentValue = Annotated[float, Field(ge=0, le=float(PERCENT_MAX))]
Elevation = Annotated[float, Field(ge=float(ELEVATION_MIN_M), le=float(ELEVATION_MAX_M))]
LicenceNumber = Annotated[
    str,
    Field(
        pattern=LICENCE_NO_PATTERN,
        description="the licence applied about (C… for a mining right, T… for exploration)",
    ),
]


class Party(BaseModel):
    """An enterprise (矿业权人) by its registered name and 统一社会信用代码."""

    model_config = STRICT_BODY

    name: Annotated[Name, Field(description="名称")]
    credit_code: Annotated[
        str,
        Field(
            pattern=CREDIT_CODE_PATTERN,
            description="统一社会信用代码; its 18th character is the GB 32100 check character",
        ),
    ]


class Capacity(BaseModel):
    """生产规模, in the unit of the mineral's scale class."""

    model_config = STRICT_BODY

    value: PositiveQuantity
    unit: Annotated[
        str,
        Field(
            max_length=CODE_MAX,
            description="万吨/年, 万立方米/年 (building stone, placer deposits) or t/d "
            "(rock gold, ore processed a day); the units the plan's standards give the "
            "mineral",
        ),
    ]


Geometry = Annotated[
    dict[str, Any],
    Field(description="a GeoJSON Polygon or MultiPolygon, EPSG:4490 unless crs says"),
]
Corners = Annotated[
    list[list[float]] | str,
    Field(description="拐点坐标: [[X, Y], ...] or the corner list as text, with crs"),
]
Crs = Annotated[str, Field(max_length=CODE_MAX, description="e.g. EPSG:4528")]


class AreaByGeometry(BaseModel):
    """The area as a GeoJSON geometry. Zoning checks it; an area it refuses is a 422 naming
    ``area.<field>``."""

    model_config = STRICT_BODY

    geometry: Geometry
    corners: Corners | None = None
    crs: Crs | None = None


class AreaByCorners(BaseModel):
    """The area as corner points (拐点坐标) in a projected CRS."""

    model_config = STRICT_BODY

    corners: Corners
    geometry: Geometry | None = None
    crs: Crs | None = None


Area = AreaByGeometry | AreaByCorners
"""The area (矿区/勘查区范围): a geometry, or corner points (one of them at least)."""


class DevelopmentPlan(BaseModel):
    """开发利用方案: the planned three rates (三率, percent) and, optionally, ore and output."""

    model_config = STRICT_BODY

    mining_recovery_pct: PercentValue | None = None
    processing_recovery_pct: PercentValue | None = None
    comprehensive_utilization_pct: PercentValue | None = None
    ore_type: Code | None = Field(
        None,
        description="one of the ore types the standards give the mineral (e.g. magnetite)",
    )
    concentrate_output_10kt: Quantity | None = None


class RestorationMilestone(BaseModel):
    """复垦方案: the hectares restored by the end of ``year`` (cumulative)."""

    model_config = STRICT_BODY

    year: Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
    restored_area_ha: Quantity


class _Application(BaseModel):
    """What every kind of application carries."""

    model_config = STRICT_BODY

    right_type: RightType = Field(
        description="mining (采矿权) or exploration (探矿权): an exploration application carries "
        "no mining_method, capacity or restoration_plan"
    )
    applicant: Party
    mineral: str = Field(
        min_length=1,
        max_length=CODE_MAX,
        description="the plan's Chinese name (铁矿) or catalogue code (iron)",
    )
    mining_method: str | None = Field(
        None,
        max_length=CODE_MAX,
        description="one of the plan's mining methods (underground, open_pit, ...); required "
        "for a new mining application",
    )
    capacity: Capacity | None = Field(
        None, description="required for a new mining application; none for exploration"
    )
    area: Area | None = Field(None, description="required for a new application")
    depth_m: list[Elevation] | None = Field(
        None,
        min_length=2,
        max_length=2,
        description="开采深度: [top, bottom] elevations in metres, top above bottom",
    )
    reserves_10kt: Quantity | None = Field(None, description="保有资源量, 万吨")
    development_plan: DevelopmentPlan | None = None
    green_mine_plan: bool | None = Field(
        None,
        description="a green-mine plan (绿色矿山建设方案): required of every new mine "
        "(green_mine_plan_required, 第四章第四节; 第五章第二节)",
    )
    demonstration_report: bool | None = Field(
        None, description="a demonstration (论证) of a restricted mineral or outside the blocks"
    )
    closure_report: bool | None = Field(
        None,
        description="the applicant's word that the 矿山闭坑报告 is submitted (still required for "
        "a mining cancellation, kept for compatibility); it no longer decides: the check reads "
        "the receipt the bureau records at POST /licensing/v1/licences/{licence_no}/"
        "closure-report",
    )
    restoration_status: RestorationStatus | None = Field(
        None,
        description="the applicant's word on 地质环境恢复治理 (still required for a mining "
        "cancellation, kept for compatibility); it no longer decides: the check reads the "
        "acceptance the bureau records at POST /licensing/v1/licences/{licence_no}/"
        "restoration-acceptance",
    )
    restoration_plan: list[RestorationMilestone] | None = Field(
        None,
        max_length=MILESTONES_MAX,
        description="矿山地质环境保护与土地复垦方案: cumulative hectares restored by each year; "
        "required of a new mine (restoration_plan_required, 第五章第三节), allowed on a mining "
        "renewal or change; years increasing, areas never decreasing",
    )
    late: bool | None = Field(
        None, description="a renewal filed after its notice period, accepted by the bureau"
    )
    changes: list[ChangeItem] | None = Field(
        None, max_length=len(CHANGE_ITEMS), description="read for a change only"
    )
    new_holder: Party | None = Field(None, description="read for a transfer only")


class NewApplication(_Application):
    """新立: a new right; its number is allocated upstream on approval, so none is sent. It
    may name what it rests on, one basis at most: ``grant_id`` or
    ``exploration_licence_no`` (the check ``competitive_grant``)."""

    kind: Literal["new"]
    licence_no: None = Field(None, description="none: numbered on approval (统一配号)")
    grant_id: str | None = Field(
        None,
        min_length=1,
        max_length=GRANT_ID_MAX,
        pattern=ID_PATTERN,
        description="the competitive grant (矿业权出让: 招标/拍卖/挂牌) the applicant won: a "
        "contracted grant of this applicant, right type, mineral and area passes "
        "competitive_grant; an unknown id is a 422",
    )
    exploration_licence_no: str | None = Field(
        None,
        pattern=EXPLORATION_LICENCE_NO_PATTERN,
        description="a new mining application only: the applicant's exploration licence in "
        "force over the area, of the same mineral (探矿权转采矿权, 探转采); not with grant_id; "
        "an unknown number is a 422",
    )


class Renewal(_Application):
    """延续 of a licence; less than 30 days before expiry it needs ``"late": true``."""

    kind: Literal["renewal"]
    licence_no: LicenceNumber


class Change(_Application):
    """变更 of a licence's area, capacity, mineral or method (the items in ``changes``)."""

    kind: Literal["change"]
    licence_no: LicenceNumber
    changes: list[ChangeItem] = Field(
        min_length=1,
        max_length=len(CHANGE_ITEMS),
        description="what changes; an exploration right has no capacity or method to change",
    )


class Transfer(_Application):
    """转让 of a licence to ``new_holder`` (受让人, not the applicant itself)."""

    kind: Literal["transfer"]
    licence_no: LicenceNumber
    new_holder: Party


class Cancellation(_Application):
    """注销 of a licence; a mine's carries its closure report and restoration status."""

    kind: Literal["cancellation"]
    licence_no: LicenceNumber


ApplicationBody = Annotated[
    NewApplication | Renewal | Change | Transfer | Cancellation, Field(discriminator="kind")
]
"""An application, told apart by ``kind`` (new first: the usual one)."""

APPLICATION_BODY: TypeAdapter[Any] = TypeAdapter(ApplicationBody)
