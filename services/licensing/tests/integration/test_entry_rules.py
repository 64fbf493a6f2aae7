"""The plan's entry rules that need zoning's answer or the whole body, through the API:
the plan's region (总则), restricted mining areas and their conditions (第一章第二节), the
green-mine and restoration plans of every new mine (第四章第四节; 第五章第二节, 第五章第三节)."""

from __future__ import annotations

from typing import Any

import pytest

from lode_common.testing.apps import ServiceUnderTest

from .builders import INSIDE, block, checks, granted, mining, square, submit, zone
from .conftest import System

pytestmark = pytest.mark.timeout(120)

# The plan's approximate extent is [118.35, 40.7, 119.25, 41.4] (lon/lat).
FAR_EAST = square(119.30, 41.00, 0.005)  # about 4 km east of the box
ACROSS_EAST_EDGE = square(119.245, 41.00, 0.01)  # half in, half out


async def _checked(lic: ServiceUnderTest, body: dict[str, Any]) -> dict[str, Any]:
    r = await submit(lic, body)
    assert r.status_code == 201, r.text
    view: dict[str, Any] = r.json()
    assert view["status"] == "checked", view
    return view


async def test_the_example_passes_the_new_rules(system_both: System) -> None:
    await block(system_both.zoning)
    # on a contracted grant of its own (出让): competitive_grant passes
    view = await _checked(system_both.licensing, await granted(system_both.licensing))
    assert view["verdict"] == "eligible", view["checks"]
    found = checks(view)
    region = found["within_plan_region"]
    assert region["outcome"] == "pass"
    assert region["clause"] == "总则"
    assert region["details"]["region"]["basis"] == "approx_extent"
    assert found["green_mine_plan_required"]["outcome"] == "pass"
    assert found["restoration_plan_required"]["outcome"] == "pass"
    assert "minimum_scale_table" not in found  # the plan's own minimum covers underground iron
    assert "restricted_mining_area_review" not in found


async def test_a_new_mine_without_its_plans_is_ineligible(system: System) -> None:
    await block(system.zoning)
    view = await _checked(system.licensing, mining(green_mine_plan=False, restoration_plan=None))
    assert view["verdict"] == "ineligible"
    found = checks(view)
    assert found["green_mine_plan_required"]["outcome"] == "fail"
    assert found["green_mine_plan_required"]["clause"] == "第四章第四节; 第五章第二节"
    assert found["restoration_plan_required"]["outcome"] == "fail"
    assert found["restoration_plan_required"]["clause"] == "第五章第三节"


async def test_a_restricted_area_names_its_conditions_for_review(system_both: System) -> None:
    await block(system_both.zoning)
    conditions = "限采区内仅允许现有矿山整合，不新增开采规模"
    await zone(
        system_both.zoning,
        "restricted_mining_area",
        square(INSIDE[0], INSIDE[1], 0.02),
        code="XC-01",
        name_zh="示意限采区",
        conditions_zh=conditions,
    )
    # on a grant of its own, so the restricted area alone sends it to review
    view = await _checked(system_both.licensing, await granted(system_both.licensing))
    assert checks(view)["competitive_grant"]["outcome"] == "pass"
    assert view["verdict"] == "needs_review", view["checks"]
    result = checks(view)["restricted_mining_area_review"]
    assert result["outcome"] == "review"
    assert result["clause"] == "第一章第二节"
    assert f"条件：{conditions}" in result["message"]
    (restricted,) = result["details"]["zones"]
    assert (restricted["code"], restricted["conditions_zh"]) == ("XC-01", conditions)


async def test_a_restricted_area_without_conditions_says_so(system: System) -> None:
    await block(system.zoning)
    await zone(system.zoning, "restricted_mining_area", square(INSIDE[0], INSIDE[1], 0.02))
    view = await _checked(system.licensing, mining())
    result = checks(view)["restricted_mining_area_review"]
    assert result["outcome"] == "review"
    assert "未载明条件" in result["message"]


async def test_an_area_outside_the_approximate_extent_fails_with_its_distance(
    system: System,
) -> None:
    view = await _checked(system.licensing, mining(area={"geometry": FAR_EAST}))
    assert view["verdict"] == "ineligible"
    result = checks(view)["within_plan_region"]
    assert result["outcome"] == "fail"
    assert result["details"]["region"]["basis"] == "approx_extent"
    assert result["details"]["region"]["distance_m"] > 1000
    assert "千米" in result["message_zh"]
    assert " km away" in result["message_en"]


async def test_an_area_across_the_approximate_extent_goes_to_review(system: System) -> None:
    view = await _checked(system.licensing, mining(area={"geometry": ACROSS_EAST_EDGE}))
    result = checks(view)["within_plan_region"]
    assert result["outcome"] == "review", result
    region = result["details"]["region"]
    assert region["inside_ha"] > 0
    assert region["outside_ha"] > 0


async def test_an_area_across_the_administrative_boundary_fails(system: System) -> None:
    await block(system.zoning)
    boundary = await zone(
        system.zoning,
        "administrative_boundary",
        square(INSIDE[0] - 0.1, INSIDE[1] - 0.1, 0.1 + 0.005),
        code="130881",
        name_zh="平泉市（示意界线）",
    )
    view = await _checked(system.licensing, mining())
    result = checks(view)["within_plan_region"]
    assert result["outcome"] == "fail", result
    region = result["details"]["region"]
    assert region["basis"] == "administrative_boundary"
    assert region["zones"] == [boundary]
    assert region["inside_ha"] > 0
    assert region["outside_ha"] > 0
    assert "公顷在外" in result["message_zh"]
