"""Settings of the reporting service: ``LODE_REPORTING_*`` first, then ``LODE_*``."""

from __future__ import annotations

from typing import ClassVar

from lode_common.settings import LodeSettings


class ReportingSettings(LodeSettings):
    service: ClassVar[str] = "reporting"
