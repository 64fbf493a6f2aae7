"""Where the illustrative demo areas lie (示意): parcels placed inside the demo zones of
:mod:`lode_common.demo.pingquan`, clear of one another.

Pure geometry: no database, no HTTP. :func:`placed` lays out the licence areas of
:mod:`.demo` in their order; :func:`clear_parcel` finds one more parcel in a zone, clear of
all of them (the areas of :mod:`.demo_grants` that gave no licence).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any, Final

from shapely import affinity
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union
from shapely.prepared import prep

from lode_common.demo.pingquan import (
    DemoZone,
    boundary,
    demo_zone_geometries,
    geodesic_area_ha,
)

Site = tuple[str | None, float]
"""Where a parcel goes and how large it is: (zone code or None for the city outside every
zone, target hectares)."""

MARGIN_DEG: Final = 0.001  # about 85-110 m: kept inside a zone, and between two parcels
_MAX_TRIES: Final = 5000
_ZONE_CANDIDATES: Final = 64

# Zone types a parcel keeps out of unless it is placed in that very zone.
_KEEP_OUT_TYPES: Final = frozenset(
    {
        "ecological_red_line",
        "forbidden_mining_area",
        "restricted_mining_area",
        "mining_block",
        "exploration_block",
        "sand_gravel_area",
    }
)


def geojson(polygon: Polygon) -> dict[str, Any]:
    """A parcel as a GeoJSON Polygon (lon/lat)."""
    return {"type": "Polygon", "coordinates": [[[x, y] for x, y in polygon.exterior.coords]]}


@cache
def placed(sites: tuple[Site, ...]) -> tuple[Polygon, ...]:
    """A parcel for each site, placed in order.

    Candidate centres follow a Halton sequence over the site's region; a parcel must lie
    inside the region and clear of the parcels placed before it. In the city at large the
    first that fits is taken; in a zone, the one nearest the zone's edge among the first
    :data:`_ZONE_CANDIDATES`, so that small zones (the sand-gravel areas) still have room
    for the next.
    """
    zones = demo_zone_geometries()
    by_code = {zone.code: polygon for zone, polygon in zones}
    parcels: list[Polygon] = []
    taken: BaseGeometry = Polygon()
    for index, (code, area_ha) in enumerate(sites):
        region = _region(code, zones, by_code)
        edge = region.boundary
        fitting = (
            parcel for parcel in _candidates(region, area_ha, index) if not taken.intersects(parcel)
        )
        if code is None:
            parcel = next(fitting, None)
        else:
            choices = list(itertools.islice(fitting, _ZONE_CANDIDATES))
            parcel = min(choices, key=edge.distance, default=None)
        if parcel is None:
            raise RuntimeError(f"no room for demo parcel {index} ({code}, {area_ha} ha)")
        parcels.append(parcel)
        taken = taken.union(parcel.buffer(MARGIN_DEG))
    return tuple(parcels)


def clear_parcel(code: str, area_ha: float, shape: int, clear_of: Sequence[Polygon]) -> Polygon:
    """The first parcel of about ``area_ha`` inside zone ``code`` (and clear of the zones
    it keeps out of) that lies a margin clear of every parcel of ``clear_of``; ``shape``
    picks the parcel's outline and turn. RuntimeError when none fits."""
    zones = demo_zone_geometries()
    by_code = {zone.code: polygon for zone, polygon in zones}
    taken = unary_union([p.buffer(MARGIN_DEG) for p in clear_of])
    region = _region(code, zones, by_code).difference(taken)
    parcel = next(_candidates(region, area_ha, shape), None)
    if parcel is None:
        raise RuntimeError(f"no room in {code} for a parcel of {area_ha} ha (shape {shape})")
    return parcel


def _candidates(region: BaseGeometry, area_ha: float, index: int) -> Iterator[Polygon]:
    """Parcels inside ``region``, centred on the Halton points of its bounding box."""
    inside = prep(region)
    minx, miny, maxx, maxy = region.bounds
    for k in range(1, _MAX_TRIES + 1):
        centre = (minx + (maxx - minx) * _halton(k, 2), miny + (maxy - miny) * _halton(k, 3))
        if not inside.contains(Point(centre)):
            continue
        parcel = _parcel(centre, area_ha, index)
        if inside.contains(parcel):
            yield parcel


def _region(
    code: str | None,
    zones: list[tuple[DemoZone, Polygon]],
    by_code: dict[str, Polygon],
) -> BaseGeometry:
    """Where a parcel of zone ``code`` may lie: inside it (or the city, for None), a margin
    in from its edge, and a margin clear of the zones it must keep out of."""
    if code is None:
        base = boundary()
        keep_out = [polygon for _zone, polygon in zones]
    else:
        base = by_code[code]
        keep_out = [p for z, p in zones if z.type in _KEEP_OUT_TYPES and z.code != code]
    return base.buffer(-MARGIN_DEG).difference(unary_union(keep_out).buffer(MARGIN_DEG))


def _halton(index: int, base: int) -> float:
    """The ``index``-th term of the van der Corput sequence in ``base`` (0 ≤ x < 1)."""
    fraction, result = 1.0, 0.0
    while index > 0:
        fraction /= base
        result += fraction * (index % base)
        index //= base
    return result


def _corners(index: int) -> Iterator[tuple[float, float]]:
    """A slightly irregular rectangle of unit area, turned by an angle that varies by parcel."""
    aspect = 1.2 + 0.6 * _halton(index + 1, 5)
    angle = math.radians(-40 + 80 * _halton(index + 1, 7))
    height = 1 / math.sqrt(aspect)
    width = aspect * height
    jitter = ((1.0, 1.0), (1.08, 0.95), (0.94, 1.06), (1.03, 0.92))
    shift = index % 4
    for k, (sx, sy) in enumerate(((-1, -1), (1, -1), (1, 1), (-1, 1))):
        jx, jy = jitter[(k + shift) % 4]
        x, y = sx * width / 2 * jx, sy * height / 2 * jy
        yield (
            x * math.cos(angle) - y * math.sin(angle),
            x * math.sin(angle) + y * math.cos(angle),
        )


def _parcel(centre: tuple[float, float], area_ha: float, index: int) -> Polygon:
    """An area (矿区范围) of about ``area_ha`` around ``centre``, corners (拐点) rounded to
    8 decimals as the GeoJSON carries them."""
    lon0, lat0 = centre
    km_per_lon = 111.32 * math.cos(math.radians(lat0))
    km_per_lat = 110.57
    side_km = math.sqrt(area_ha / 100)
    shape = Polygon(
        (lon0 + x * side_km / km_per_lon, lat0 + y * side_km / km_per_lat)
        for x, y in _corners(index)
    )
    factor = math.sqrt(area_ha / geodesic_area_ha(shape))
    scaled = affinity.scale(shape, factor, factor, origin=(lon0, lat0))
    return Polygon((round(x, 8), round(y, 8)) for x, y in scaled.exterior.coords)
