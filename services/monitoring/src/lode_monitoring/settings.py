"""Settings of the monitoring service: ``LODE_MONITORING_*`` first, then ``LODE_*``."""

from __future__ import annotations

from typing import ClassVar

from lode_common.settings import LodeSettings


class MonitoringSettings(LodeSettings):
    service: ClassVar[str] = "monitoring"
