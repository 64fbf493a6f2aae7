"""The administrative boundary a zone's area is checked against (行政区界), read once.

A county boundary has ~60,000 vertices: reading it from JSON in Python takes longer than
checking a zone against it, so it is kept as WKB by zone version, in the service's
container, rather than read for every zone written in its plan.
"""

from __future__ import annotations

import shapely
from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_zoning.adapters.tables import PlanVersion, ZoneVersion
from lode_zoning.domain.geometry import Region, vertex_count
from lode_zoning.domain.region import ADMINISTRATIVE_BOUNDARY
from lode_zoning.handlers.offload import run_geometry_work


class Boundaries:
    """The boundaries last read, as WKB by zone version (the ``KEPT`` most recent)."""

    KEPT = 8

    def __init__(self) -> None:
        self._wkb: dict[tuple[str, int], bytes] = {}

    async def region(self, session: AsyncSession, plan: PlanVersion) -> Region:
        """The plan's administrative boundary zone if loaded, else its approximate extent."""
        boundary = (
            (
                await session.execute(
                    select(ZoneVersion).where(
                        col(ZoneVersion.plan_id) == plan.plan_id,
                        col(ZoneVersion.type) == ADMINISTRATIVE_BOUNDARY,
                        col(ZoneVersion.is_current).is_(True),
                        col(ZoneVersion.status) == "active",
                    )
                )
            )
            .scalars()
            .first()
        )
        name = plan.document["region"].get("name_zh", "")
        if boundary is None:
            return Region.from_bbox(plan.document["region"]["approx_extent_lonlat"], name_zh=name)
        key = (boundary.zone_id, boundary.version)
        stored = boundary.geometry  # validated when it was stored: built, not checked again
        if key not in self._wkb:
            wkb: bytes = await run_geometry_work(
                vertex_count(stored), lambda: shapely.to_wkb(shape(stored))
            )
            if len(self._wkb) >= self.KEPT:
                self._wkb.pop(next(iter(self._wkb)))
            self._wkb[key] = wkb
        kept = self._wkb[key]
        # a geometry of its own for each request: a prepared geometry is not shared by threads
        return await run_geometry_work(
            vertex_count(stored),
            lambda: Region(shapely.from_wkb(kept), name_zh=name, approximate=False),
        )
