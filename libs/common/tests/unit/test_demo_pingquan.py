"""The illustrative demo geography: areas, nesting, the plan's counts, the red line kept clear."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon, box

from lode_common.demo.pingquan import (
    CITY_AREA_HA,
    DEMO_ZONES,
    ZONE_PHASE_STEP,
    DemoZone,
    blob,
    boundary,
    demo_zone_geometries,
    demo_zone_geometry,
    geodesic_area_ha,
)

# The plan file's region.approx_extent_lonlat (west, south, east, north).
REGION_EXTENT = (118.35, 40.7, 119.25, 41.4)
# CGCS2000 / 3-degree Gauss-Kruger zone 40 (CM 120°E): how the bureau measures areas.
TO_GAUSS_KRUGER = Transformer.from_crs("EPSG:4490", "EPSG:4528", always_xy=True)


def plane_area_ha(polygon: Polygon) -> float:
    def to_plane(coords: np.ndarray) -> np.ndarray:
        xs, ys = TO_GAUSS_KRUGER.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([xs, ys])

    return float(shapely.transform(polygon, to_plane).area) / 10_000


def test_geodesic_area_agrees_with_the_gauss_kruger_plane() -> None:
    square = box(118.80, 41.00, 118.81, 41.01)  # about 0.84 km × 1.11 km
    assert geodesic_area_ha(square) == pytest.approx(93.4, abs=0.2)
    assert geodesic_area_ha(square) == pytest.approx(plane_area_ha(square), rel=1e-3)


@pytest.mark.parametrize("zone", DEMO_ZONES, ids=lambda z: z.code)
def test_each_zone_has_its_target_area(zone: DemoZone) -> None:
    polygon = demo_zone_geometry(zone.code)
    assert geodesic_area_ha(polygon) == pytest.approx(zone.area_ha, rel=1e-4)
    assert plane_area_ha(polygon) == pytest.approx(zone.area_ha, rel=1e-3)
    assert polygon.is_valid


def test_the_boundary_has_the_citys_area_inside_the_region_extent() -> None:
    city = boundary()
    assert city.is_valid
    assert geodesic_area_ha(city) == pytest.approx(CITY_AREA_HA, rel=1e-4)
    assert plane_area_ha(city) == pytest.approx(CITY_AREA_HA, rel=1e-3)
    west, south, east, north = REGION_EXTENT
    assert box(west, south, east, north).contains(city)


def test_every_zone_lies_inside_the_boundary() -> None:
    city = boundary()
    outside = [zone.code for zone, polygon in demo_zone_geometries() if not city.contains(polygon)]
    assert outside == []


def test_no_block_lies_in_the_red_line_or_the_forbidden_area() -> None:
    zones = demo_zone_geometries()
    barred = [p for z, p in zones if z.type in ("ecological_red_line", "forbidden_mining_area")]
    assert barred, "the demo has a red line and a forbidden area"
    blocks = [(z.code, p) for z, p in zones if z.type in ("mining_block", "exploration_block")]
    assert len(blocks) == 11
    assert [code for code, p in blocks if any(p.intersects(b) for b in barred)] == []


def test_the_plans_counts_codes_and_illustrative_names() -> None:
    counts = Counter(zone.type for zone in DEMO_ZONES)
    assert counts["sand_gravel_area"] == 3
    assert counts["exploration_block"] == 7
    assert counts["mining_block"] == 4
    assert counts["key_development_region"] == 3
    codes = [zone.code for zone in DEMO_ZONES]
    assert len(codes) == len(set(codes))
    assert all("示意" in zone.name_zh for zone in DEMO_ZONES)


def test_the_geometries_are_the_ones_zoning_creates() -> None:
    pairs = demo_zone_geometries()
    assert [zone for zone, _ in pairs] == list(DEMO_ZONES)
    for k, (zone, polygon) in enumerate(pairs):
        assert polygon.equals_exact(blob(zone.centre, zone.area_ha, phase=k * ZONE_PHASE_STEP), 0)


def test_an_unknown_code_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="C99"):
        demo_zone_geometry("C99")
