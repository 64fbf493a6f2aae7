"""Areas in hectares against the geodesic area on GRS80 (CGCS2000's ellipsoid)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from lode_zoning.domain.area import area_ha, area_zone, hectares, plane_area_m2
from lode_zoning.domain.crs import GK_CM_120E, GK_ZONE_39, GK_ZONE_40
from lode_zoning.domain.geometry import normalise

from .builders import PINGQUAN_BBOX, gk_square, lonlat_square

GEOD = Geod(ellps="GRS80")
TOLERANCE = 0.001  # 0.1 %


def geodesic_ha(polygon: Polygon | MultiPolygon) -> float:
    # pyproj sums signed ring areas: exteriors counter-clockwise, holes clockwise
    area, _ = GEOD.geometry_area_perimeter(normalise(polygon))
    return abs(area) / 10_000


@pytest.mark.parametrize("size_ha", [1, 10, 100, 1000])
@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        (118.8, 41.05),  # the centre
        (118.36, 40.71),  # south-west corner, zone 39
        (119.24, 41.39),  # north-east corner, zone 40
        (118.5, 41.0),  # on the boundary between zones 39 and 40
        (118.499, 40.9),  # just west of it
        (118.501, 41.2),  # just east of it
    ],
)
def test_area_matches_the_geodesic_area(size_ha: float, lon: float, lat: float) -> None:
    polygon = lonlat_square(lon, lat, size_ha)
    assert float(area_ha(polygon)) == pytest.approx(geodesic_ha(polygon), rel=TOLERANCE)
    assert float(area_ha(polygon)) == pytest.approx(size_ha, rel=TOLERANCE)


def test_a_polygon_across_the_zone_boundary_is_measured_in_its_centroid_zone() -> None:
    # 10 km² straddling 118.5°E, mostly east of it
    polygon = Polygon([(118.49, 41.0), (118.53, 41.0), (118.53, 41.027), (118.49, 41.027)])
    assert area_zone(polygon) == 40
    assert float(area_ha(polygon)) == pytest.approx(geodesic_ha(polygon), rel=TOLERANCE)
    mostly_west = Polygon([(118.47, 41.0), (118.51, 41.0), (118.51, 41.027), (118.47, 41.027)])
    assert area_zone(mostly_west) == 39
    assert float(area_ha(mostly_west)) == pytest.approx(geodesic_ha(mostly_west), rel=TOLERANCE)


def test_the_whole_pingquan_extent() -> None:
    west, south, east, north = PINGQUAN_BBOX
    extent = Polygon([(west, south), (east, south), (east, north), (west, north)])
    # A box of 0.9° × 0.7° (~5 900 km²; the city itself is 3 297 km²)
    assert float(area_ha(extent)) == pytest.approx(geodesic_ha(extent), rel=TOLERANCE)


@settings(max_examples=60, deadline=None)
@given(
    lon=st.floats(118.36, 119.24),
    lat=st.floats(40.71, 41.39),
    size_ha=st.floats(1, 1000),
)
def test_area_matches_the_geodesic_area_anywhere_in_pingquan(
    lon: float, lat: float, size_ha: float
) -> None:
    polygon = lonlat_square(lon, lat, size_ha)
    assert float(area_ha(polygon)) == pytest.approx(geodesic_ha(polygon), rel=TOLERANCE)


def test_multipolygon_with_hole() -> None:
    outer = lonlat_square(118.8, 41.0, 100)
    inner = lonlat_square(118.8, 41.0, 25)
    holed = Polygon(outer.exterior.coords, [inner.exterior.coords])
    other = lonlat_square(118.9, 41.1, 10)
    both = MultiPolygon([holed, other])
    assert float(area_ha(both)) == pytest.approx(85, rel=TOLERANCE)
    assert float(area_ha(both)) == pytest.approx(geodesic_ha(both), rel=TOLERANCE)


def test_projected_geometries_are_measured_in_their_own_plane() -> None:
    square = gk_square(40_390_622.93, 4_541_387.43, 100)  # 1 ha in zone 40
    assert area_ha(square, GK_ZONE_40) == Decimal("1.0000")
    assert area_ha(gk_square(390_622.93, 4_541_387.43, 200), GK_CM_120E) == Decimal("4.0000")
    assert area_ha(gk_square(39_613_583.98, 4_541_451.27, 50), GK_ZONE_39) == Decimal("0.2500")


def test_hectares_are_exact_decimals_to_a_square_metre() -> None:
    assert hectares(12_345.67) == Decimal("1.2346")
    assert hectares(0.4) == Decimal("0.0000")
    assert hectares(5_000.5) == Decimal("0.5000")  # half even
    assert hectares(5_001.5) == Decimal("0.5002")


def test_non_polygonal_and_empty_geometries_have_no_area() -> None:
    assert area_ha(Point(118.8, 41.0)) == Decimal("0.0000")
    assert area_ha(LineString([(118.8, 41.0), (118.9, 41.0)])) == Decimal("0.0000")
    assert plane_area_m2(Polygon()) == 0.0


def test_area_outside_the_accepted_zones_still_uses_its_own_zone() -> None:
    shenyang = lonlat_square(123.4, 41.8, 50)  # zone 41
    assert area_zone(shenyang) == 41
    assert float(area_ha(shenyang)) == pytest.approx(geodesic_ha(shenyang), rel=TOLERANCE)
