"""The illustrative geography of Pingquan (平泉市, adcode 130881): demo zones and outline.

The plan's maps (附图) are not public data, so none of these shapes is the plan's: they are
plausible stand-ins, placed inside the city's extent, with the plan's counts (3
sand-gravel areas, 7 exploration blocks, 4 mining blocks, the 3 key development regions by
their plan names) and one of each other zone type. Every one has 示意 in its name, and a
loader marks it ``illustrative: true``, so no one can mistake it for the plan.

Polygons are lon/lat in EPSG:4490 (CGCS2000). Their areas are scaled to the targets on
the GRS80 ellipsoid (CGCS2000's), which is within 0.05% of the Gauss-Kruger plane area
zoning reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Final

from pyproj import Geod
from shapely.geometry import Polygon

NOTE: Final = "示意数据，非规划附图 (illustrative demo data, not the plan's official map)"
CENTRE: Final = (118.80, 41.05)
CITY_AREA_HA: Final = 329_700  # region.area_km2: 3297
BOUNDARY_CODE: Final = "XZQ-130881"
BOUNDARY_NAME_ZH: Final = "示意平泉市行政区界"
ZONE_PHASE_STEP: Final = 0.7
"""The k-th zone of :data:`DEMO_ZONES` is drawn with ``phase = k * ZONE_PHASE_STEP``."""

_GRS80: Final = Geod(ellps="GRS80")
_M2_PER_HA: Final = 10_000.0


@dataclass(frozen=True)
class DemoZone:
    """One illustrative zone or planning block: its type, code, name, centre and target area."""

    type: str
    code: str
    name_zh: str
    centre: tuple[float, float]
    area_ha: float
    minerals: tuple[str, ...] = ()


DEMO_ZONES: Final[tuple[DemoZone, ...]] = (
    DemoZone(
        "energy_resource_base", "NYJD-01", "示意铁矿能源资源基地", (118.62, 41.15), 6000, ("铁矿",)
    ),
    DemoZone(
        "national_planning_mining_area",
        "GJKQ-01",
        "示意国家规划矿区",
        (118.95, 41.20),
        4000,
        ("铁矿", "钼矿"),
    ),
    DemoZone(
        "key_exploration_area",
        "ZDKC-01",
        "示意重点勘查区（钼矿）",
        (118.60, 40.90),
        5000,
        ("钼矿",),
    ),
    DemoZone(
        "key_exploration_area",
        "ZDKC-02",
        "示意重点勘查区（萤石）",
        (119.00, 40.95),
        3000,
        ("萤石",),
    ),
    DemoZone(
        "key_mining_area", "ZDKQ-01", "示意重点开采区（铁矿）", (118.72, 41.22), 2500, ("铁矿",)
    ),
    DemoZone(
        "sand_gravel_area",
        "SSJZ-01",
        "示意砂石土类矿产集中开采区一",
        (118.86, 40.88),
        300,
        ("建筑石料",),
    ),
    DemoZone(
        "sand_gravel_area",
        "SSJZ-02",
        "示意砂石土类矿产集中开采区二",
        (119.05, 41.10),
        250,
        ("建筑石料",),
    ),
    DemoZone(
        "sand_gravel_area",
        "SSJZ-03",
        "示意砂石土类矿产集中开采区三",
        (118.55, 41.05),
        280,
        ("建筑石料",),
    ),
    *(
        DemoZone("exploration_block", f"T{i + 1:02d}", f"示意勘查规划区块{i + 1}", c, a, m)
        for i, (c, a, m) in enumerate(
            [
                ((118.58, 40.88), 800, ("钼矿",)),
                ((118.64, 40.93), 600, ("钼矿",)),
                ((118.98, 40.93), 700, ("萤石",)),
                ((119.03, 40.98), 500, ("萤石",)),
                ((118.90, 41.25), 900, ("铁矿",)),
                ((118.75, 41.28), 700, ("金矿",)),
                ((118.48, 41.12), 600, ("铜矿",)),
            ]
        )
    ),
    *(
        DemoZone("mining_block", f"C{i + 1:02d}", f"示意开采规划区块{i + 1}", c, a, ("铁矿",))
        for i, (c, a) in enumerate(
            [
                ((118.61, 41.14), 400),
                ((118.66, 41.18), 350),
                ((118.73, 41.21), 300),
                ((118.96, 41.19), 300),
            ]
        )
    ),
    DemoZone(
        "key_development_region",
        "ZDFZ-01",
        "平泉市卧龙镇柴家沟一带钼矿区（示意）",
        (118.59, 40.89),
        3000,
        ("钼矿",),
    ),
    DemoZone(
        "key_development_region",
        "ZDFZ-02",
        "平泉市郝家楼一带萤石矿区（示意）",
        (119.01, 40.96),
        2000,
        ("萤石",),
    ),
    DemoZone(
        "key_development_region",
        "ZDFZ-03",
        "平泉市清河-杨树岭一带建筑石料用灰岩区（示意）",
        (118.87, 40.89),
        1500,
        ("建筑石料",),
    ),
    DemoZone("forbidden_mining_area", "JC-01", "示意禁采区（城区周边）", (118.80, 41.05), 1500),
    DemoZone("restricted_mining_area", "XC-01", "示意限采区", (118.92, 41.06), 2000),
    DemoZone("ecological_red_line", "HX-01", "示意生态保护红线（西部山区）", (118.50, 41.00), 3000),
)


def geodesic_area_ha(polygon: Polygon) -> float:
    """Area in hectares of a lon/lat polygon on the GRS80 ellipsoid (CGCS2000's)."""
    area_m2, _perimeter = _GRS80.geometry_area_perimeter(polygon)
    return abs(area_m2) / _M2_PER_HA


def blob(centre: tuple[float, float], target_ha: float, phase: float) -> Polygon:
    """An irregular star-shaped polygon of about ``target_ha`` around ``centre``."""
    lon0, lat0 = centre
    km_per_lon = 111.32 * math.cos(math.radians(lat0))
    km_per_lat = 110.57

    def ring(radius_km: float) -> Polygon:
        points = []
        for k in range(16):
            t = 2 * math.pi * k / 16
            r = radius_km * (1 + 0.16 * math.sin(3 * t + phase) + 0.07 * math.cos(5 * t - phase))
            points.append(
                (lon0 + r * math.cos(t) / km_per_lon, lat0 + r * math.sin(t) / km_per_lat)
            )
        return Polygon(points)

    first = ring(math.sqrt(target_ha / 100 / math.pi))
    scale = math.sqrt(target_ha / geodesic_area_ha(first))
    return ring(math.sqrt(target_ha / 100 / math.pi) * scale)


@cache
def boundary() -> Polygon:
    """An illustrative city outline of the plan's 3,297 km², inside the region's extent."""
    lon0, lat0 = CENTRE
    km_per_lon = 111.32 * math.cos(math.radians(lat0))

    def outline(k: float) -> Polygon:
        points = []
        for i in range(36):
            t = 2 * math.pi * i / 36
            a = 33 * k * (1 + 0.08 * math.sin(2 * t) + 0.05 * math.cos(5 * t))
            b = 31 * k * (1 + 0.06 * math.cos(3 * t))
            points.append((lon0 + a * math.cos(t) / km_per_lon, lat0 + b * math.sin(t) / 110.57))
        return Polygon(points)

    first = outline(1.0)
    return outline(math.sqrt(CITY_AREA_HA / geodesic_area_ha(first)))


@cache
def _zone_geometries() -> tuple[tuple[DemoZone, Polygon], ...]:
    return tuple(
        (zone, blob(zone.centre, zone.area_ha, phase=k * ZONE_PHASE_STEP))
        for k, zone in enumerate(DEMO_ZONES)
    )


def demo_zone_geometries() -> list[tuple[DemoZone, Polygon]]:
    """Every demo zone with the polygon zoning stores for it (the outline is :func:`boundary`)."""
    return list(_zone_geometries())


def demo_zone_geometry(code: str) -> Polygon:
    """The polygon of the demo zone ``code`` (``C01``, ``SSJZ-02``...); KeyError if none."""
    for zone, polygon in _zone_geometries():
        if zone.code == code:
            return polygon
    raise KeyError(f"no demo zone with code {code!r}")
