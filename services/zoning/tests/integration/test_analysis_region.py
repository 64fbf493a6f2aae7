"""The analysis says where an area lies against the plan's region, and each zone's
conditions (issue 14, items 6 and 7), on a real database and bus.

The boundary and the areas are drawn in the Gauss-Kruger zone 40 plane (the plane the
analysis measures in), so the expected figures are computed by hand: a 400 m square is
16 ha, a square 1,000 m east of the boundary is 1,000 m from it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pyproj import Geod
from shapely.geometry import Polygon, box

from lode_common.limits import TEXT_MAX
from lode_common.testing.apps import ServiceUnderTest
from lode_zoning.adapters.shapefile import zone_properties
from lode_zoning.domain.crs import GK_ZONE_40
from lode_zoning.domain.geometry import shape_to_geojson

from ..unit.builders import PINGQUAN_BBOX, plane_square_lonlat
from .test_zoning_api import APPROVAL_REF, PLAN, analyse, create, problem, zone_feature

pytestmark = pytest.mark.timeout(180)

E0, N0 = 40_399_000.0, 4_547_000.0  # zone 40 plane, near 118.8°E 41.05°N
SIDE = 10_000.0  # the boundary zone: a 10 km square centred on (E0, N0)
EDGE = E0 + SIDE / 2  # its east edge
GRS80 = Geod(ellps="GRS80")
CONDITIONS = "新设采矿权须符合超贫磁铁矿相关政策，并对技术、经济、环境等方面严格论证（示意）"


def plane(easting: float, northing: float, side: float) -> dict[str, Any]:
    """A square drawn in the zone 40 plane, as GeoJSON in EPSG:4490."""
    polygon: Polygon = plane_square_lonlat(easting, northing, side, GK_ZONE_40)
    return shape_to_geojson(polygon)


def corners(easting: float, northing: float, side: float) -> dict[str, Any]:
    """The same square as corner coordinates (X northing, Y easting), as licensing sends."""
    h = side / 2
    listed = [
        [northing + h, easting - h],
        [northing + h, easting + h],
        [northing - h, easting + h],
        [northing - h, easting - h],
    ]
    return {"corners": listed, "crs": "EPSG:4528"}


def boundary_feature(code: str = "XZQ-1") -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": plane(E0, N0, SIDE),
        "properties": {
            "plan_id": PLAN,
            "type": "administrative_boundary",
            "code": code,
            "name_zh": "示意行政区界",
        },
    }


def adds_up(result: dict[str, Any]) -> dict[str, Any]:
    """The answer's region, checked to add up to the area (both rounded to 1 m²)."""
    region: dict[str, Any] = result["region"]
    assert region["inside_ha"] + region["outside_ha"] == pytest.approx(result["area_ha"], abs=1e-9)
    return region


async def test_an_area_against_the_boundary_and_without_it(zoning_both: ServiceUnderTest) -> None:
    z = zoning_both
    # no boundary zone yet: the plan's approximate extent stands in
    result = await analyse(z, {"geometry": plane(E0, N0, 400)})
    assert result["area_ha"] == 16.0
    assert result["region"] == {
        "basis": "approx_extent",
        "zones": [],
        "inside_ha": 16.0,
        "outside_ha": 0.0,
        "distance_m": None,
    }
    west, _, _, _ = PINGQUAN_BBOX
    away = await analyse(
        z, {"geometry": shape_to_geojson(box(west - 0.06, 41.0, west - 0.05, 41.01))}
    )
    region = adds_up(away)
    assert (region["inside_ha"], region["outside_ha"]) == (0.0, away["area_ha"])
    # nearest at the area's north-east corner: meridians converge northwards
    geodesic = GRS80.inv(west - 0.05, 41.01, west, 41.01)[2]
    assert region["distance_m"] == pytest.approx(geodesic, rel=5e-4)

    boundary = (await create(z, boundary_feature())).json()
    within = await analyse(z, {"geometry": plane(E0, N0, 400)})
    assert within["region"] == {
        "basis": "administrative_boundary",
        "zones": [boundary["id"]],
        "inside_ha": 16.0,
        "outside_ha": 0.0,
        "distance_m": None,
    }

    partly = await analyse(z, corners(EDGE - 100, N0, 400))  # 100 m of 400 m beyond the edge
    region = adds_up(partly)
    assert region["inside_ha"] == pytest.approx(12.0, abs=0.0002)
    assert region["outside_ha"] == pytest.approx(4.0, abs=0.0002)
    assert region["distance_m"] is None
    overlap = next(hit for hit in partly["zones"] if hit["id"] == boundary["id"])["overlap_ha"]
    assert overlap == pytest.approx(region["inside_ha"], abs=0.0001)

    outside = await analyse(z, corners(EDGE + 1_200, N0, 400))  # 1,000 m east of the edge
    region = adds_up(outside)
    assert (region["inside_ha"], region["outside_ha"]) == (0.0, outside["area_ha"])
    assert region["distance_m"] == pytest.approx(1_000.0, abs=0.011)
    assert region["zones"] == [boundary["id"]]

    retired = await z.client.post(
        f"/zoning/v1/zones/{boundary['id']}/retire",
        headers=z.auth("planner"),
        json={"reason": "行政区界更新"},
    )
    assert retired.status_code == 200, retired.text
    back = await analyse(z, corners(EDGE + 1_200, N0, 400))
    assert back["region"]["basis"] == "approx_extent"
    assert back["region"]["distance_m"] is None  # inside the extent again


