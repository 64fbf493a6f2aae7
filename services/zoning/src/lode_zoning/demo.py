"""Illustrative demo zones (示意) for Pingquan, loaded on start when ``LODE_DEMO=1``.

The plan's maps (附图) are not public data, so none of these shapes is the plan's: they are
plausible stand-ins, placed inside the city's extent, with the plan's counts (3
sand-gravel areas, 7 exploration blocks, 4 mining blocks, the 3 key development regions by
their plan names) and one of each other zone type. Every one is marked
``illustrative: true`` and has 示意 in its name, so no one can mistake it for the plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import structlog
from shapely.geometry import Polygon
from sqlalchemy import func, select
from sqlmodel import col

from lode_common.runtime import ServiceRuntime
from lode_zoning.adapters.tables import ZoneVersion
from lode_zoning.domain.area import area_ha
from lode_zoning.handlers import zones
from lode_zoning.handlers.zones import ZoneInput
from lode_zoning.plan_data import PINGQUAN_PLAN_ID

log = structlog.get_logger(__name__)
DEMO_ACTOR = "demo"
NOTE = "示意数据，非规划附图 (illustrative demo data, not the plan's official map)"
CENTRE = (118.80, 41.05)
CITY_AREA_HA = 329_700  # region.area_km2: 3297


@dataclass(frozen=True)
class DemoZone:
    type: str
    code: str
    name_zh: str
    centre: tuple[float, float]
    area_ha: float
    minerals: tuple[str, ...] = ()


DEMO_ZONES: tuple[DemoZone, ...] = (
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
    scale = math.sqrt(target_ha / float(area_ha(first)))
    return ring(math.sqrt(target_ha / 100 / math.pi) * scale)


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
    return outline(math.sqrt(CITY_AREA_HA / float(area_ha(first))))


async def load_demo_zones(runtime: ServiceRuntime) -> None:
    """Start-up hook: with ``LODE_DEMO=1`` and no demo zones yet, create them (idempotent)."""
    if not runtime.settings.demo:
        return
    async with runtime.uow() as uow:
        present = (
            await uow.session.execute(
                select(func.count()).where(
                    col(ZoneVersion.plan_id) == PINGQUAN_PLAN_ID,
                    col(ZoneVersion.illustrative).is_(True),
                )
            )
        ).scalar_one()
        if present:
            return
        outline = ZoneInput(
            plan_id=PINGQUAN_PLAN_ID,
            type="administrative_boundary",
            code="XZQ-130881",
            name_zh="示意平泉市行政区界",
            geometry=boundary(),
            illustrative=True,
            properties={"note": NOTE},
        )
        await zones.create(uow, outline, actor=DEMO_ACTOR)
        for k, z in enumerate(DEMO_ZONES):
            await zones.create(
                uow,
                ZoneInput(
                    plan_id=PINGQUAN_PLAN_ID,
                    type=z.type,
                    code=z.code,
                    name_zh=z.name_zh,
                    geometry=blob(z.centre, z.area_ha, phase=k * 0.7),
                    minerals=list(z.minerals),
                    illustrative=True,
                    properties={"note": NOTE},
                ),
                actor=DEMO_ACTOR,
            )
        await uow.commit()
    log.info("illustrative demo zones loaded", zones=len(DEMO_ZONES) + 1)
