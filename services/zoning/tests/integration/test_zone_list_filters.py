"""``GET /zoning/v1/zones`` filtered on the server: by code, by part of the name or code
(``q``, LIKE wildcards taken literally), with the total counting what the filters keep."""

from __future__ import annotations

import pytest

from lode_common.testing.apps import ServiceUnderTest

from .test_zoning_api import create, problem, zone_feature

pytestmark = pytest.mark.timeout(120)


async def codes(z: ServiceUnderTest, **params: str) -> tuple[list[str], int]:
    r = await z.client.get("/zoning/v1/zones", params=params, headers=z.auth("viewer"))
    assert r.status_code == 200, r.text
    body = r.json()
    return sorted(f["properties"]["code"] for f in body["features"]), body["total"]


async def test_zones_are_found_by_code_and_by_part_of_the_name(
    zoning_both: ServiceUnderTest,
) -> None:
    z = zoning_both
    for code, name, lon in [
        ("KC-01", "示意柴家沟铁矿开采区块", 118.5),
        ("KC-02", "示意郝家楼萤石开采区块", 118.7),
        ("TC_10%", "示意柴家沟勘查区块", 118.9),
    ]:
        feature = zone_feature(code, lon=lon)
        feature["properties"]["name_zh"] = name
        assert (await create(z, feature)).status_code == 201
    assert await codes(z, code="KC-01") == (["KC-01"], 1)
    assert await codes(z, q="柴家沟") == (["KC-01", "TC_10%"], 2)
    assert await codes(z, q="kc-0") == (["KC-01", "KC-02"], 2)  # either case, both runtimes
    assert await codes(z, q="_10%") == (["TC_10%"], 1)
    assert await codes(z, q="C_0") == ([], 0)  # "_" is a character, not a wildcard
    assert await codes(z, q="%") == (["TC_10%"], 1)
    assert await codes(z, q="柴家沟", limit="1") == (["KC-01"], 2)  # the total of the filter
    assert await codes(z, q="柴家沟", type="exploration_block") == ([], 0)

    zone_id = (
        await z.client.get("/zoning/v1/zones", params={"code": "KC-02"}, headers=z.auth("viewer"))
    ).json()["features"][0]["id"]
    retired = await z.client.post(
        f"/zoning/v1/zones/{zone_id}/retire", headers=z.auth("planner"), json={"reason": "规划调整"}
    )
    assert retired.status_code == 200, retired.text
    assert await codes(z, q="KC") == (["KC-01"], 1)
    assert await codes(z, q="KC", status="all") == (["KC-01", "KC-02"], 2)
    assert await codes(z, q="KC", status="retired") == (["KC-02"], 1)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "柴家\x1b沟"}, "q"),
        ({"q": "\u202e区块"}, "q"),
        ({"q": "x" * 301}, "query.q"),
        ({"code": "K\x1fC"}, "code"),
        ({"code": "x" * 61}, "query.code"),
    ],
)
async def test_a_bad_filter_is_422_naming_it(
    zoning_both: ServiceUnderTest, params: dict[str, object], field: str
) -> None:
    z = zoning_both
    r = await z.client.get("/zoning/v1/zones", params=params, headers=z.auth("viewer"))
    assert problem(r, 422)["errors"][0]["field"] == field
