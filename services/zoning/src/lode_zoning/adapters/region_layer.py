"""A plan's region in the spatial index: its outline cut into pieces in each Gauss-Kruger
plane the index keeps (``PlanePieces``), built once per index (a zone change, a plan
published), never per request.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import shapely

from lode_zoning.adapters.plane_pieces import Cuts, PlanePieces
from lode_zoning.domain.region import (
    PositionInRegion,
    RegionBasis,
    extent_polygon,
    position_in_region,
)


class RegionLayer:
    """One plan's region: the basis it was taken from, the boundary zones it unites, and
    its pieces per Gauss-Kruger zone."""

    def __init__(
        self,
        basis: RegionBasis,
        zone_ids: Sequence[str],
        geometry_lonlat: Any,
        gk_zones: Sequence[int],
        cuts: Cuts | None = None,
    ) -> None:
        self.basis = basis
        self.zone_ids = tuple(sorted(zone_ids))
        self._pieces = {zone: PlanePieces([geometry_lonlat], zone, cuts) for zone in gk_zones}
        if not all(len(pieces) for pieces in self._pieces.values()):
            raise ValueError("a region needs an area: its geometry has no polygon")

    @classmethod
    def of_boundaries(
        cls,
        boundaries: Sequence[tuple[str, Any]],
        gk_zones: Sequence[int],
        cuts: Cuts | None = None,
    ) -> RegionLayer:
        """The union of administrative boundary zones ``(zone id, lon/lat geometry)``; one
        boundary is cut as its zone was (``cuts``)."""
        geometries = [geometry for _, geometry in boundaries]
        union = geometries[0] if len(geometries) == 1 else shapely.union_all(geometries)
        return cls(
            RegionBasis.ADMINISTRATIVE_BOUNDARY,
            [zone_id for zone_id, _ in boundaries],
            union,
            gk_zones,
            cuts,
        )

    @classmethod
    def of_extent(cls, bbox: Sequence[float], gk_zones: Sequence[int]) -> RegionLayer:
        """The plan's ``region.approx_extent_lonlat`` box."""
        return cls(RegionBasis.APPROX_EXTENT, [], extent_polygon(bbox), gk_zones)

    def position(self, projected_area: Any, zone: int) -> PositionInRegion:
        """Where ``projected_area`` (in the plane of Gauss-Kruger ``zone``, one of the
        layer's) lies against the region, measured in that plane."""
        pieces = self._pieces[zone]
        area_m2 = float(projected_area.area)
        # within one piece is the usual case: no overlay needed
        inside = (
            area_m2
            if pieces.covers(projected_area)
            else sum(pieces.overlaps(projected_area).values())
        )
        return position_in_region(
            basis=self.basis,
            zones=self.zone_ids,
            area_m2=area_m2,
            inside_m2=inside,
            distance_m=lambda: pieces.distance(projected_area),
        )
