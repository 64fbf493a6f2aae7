"""Small builders of test data: polygons around Pingquan, GeoJSON, corner lists (plan
documents: ``libs/common/tests/unit/plan/builders.py``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from shapely.geometry import Polygon

from lode_zoning.domain.crs import (
    CGCS2000,
    KnownCrs,
    gk_epsg_for_zone,
    gk_zone_for_longitude,
    lonlat_to_survey,
    transform_geometry,
)

# Pingquan's rough extent (plan: region.approx_extent_lonlat)
PINGQUAN_BBOX = (118.35, 40.7, 119.25, 41.4)
CENTRE = (118.8, 41.05)

# Corner lists (X northing, Y easting) in EPSG:4528:
# 400 m × 400 m (16 ha) at 118.70°E 41.00°N, zone 40, listed clockwise from the north-west
BLOCK = [
    (4541387.43, 40390622.93),
    (4541387.43, 40391022.93),
    (4540987.43, 40391022.93),
    (4540987.43, 40390622.93),
]
# 100 m × 100 m (1 ha) inside it
HOLE = [
    (4541287.43, 40390722.93),
    (4541287.43, 40390822.93),
    (4541187.43, 40390822.93),
    (4541187.43, 40390722.93),
]
EAST = [(x, y + 1000) for x, y in BLOCK]  # another 16 ha, 600 m east


def gk_square(easting: float, northing: float, side_m: float) -> Polygon:
    """A square in a projected CRS (GIS order), counter-clockwise."""
    h = side_m / 2
    return Polygon(
        [
            (easting - h, northing - h),
            (easting + h, northing - h),
            (easting + h, northing + h),
            (easting - h, northing + h),
        ]
    )


def lonlat_square(lon: float, lat: float, area_ha: float) -> Polygon:
    """A lon/lat polygon of about ``area_ha`` centred on (lon, lat): a square drawn in the
    Gauss-Kruger zone of ``lon`` and brought back to EPSG:4490."""
    epsg = gk_epsg_for_zone(gk_zone_for_longitude(lon))
    centre = transform_geometry(Polygon([(lon, lat)] * 4), CGCS2000.epsg, epsg).exterior.coords[0]
    square = gk_square(centre[0], centre[1], math.sqrt(area_ha * 10_000))
    return transform_geometry(square, epsg, CGCS2000.epsg)


def lonlat_ring(lon: float, lat: float, size_deg: float = 0.01) -> list[list[float]]:
    """A closed counter-clockwise GeoJSON ring, a square of ``size_deg`` at (lon, lat)."""
    return [
        [lon, lat],
        [lon + size_deg, lat],
        [lon + size_deg, lat + size_deg],
        [lon, lat + size_deg],
        [lon, lat],
    ]


def geojson_polygon(*rings: Sequence[Any]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [list(r) for r in rings]}


def corner_lines(
    corners: Sequence[tuple[float, float]], *, start: int = 1, prefix: str = "", sep: str = ","
) -> list[str]:
    """``number,X,Y`` lines for (X, Y) corners."""
    return [f"{prefix}{i}{sep}{x:.2f}{sep}{y:.2f}" for i, (x, y) in enumerate(corners, start=start)]


def survey_rectangle(
    lon: float, lat: float, width_m: float, height_m: float, crs: KnownCrs
) -> list[tuple[float, float]]:
    """Corners (X northing, Y easting) of a rectangle whose south-west corner is at
    (lon, lat), listed clockwise from the north-west corner as the bureau does."""
    sw = lonlat_to_survey(lon, lat, crs)
    x, y = round(sw.x, 2), round(sw.y, 2)
    return [(x + height_m, y), (x + height_m, y + width_m), (x, y + width_m), (x, y)]


def plane_square_lonlat(easting: float, northing: float, side_m: float, crs: KnownCrs) -> Polygon:
    """A square drawn in the plane of ``crs`` (GIS order: easting, northing; the zone prefix
    as ``crs`` has it) and brought to EPSG:4490: its plane figures are known exactly."""
    return transform_geometry(gk_square(easting, northing, side_m), crs.epsg, CGCS2000.epsg)
