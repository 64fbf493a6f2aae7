"""The plan's region (《规划》适用范围, 总则) and the restricted mining areas (限采区,
第一章第二节): where the area lies, as zoning's analysis says."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from lode_licensing.domain.checks import CheckContext, ZoneHit, spatial_from_analysis, verdict
from lode_licensing.domain.checks.region import distance_text
from lode_licensing.domain.checks.spatial import NO_CONDITIONS_ZH

from .builders import (
    EXPLORATION_LICENCE,
    GRANT_ID,
    MINING_LICENCE,
    based,
    cancellation_body,
    checks_by_id,
    context,
    exploration_body,
    grant_basis,
    mining_body,
    region,
    zone,
)

REGION = "within_plan_region"
RESTRICTED = "restricted_mining_area_review"


# --- the plan's region --------------------------------------------------------------------------


@pytest.mark.parametrize("basis", ["administrative_boundary", "approx_extent"])
def test_an_area_inside_the_region_passes(basis: Any) -> None:
    result = checks_by_id(mining_body(), context(where=region(basis=basis)))[REGION]
    assert result.outcome == "pass"
    assert result.clause == "总则"
    assert result.details["region"]["basis"] == basis
    if basis == "approx_extent":
        assert "示意范围" in result.message_zh
        assert "not the legal boundary" in result.message_en
    else:
        assert "平泉市行政区界内" in result.message_zh


@pytest.mark.parametrize(
    ("outside_ha", "outcome"),
    [(Decimal("0"), "pass"), (Decimal("0.0001"), "fail"), (Decimal("2.5"), "fail")],
)
def test_an_area_partly_outside_the_boundary_fails_with_the_hectares(
    outside_ha: Decimal, outcome: str
) -> None:
    ctx = context(where=region(inside_ha="4.5", outside_ha=outside_ha))
    result = checks_by_id(mining_body(), ctx)[REGION]
    assert result.outcome == outcome
    if outcome == "fail":
        assert f"{outside_ha} 公顷在外、4.5 公顷在内" in result.message_zh
        assert f"{outside_ha} ha outside and 4.5 ha inside" in result.message_en
        assert "《规划》适用范围为平泉市行政所辖区域" in result.message_zh


def test_an_area_partly_outside_the_rough_box_goes_to_review() -> None:
    ctx = context(where=region(inside_ha=3, outside_ha=2, basis="approx_extent"))
    result = checks_by_id(mining_body(), ctx)[REGION]
    assert result.outcome == "review"
    assert "2 公顷在外、3 公顷在内" in result.message_zh
    assert "示意范围不精确" in result.message_zh


@pytest.mark.parametrize("basis", ["administrative_boundary", "approx_extent"])
@pytest.mark.parametrize(
    ("distance_m", "zh", "en"),
    [
        ("12", "距其 12 米", "12 m away"),
        ("999.4", "距其 999 米", "999 m away"),
        ("999.5", "距其 1.0 千米", "1.0 km away"),
        ("1000", "距其 1.0 千米", "1.0 km away"),
        ("1049.9", "距其 1.0 千米", "1.0 km away"),
        ("1050", "距其 1.1 千米", "1.1 km away"),
        ("23456", "距其 23.5 千米", "23.5 km away"),
    ],
)
def test_an_area_wholly_outside_fails_with_the_distance(
    basis: Any, distance_m: str, zh: str, en: str
) -> None:
    ctx = context(where=region(inside_ha=0, outside_ha=5, distance_m=distance_m, basis=basis))
    results = checks_by_id(mining_body(), ctx)
    result = results[REGION]
    assert result.outcome == "fail"
    assert zh in result.message_zh
    assert en in result.message_en
    assert result.details["region"]["distance_m"] == Decimal(distance_m)
    assert verdict(results.values()) == "ineligible"


def test_an_area_touching_the_region_only_along_its_edge_is_outside() -> None:
    ctx = context(where=region(inside_ha=0, outside_ha=5, distance_m=None))
    result = checks_by_id(mining_body(), ctx)[REGION]
    assert result.outcome == "fail"
    assert "仅与其边界相接" in result.message_zh


def test_no_region_block_goes_to_review() -> None:
    result = checks_by_id(mining_body(), context(where=None))[REGION]
    assert result.outcome == "review"
    assert "无法核查" in result.message_zh
    assert result.details == {"region": None}


def test_every_right_and_kind_with_an_area_is_checked() -> None:
    outside = context(
        zone("exploration_block"),
        zone("mining_block"),
        where=region(inside_ha=0, outside_ha=5, distance_m=3000),
    )
    renewal = mining_body(kind="renewal", licence_no=MINING_LICENCE)
    explore = exploration_body(kind="renewal", licence_no=EXPLORATION_LICENCE)
    for body in (exploration_body(), renewal, explore):
        assert checks_by_id(body, outside)[REGION].outcome == "fail"
    no_area = mining_body(kind="renewal", licence_no=MINING_LICENCE)
    del no_area["area"]
    assert REGION not in checks_by_id(no_area, outside)


def test_a_cancellation_outside_passes() -> None:
    ctx = context(where=region(inside_ha=0, outside_ha=5, distance_m=3000))
    result = checks_by_id(cancellation_body(), ctx)[REGION]
    assert result.outcome == "pass"


def test_without_a_spatial_analysis_the_region_is_reviewed() -> None:
    result = checks_by_id(mining_body(), CheckContext(spatial=None))[REGION]
    assert result.outcome == "review"
    assert result.details == {"spatial_analysis": None}


@pytest.mark.parametrize(
    ("metres", "zh"),
    [
        (Decimal("0.4"), "0 米"),
        (Decimal("999.49"), "999 米"),
        (Decimal("999.5"), "1.0 千米"),
        (Decimal("1949.9"), "1.9 千米"),
        (Decimal("1950"), "2.0 千米"),
    ],
)
def test_distances_read_as_people_say_them(metres: Decimal, zh: str) -> None:
    assert distance_text(metres)[0] == zh


def test_the_region_block_is_read_from_zonings_answer() -> None:
    analysis = {
        "area_ha": 10.0,
        "zones": [],
        "licences": [],
        "region": {
            "basis": "administrative_boundary",
            "zones": ["z-boundary"],
            "inside_ha": 7.25,
            "outside_ha": 2.75,
            "distance_m": None,
        },
    }
    spatial = spatial_from_analysis(analysis)
    assert spatial.region is not None
    assert spatial.region.basis == "administrative_boundary"
    assert (spatial.region.inside_ha, spatial.region.outside_ha) == (
        Decimal("7.25"),
        Decimal("2.75"),
    )
    assert spatial.region.distance_m is None
    assert spatial.region.zones == ("z-boundary",)
    far = spatial_from_analysis(
        {"region": {"basis": "approx_extent", "inside_ha": 0, "outside_ha": 3, "distance_m": 1500}}
    )
    assert far.region is not None
    assert far.region.distance_m == Decimal(1500)


@pytest.mark.parametrize("block", [None, {}, {"basis": "somewhere"}, "inside"])
def test_an_absent_or_unknown_region_block_reads_as_none(block: Any) -> None:
    analysis: dict[str, Any] = {"zones": [], "licences": []}
    if block is not None:
        analysis["region"] = block
    assert spatial_from_analysis(analysis).region is None


# --- restricted mining areas (限采区) -------------------------------------------------------------


def restricted(conditions: str | None, overlap_ha: Any = 5, code: str = "XC-01") -> ZoneHit:
    hit = zone("restricted_mining_area", overlap_ha=overlap_ha, code=code)
    return ZoneHit(hit.id, hit.type, hit.code, "示意限采区", hit.overlap_ha, conditions)


def test_a_mine_in_a_restricted_area_goes_to_review_with_its_conditions() -> None:
    conditions = "仅允许现有矿山整合，不新增开采规模"
    ctx = context(zone("mining_block"), restricted(conditions, overlap_ha="1.25"))
    # won by a contracted grant, so the restricted area alone sends it to review
    results = checks_by_id(mining_body(grant_id=GRANT_ID), based(ctx, grant=grant_basis()))
    assert results["competitive_grant"].outcome == "pass"
    result = results[RESTRICTED]
    assert result.outcome == "review"
    assert result.clause == "第一章第二节"
    assert "限采区示意限采区（XC-01） 1.25 公顷" in result.message_zh
    assert f"条件：{conditions}" in result.message_zh
    assert conditions in result.message_en
    (named,) = result.details["zones"]
    assert named["conditions_zh"] == conditions
    assert named["overlap_ha"] == Decimal("1.25")
    assert verdict(results.values()) == "needs_review"


def test_a_restricted_area_without_conditions_says_none_are_stated() -> None:
    ctx = context(zone("mining_block"), restricted(None))
    result = checks_by_id(mining_body(), ctx)[RESTRICTED]
    assert result.outcome == "review"
    assert f"条件：{NO_CONDITIONS_ZH}" in result.message_zh
    assert "none stated" in result.message_en


def test_each_restricted_area_is_named() -> None:
    ctx = context(
        zone("mining_block"),
        restricted("条件甲", code="XC-01"),
        ZoneHit("r-2", "restricted_mining_area", "XC-02", "另一限采区", Decimal(2), None),
    )
    result = checks_by_id(mining_body(), ctx)[RESTRICTED]
    assert [z["code"] for z in result.details["zones"]] == ["XC-01", "XC-02"]
    assert "条件：条件甲" in result.message_zh
    assert f"另一限采区（XC-02） 2 公顷，条件：{NO_CONDITIONS_ZH}" in result.message_zh


@pytest.mark.parametrize(("overlap_ha", "applies"), [("0", False), ("0.0001", True), ("3", True)])
def test_touching_means_overlapping_more_than_a_boundary(overlap_ha: str, applies: bool) -> None:
    ctx = context(zone("mining_block"), restricted("条件", overlap_ha=overlap_ha))
    assert (RESTRICTED in checks_by_id(mining_body(), ctx)) is applies


@pytest.mark.parametrize(
    "body",
    [
        mining_body(kind="renewal", licence_no=MINING_LICENCE),
        mining_body(kind="change", licence_no=MINING_LICENCE, changes=["area"]),
    ],
)
def test_every_mining_kind_goes_to_review(body: dict[str, Any]) -> None:
    ctx = context(zone("mining_block"), restricted("条件"))
    assert checks_by_id(body, ctx)[RESTRICTED].outcome == "review"


def test_a_cancellation_in_a_restricted_area_passes() -> None:
    ctx = context(zone("mining_block"), restricted("条件"))
    result = checks_by_id(cancellation_body(), ctx)[RESTRICTED]
    assert result.outcome == "pass"
    assert "收缩" in result.message_zh


def test_exploration_is_not_concerned() -> None:
    ctx = context(zone("exploration_block"), restricted("条件"))
    assert RESTRICTED not in checks_by_id(exploration_body(), ctx)


def test_zone_conditions_are_read_from_zonings_answer() -> None:
    zones = [
        {
            "id": "z1",
            "type": "restricted_mining_area",
            "code": "XC-01",
            "name_zh": "甲",
            "overlap_ha": 1,
            "conditions_zh": "  条件  ",
        },
        {"id": "z2", "type": "restricted_mining_area", "overlap_ha": 1, "conditions_zh": ""},
        {"id": "z3", "type": "mining_block", "overlap_ha": 1},
    ]
    spatial = spatial_from_analysis({"zones": zones})
    assert [z.conditions_zh for z in spatial.zones] == ["条件", None, None]