async def test_the_region_is_the_plan_asked_for_and_follows_its_publication(
    zoning: ServiceUnderTest,
) -> None:
    z = zoning
    result = await analyse(z, {"geometry": plane(E0, N0, 400), "plan_id": PLAN})
    assert result["region"]["basis"] == "approx_extent"
    unknown = await z.client.post(
        "/zoning/v1/analysis",
        json={"geometry": plane(E0, N0, 400), "plan_id": "no-such-plan"},
        headers=z.auth("licensing_officer"),
    )
    assert "no-such-plan" in problem(unknown, 404)["detail"]

    # a new version with a smaller extent: the region follows at once
    document = (
        await z.client.get(f"/zoning/v1/plans/{PLAN}/versions/1", headers=z.auth("planner"))
    ).json()["document"]
    changed = json.loads(json.dumps(document))
    del changed["standards"]
    changed["region"]["approx_extent_lonlat"] = [118.7, 40.9, 119.0, 41.2]
    published = await z.client.put(
        f"/zoning/v1/plans/{PLAN}?approval_ref={APPROVAL_REF}",
        json=changed,
        headers=z.auth("planner"),
    )
    assert published.status_code == 201, published.text
    west_of_it = await analyse(z, {"geometry": shape_to_geojson(box(118.6, 41.0, 118.61, 41.01))})
    region = adds_up(west_of_it)
    assert region["inside_ha"] == 0.0
    geodesic = GRS80.inv(118.61, 41.01, 118.7, 41.01)[2]
    assert region["distance_m"] == pytest.approx(geodesic, rel=5e-4)


async def test_each_zone_is_named_with_its_conditions(zoning_both: ServiceUnderTest) -> None:
    z = zoning_both
    planner = z.auth("planner")
    restricted = (
        await create(
            z,
            zone_feature("XC-1", zone_type="restricted_mining_area", conditions_zh=CONDITIONS),
        )
    ).json()
    assert restricted["properties"]["conditions_zh"] == CONDITIONS
    await create(z, zone_feature("C-1", lon=118.81, lat=41.01))
    result = await analyse(
        z, {"geometry": zone_feature("Q", lon=118.805, lat=41.005, d=0.01)["geometry"]}
    )
    by_code = {hit["code"]: hit for hit in result["zones"]}
    assert by_code["XC-1"]["conditions_zh"] == CONDITIONS
    assert by_code["C-1"]["conditions_zh"] is None  # stated as none, not left out

    # a change keeps the conditions unless it sends new ones
    path = f"/zoning/v1/zones/{restricted['id']}"
    kept = await z.client.put(
        path,
        headers=planner,
        json={"properties": {"name_zh": "示意限采区（更名）"}, "reason": "更名"},
    )
    assert kept.json()["properties"]["conditions_zh"] == CONDITIONS
    new = "限采：开采规模不低于中型（示意）"
    changed = await z.client.put(
        path, headers=planner, json={"properties": {"conditions_zh": new}, "reason": "条件调整"}
    )
    assert changed.json()["properties"]["conditions_zh"] == new
    result = await analyse(
        z, {"geometry": zone_feature("Q", lon=118.805, lat=41.005, d=0.01)["geometry"]}
    )
    assert {hit["code"]: hit["conditions_zh"] for hit in result["zones"]}["XC-1"] == new
    exported = (await z.client.get("/zoning/v1/zones/export", headers=z.auth("viewer"))).json()
    assert {
        f["properties"]["code"]: f["properties"].get("conditions_zh") for f in exported["features"]
    } == {
        "XC-1": new,
        "C-1": None,
    }


async def test_conditions_are_imported_with_a_collection(zoning: ServiceUnderTest) -> None:
    z = zoning
    collection = {
        "type": "FeatureCollection",
        "features": [
            zone_feature("XC-2", zone_type="restricted_mining_area", conditions_zh=CONDITIONS)
        ],
    }
    r = await z.client.post("/zoning/v1/zones/import", json=collection, headers=z.auth("planner"))
    assert r.status_code == 201, r.text
    result = await analyse(
        z, {"geometry": zone_feature("Q", lon=118.805, lat=41.005, d=0.01)["geometry"]}
    )
    assert [hit["conditions_zh"] for hit in result["zones"]] == [CONDITIONS]


@pytest.mark.parametrize(
    "value",
    [123, ["限采"], "x" * (TEXT_MAX + 1), "限采\x00条件"],
    ids=["number", "list", "too-long", "control-character"],
)
async def test_bad_conditions_are_422_naming_them(zoning: ServiceUnderTest, value: Any) -> None:
    body = zone_feature("XC-3", zone_type="restricted_mining_area", conditions_zh=value)
    response = await create(zoning, body)
    fields = [e["field"] for e in problem(response, 422)["errors"]]
    assert "properties.conditions_zh" in fields


def test_a_shapefile_column_of_conditions_is_read() -> None:
    for column in ("conditions_zh", "CONDITIONS", "管控要求", "开采条件"):
        assert zone_properties({column: CONDITIONS, "CODE": "XC-4"}) == {
            "code": "XC-4",
            "conditions_zh": CONDITIONS,
        }
