"""Settings of the zoning service: ``LODE_ZONING_*`` first, then ``LODE_*``."""

from __future__ import annotations

from typing import ClassVar

from lode_common.settings import LodeSettings


class ZoningSettings(LodeSettings):
    service: ClassVar[str] = "zoning"
