"""The zoning service's parts, built once by ``bootstrap.build`` and reached by its routes
as ``api.deps.ZoningParts`` and by its start-up jobs as ``Zoning.of(runtime)``."""

from __future__ import annotations

from dataclasses import dataclass, field

from lode_common.api_keys import ReplicaKeyLookup
from lode_common.container import ServiceContainer
from lode_common.runtime import ServiceRuntime
from lode_zoning.adapters.licensing_client import LicensingClient
from lode_zoning.adapters.proposal_index import OverlayCache
from lode_zoning.adapters.spatial_index import IndexHolder
from lode_zoning.handlers.boundaries import Boundaries
from lode_zoning.settings import ZoningSettings


@dataclass
class Zoning(ServiceContainer):
    """What zoning built on its runtime."""

    settings: ZoningSettings
    api_keys: ReplicaKeyLookup
    """Mines' API keys, from the replica of monitoring's key events."""
    spatial_index: IndexHolder
    """The index ``POST /zoning/v1/analysis`` answers from, rebuilt when zones change."""
    boundaries: Boundaries = field(default_factory=Boundaries)
    """The administrative boundaries a zone's area is checked against, read once."""
    licensing: LicensingClient | None = None
    """Asks licensing for a proposal's impact (``GET .../proposals/{id}/impact``)."""
    overlays: OverlayCache = field(default_factory=OverlayCache)
    """The indexes of analyses under a proposal (``proposal_id``), kept per proposal."""


async def close_clients(runtime: ServiceRuntime) -> None:
    """Close the licensing client (the runtime's ``on_stop``)."""
    container = Zoning.of(runtime)
    if container.licensing is not None:
        await container.licensing.aclose()
