"""Settings of the zoning service: ``LODE_ZONING_*`` first, then ``LODE_*``."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from lode_common.plan.data import PINGQUAN_PLAN_ID
from lode_common.settings import LodeSettings


class ZoningSettings(LodeSettings):
    service: ClassVar[str] = "zoning"

    plan_id: str = Field(
        PINGQUAN_PLAN_ID,
        description="the deployment's own plan: published from the bundled document on first "
        "start when it is the bundled plan, and the plan the demo zones belong to",
    )
    licensing_url: str = Field(
        "",
        description="base URL of the licensing service, asked for a proposal's impact "
        "(empty: this process's public URL; in-process in embedded mode)",
    )
    licensing_timeout_s: float = Field(
        30.0,
        gt=0,
        description="how long a proposal's impact may take in licensing: two analyses per "
        "licence in force and open application",
    )
