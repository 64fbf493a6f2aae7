"""Settings of the licensing service: ``LODE_LICENSING_*`` first, then ``LODE_*``."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import ClassVar

from pydantic import Field

from lode_common.plan.data import PINGQUAN_PLAN_ID
from lode_common.settings import LodeSettings
from lode_licensing.domain.checks.context import GRANT_AREA_TOLERANCE_PCT


class LicensingSettings(LodeSettings):
    service: ClassVar[str] = "licensing"

    plan_id: str = Field(PINGQUAN_PLAN_ID, description="the plan applications are checked against")
    zoning_url: str = Field(
        "", description="base URL of the zoning service (empty: in-process in embedded mode)"
    )
    zoning_timeout_s: float = Field(5.0, gt=0)
    province_url: str = Field(
        "", description="the province approval platform; empty: decisions are entered locally"
    )
    province_secret: str = Field(
        "", description="HMAC-SHA256 key of the province callbacks (LODE_PROVINCE_SECRET)"
    )
    province_window_s: int = Field(300, ge=1, description="accepted clock skew of a callback")
    recheck_interval_s: float = Field(
        2.0, gt=0, description="how often pending checks and forwards are retried"
    )
    impact_concurrency: int = Field(
        8,
        ge=1,
        le=64,
        description="how many of zoning's area analyses the what-if of a proposed plan "
        "version (POST /licensing/v1/plan-impact) and the conflict sweep ask at once: enough "
        "for the county's licences within 2 s embedded, without flooding zoning",
    )
    expiry_check_interval_s: float = Field(
        3600.0, gt=0, description="how often the expiry job looks for lapsed licences"
    )
    output_year_complete_pct: Decimal = Field(
        Decimal(90),
        gt=0,
        le=100,
        description="output_control takes the current output from the latest year whose "
        "annual reports cover at least this share (%) of the mining licences of the counted "
        "minerals in force that year: the bureau's setting, not a figure of law",
    )
    grant_area_tolerance_pct: Decimal = Field(
        GRANT_AREA_TOLERANCE_PCT,
        ge=0,
        le=100,
        description="competitive_grant: how far (percent) a new application's area may differ "
        "from its grant's area (出让范围), or lie outside the exploration area it converts "
        "(探转采), and still be 'the same area': Lode's reading of 'the same area', not a "
        "figure of law",
    )
    grant_announcement_workdays: int = Field(
        20,
        ge=1,
        le=250,
        description="出让公告: the announcement of a competitive grant stands at least this many "
        "working days before the trade starts (counted strictly between, 民法典 art. 201). "
        "Source: PROCEDURES.md (Competitive granting), after 矿业权交易规则 (自然资源部); the "
        "article of the rules is unverified here",
    )
    grant_listing_workdays: int = Field(
        10,
        ge=1,
        le=250,
        description="挂牌: a listing stays open at least this many working days, both ends "
        "counted. Source: 矿业权交易规则 (自然资源部), as commonly cited; unverified against "
        "the text here",
    )
    grant_publicity_workdays: int = Field(
        10,
        ge=1,
        le=250,
        description="结果公示: a concluded grant's result stands in publicity this many working "
        "days after the conclusion, and the grant contract is signed from its last day. "
        "Source: PROCEDURES.md (Competitive granting); the article of 矿业权交易规则 is "
        "unverified here",
    )
    grant_auction_min_bidders: int = Field(
        3,
        ge=1,
        le=100,
        description="an auction (拍卖) with fewer distinct bidders fails (流拍). Unverified: "
        "the figure follows the usual reading of 拍卖 and 招标投标 practice, not a checked "
        "article of 矿业权交易规则; set it to the bureau's reading",
    )
    grant_tender_min_bidders: int = Field(
        3,
        ge=1,
        le=100,
        description="a tender (招标) with fewer distinct bidders fails (招标投标法 art. 28, as "
        "commonly cited: fewer than 3 bidders, tender again; the text is not checked here). "
        "Unverified for 矿业权 tenders: set it to the bureau's reading",
    )
    holiday_schedule_file: Path | None = Field(
        None,
        description="a YAML of years added to the working-day calendar (lode_common.workdays: "
        "{years: [{year, source, holidays, workdays}]}) for a year PyPI chinesecalendar does "
        "not know yet; LODE_LICENSING_HOLIDAY_SCHEDULE_FILE, else LODE_HOLIDAY_SCHEDULE_FILE",
    )

    def _secrets(self) -> dict[str, str]:
        secrets = super()._secrets()
        if self.province_url:
            secrets["province_secret"] = self.province_secret
        return secrets
