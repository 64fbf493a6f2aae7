"""Where an area lies against the plan's region (规划区域): how many hectares of it are
inside, how many outside, and how far it is from the region when nothing of it is inside.

The region is the union of the plan's active administrative boundary zones (行政区界,
basis ``administrative_boundary``) when it has any, else the plan's
``region.approx_extent_lonlat`` box (basis ``approx_extent``), as the "outside the plan's
region" checks of ``domain.geometry`` read it.

Every figure is a plane figure in the CGCS2000 3-degree Gauss-Kruger zone of the area's
centroid, the plane the service measures every area in (``domain.area``): hectares as
``overlap_ha`` is measured, and the distance as the shortest straight line in that plane.
Within the plan's zones (1.5° either side of the central meridian, at Pingquan's latitude)
the Gauss-Kruger scale error keeps a plane distance within 0.02% of the geodesic one.

A region of tens of thousands of vertices (a county boundary) is cut into pieces of at
most ``PIECE_VERTICES`` vertices once, when the index is built (`subdivide`), so an
analysis measures the few pieces near the area instead of the whole outline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import Any, Final, SupportsFloat

import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from lode_zoning.domain.area import HA_QUANTUM, hectares

ADMINISTRATIVE_BOUNDARY: Final = "administrative_boundary"
"""The zone type of the plan's administrative boundary (行政区界): the plan's region."""
PIECE_VERTICES: Final = 256
"""At most this many vertices in a piece of a region (`subdivide`)."""
EXTENT_STEP_DEG: Final = 0.05
"""The approximate extent's edges get a vertex every 0.05° (about 4 km), so that in the
Gauss-Kruger plane its north and south edges follow their parallels (a 4 km chord of a
parallel at 41°N departs from it by 0.3 m) rather than one chord across the county."""
M_QUANTUM: Final = Decimal("0.01")
"""Distances in metres to the centimetre: corner coordinates are given to the centimetre."""
_MAX_DEPTH: Final = 24
_SAME_AREA: Final = 1e-9
"""Relative difference under which the part inside is the whole area (floating error)."""


class RegionBasis(StrEnum):
    """What the plan's region was taken from."""

    ADMINISTRATIVE_BOUNDARY = ADMINISTRATIVE_BOUNDARY
    """the union of the plan's active administrative boundary zones (行政区界)"""
    APPROX_EXTENT = "approx_extent"
    """the plan document's ``region.approx_extent_lonlat`` box, until a boundary is loaded"""


@dataclass(frozen=True, slots=True)
class PositionInRegion:
    """An area against the plan's region.

    ``inside_ha + outside_ha`` is the area's ``area_ha`` exactly (both rounded to 1 m², the
    outside figure by difference); ``distance_m`` is ``None`` when some of the area is
    inside (``inside_ha > 0``), else the shortest distance from the area to the region in
    metres (0 when it only touches it).
    """

    basis: RegionBasis
    zones: tuple[str, ...]
    inside_ha: Decimal
    outside_ha: Decimal
    distance_m: Decimal | None


def metres(distance: float) -> Decimal:
    """A distance in metres as `Decimal`, to the centimetre (half even)."""
    return Decimal(repr(float(distance))).quantize(M_QUANTUM, rounding=ROUND_HALF_EVEN)


def position_in_region(
    *,
    basis: RegionBasis,
    zones: Sequence[str],
    area_m2: float,
    inside_m2: float,
    distance_m: Callable[[], float],
) -> PositionInRegion:
    """The figures of an area of ``area_m2`` of which ``inside_m2`` lies in the region;
    ``distance_m`` is asked only when nothing of it is inside."""
    if inside_m2 >= area_m2 * (1 - _SAME_AREA):
        inside_m2 = area_m2  # wholly inside: the pieces' sum differs by floating error only
    area_ha = hectares(area_m2)
    inside_ha = min(hectares(max(inside_m2, 0.0)), area_ha)
    outside_ha = (area_ha - inside_ha).quantize(HA_QUANTUM)
    distance = None if inside_ha > 0 else metres(distance_m())
    return PositionInRegion(basis, tuple(zones), inside_ha, outside_ha, distance)


def extent_polygon(bbox: Sequence[SupportsFloat]) -> Polygon:
    """The polygon of ``[min_lon, min_lat, max_lon, max_lat]`` (EPSG:4490), its edges
    densified every ``EXTENT_STEP_DEG``."""
    west, south, east, north = (float(v) for v in bbox)
    densified: Polygon = shapely.segmentize(box(west, south, east, north), EXTENT_STEP_DEG)
    return densified


def _polygons(geometry: Any) -> list[Polygon]:
    """The polygons of a geometry an overlay gave (points and lines of a cut dropped)."""
    return [
        part
        for part in shapely.get_parts(geometry).tolist()
        if isinstance(part, Polygon) and not part.is_empty
    ]


def subdivide(
    geometry: Polygon | MultiPolygon, *, max_vertices: int = PIECE_VERTICES
) -> list[Polygon]:
    """``geometry`` cut into polygons of at most ``max_vertices`` vertices each (fewer
    levels for a pathological one), by halving its bounding box along the longer side.

    The pieces do not overlap and their union is ``geometry``: the area of an area inside
    the region is the sum of its overlaps with the pieces, and its distance to the region
    is its distance to the nearest piece.
    """
    pieces: list[Polygon] = []
    pending: list[tuple[Any, int]] = [(part, 0) for part in _polygons(geometry)]
    while pending:
        part, depth = pending.pop()
        if shapely.get_num_coordinates(part) <= max_vertices or depth >= _MAX_DEPTH:
            pieces.append(part)
            continue
        west, south, east, north = part.bounds
        if east - west >= north - south:
            middle = (west + east) / 2
            halves = (box(west, south, middle, north), box(middle, south, east, north))
        else:
            middle = (south + north) / 2
            halves = (box(west, south, east, middle), box(west, middle, east, north))
        for half in halves:
            pending += [(p, depth + 1) for p in _polygons(shapely.intersection(part, half))]
    return pieces


__all__ = [
    "ADMINISTRATIVE_BOUNDARY",
    "PIECE_VERTICES",
    "PositionInRegion",
    "RegionBasis",
    "extent_polygon",
    "metres",
    "position_in_region",
    "subdivide",
]
