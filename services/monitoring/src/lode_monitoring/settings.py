"""Settings of the monitoring service: ``LODE_MONITORING_*`` first, then ``LODE_*``."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from lode_common.plan.data import PINGQUAN_PLAN_ID
from lode_common.settings import LodeSettings


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
