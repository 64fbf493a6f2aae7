from __future__ import annotations
from pathlib import Path
import itertools
import pytest
from shapely.geometry import Polygon
from shapely.ops import unary_union
from lode_common.demo.pingquan import demo_zone_geometries
from lode_common.testing import eventually
from lode_licensing import demo as d
from .conftest import open_system
from .grant_builders import GRANTS, OFFICER

pytestmark = pytest.mark.timeout(300)

def parcel(code, ha, idx):
    zones = demo_zone_geometries()
    by_code = {z.code: p for z, p in zones}
    region = d._region(code, zones, by_code)
    taken = unary_union(d._areas()).buffer(d._MARGIN_DEG)
    for p in d._candidates(region, ha, idx):
        if not taken.intersects(p):
            return d._geojson(p)

async def test_scratch(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    lics = d.demo_licences()
    async with open_system(request, tmp_path, "sqlite", demo=True) as system:
        lic, z = system.licensing, system.zoning
        async def loaded():
            r = await lic.client.get("/licensing/v1/licences?limit=1", headers=lic.auth("viewer"))
            return r.json()["total"] == 66
        await eventually(loaded, timeout_s=60, what="x")
        cands = [("quarry", lics[63].area, "建筑石料", {"value": 30, "unit": "万立方米/年"}),
                 ("C04", parcel("C04", 40, 70), "铁矿", {"value": 60, "unit": "万吨/年"}),
                 ("GJKQ", parcel("GJKQ-01", 40, 71), "铁矿", {"value": 60, "unit": "万吨/年"}),
                 ("C02", parcel("C02", 40, 72), "铁矿", {"value": 60, "unit": "万吨/年"})]
        for name, area, mineral, cap in cands:
            body = {"year": 2025, "right_type": "mining", "mineral": mineral, "method": "listing",
                    "area": {"geometry": area}, "capacity": cap,
                    "reserves_10kt": 2600, "term_years": 15, "starting_price_cny_10k": 4800, "reserve_price_cny_10k": 5200, "clean_grant": True}
            r = await lic.client.post(GRANTS, json=body, headers=lic.auth(OFFICER))
            v = r.json()
            print(name, r.status_code, v.get("verdict"), [(x["code"], x["type"]) for x in v.get("zones", [])])
            for c in v.get("checks", []):
                if c["outcome"] not in ("pass",):
                    print("  ", c["rule_id"], c["outcome"], c.get("message_en"))
