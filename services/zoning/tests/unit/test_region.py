"""Where an area lies against the plan's region: the figures (``domain.region``) and the
index that measures them (``SpatialIndex.analyse(region_of=...)``), no database.

The regions and areas are drawn in the Gauss-Kruger zone 40 plane, the plane the index
measures them in, so the hand-computed figures are exact there: a 400 m square is 16 ha, a
square 1,000 m east of a boundary is 1,000 m from it.
"""

from __future__ import annotations

import itertools
import math
from decimal import Decimal
from typing import Any

import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Polygon, box

from lode_zoning.adapters.spatial_index import SpatialIndex as Index
from lode_zoning.adapters.spatial_index import ZoneEntry, conditions_zh
from lode_zoning.domain.area import area_ha
from lode_zoning.domain.crs import CGCS2000, GK_ZONE_40, transformer
from lode_zoning.domain.region import (
    ADMINISTRATIVE_BOUNDARY,
    EXTENT_STEP_DEG,
    PositionInRegion,
    RegionBasis,
    extent_polygon,
    metres,
    position_in_region,
    subdivide,
)

from .builders import PINGQUAN_BBOX, plane_square_lonlat

PLAN = "pingquan-2021-2025"
E0, N0 = 40_399_000.0, 4_547_000.0  # zone 40 plane, near 118.8°E 41.05°N
SIDE = 10_000.0  # the boundary: a 10 km square centred on (E0, N0)
EDGE = E0 + SIDE / 2  # its east edge
GRS80 = Geod(ellps="GRS80")  # CGCS2000's ellipsoid


def plane(easting: float, northing: float, side: float) -> Polygon:
    return plane_square_lonlat(easting, northing, side, GK_ZONE_40)


def boundary_zone(zone_id: str = "xzq", plan_id: str = PLAN) -> tuple[ZoneEntry, Any]:
    entry = ZoneEntry(zone_id, plan_id, ADMINISTRATIVE_BOUNDARY, zone_id.upper(), "示意行政区界")
    return entry, plane(E0, N0, SIDE)


def index(*zones: tuple[ZoneEntry, Any]) -> Index:
    return Index(1, list(zones), [], {PLAN: list(PINGQUAN_BBOX)})


def region_of(idx: Index, area: Any) -> PositionInRegion:
    found = idx.analyse(area, region_of=PLAN)
    assert found.region is not None
    assert found.region.inside_ha + found.region.outside_ha == found.area_ha
    return found.region


# --- the figures --------------------------------------------------------------------------------
def never() -> float:
    raise AssertionError("the distance is not asked when part of the area is inside")


def test_the_figures_add_up_to_the_area_and_the_outside_is_by_difference() -> None:
    found = position_in_region(
        basis=RegionBasis.ADMINISTRATIVE_BOUNDARY,
        zones=["b", "a"],
        area_m2=160_000.0,
        inside_m2=80_000.44,
        distance_m=never,
    )
    assert (found.inside_ha, found.outside_ha) == (Decimal("8.0000"), Decimal("8.0000"))
    assert found.distance_m is None
    assert found.zones == ("b", "a")


def test_an_area_inside_but_for_floating_error_is_wholly_inside() -> None:
    found = position_in_region(
        basis=RegionBasis.APPROX_EXTENT,
        zones=[],
        area_m2=160_000.00005,
        inside_m2=160_000.00005 * (1 - 1e-12),
        distance_m=never,
    )
    assert found.inside_ha == Decimal("16.0000")
    assert found.outside_ha == Decimal("0.0000")


