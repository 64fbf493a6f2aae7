"""Settings of the reporting service: ``LODE_REPORTING_*`` first, then ``LODE_*``."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from lode_common.limits import PLAN_ID_MAX
from lode_common.plan.data import PINGQUAN_PLAN_ID
from lode_common.settings import LodeSettings
from lode_reporting.domain.status import Rules


class ReportingSettings(LodeSettings):
    service: ClassVar[str] = "reporting"

    plan_id: str = Field(
        PINGQUAN_PLAN_ID,
        min_length=1,
        max_length=PLAN_ID_MAX,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="the plan the dashboard shows and a request names when it gives no plan_id",
    )
    tolerance_pct: Decimal = Field(
        Decimal(10),
        ge=0,
        le=100,
        description="the band of a '±' target (200万吨左右), per cent of the target",
    )
    at_risk_margin_pct: Decimal = Field(
        Decimal(10),
        ge=0,
        le=100,
        description="how far behind the path an indicator is at_risk before it is not_met",
    )
    stream_ping_s: float = Field(15.0, gt=0, description="SSE keep-alive comment interval")
    stream_poll_s: float = Field(
        2.0,
        gt=0,
        description="how often the SSE stream re-reads the journal when no in-process "
        "notification came (another process committed the events)",
    )

    cjk_font: str | None = Field(
        None,
        description="a TrueType CJK font file for the PDF report (default: the Debian paths of "
        "fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk, then the built-in STSong-Light)",
    )

    def status_rules(self) -> Rules:
        return Rules(tolerance_pct=self.tolerance_pct, margin_pct=self.at_risk_margin_pct)
