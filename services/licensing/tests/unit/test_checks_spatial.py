"""Red lines, licence overlap, planning blocks: where the area lies."""

from __future__ import annotations

import pytest

from lode_licensing.domain.checks import CheckContext, spatial_from_analysis

from .builders import (
    APPLICANT_CODE,
    EXPLORATION_LICENCE,
    MINING_LICENCE,
    OTHER_CODE,
    OTHER_MINING_LICENCE,
    THIRD_CODE,
    cancellation_body,
    checks_by_id,
    context,
    exploration_body,
    licence_hit,
    mining_body,
    zone,
)


def renewal() -> dict[str, object]:
    return mining_body(kind="renewal", licence_no=MINING_LICENCE)


@pytest.mark.parametrize(
    ("zones", "outcome"),
    [
        ((zone("mining_block"),), "pass"),
        ((zone("mining_block"), zone("ecological_red_line")), "fail"),
        ((zone("mining_block"), zone("forbidden_mining_area", overlap_ha="0.01")), "fail"),
        ((zone("mining_block"), zone("ecological_red_line", overlap_ha=0)), "pass"),
        ((zone("mining_block"), zone("restricted_mining_area")), "pass"),
    ],
)
def test_red_line_and_forbidden_areas(zones: tuple[object, ...], outcome: str) -> None:
    result = checks_by_id(mining_body(), context(*zones))["ecological_red_line"]  # type: ignore[arg-type]
    assert result.outcome == outcome
    assert result.clause == "第五章第一节; 第一章第二节"


def test_red_line_applies_to_exploration_and_renewals_too() -> None:
    red = context(zone("exploration_block"), zone("mining_block"), zone("ecological_red_line"))
    assert checks_by_id(exploration_body(), red)["ecological_red_line"].outcome == "fail"
    assert checks_by_id(renewal(), red)["ecological_red_line"].outcome == "fail"


def test_a_cancellation_in_a_red_line_passes() -> None:
    red = context(zone("mining_block"), zone("ecological_red_line"))
    result = checks_by_id(cancellation_body(), red)["ecological_red_line"]
    assert result.outcome == "pass"
    assert result.details["touched"]


def test_boundary_contact_is_reported_not_failed() -> None:
    result = checks_by_id(
        mining_body(), context(zone("mining_block"), zone("ecological_red_line", overlap_ha=0))
    )["ecological_red_line"]
    assert result.details["boundary_only"][0]["type"] == "ecological_red_line"


@pytest.mark.parametrize(
    ("body", "licences", "outcome"),
    [
        (mining_body(), (), "pass"),
        (mining_body(), (licence_hit(OTHER_MINING_LICENCE),), "fail"),
        (mining_body(), (licence_hit(OTHER_MINING_LICENCE, overlap_ha=0),), "pass"),
        (renewal(), (licence_hit(MINING_LICENCE, overlap_ha=40),), "pass"),  # itself
        (renewal(), (licence_hit(MINING_LICENCE), licence_hit(OTHER_MINING_LICENCE)), "fail"),
        (exploration_body(), (licence_hit(MINING_LICENCE),), "fail"),
        (cancellation_body(), (licence_hit(OTHER_MINING_LICENCE),), "pass"),
    ],
)
def test_licence_overlap(
    body: dict[str, object], licences: tuple[object, ...], outcome: str
) -> None:
    ctx = context(zone("mining_block"), zone("exploration_block"), licences=licences)  # type: ignore[arg-type]
    result = checks_by_id(body, ctx)["licence_overlap"]
    assert result.outcome == outcome
    if outcome == "fail":
        assert OTHER_MINING_LICENCE in result.message_en or MINING_LICENCE in result.message_en


@pytest.mark.parametrize(
    ("holder", "outcome"),
    [(None, "pass"), (APPLICANT_CODE, "pass"), (OTHER_CODE, "review")],
)
def test_one_holder_per_mining_block(holder: str | None, outcome: str) -> None:
    block = zone("mining_block", zone_id="mb-1")
    ctx = context(block, block_holders={"mb-1": holder} if holder else {})
    result = checks_by_id(mining_body(), ctx)["one_holder_per_mining_block"]
    assert result.outcome == outcome
    assert result.clause == "第三章第三节 七"


def test_one_holder_per_exploration_block() -> None:
    block = zone("exploration_block", zone_id="eb-1")
    ctx = context(block, block_holders={"eb-1": OTHER_CODE})
    results = checks_by_id(exploration_body(), ctx)
    assert results["one_holder_per_exploration_block"].outcome == "review"
    assert "one_holder_per_mining_block" not in results


def test_a_transfer_to_the_block_holder_is_fine() -> None:
    block = zone("mining_block", zone_id="mb-1")
    body = mining_body(
        kind="transfer",
        licence_no=MINING_LICENCE,
        new_holder={"name": "受让方", "credit_code": OTHER_CODE},
    )
    ctx = context(block, block_holders={"mb-1": OTHER_CODE})
    assert checks_by_id(body, ctx)["one_holder_per_mining_block"].outcome == "pass"
    ctx = context(block, block_holders={"mb-1": THIRD_CODE})
    assert checks_by_id(body, ctx)["one_holder_per_mining_block"].outcome == "review"


def test_outside_every_block_of_its_type_goes_to_review() -> None:
    # Touching an exploration block does not count for a mining right.
    results = checks_by_id(mining_body(), context(zone("exploration_block")))
    assert results["outside_blocks_needs_demonstration"].outcome == "review"
    assert "one_holder_per_mining_block" not in results
    inside = checks_by_id(mining_body(), context(zone("mining_block")))
    assert "outside_blocks_needs_demonstration" not in inside
    explorer = checks_by_id(exploration_body(), context(zone("mining_block")))
    assert explorer["outside_blocks_needs_demonstration"].outcome == "review"


def test_outside_blocks_says_whether_a_report_is_attached() -> None:
    result = checks_by_id(
        mining_body(demonstration_report=True), context(zone("key_exploration_area"))
    )["outside_blocks_needs_demonstration"]
    assert result.outcome == "review"
    assert "已附论证报告" in result.message_zh


def test_outside_blocks_is_for_new_rights() -> None:
    assert "outside_blocks_needs_demonstration" not in checks_by_id(
        renewal(), context(zone("key_exploration_area"))
    )


def test_without_spatial_analysis_area_rules_say_so() -> None:
    results = checks_by_id(mining_body(), CheckContext(spatial=None))
    for rule_id in ("ecological_red_line", "licence_overlap"):
        assert results[rule_id].outcome == "review"
        assert "not available" in results[rule_id].message_en


def test_an_application_without_area_gets_no_area_rules() -> None:
    body = renewal()
    del body["area"]
    results = checks_by_id(body, context(zone("ecological_red_line")))
    assert "ecological_red_line" not in results
    assert "licence_overlap" not in results


def test_spatial_from_analysis_reads_zonings_answer() -> None:
    analysis = spatial_from_analysis(
        {
            "area_ha": 12.5,
            "zones": [
                {
                    "id": "z1",
                    "type": "mining_block",
                    "code": "CK01",
                    "name_zh": "某区块",
                    "overlap_ha": 12.5,
                }
            ],
            "licences": [{"licence_no": EXPLORATION_LICENCE, "overlap_ha": 0.3}],
        }
    )
    assert analysis.touched({"mining_block"})[0].code == "CK01"
    assert str(analysis.licences[0].overlap_ha) == "0.3"
    assert str(analysis.area_ha) == "12.5"