@pytest.mark.parametrize(
    ("inside_m2", "inside_ha", "distance"),
    [
        (0.0, Decimal("0.0000"), Decimal("12.35")),
        (0.49, Decimal("0.0000"), Decimal("12.35")),  # rounds to nothing inside: a distance
        (0.5, Decimal("0.0000"), Decimal("12.35")),  # half even: 0.00005 ha is 0.0000
        (0.51, Decimal("0.0001"), None),  # 1 m² inside as rounded: no distance
        (1.0, Decimal("0.0001"), None),
    ],
)
def test_a_distance_is_given_exactly_when_nothing_is_inside_as_rounded(
    inside_m2: float, inside_ha: Decimal, distance: Decimal | None
) -> None:
    found = position_in_region(
        basis=RegionBasis.APPROX_EXTENT,
        zones=[],
        area_m2=10_000.0,
        inside_m2=inside_m2,
        distance_m=lambda: 12.346,
    )
    assert found.inside_ha == inside_ha
    assert found.outside_ha == Decimal("1.0000") - inside_ha
    assert found.distance_m == distance


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0, "0.00"), (1000.004, "1000.00"), (1000.006, "1000.01"), (0.125, "0.12")],
)
def test_distances_are_to_the_centimetre(value: float, expected: str) -> None:
    assert metres(value) == Decimal(expected)


def test_the_approximate_extent_is_its_box_with_a_vertex_every_step() -> None:
    extent = extent_polygon(PINGQUAN_BBOX)
    assert extent.bounds == pytest.approx(PINGQUAN_BBOX)
    assert extent.area == pytest.approx(box(*PINGQUAN_BBOX).area)
    coords = list(extent.exterior.coords)
    longest = max(math.dist(a, b) for a, b in itertools.pairwise(coords))
    assert longest <= EXTENT_STEP_DEG + 1e-12


def test_a_large_region_is_cut_into_small_pieces_that_tile_it() -> None:
    t = [2 * math.pi * i / 5_000 for i in range(5_000)]
    ring = [
        (118.8 + 0.3 * (1 + 0.05 * math.sin(97 * a)) * math.cos(a), 41.05 + 0.3 * math.sin(a))
        for a in t
    ]
    county = Polygon(ring)
    pieces = subdivide(county, max_vertices=128)
    assert len(pieces) > 40
    assert all(shapely.get_num_coordinates(p) <= 128 for p in pieces)
    assert sum(p.area for p in pieces) == pytest.approx(county.area, rel=1e-12)  # no overlap
    assert shapely.union_all(pieces).symmetric_difference(county).area < county.area * 1e-12
    assert subdivide(box(0, 0, 1, 1)) == [box(0, 0, 1, 1)]  # small: as it is


# --- the index, against an administrative boundary ----------------------------------------------
def test_an_area_wholly_inside_the_boundary() -> None:
    found = region_of(index(boundary_zone()), plane(E0, N0, 400))
    assert found.basis is RegionBasis.ADMINISTRATIVE_BOUNDARY
    assert found.zones == ("xzq",)
    assert found.inside_ha == Decimal("16.0000")
    assert found.outside_ha == Decimal("0.0000")
    assert found.distance_m is None


def test_an_area_partly_outside_the_boundary() -> None:
    idx = index(boundary_zone())
    # 400 m square, 100 m of it east of the edge: 12 ha in, 4 ha out
    found = region_of(idx, plane(EDGE - 100, N0, 400))
    assert float(found.inside_ha) == pytest.approx(12.0, abs=0.0002)
    assert float(found.outside_ha) == pytest.approx(4.0, abs=0.0002)
    assert found.distance_m is None
    # the boundary zone's own overlap, measured the usual way, is the inside figure
    overlap = idx.analyse(plane(EDGE - 100, N0, 400)).zones[0].overlap_ha
    assert abs(overlap - found.inside_ha) <= Decimal("0.0001")


@pytest.mark.parametrize("gap", [1000.0, 0.05, 0.01])
def test_an_area_wholly_outside_the_boundary_is_at_its_distance(gap: float) -> None:
    area = plane(EDGE + gap + 200, N0, 400)
    found = region_of(index(boundary_zone()), area)
    assert found.inside_ha == Decimal("0.0000")
    assert found.outside_ha == area_ha(area)
    assert found.distance_m is not None
    assert float(found.distance_m) == pytest.approx(gap, abs=0.011)


