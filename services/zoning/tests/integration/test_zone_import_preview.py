"""The zone import's preview (``POST /zoning/v1/zones/import?dry_run=true``): what the import
would do, feature by feature, and nothing stored or published; then the import agrees."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from lode_common.testing.apps import ServiceUnderTest

from .test_zoning_api import (
    PLAN,
    create,
    problem,
    square,
    zipped_shapefile,
    zone_count,
    zone_feature,
)

pytestmark = pytest.mark.timeout(180)
IMPORT = "/zoning/v1/zones/import"


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


async def preview(z: ServiceUnderTest, body: dict[str, Any], **params: str) -> dict[str, Any]:
    r = await z.client.post(
        IMPORT, params={"dry_run": "true", **params}, json=body, headers=z.auth("planner")
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    answer: dict[str, Any] = r.json()
    assert answer["dry_run"] is True
    return answer


async def import_(z: ServiceUnderTest, body: dict[str, Any]) -> httpx.Response:
    return await z.client.post(IMPORT, json=body, headers=z.auth("planner"))


async def zone_events(z: ServiceUnderTest) -> list[str]:
    return [t for t in await z.types_published() if ".zone." in t]


async def test_a_preview_stores_nothing_and_the_import_then_does_what_it_said(
    zoning_both: ServiceUnderTest,
) -> None:
    z = zoning_both
    body = collection(zone_feature("P-1"), zone_feature("P-2", lon=118.9, d=0.03))
    seen = await preview(z, body)
    assert seen["would_import"] is True
    assert seen["problem"] is None
    assert seen["summary"] == {"features": 2, "create": 2, "refused": 0, "unchecked": 0}
    first, second = seen["items"]
    assert (first["index"], first["change"], first["code"]) == (0, "create", "P-1")
    assert (first["plan_id"], first["type"], first["name_zh"]) == (PLAN, "mining_block", "示意P-1")
    assert first["geometry"]["type"] == "Polygon"
    assert first["area_ha_before"] is None
    assert first["existing_zone_id"] is None
    assert first["errors"] == []
    assert first["fields"] == []
    assert second["area_ha_after"] > first["area_ha_after"] > 0  # a larger square
    assert await zone_count(z) == 0
    assert await zone_events(z) == []  # nothing was published either

    r = await import_(z, body)
    assert r.status_code == 201, r.text
    assert r.json()["created"] == seen["summary"]["create"]
    stored = {}
    for zone_id in r.json()["ids"]:
        feature = (
            await z.client.get(f"/zoning/v1/zones/{zone_id}", headers=z.auth("viewer"))
        ).json()
        stored[feature["properties"]["code"]] = feature
    for item in seen["items"]:
        assert stored[item["code"]]["properties"]["area_ha"] == item["area_ha_after"]
        assert stored[item["code"]]["geometry"] == item["geometry"]
    assert await zone_events(z) == ["lode.zoning.zone.created.v1"] * 2


async def test_a_refused_import_is_previewed_feature_by_feature_with_its_own_problem(
    zoning_both: ServiceUnderTest,
) -> None:
    z = zoning_both
    stored_id = (await create(z, zone_feature("KEEP", lon=118.5))).json()["id"]
    stored = (await z.client.get(f"/zoning/v1/zones/{stored_id}", headers=z.auth("viewer"))).json()
    renamed = zone_feature("KEEP", lon=118.5, d=0.03)
    renamed["properties"]["name_zh"] = "示意KEEP（扩界）"
    outside = {**zone_feature("FAR"), "geometry": square(117.0, 39.0)}
    elsewhere = zone_feature("LOST")
    elsewhere["properties"]["plan_id"] = "no-such-plan"
    body = collection(
        zone_feature("NEW", lon=118.9),  # 0: passes
        outside,  # 1: outside the plan's region
        renamed,  # 2: its code is the stored zone's
        zone_feature("TWICE", lon=119.0),  # 3: passes
        zone_feature("TWICE", lon=119.1),  # 4: the code of feature 3
        elsewhere,  # 5: an unknown plan
    )
    seen = await preview(z, body)
    refused = problem(await import_(z, body), 422)
    assert seen["problem"] == refused  # the import's own answer, word for word
    assert seen["would_import"] is False
    assert seen["summary"] == {"features": 6, "create": 2, "refused": 4, "unchecked": 0}
    items = seen["items"]
    assert [i["change"] for i in items] == [
        "create",
        "refused",
        "refused",
        "create",
        "refused",
        "refused",
    ]
    assert items[1]["errors"][0]["field"].startswith("features[1].geometry")
    assert items[1]["geometry"] is None  # its area could not be read
    assert items[2]["existing_zone_id"] == stored_id
    assert items[2]["area_ha_before"] == stored["properties"]["area_ha"]
    assert items[2]["area_ha_after"] > items[2]["area_ha_before"]
    assert items[2]["fields"] == ["name_zh", "geometry"]
    assert items[2]["errors"] == [
        e for e in refused["errors"] if e["field"].startswith("features[2].")
    ]
    assert items[4]["duplicate_of"] == 3
    assert items[4]["existing_zone_id"] is None
    assert items[5]["errors"] == [
        {"field": "features[5].properties.plan_id", "message": items[5]["errors"][0]["message"]}
    ]
    every = [e for i in items for e in i["errors"]]
    assert sorted(map(str, every)) == sorted(map(str, refused["errors"]))
    assert await zone_count(z) == 1  # the stored zone only


async def test_a_re_imported_export_is_previewed_as_the_same_zones(
    zoning: ServiceUnderTest,
) -> None:
    z = zoning
    await create(z, zone_feature("SAME-1"))
    await create(z, zone_feature("SAME-2", lon=118.9))
    export = (await z.client.get("/zoning/v1/zones/export", headers=z.auth("viewer"))).json()
    features = [
        {"type": "Feature", "geometry": f["geometry"], "properties": f["properties"]}
        for f in export["features"]
    ]
    seen = await preview(z, collection(*features))
    assert seen["summary"]["refused"] == 2
    assert [i["fields"] for i in seen["items"]] == [[], []]  # nothing differs
    assert all(i["existing_zone_id"] for i in seen["items"])


async def test_past_the_problem_limit_the_rest_is_unchecked(zoning: ServiceUnderTest) -> None:
    nameless = []
    for n in range(205):
        feature = zone_feature(f"N-{n}")
        del feature["properties"]["name_zh"]
        nameless.append(feature)
    seen = await preview(zoning, collection(*nameless))
    assert seen["summary"] == {"features": 205, "create": 0, "refused": 200, "unchecked": 5}
    assert seen["items"][200]["change"] == "unchecked"
    assert seen["items"][200]["errors"] == []
    assert len(seen["problem"]["errors"]) == 200


async def test_a_zipped_shapefile_is_previewed(zoning: ServiceUnderTest) -> None:
    r = await zoning.client.post(
        IMPORT,
        params={"plan_id": PLAN, "dry_run": "true"},
        content=zipped_shapefile(),
        headers={**zoning.auth("planner"), "content-type": "application/zip"},
    )
    assert r.status_code == 200, r.text
    (item,) = r.json()["items"]
    assert (item["change"], item["code"], item["type"]) == ("create", "SHP-1", "exploration_block")
    assert item["area_ha_after"] == pytest.approx(16.0, abs=0.05)
    lon, lat = item["geometry"]["coordinates"][0][0]
    assert 118 < lon < 120
    assert 40 < lat < 42
    assert await zone_count(zoning) == 0


@pytest.mark.parametrize(
    ("params", "body", "field"),
    [
        ({"dry_run": "perhaps"}, collection(zone_feature("Q")), "query.dry_run"),
        ({"dry_run": "true"}, {"type": "Feature"}, "type"),
        ({"dry_run": "true"}, collection(), "features"),
        ({"dry_run": "true", "type": "x" * 61}, collection(zone_feature("Q")), "type"),
    ],
)
async def test_what_cannot_be_previewed_is_refused_as_the_import_refuses_it(
    zoning: ServiceUnderTest, params: dict[str, str], body: Any, field: str
) -> None:
    r = await zoning.client.post(IMPORT, params=params, json=body, headers=zoning.auth("planner"))
    assert problem(r, 422)["errors"][0]["field"] == field


@pytest.mark.parametrize("role", ["viewer", "inspector", "licensing_officer"])
async def test_only_planners_preview_an_import(zoning: ServiceUnderTest, role: str) -> None:
    r = await zoning.client.post(
        IMPORT,
        params={"dry_run": "true"},
        json=collection(zone_feature("R")),
        headers=zoning.auth(role),
    )
    assert "planner" in problem(r, 403)["detail"]
