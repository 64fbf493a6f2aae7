"""Settings of the monitoring service: ``LODE_MONITORING_*`` first, then ``LODE_*``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from pydantic import Field, field_validator

from lode_common.plan.data import PINGQUAN_PLAN_ID
from lode_common.settings import LodeSettings
from lode_monitoring.domain.reserves import ReservesPolicy

RESERVES_SOURCE = (
    "矿产资源法 第四十条 (储量年报: 采矿权人按年报送矿产资源储量变化情况), as "
    "docs/contracts/PROCEDURES.md cites it; confidence: unverified"
)
"""What the reserves filing, its deadline and its continuity rest on, unless set otherwise."""


class MonitoringSettings(LodeSettings):
    service: ClassVar[str] = "monitoring"

    plan_id: str = Field(
        PINGQUAN_PLAN_ID, description="the plan whose standards reports are judged against"
    )
    intake_pool_size: int = Field(
        10,
        ge=1,
        description="PostgreSQL connections the report intake and the API key look-up keep "
        "(their own pool, beside the engine's)",
    )
    annual_report_due: str = Field(
        "03-31",
        pattern=r"^[0-9]{2}-[0-9]{2}$",
        description="MM-DD of the following year: the last day (CST) a year's annual report "
        "(开发利用年报) is on time; after it the deadline job opens annual_report_missing. "
        "Default 31 March: the reporting practice this system serves (not in the plan text)",
    )
    reserves_filing_due: str = Field(
        "01-31",
        pattern=r"^[0-9]{2}-[0-9]{2}$",
        description="MM-DD of the following year: the last day (CST) a year's reserves "
        "report (储量年报) is on time; after it the deadline job opens "
        "reserves_report_missing. Default 31 January: " + RESERVES_SOURCE,
    )
    reserves_source: str = Field(
        RESERVES_SOURCE,
        min_length=2,
        description="the citation of the reserves filing, its deadline and its continuity",
    )
    extraction_tolerance_pct: Decimal = Field(
        Decimal(5),
        ge=0,
        le=100,
        description="how far a reserves report's extracted_10kt may lie from the year's "
        "ore_mined_10kt, in per cent of the latter, before extraction_mismatch opens: the "
        "bureau's setting, not a figure of law",
    )
    extraction_tolerance_source: str = Field(
        "the bureau's setting (LODE_MONITORING_EXTRACTION_TOLERANCE_PCT), not a figure of law",
        min_length=2,
        description="the citation of the extraction tolerance",
    )

    daily_pass_interval_s: float = Field(
        3600,
        gt=0,
        le=86400,
        description="how often the daily passes run (report deadlines, the abnormal list, "
        "overdue rectification orders), in seconds; they also run at start. Their rules are "
        "days (CST), so hourly is ample; a shorter interval only brings a change sooner",
    )
    inspection_ratio_pct: Decimal = Field(
        Decimal(5),
        gt=0,
        le=100,
        decimal_places=4,
        description="the share of the licences in force a random inspection draw (双随机抽查) "
        "takes when the draw names none, in per cent (at least one licence is drawn). "
        "Default 5: the 双随机一公开 rule as issue 17 cites it; confidence: unverified",
    )
    serious_violation_term_years: int = Field(
        5,
        ge=1,
        le=20,
        description="the term of a serious-violation listing (严重违法失信名单) when the "
        "listing names none, in years; the daily job releases it when the term ends (期满). "
        "Default 5: 自然资源部令第13号 as issue 17 cites it (企业信息公示暂行条例 uses 5 "
        "years for its serious-violation list); confidence: unverified",
    )

    @field_validator("annual_report_due", "reserves_filing_due")
    @classmethod
    def _a_day_of_every_year(cls, value: str) -> str:
        month, day = (int(part) for part in value.split("-"))
        try:
            date(2023, month, day)  # not a leap year: 02-29 is not a deadline every year
        except ValueError:
            raise ValueError(f"{value} is not a day of every year (MM-DD)") from None
        return value

    def annual_report_due_on(self) -> tuple[int, int]:
        """(month, day) of the annual report's deadline, as the domain takes it."""
        month, day = (int(part) for part in self.annual_report_due.split("-"))
        return month, day

    def reserves_policy(self) -> ReservesPolicy:
        """The reserves rules' settings, as the domain takes them."""
        month, day = (int(part) for part in self.reserves_filing_due.split("-"))
        return ReservesPolicy(
            filing_due=(month, day),
            source=self.reserves_source,
            extraction_tolerance_pct=self.extraction_tolerance_pct,
            extraction_tolerance_source=self.extraction_tolerance_source,
        )
