"""Areas in hectares (公顷), computed in the Gauss-Kruger plane as the bureau computes them.

A geometry in EPSG:4490 (lon/lat) is projected to the CGCS2000 3-degree Gauss-Kruger zone
of its centroid's longitude (zone 39 west of 118.5°E, zone 40 east of it, for Pingquan)
and measured there. Within 1.5° of the central meridian the Gauss-Kruger scale error keeps
the plane area within 0.05% of the geodesic area on the GRS80 ellipsoid (CGCS2000).

A geometry given in a projected CRS is measured in that CRS's plane, unprojected: that is
how a declared licence area (矿区面积) is computed from its corner coordinates.

Areas are returned as `Decimal` hectares rounded to 0.0001 ha (1 m²), so that sums in
reports are exact; `plane_area_m2` gives the unrounded float for further computation.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from lode_zoning.domain.crs import (
    CGCS2000,
    KnownCrs,
    gk_epsg_for_zone,
    gk_zone_for_longitude,
    transform_geometry,
)

M2_PER_HA = 10_000.0
HA_QUANTUM = Decimal("0.0001")


def area_zone(geometry_lonlat: Any) -> int:
    """The 3-degree zone whose plane measures a lon/lat geometry: its centroid's zone."""
    return gk_zone_for_longitude(float(geometry_lonlat.centroid.x))


def plane_area_m2(geometry: Any, crs: KnownCrs = CGCS2000) -> float:
    """Area in square metres of a shapely geometry given in ``crs`` (0 for lines, points
    and empty geometries).

    Lon/lat geometries are measured in the Gauss-Kruger zone of their centroid; projected
    ones in their own plane.
    """
    if geometry.is_empty:
        return 0.0
    if not crs.is_geographic:
        return float(geometry.area)
    projected = transform_geometry(geometry, CGCS2000.epsg, gk_epsg_for_zone(area_zone(geometry)))
    return float(projected.area)


def hectares(area_m2: float) -> Decimal:
    """Square metres as `Decimal` hectares rounded to 0.0001 ha (half even)."""
    return Decimal(repr(area_m2 / M2_PER_HA)).quantize(HA_QUANTUM, rounding=ROUND_HALF_EVEN)


def area_ha(geometry: Any, crs: KnownCrs = CGCS2000) -> Decimal:
    """Area in hectares (公顷) of a polygon or multipolygon given in ``crs``."""
    return hectares(plane_area_m2(geometry, crs))
