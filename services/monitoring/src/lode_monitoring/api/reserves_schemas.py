"""The shapes of the reserves reports (储量年报) in monitoring's OpenAPI document.

As for output reports, the bodies are read by the domain's field reader
(:mod:`lode_monitoring.domain.reserves`), which lists every bad field and checks the
balance; these models document what it accepts and are never used to validate.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from lode_common.limits import QUANTITY_MAX, Code, Text
from lode_monitoring.api.schemas import (
    Figure,
    LicenceNo,
    Quantity,
    ReportFinding,
    ReportYear,
    Timestamp,
)
from lode_monitoring.domain.report import REASON_MIN

Change = Annotated[float, Field(ge=-float(QUANTITY_MAX), le=float(QUANTITY_MAX))]
"""A signed JSON number (重算增减): at most 15 significant digits and 4 decimal places."""


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReservesFigures(_Body):
    """The year's reserves in 万吨 of ore: ``opening_10kt − extracted_10kt − lost_10kt +
    new_proven_10kt + recalculated_10kt`` must equal ``closing_10kt`` exactly (422 naming
    ``closing_10kt`` with the computed value and the difference otherwise)."""

    opening_10kt: Quantity = Field(description="年初保有: reserves held on 1 January")
    extracted_10kt: Quantity = Field(description="开采量: ore mined in the year")
    lost_10kt: Quantity = Field(description="损失量: reserves lost in mining")
    new_proven_10kt: Quantity = Field(description="新增查明: newly proven (0 for none)")
    recalculated_10kt: Change = Field(description="重算增减: a recalculation, signed (0 for none)")
    closing_10kt: Quantity = Field(description="年末保有: reserves held on 31 December")


class ReservesReportBody(ReservesFigures):
    """A mine's reserves report (储量年报) for a mining licence, year and mineral."""

    licence_no: LicenceNo
    year: ReportYear
    mineral: Code = Field(
        description="the licence's mineral, or an associated mineral of the catalogue "
        "(a Chinese name, 铁矿, or a code, iron)"
    )


class ReservesCorrectionBody(_Body):
    """A correction: the figures it changes and why; the new version must balance. The
    licence, year and mineral are kept (given, they must be the report's)."""

    reason: Text = Field(min_length=REASON_MIN)
    licence_no: LicenceNo | None = None
    year: ReportYear | None = None
    mineral: Code | None = None
    opening_10kt: Quantity | None = None
    extracted_10kt: Quantity | None = None
    lost_10kt: Quantity | None = None
    new_proven_10kt: Quantity | None = None
    recalculated_10kt: Change | None = None
    closing_10kt: Quantity | None = None


RESERVES_BODIES: tuple[type[BaseModel], ...] = (ReservesReportBody, ReservesCorrectionBody)
"""The bodies the reserves routes read by hand."""


class ReservesFiled(BaseModel):
    """A reserves report version accepted, with the findings it gave."""

    id: str
    version: int
    licence_no: str
    year: int
    mineral: str = Field(description="as stored: the licence's spelling, or the catalogue's")
    findings: list[ReportFinding]


class ReservesVersion(BaseModel):
    """One version of a reserves report: its figures (万吨) and the body as sent."""

    id: str
    version: int
    current: bool
    licence_no: str
    year: int
    mineral: str
    opening_10kt: Figure
    extracted_10kt: Figure
    lost_10kt: Figure
    new_proven_10kt: Figure
    recalculated_10kt: Figure
    closing_10kt: Figure
    reason: str | None
    submitted_by: str
    submitted_at: Timestamp
    illustrative: bool


class ReservesHistory(BaseModel):
    id: str
    versions: list[ReservesVersion] = Field(description="every version, the current one last")


class ReservesPage(BaseModel):
    items: list[ReservesVersion]
    total: int
