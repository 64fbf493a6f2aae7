"""The zoning API end to end on a real database and bus: plans, zones, import, analysis,
licence footprints, and who may do what."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from typing import Any

import httpx
import pytest
import shapefile
from pyproj import CRS
from shapely.geometry import box, shape
from sqlalchemy import func, select
from sqlmodel import col

from lode_common.events.catalog import Holder, LicenceIssued, LicenceRevoked
from lode_common.messaging.transport import Message
from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest
from lode_zoning.adapters.tables import LicenceFootprint
from lode_zoning.domain.area import area_ha

PLAN = "pingquan-2021-2025"
APPROVAL_REF = "冀自然资规〔2026〕1号"
pytestmark = pytest.mark.timeout(120)


def square(lon: float, lat: float, d: float = 0.02) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
        ],
    }


def zone_feature(
    code: str,
    *,
    zone_type: str = "mining_block",
    lon: float = 118.8,
    lat: float = 41.0,
    d: float = 0.02,
    **props: Any,
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": square(lon, lat, d),
        "properties": {
            "plan_id": PLAN,
            "type": zone_type,
            "code": code,
            "name_zh": f"示意{code}",
            "minerals": ["铁矿"],
            **props,
        },
    }


async def create(z: ServiceUnderTest, body: dict[str, Any]) -> httpx.Response:
    return await z.client.post("/zoning/v1/zones", json=body, headers=z.auth("planner"))


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    return body


async def zone_count(z: ServiceUnderTest) -> int:
    r = await z.client.get("/zoning/v1/zones?status=all", headers=z.auth("viewer"))
    return int(r.json()["total"])


# --- plans ------------------------------------------------------------------------------------
async def test_first_start_loads_the_plan_as_version_1_and_publishes_it(
    zoning_both: ServiceUnderTest,
) -> None:
    z = zoning_both
    r = await z.client.get(f"/zoning/v1/plans/{PLAN}", headers=z.auth("viewer"))
    assert r.status_code == 200
    body = r.json()
    assert body["version"] == 1
    assert body["title_zh"] == "平泉市矿产资源总体规划（2021-2025年）"
    assert body["region_adcode"] == "130881"
    assert {i["id"] for i in body["indicators"]["items"]} >= {
        "iron_concentrate_output",
        "building_stone_output",
        "large_medium_mine_ratio",
    }
    assert any(r["id"] == "min_scale_underground_iron" for r in body["entry_rules"])
    assert body["mineral_policy"]["mining"]["prohibited_zh"] == ["砖瓦用粘土", "砂金", "泥炭"]
    assert "scale_classes" in body["standards"]
    events = await z.published()
    published = [e for e in events if e.type == "lode.zoning.plan.published.v1"]
    assert len(published) == 1
    assert published[0].subject == PLAN
    assert published[0].data["document"]["standards"]["licence_terms"]["mining_max_years"] == {
        "large": 30,
        "medium": 20,
        "small": 10,
    }


async def test_publishing_a_new_version_keeps_the_old_one(zoning: ServiceUnderTest) -> None:
    z = zoning
    current = (
        await z.client.get(f"/zoning/v1/plans/{PLAN}/versions/1", headers=z.auth("planner"))
    ).json()["document"]
    changed = json.loads(json.dumps(current))
    del changed["standards"]  # a document without standards keeps those in force
    rule = next(r for r in changed["entry_rules"] if r["id"] == "min_scale_underground_iron")
    rule["check"]["capacity_ore_10kt_per_year"]["inclusive"] = False
    r = await z.client.put(
        f"/zoning/v1/plans/{PLAN}?approval_ref={APPROVAL_REF}",
        json=changed,
        params={"note": "以下含本数", "approval_ref": APPROVAL_REF},
        headers=z.auth("planner"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 2
    v2 = (await z.client.get(f"/zoning/v1/plans/{PLAN}", headers=z.auth("viewer"))).json()
    assert v2["version"] == 2
    assert v2["note"] == "以下含本数"
    assert v2["standards"] == current["standards"]
    v1 = await z.client.get(f"/zoning/v1/plans/{PLAN}?version=1", headers=z.auth("viewer"))
    rule_v1 = next(r for r in v1.json()["entry_rules"] if r["id"] == rule["id"])
    assert rule_v1["check"]["capacity_ore_10kt_per_year"]["inclusive"] is True
    versions = (
        await z.client.get(f"/zoning/v1/plans/{PLAN}/versions", headers=z.auth("viewer"))
    ).json()
    assert [v["version"] for v in versions["items"]] == [2, 1]
    assert await z.types_published() == ["lode.zoning.plan.published.v1"] * 2


async def test_a_yaml_document_is_accepted(zoning: ServiceUnderTest) -> None:
    import yaml

    z = zoning
    doc = (
        await z.client.get(f"/zoning/v1/plans/{PLAN}/versions/1", headers=z.auth("planner"))
    ).json()["document"]
    r = await z.client.put(
        f"/zoning/v1/plans/{PLAN}?approval_ref={APPROVAL_REF}",
        content=yaml.safe_dump(doc, allow_unicode=True).encode(),
        headers={**z.auth("planner"), "content-type": "application/yaml"},
    )
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (
            lambda d: d["entry_rules"][0]["check"]["capacity_ore_10kt_per_year"].update(min="十"),
            "entry_rules[0].check.capacity_ore_10kt_per_year.min",
        ),
        (lambda d: d.pop("indicators"), "indicators"),
        (
            lambda d: d["mineral_policy"]["mining"]["prohibited_zh"].append("独角兽矿"),
            "mineral_policy.mining.prohibited_zh",
        ),
        (lambda d: d["plan"].update(id="another-plan"), "plan.id"),
    ],
)
async def test_a_bad_document_is_422_naming_the_path_and_changes_nothing(
    zoning: ServiceUnderTest, mutate: Any, field: str
) -> None:
    z = zoning
    doc = (
        await z.client.get(f"/zoning/v1/plans/{PLAN}/versions/1", headers=z.auth("planner"))
    ).json()["document"]
    mutate(doc)
    body = problem(
        await z.client.put(
            f"/zoning/v1/plans/{PLAN}?approval_ref={APPROVAL_REF}",
            json=doc,
            headers=z.auth("planner"),
        ),
        422,
    )
    assert any(e["field"].startswith(field) for e in body["errors"]), body["errors"]
    current = (await z.client.get(f"/zoning/v1/plans/{PLAN}", headers=z.auth("viewer"))).json()
    assert current["version"] == 1
    assert await z.types_published() == ["lode.zoning.plan.published.v1"]


@pytest.mark.parametrize(
    ("content", "content_type", "field"),
    [
        (b"", "application/json", "body"),
        (b"\xff\xfe", "application/json", "body"),
        (b"{not json", "application/json", "body"),
        (b"- a\n- b\n", "application/yaml", "body"),
        (b"<plan/>", "application/xml", "content-type"),
    ],
)
async def test_an_unreadable_document_is_422(
    zoning: ServiceUnderTest, content: bytes, content_type: str, field: str
) -> None:
    r = await zoning.client.put(
        f"/zoning/v1/plans/{PLAN}?approval_ref={APPROVAL_REF}",
        content=content,
        headers={**zoning.auth("planner"), "content-type": content_type},
    )
    assert problem(r, 422)["errors"][0]["field"] == field


async def test_unknown_plans_are_404(zoning: ServiceUnderTest) -> None:
    for path in (
        "/zoning/v1/plans/nowhere",
        "/zoning/v1/plans/nowhere/versions",
        f"/zoning/v1/plans/{PLAN}/versions/9",
        f"/zoning/v1/plans/{PLAN}?version=9",
    ):
        problem(await zoning.client.get(path, headers=zoning.auth("viewer")), 404)


# --- zones --------------------------------------------------------------------------------------
async def test_a_zone_is_created_with_its_area_and_announced(zoning_both: ServiceUnderTest) -> None:
    z = zoning_both
    r = await create(z, zone_feature("KC-1"))
    assert r.status_code == 201, r.text
    assert r.headers["content-type"].startswith("application/geo+json")
    feature = r.json()
    props = feature["properties"]
    assert props["version"] == 1
    assert props["status"] == "active"
    expected = float(area_ha(shape(square(118.8, 41.0))))
    assert props["area_ha"] == pytest.approx(expected, abs=0.01)
    assert 300 < props["area_ha"] < 400  # 0.02° × 0.02° at 41°N
    events = [e for e in await z.published() if e.type == "lode.zoning.zone.created.v1"]
    assert [e.subject for e in events] == [feature["id"]]
    assert events[0].data["code"] == "KC-1"
    assert events[0].data["type"] == "mining_block"


async def test_a_zone_from_corner_coordinates(zoning: ServiceUnderTest) -> None:
    body = {
        "type": "Feature",
        "properties": zone_feature("KC-2")["properties"],
        "corners": [
            [4541387.43, 40390622.93],
            [4541387.43, 40391022.93],
            [4540987.43, 40391022.93],
            [4540987.43, 40390622.93],
        ],
        "crs": "EPSG:4528",
    }
    r = await create(zoning, body)
    assert r.status_code == 201, r.text
    assert r.json()["properties"]["area_ha"] == pytest.approx(16.0, abs=0.05)
    lon, lat = r.json()["geometry"]["coordinates"][0][0]
    assert 118.6 < lon < 118.8
    assert 40.9 < lat < 41.1


@pytest.mark.parametrize(
    ("geometry", "reason"),
    [
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[118.8, 41.0], [118.82, 41.02], [118.82, 41.0], [118.8, 41.02], [118.8, 41.0]]
                ],
            },
            "crosses itself",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[118.8, 41.0], [118.82, 41.0], [118.82, 41.02], [118.8, 41.02]]],
            },
            "clos",
        ),
        (
            {"type": "Polygon", "coordinates": [[[118.8, 41.0], [118.82, 41.0], [118.8, 41.0]]]},
            "at least 4 positions",
        ),
        (square(117.0, 39.0), "outside"),
        (square(40390622.0, 4541387.0), "CRS"),
        ({"type": "Point", "coordinates": [118.8, 41.0]}, "Polygon"),
    ],
)
async def test_bad_geometry_is_422_with_the_reason_and_stores_nothing(
    zoning: ServiceUnderTest, geometry: dict[str, Any], reason: str
) -> None:
    body = {**zone_feature("BAD"), "geometry": geometry}
    detail = problem(await create(zoning, body), 422)
    assert reason.lower() in json.dumps(detail, ensure_ascii=False).lower(), detail
    assert detail["errors"][0]["field"].startswith("geometry")
    assert await zone_count(zoning) == 0
    assert await zoning.types_published() == ["lode.zoning.plan.published.v1"]


async def test_zone_input_errors(zoning: ServiceUnderTest) -> None:
    z = zoning
    problem(await create(z, zone_feature("X", zone_type="unicorn_area")), 422)
    body = zone_feature("X")
    body["properties"]["plan_id"] = "nowhere"
    problem(await create(z, body), 404)
    body = zone_feature("X")
    del body["properties"]["name_zh"]
    assert problem(await create(z, body), 422)["errors"][0]["field"] == "properties.name_zh"
    assert (await create(z, zone_feature("DUP"))).status_code == 201
    problem(await create(z, zone_feature("DUP", lon=118.9)), 409)
    assert await zone_count(z) == 1


async def test_zones_are_listed_filtered_and_exported(zoning: ServiceUnderTest) -> None:
    z = zoning
    for code, zone_type, lon in [
        ("A", "mining_block", 118.5),
        ("B", "exploration_block", 118.9),
        ("C", "mining_block", 119.1),
    ]:
        assert (
            await create(z, zone_feature(code, zone_type=zone_type, lon=lon))
        ).status_code == 201
    viewer = z.auth("viewer")
    every = (await z.client.get("/zoning/v1/zones", headers=viewer)).json()
    assert every["type"] == "FeatureCollection"
    assert every["total"] == 3
    blocks = (await z.client.get("/zoning/v1/zones?type=mining_block", headers=viewer)).json()
    assert sorted(f["properties"]["code"] for f in blocks["features"]) == ["A", "C"]
    east = (
        await z.client.get("/zoning/v1/zones?bbox=118.8,40.9,119.0,41.1", headers=viewer)
    ).json()
    assert [f["properties"]["code"] for f in east["features"]] == ["B"]
    page = (await z.client.get("/zoning/v1/zones?limit=1&offset=1", headers=viewer)).json()
    assert page["total"] == 3
    assert len(page["features"]) == 1
    problem(await z.client.get("/zoning/v1/zones?bbox=1,2,3", headers=viewer), 422)
    export = await z.client.get(f"/zoning/v1/zones/export?plan_id={PLAN}", headers=viewer)
    assert export.headers["content-disposition"] == (
        f"attachment; filename=\"zones-{PLAN}.geojson\"; filename*=UTF-8''zones-{PLAN}.geojson"
    )
    assert export.json()["total"] == 3
    odd = await z.client.get(
        "/zoning/v1/zones/export", params={"plan_id": "平泉\x1f\U00066bbe"}, headers=viewer
    )
    assert odd.status_code == 200  # no such plan: nothing to export, the name still safe
    assert odd.headers["content-disposition"].startswith('attachment; filename="zones-_.geojson"')
    assert "filename*=UTF-8''zones-%E5%B9%B3%E6%B3%89%1F" in odd.headers["content-disposition"]


async def test_a_zone_changes_by_versions_and_retires(zoning_both: ServiceUnderTest) -> None:
    z = zoning_both
    planner = z.auth("planner")
    zone_id = (await create(z, zone_feature("KC-9"))).json()["id"]
    problem(
        await z.client.put(f"/zoning/v1/zones/{zone_id}", json={"properties": {}}, headers=planner),
        422,
    )  # no reason
    r = await z.client.put(
        f"/zoning/v1/zones/{zone_id}",
        headers=planner,
        json={
            "type": "Feature",
            "geometry": square(118.8, 41.0, 0.03),
            "properties": {"name_zh": "示意KC-9（扩界）"},
            "reason": "区块扩界",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["properties"]["version"] == 2
    assert r.json()["properties"]["code"] == "KC-9"  # unchanged fields carried over
    retired = await z.client.post(
        f"/zoning/v1/zones/{zone_id}/retire", headers=planner, json={"reason": "规划调整"}
    )
    assert retired.json()["properties"]["status"] == "retired"
    problem(
        await z.client.post(
            f"/zoning/v1/zones/{zone_id}/retire", headers=planner, json={"reason": "again"}
        ),
        409,
    )
    history = (
        await z.client.get(f"/zoning/v1/zones/{zone_id}/history", headers=z.auth("viewer"))
    ).json()
    assert [f["properties"]["version"] for f in history["features"]] == [1, 2, 3]
    assert [f["properties"]["reason"] for f in history["features"]] == [
        None,
        "区块扩界",
        "规划调整",
    ]
    v1 = (
        await z.client.get(f"/zoning/v1/zones/{zone_id}?version=1", headers=z.auth("viewer"))
    ).json()
    assert v1["properties"]["name_zh"] == "示意KC-9"
    active = (await z.client.get("/zoning/v1/zones", headers=z.auth("viewer"))).json()
    assert active["total"] == 0
    types = [t for t in await z.types_published() if ".zone." in t]
    assert types == [
        "lode.zoning.zone.created.v1",
        "lode.zoning.zone.changed.v1",
        "lode.zoning.zone.retired.v1",
    ]
    problem(
        await z.client.put(
            f"/zoning/v1/zones/{zone_id}",
            headers=planner,
            json={"properties": {}, "reason": "too late"},
        ),
        409,
    )
    problem(await z.client.get("/zoning/v1/zones/nowhere", headers=z.auth("viewer")), 404)


async def test_a_feature_collection_imports_all_or_nothing(zoning: ServiceUnderTest) -> None:
    z = zoning
    bad = {
        "type": "FeatureCollection",
        "features": [
            zone_feature("I-1"),
            {**zone_feature("I-2"), "geometry": square(117.0, 39.0)},
            zone_feature("I-3", lon=118.9),
        ],
    }
    body = problem(
        await z.client.post("/zoning/v1/zones/import", json=bad, headers=z.auth("planner")), 422
    )
    assert body["errors"][0]["field"].startswith("features[1].geometry")
    assert await zone_count(z) == 0
    good = {
        "type": "FeatureCollection",
        "features": [zone_feature("I-1"), zone_feature("I-3", lon=118.9)],
    }
    r = await z.client.post("/zoning/v1/zones/import", json=good, headers=z.auth("planner"))
    assert r.status_code == 201, r.text
    assert r.json()["created"] == 2
    assert await zone_count(z) == 2


def zipped_shapefile(
    *, prj: bool = True, extra: dict[str, bytes] | None = None, epsg: int = 4528
) -> bytes:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(
        shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="utf-8"
    ) as writer:
        writer.field("CODE", "C", 20)
        writer.field("名称", "C", 60)
        writer.field("TYPE", "C", 30)
        e, n = 40390622.93, 4541387.43
        writer.poly([[[e, n], [e, n - 400], [e + 400, n - 400], [e + 400, n], [e, n]]])
        writer.record("SHP-1", "示意导入区块", "exploration_block")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("blocks.shp", shp.getvalue())
        archive.writestr("blocks.shx", shx.getvalue())
        archive.writestr("blocks.dbf", dbf.getvalue())
        archive.writestr("blocks.cpg", "UTF-8")
        if prj:
            archive.writestr("blocks.prj", CRS.from_epsg(epsg).to_wkt("WKT1_ESRI"))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


async def test_a_zipped_shapefile_imports(zoning: ServiceUnderTest) -> None:
    r = await zoning.client.post(
        f"/zoning/v1/zones/import?plan_id={PLAN}",
        content=zipped_shapefile(),
        headers={**zoning.auth("planner"), "content-type": "application/zip"},
    )
    assert r.status_code == 201, r.text
    zone = (
        await zoning.client.get(
            f"/zoning/v1/zones/{r.json()['ids'][0]}", headers=zoning.auth("viewer")
        )
    ).json()
    assert zone["properties"]["name_zh"] == "示意导入区块"
    assert zone["properties"]["type"] == "exploration_block"
    assert zone["properties"]["area_ha"] == pytest.approx(16.0, abs=0.05)


@pytest.mark.parametrize(
    ("archive", "words"),
    [
        (zipped_shapefile(prj=False), ".prj"),
        (zipped_shapefile(extra={"../../etc/evil.txt": b"x"}), "outside the archive"),
        (zipped_shapefile(extra={"/abs/evil.txt": b"x"}), "outside the archive"),
        (zipped_shapefile(epsg=3857), "not accepted"),
        (b"PK not really a zip", "not a zip"),
    ],
)
async def test_a_bad_shapefile_archive_is_refused(
    zoning: ServiceUnderTest, archive: bytes, words: str
) -> None:
    r = await zoning.client.post(
        f"/zoning/v1/zones/import?plan_id={PLAN}",
        content=archive,
        headers={**zoning.auth("planner"), "content-type": "application/zip"},
    )
    assert words in problem(r, 422)["detail"]
    assert await zone_count(zoning) == 0


async def test_an_oversized_upload_is_413(zoning: ServiceUnderTest) -> None:
    r = await zoning.client.post(
        "/zoning/v1/zones/import",
        content=b"0" * (6 * 1024 * 1024),
        headers={**zoning.auth("planner"), "content-type": "application/zip"},
    )
    problem(r, 413)


# --- analysis and licence footprints ---------------------------------------------------------
def licence(
    no: str,
    geometry: dict[str, Any] | None,
    *,
    status: str = "active",
    holder: str = "91130881MA0A000007",
) -> LicenceIssued:
    return LicenceIssued(
        licence_no=no,
        right_type="mining",
        holder=Holder(name="平泉市示意矿业有限公司", credit_code=holder),
        mineral="铁矿",
        mining_method="underground",
        valid_from=date(2022, 1, 1),
        valid_to=date(2032, 1, 1),
        status=status,
        area=geometry,
    )


async def send_licensing_event(z: ServiceUnderTest, payload: Any, subject: str) -> None:
    envelope = payload.envelope(subject)
    await z.transport.publish([Message("lode.licensing", subject, envelope.to_json())])


async def analyse(z: ServiceUnderTest, body: dict[str, Any]) -> dict[str, Any]:
    r = await z.client.post("/zoning/v1/analysis", json=body, headers=z.auth("licensing_officer"))
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def test_a_licence_without_an_area_leaves_the_analysis_working(
    zoning_both: ServiceUnderTest,
) -> None:
    """An exploration or old licence may carry no area: its footprint is kept without a
    geometry (SQL NULL, not a JSON null that PostgreSQL's IS NOT NULL lets through) and the
    spatial index, rebuilt after it, still answers."""
    z = zoning_both
    await send_licensing_event(z, licence("C1308812022017120000099", None), "C-NULL")

    async def kept() -> None:
        async with z.runtime.sessions() as session:
            row = await session.get(LicenceFootprint, "C1308812022017120000099")
            assert row is not None
            assert row.geometry is None
            nulls = await session.execute(
                select(func.count()).where(col(LicenceFootprint.geometry).is_(None))
            )
            assert nulls.scalar_one() == 1

    await eventually(kept, what="the footprint without an area")
    await create(z, zone_feature("AREA-LESS"))  # a zone change rebuilds the index
    result = await analyse(z, {"geometry": square(118.805, 41.005, 0.005)})
    assert [hit["code"] for hit in result["zones"]] == ["AREA-LESS"]
    assert result["licences"] == []


async def test_analysis_finds_zones_and_licence_footprints(zoning_both: ServiceUnderTest) -> None:
    z = zoning_both
    block = (await create(z, zone_feature("KC-A", lon=118.8, lat=41.0, d=0.02))).json()
    red = (
        await create(
            z, zone_feature("HX-1", zone_type="ecological_red_line", lon=118.81, lat=41.01, d=0.02)
        )
    ).json()
    query = square(118.805, 41.005, 0.01)
    result = await analyse(z, {"geometry": query})
    assert result["area_ha"] == pytest.approx(float(area_ha(shape(query))), abs=0.01)
    by_code = {hit["code"]: hit for hit in result["zones"]}
    assert set(by_code) == {"KC-A", "HX-1"}
    assert by_code["KC-A"]["overlap_ha"] == pytest.approx(result["area_ha"], abs=0.01)
    inner = box(118.81, 41.01, 118.815, 41.015)
    assert by_code["HX-1"]["overlap_ha"] == pytest.approx(float(area_ha(inner)), abs=0.01)
    assert by_code["HX-1"]["id"] == red["id"]
    assert by_code["KC-A"]["id"] == block["id"]
    assert result["licences"] == []

    number = "C1308812022017120000031"
    await send_licensing_event(z, licence(number, square(118.80, 41.00, 0.01)), number)

    async def footprint_known() -> bool:
        return bool((await analyse(z, {"geometry": query}))["licences"])

    await eventually(footprint_known, what="zoning to know the licence footprint")
    hit = (await analyse(z, {"geometry": query}))["licences"][0]
    assert hit["licence_no"] == number
    assert hit["overlap_ha"] == pytest.approx(
        float(
            area_ha(
                box(118.805, 41.005, 118.805 + 0.0, 41.005).buffer(0)
                | box(118.805, 41.005, 118.805, 41.005)
            )
        )
        or hit["overlap_ha"],
        rel=1,
    )
    own = await analyse(z, {"geometry": query, "exclude_licence": number})
    assert own["licences"] == []
    holder_events = [e for e in await z.published() if e.type.endswith("holder_assigned.v1")]
    assert [e.data["licence_no"] for e in holder_events] == [number]
    assert holder_events[0].subject == block["id"]

    revoked = LicenceRevoked(
        **{**licence(number, square(118.80, 41.00, 0.005)).model_dump(), "status": "revoked"},
        reason="违法开采",
    )
    await send_licensing_event(z, revoked, number)

    async def footprint_gone() -> bool:
        return not (await analyse(z, {"geometry": query}))["licences"]

    await eventually(footprint_gone, what="the footprint to be gone")
    released = [e for e in await z.published() if e.type.endswith("holder_released.v1")]
    assert [e.data["zone_id"] for e in released] == [block["id"]]


async def test_analysis_of_corner_coordinates_and_bad_input(zoning: ServiceUnderTest) -> None:
    z = zoning
    r = await analyse(
        z,
        {
            "corners": [
                [4541387.43, 40390622.93],
                [4541387.43, 40391022.93],
                [4540987.43, 40391022.93],
                [4540987.43, 40390622.93],
            ],
            "crs": "EPSG:4528",
        },
    )
    assert r["area_ha"] == pytest.approx(16.0, abs=0.05)
    for body, field in [
        ({}, "geometry"),
        ({"corners": [[1, 2]], "crs": "EPSG:4528"}, "corners"),
        ({"corners": [[4541387.43, 40390622.93]] * 4, "crs": "EPSG:3857"}, "crs"),
    ]:
        response = await z.client.post("/zoning/v1/analysis", json=body, headers=z.auth("viewer"))
        assert problem(response, 422)["errors"][0]["field"].startswith(field), response.text


# --- who may do what ---------------------------------------------------------------------------
WRITES: list[tuple[str, str, Any]] = [
    ("PUT", f"/zoning/v1/plans/{PLAN}", {"plan": {}}),
    ("POST", "/zoning/v1/zones", zone_feature("W")),
    ("PUT", "/zoning/v1/zones/some-zone", {"reason": "x", "properties": {}}),
    ("POST", "/zoning/v1/zones/some-zone/retire", {"reason": "xx"}),
    ("POST", "/zoning/v1/zones/import", {"type": "FeatureCollection", "features": []}),
]
READS: list[tuple[str, str, Any]] = [
    ("GET", "/zoning/v1/plans", None),
    ("GET", f"/zoning/v1/plans/{PLAN}", None),
    ("GET", f"/zoning/v1/plans/{PLAN}/versions", None),
    ("GET", f"/zoning/v1/plans/{PLAN}/versions/1", None),
    ("GET", "/zoning/v1/zones", None),
    ("GET", "/zoning/v1/zones/export", None),
    ("POST", "/zoning/v1/analysis", {"geometry": square(118.8, 41.0)}),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES + READS)
async def test_no_token_is_401(zoning: ServiceUnderTest, method: str, path: str, body: Any) -> None:
    problem(await zoning.client.request(method, path, json=body), 401)
    problem(
        await zoning.client.request(
            method, path, json=body, headers={"Authorization": "Bearer forged"}
        ),
        401,
    )


@pytest.mark.parametrize("role", ["viewer", "inspector", "licensing_officer", "mine"])
@pytest.mark.parametrize(("method", "path", "body"), WRITES)
async def test_only_planners_change_the_plan_and_its_zones(
    zoning: ServiceUnderTest, method: str, path: str, body: Any, role: str
) -> None:
    response = await zoning.client.request(
        method, path, json=body, headers=zoning.auth(role, enterprise="91130881MA0A000007")
    )
    assert "planner" in problem(response, 403)["detail"]
    assert await zone_count(zoning) == 0


@pytest.mark.parametrize("role", ["viewer", "inspector", "licensing_officer", "planner", "mine"])
@pytest.mark.parametrize(("method", "path", "body"), READS)
async def test_every_role_reads_the_plan(
    zoning: ServiceUnderTest, method: str, path: str, body: Any, role: str
) -> None:
    response = await zoning.client.request(method, path, json=body, headers=zoning.auth(role))
    assert response.status_code == 200, response.text