def test_the_distance_is_the_geodesic_one_within_the_plane_scale_error() -> None:
    area = plane(EDGE + 1000 + 200, N0, 400)
    found = region_of(index(boundary_zone()), area)
    assert found.distance_m is not None
    # nearest: the boundary's east edge and the area's west edge at the same northing,
    # measured on the ellipsoid between their lon/lat
    (lon1, lon2), (lat1, lat2) = transformer(GK_ZONE_40, CGCS2000).transform(
        [EDGE, EDGE + 1000], [N0, N0]
    )
    geodesic = GRS80.inv(lon1, lat1, lon2, lat2)[2]
    assert float(found.distance_m) == pytest.approx(geodesic, rel=5e-4)


def test_an_area_touching_the_boundary_is_at_distance_zero() -> None:
    found = region_of(index(boundary_zone()), plane(EDGE + 200, N0, 400))
    assert found.inside_ha == Decimal("0.0000")
    assert found.distance_m is not None
    assert float(found.distance_m) == pytest.approx(0.0, abs=0.011)


def test_several_boundary_zones_are_one_region_counted_once() -> None:
    west = (ZoneEntry("xzq-w", PLAN, ADMINISTRATIVE_BOUNDARY, "W", "西"), plane(E0, N0, SIDE))
    # a second outline overlapping the first by 5 km and reaching 5 km further east
    east = (
        ZoneEntry("xzq-e", PLAN, ADMINISTRATIVE_BOUNDARY, "E", "东"),
        plane(E0 + 5_000, N0, SIDE),
    )
    idx = index(east, west)
    inside = region_of(idx, plane(E0 + 2_500, N0, 400))  # where both overlap
    assert inside.zones == ("xzq-e", "xzq-w")
    assert inside.inside_ha == Decimal("16.0000")
    beyond = region_of(idx, plane(EDGE + 5_000 + 1_200, N0, 400))
    assert beyond.distance_m is not None
    assert float(beyond.distance_m) == pytest.approx(1_000.0, abs=0.011)


def test_another_plans_boundary_is_not_this_plans_region() -> None:
    other = boundary_zone("other", plan_id="other-plan")
    found = region_of(index(other), plane(EDGE + 1_200, N0, 400))
    assert found.basis is RegionBasis.APPROX_EXTENT
    assert found.zones == ()


# --- the index, against the approximate extent --------------------------------------------------
def test_without_a_boundary_the_approximate_extent_stands_in() -> None:
    idx = index()
    found = region_of(idx, plane(E0, N0, 400))
    assert (found.basis, found.zones) == (RegionBasis.APPROX_EXTENT, ())
    assert (found.inside_ha, found.outside_ha) == (Decimal("16.0000"), Decimal("0.0000"))
    assert found.distance_m is None


def test_an_area_west_of_the_approximate_extent_is_at_its_geodesic_distance() -> None:
    west, _, _, _ = PINGQUAN_BBOX
    lat = 41.0
    area = box(west - 0.06, lat, west - 0.05, lat + 0.01)  # zone 39: 117°E is its meridian
    found = region_of(index(), area)
    assert found.inside_ha == Decimal("0.0000")
    assert found.distance_m is not None
    # nearest at the area's north-east corner (meridians converge northwards)
    geodesic = GRS80.inv(west - 0.05, lat + 0.01, west, lat + 0.01)[2]
    assert float(found.distance_m) == pytest.approx(geodesic, rel=5e-4)


def test_an_area_across_the_approximate_extent() -> None:
    west, _, _, _ = PINGQUAN_BBOX
    area = box(west - 0.01, 41.0, west + 0.01, 41.01)
    found = region_of(index(), area)
    expected_inside = area_ha(box(west, 41.0, west + 0.01, 41.01))
    assert abs(found.inside_ha - expected_inside) <= Decimal("0.01")  # the plane's chords
    assert found.outside_ha > 0
    assert found.distance_m is None


