"""The bodies of the grant routes (矿业权出让), as they are read and published.

The grant plan (出让方案) is read by hand, by :func:`~lode_licensing.domain.grant.parse_grant`
against the plan in force (every refused field at once, as an application is read);
:class:`GrantBody` says the same as a schema. The others are read by these models.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    Field,
    WithJsonSchema,
)

from lode_common.limits import (
    CODE_MAX,
    DECIMAL_PLACES_MAX,
    MILESTONES_MAX,
    QUANTITY_MAX,
    STRICT_BODY,
    Code,
    Name,
    Text,
    Year,
)
from lode_common.openapi import HandReadBody
from lode_licensing.api import application_body as shapes
from lode_licensing.api.deps import IsoDate
from lode_licensing.domain.grant_law import GrantMethod
from lode_licensing.domain.vocabulary import RightType


class GrantBody(BaseModel):
    """出让方案: what is offered, how, and at what prices (万元)."""

    model_config = STRICT_BODY

    year: Year = Field(description="the year's grant plan: a year of the plan's period or the next")
    right_type: RightType
    mineral: str = Field(
        min_length=1, max_length=CODE_MAX, description="the plan's Chinese name or its code"
    )
    method: GrantMethod = Field(description="auction 拍卖, listing 挂牌 or tender 招标")
    area: shapes.Area
    mining_method: str | None = Field(
        None,
        max_length=CODE_MAX,
        description="开采方式 of a mining right (one the plan knows, e.g. underground, "
        "open_pit): the scale checks read it; without it they go to review",
    )
    capacity: shapes.Capacity | None = Field(None, description="required for a mining right")
    reserves_10kt: shapes.Quantity | None = Field(None, description="保有资源量, 万吨")
    term_years: int = Field(
        ge=1, description="出让年限: at most the longest licence term of the right type"
    )
    starting_price_cny_10k: shapes.PositiveQuantity = Field(description="起始价, 万元")
    reserve_price_cny_10k: shapes.PositiveQuantity = Field(
        description="底价, 万元: at least the starting price; shown only to licensing officers "
        "until the grant concludes, and never in an event"
    )
    clean_grant: bool = Field(False, description="净矿出让: free of other claims on the land")


GRANT_PLAN = HandReadBody(
    "GrantBody",
    GrantBody,
    description="a grant plan (出让方案), checked against the plan in force; every refused "
    "field named at once",
)


class GrantAnnouncement(BaseModel):
    """出让公告: the day announced and the trade window (days in China Standard Time)."""

    model_config = STRICT_BODY

    announced_on: IsoDate
    trade_from: IsoDate = Field(
        description="at least grant_announcement_workdays working days after announced_on, "
        "strictly between"
    )
    trade_to: IsoDate = Field(
        description="not before trade_from; a listing stays open grant_listing_workdays "
        "working days at least, both ends counted"
    )
    review_note: Text | None = Field(
        None, description="required when a check is in review: what the officer confirmed"
    )


INSTANT_PATTERN = (
    "^(19[5-9][0-9]|20[0-9][0-9])-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?"
    "(Z|[+-][0-9]{2}:[0-9]{2})$"
)
"""A moment of a year within 1950..2099 with its offset (RFC 3339)."""
_ISO_INSTANT = re.compile(INSTANT_PATTERN)


def _text_only(value: Any) -> Any:
    """RFC 3339 text only: no number, no digits read as seconds since 1970, no year
    outside 1950..2099."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_INSTANT.match(value):
        raise ValueError(
            "expected an ISO 8601 date and time with its offset, e.g. 2026-03-20T10:15:00+08:00"
        )
    return value


Instant = Annotated[
    AwareDatetime,
    BeforeValidator(_text_only),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": INSTANT_PATTERN}),
]
"""A moment with its offset, e.g. ``2026-03-20T10:15:00+08:00`` (no bare numbers)."""


def _number_only(value: Any) -> Any:
    """A JSON number, read as the digits it was written with (never text or a boolean)."""
    if isinstance(value, bool | str):
        raise ValueError("expected a JSON number, not text or a boolean")
    return Decimal(repr(value)) if isinstance(value, float) else value


Amount = Annotated[
    Decimal,
    BeforeValidator(_number_only),
    Field(ge=0, le=QUANTITY_MAX, allow_inf_nan=False, decimal_places=DECIMAL_PLACES_MAX),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": float(QUANTITY_MAX)}),
]
"""An amount in 万元 as an exact decimal, at most 4 digits after the point."""


class GrantBidder(BaseModel):
    """The bidder (竞买人): its registered name and 统一社会信用代码."""

    model_config = STRICT_BODY

    name: Annotated[Name, Field(min_length=1)]
    credit_code: Annotated[str, Field(pattern=shapes.CREDIT_CODE_PATTERN)]


class GrantOffer(BaseModel):
    """An offer (报价) as the trading platform recorded it."""

    model_config = STRICT_BODY

    bidder: GrantBidder
    amount_cny_10k: Amount = Field(description="万元; at least the starting price")
    at: Instant = Field(description="when it was made: in the trade window, not in the future")


class GrantConclusion(BaseModel):
    """The trade's result is drawn on ``concluded_on`` (default: today, CST): ``{}`` draws
    it today."""

    model_config = STRICT_BODY

    concluded_on: IsoDate | None = Field(None, description="not before trade_to, not after today")


class GrantInstalment(BaseModel):
    model_config = STRICT_BODY

    due: IsoDate
    amount_cny_10k: Amount


class GrantContract(BaseModel):
    """出让合同: signed once the result's publicity has ended; the instalments of the grant
    fee (出让收益) sum to the price exactly."""

    model_config = STRICT_BODY

    signed_on: IsoDate
    contract_ref: Code | None = Field(None, description="合同编号")
    instalments: list[GrantInstalment] = Field(max_length=MILESTONES_MAX)


class GrantCancellation(BaseModel):
    model_config = STRICT_BODY

    reason: Annotated[Text, Field(min_length=2, description="kept with the grant's steps")]
