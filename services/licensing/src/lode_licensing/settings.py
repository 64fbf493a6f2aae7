"""Settings of the licensing service: ``LODE_LICENSING_*`` first, then ``LODE_*``."""

from __future__ import annotations

from typing import ClassVar

from lode_common.settings import LodeSettings


class LicensingSettings(LodeSettings):
    service: ClassVar[str] = "licensing"