def test_no_region_for_a_plan_not_in_force() -> None:
    idx = index()
    assert idx.has_plan(PLAN)
    assert not idx.has_plan("other-plan")
    assert idx.analyse(plane(E0, N0, 400), region_of="other-plan").region is None
    assert idx.analyse(plane(E0, N0, 400)).region is None


# --- a zone's conditions ------------------------------------------------------------------------
def test_a_zones_conditions_reach_the_analysis() -> None:
    restricted = ZoneEntry("xc", PLAN, "restricted_mining_area", "XC-1", "示意限采区", "须严格论证")
    found = index((restricted, plane(E0, N0, 2_000))).analyse(plane(E0, N0, 400))
    assert [(z.zone.code, z.zone.conditions_zh) for z in found.zones] == [("XC-1", "须严格论证")]


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        ({"conditions_zh": "  限采：须严格论证 "}, "限采：须严格论证"),
        ({"conditions_zh": "   "}, None),
        ({"conditions_zh": None}, None),
        ({"note": "备注"}, None),
        ({}, None),
        (None, None),
    ],
)
def test_conditions_are_read_from_a_zones_properties(
    properties: dict[str, Any] | None, expected: str | None
) -> None:
    assert conditions_zh(properties) == expected


def test_a_large_zone_is_measured_by_its_pieces_as_a_whole() -> None:
    t = [2 * math.pi * i / 3_000 for i in range(3_000)]
    outline = Polygon(
        [
            (118.8 + 0.05 * (1 + 0.05 * math.sin(97 * a)) * math.cos(a), 41.05 + 0.04 * math.sin(a))
            for a in t
        ]
    )
    large = ZoneEntry("big", PLAN, "ecological_red_line", "HX-1", "示意生态保护红线")
    small = ZoneEntry("small", PLAN, "mining_block", "C-1", "示意开采规划区块")
    before = ZoneEntry("before", PLAN, "mining_block", "C-0", "示意开采规划区块")
    block = box(118.80, 41.05, 118.802, 41.052)
    idx = index((before, box(118.0, 40.0, 118.001, 40.001)), (large, outline), (small, block))
    for area in (box(118.80, 41.05, 118.81, 41.06), box(118.84, 41.04, 118.86, 41.05)):
        hits = {z.zone.code: z.overlap_ha for z in idx.analyse(area).zones}
        whole = Index(1, [], [], {}).analyse(area.intersection(outline)).area_ha
        assert abs(hits.pop("HX-1") - whole) <= Decimal("0.0002")
        # the small zones are measured whole, each as itself, beside the large one
        assert set(hits) == ({"C-1"} if area.covers(block) else set())
        if hits:
            assert abs(hits["C-1"] - area_ha(block)) <= Decimal("0.0001")


def test_an_area_across_pieces_of_a_large_boundary_is_wholly_inside() -> None:
    t = [2 * math.pi * i / 3_000 for i in range(3_000)]
    county = Polygon(
        [
            (118.8 + 0.3 * (1 + 0.01 * math.sin(97 * a)) * math.cos(a), 41.05 + 0.25 * math.sin(a))
            for a in t
        ]
    )
    idx = index((ZoneEntry("xzq", PLAN, ADMINISTRATIVE_BOUNDARY, "XZQ", "示意"), county))
    pieces = subdivide(county)
    area = box(118.75, 41.0, 118.85, 41.1)  # the county's centre: where pieces meet
    assert not any(p.covers(area) for p in pieces), "the area must straddle pieces"
    found = region_of(idx, area)
    assert found.inside_ha == area_ha(area)
    assert found.outside_ha == Decimal("0.0000")
    assert found.distance_m is None
