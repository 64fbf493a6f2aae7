"""LODE_DEMO=1 gives a plausible, clearly illustrative set of zones; LODE_DEMO=0 gives none."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from shapely.geometry import shape

from lode_common.testing.apps import service_under_test
from lode_zoning.bootstrap import build
from lode_zoning.demo import DEMO_CONDITIONS_ZH, DEMO_ZONES
from lode_zoning.settings import ZoningSettings


async def test_demo_zones_have_the_plans_counts_and_are_marked(tmp_path: Path) -> None:
    async with service_under_test(
        build, ZoningSettings, backend="sqlite", tmp_path=tmp_path, demo=True
    ) as z:
        r = await z.client.get("/zoning/v1/zones?limit=1000", headers=z.auth("viewer"))
        features = r.json()["features"]
        plan = (
            await z.client.get("/zoning/v1/plans/pingquan-2021-2025", headers=z.auth("viewer"))
        ).json()
    counts = Counter(f["properties"]["type"] for f in features)
    assert counts["sand_gravel_area"] == 3
    assert counts["exploration_block"] == 7
    assert counts["mining_block"] == 4
    assert counts["key_development_region"] == 3
    assert counts["ecological_red_line"] >= 1
    assert set(counts) == {t["id"] for t in plan["zone_types"]}, "every zone type of the plan"
    names = {
        f["properties"]["name_zh"]
        for f in features
        if f["properties"]["type"] == "key_development_region"
    }
    assert names == {
        "平泉市卧龙镇柴家沟一带钼矿区（示意）",
        "平泉市郝家楼一带萤石矿区（示意）",
        "平泉市清河-杨树岭一带建筑石料用灰岩区（示意）",
    }
    for f in features:
        assert f["properties"]["illustrative"] is True
        assert "示意" in f["properties"]["name_zh"]
        conditions = DEMO_CONDITIONS_ZH.get(f["properties"]["type"])
        assert f["properties"].get("conditions_zh") == conditions  # 限采区 only, 示意
    outline = next(f for f in features if f["properties"]["type"] == "administrative_boundary")
    city = shape(outline["geometry"])
    west, south, east, north = plan["region"]["approx_extent_lonlat"]
    assert west <= city.bounds[0]
    assert city.bounds[2] <= east
    assert south <= city.bounds[1]
    assert city.bounds[3] <= north
    assert abs(outline["properties"]["area_ha"] - 329_700) < 1_000  # 3,297 km²
    for f in features:
        assert city.contains(shape(f["geometry"])) or f is outline, f["properties"]["code"]
    red = shape(
        next(f for f in features if f["properties"]["type"] == "ecological_red_line")["geometry"]
    )
    blocks = [
        shape(f["geometry"])
        for f in features
        if f["properties"]["type"] in ("mining_block", "exploration_block")
    ]
    assert not any(b.intersects(red) for b in blocks), "no block may lie in the red line"


async def test_demo_zones_are_loaded_once_and_not_at_all_without_demo(tmp_path: Path) -> None:
    for _ in range(2):  # a restart does not add them again
        async with service_under_test(
            build, ZoningSettings, backend="sqlite", tmp_path=tmp_path, demo=True
        ) as z:
            total = (await z.client.get("/zoning/v1/zones", headers=z.auth("viewer"))).json()
    assert total["total"] == 1 + len(DEMO_ZONES)
    async with service_under_test(
        build, ZoningSettings, backend="sqlite", tmp_path=tmp_path / "plain", demo=False
    ) as z:
        none = (await z.client.get("/zoning/v1/zones", headers=z.auth("viewer"))).json()
    assert none["total"] == 0
