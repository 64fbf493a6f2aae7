"""Settings of the licensing service: ``LODE_LICENSING_*`` first, then ``LODE_*``."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from lode_common.plan.data import PINGQUAN_PLAN_ID
from lode_common.settings import LodeSettings


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

    def _secrets(self) -> dict[str, str]:
        secrets = super()._secrets()
        if self.province_url:
            secrets["province_secret"] = self.province_secret
        return secrets
