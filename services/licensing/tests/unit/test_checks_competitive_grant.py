"""The check competitive_grant (竞争性出让): a new right rests on a contracted grant of the
same winner, right, mineral and area, on the applicant's own exploration licence over the
area (探转采), or goes to review naming the cases of 协议出让."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from lode_licensing.domain.application import Application
from lode_licensing.domain.checks import (
    CheckContext,
    SpatialAnalysis,
    check_licence_overlap,
    run_checks,
)
from lode_licensing.domain.checks.agreement_bases import AGREEMENT_BASES
from lode_licensing.domain.checks.competitive_grant import (
    COMPETITIVE_GRANT,
    COMPETITIVE_GRANT_CLAUSE,
    applies,
    check_competitive_grant,
)
from lode_licensing.domain.checks.result import CheckResult
from lode_licensing.domain.party import Party

from .builders import (
    AREA,
    EXPLORATION_LICENCE,
    GRANT_ID,
    MINING_LICENCE,
    OTHER_CODE,
    application,
    based,
    context,
    exploration_basis,
    exploration_body,
    grant_basis,
    licence_hit,
    lonlat_square,
    mining_body,
    real_rules,
)

ON_GRANT = mining_body(grant_id=GRANT_ID)
BY_CONVERSION = mining_body(exploration_licence_no=EXPLORATION_LICENCE)


def check(body: dict[str, Any], ctx: CheckContext) -> CheckResult:
    app = application(body)
    assert applies(app)
    result = check_competitive_grant(app, ctx)
    assert result.rule_id == COMPETITIVE_GRANT
    assert result.clause == COMPETITIVE_GRANT_CLAUSE
    assert result.details["articles_verified"] is False
    assert result.message == f"{result.message_zh} — {result.message_en}"
    return result


def shifted(d_lon: float) -> dict[str, Any]:
    """:data:`AREA` moved east by ``d_lon`` degrees (a 0.01° square: 0.001° is 20 %)."""
    return lonlat_square(118.80 + d_lon, 41.00)


# --- where it applies --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (mining_body(), True),
        (ON_GRANT, True),
        (BY_CONVERSION, True),
        (exploration_body(), False),
        (exploration_body(grant_id=GRANT_ID), True),
        (mining_body(kind="renewal", licence_no=MINING_LICENCE), False),
        (mining_body(kind="change", licence_no=MINING_LICENCE, changes=["area"]), False),
    ],
)
def test_it_applies_to_new_mining_and_to_new_exploration_on_a_grant(
    body: dict[str, Any], expected: bool
) -> None:
    app = application(body)
    assert applies(app) is expected
    found = {r.rule_id for r in run_checks(app, real_rules(), based(grant=grant_basis()))}
    assert (COMPETITIVE_GRANT in found) is expected


def test_a_grants_own_reading_is_not_checked_for_its_basis() -> None:
    """The grant procedure checks its 出让方案 as a new application of the grantor: what it
    rests on is the grant itself."""
    app: Application = replace(
        application(mining_body()), applicant=Party("出让人", ""), granting=True
    )
    assert not applies(app)
    found = {r.rule_id for r in run_checks(app, real_rules(), based())}
    assert COMPETITIVE_GRANT not in found
    assert "mining_mineral_policy" in found  # the plan checks still run


# --- with a grant ------------------------------------------------------------------------------
def test_a_contracted_grant_of_the_same_winner_mineral_and_area_passes() -> None:
    result = check(ON_GRANT, based(grant=grant_basis()))
    assert result.outcome == "pass"
    assert GRANT_ID in result.message_zh
    assert "挂牌" in result.message_zh
    assert "平自然资出让〔2026〕5号" in result.message_zh
    assert result.details["area_difference_pct"] == Decimal("0.00")
    assert result.details["tolerance_pct"] == Decimal(1)
    assert result.details["winner"] == {
        "name": "平泉市某矿业有限公司",
        "credit_code": ON_GRANT["applicant"]["credit_code"],
    }
    assert result.details["mismatches"] == []
    assert "reserve" not in str(result.details)  # the check never sees the reserve price


def test_an_exploration_right_on_a_grant_of_an_exploration_right_passes() -> None:
    body = exploration_body(grant_id=GRANT_ID, mineral="铁矿")
    grant = grant_basis(right_type="exploration")
    assert check(body, based(grant=grant)).outcome == "pass"


def test_a_grant_the_registry_does_not_hold_fails() -> None:
    result = check(ON_GRANT, based(grant=None))
    assert result.outcome == "fail"
    assert f"没有出让 {GRANT_ID}" in result.message_zh
    assert result.details["mismatches"] == ["unknown_grant"]


def test_another_winners_grant_fails_naming_the_winner() -> None:
    winner = Party("承德某竞得公司", OTHER_CODE)
    result = check(ON_GRANT, based(grant=grant_basis(winner=winner)))
    assert result.outcome == "fail"
    assert f"竞得人为 承德某竞得公司（{OTHER_CODE}），不是申请人" in result.message_zh
    assert f"won by 承德某竞得公司 ({OTHER_CODE})" in result.message_en
    assert result.details["mismatches"] == ["another_winner"]


def test_a_grant_without_a_winner_fails() -> None:
    result = check(ON_GRANT, based(grant=grant_basis(winner=None, status="failed")))
    assert result.outcome == "fail"
    assert result.details["mismatches"] == ["not_contracted", "no_winner"]
    assert "流拍" in result.message_zh


def test_a_grant_of_another_mineral_fails() -> None:
    result = check(ON_GRANT, based(grant=grant_basis(mineral_zh="金矿")))
    assert result.outcome == "fail"
    assert "出让矿种为金矿，申请矿种为铁矿" in result.message_zh
    assert result.details["mismatches"] == ["another_mineral"]


def test_a_grant_of_another_right_type_fails() -> None:
    result = check(ON_GRANT, based(grant=grant_basis(right_type="exploration")))
    assert result.outcome == "fail"
    assert "出让的是探矿权，申请的是采矿权" in result.message_zh


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("draft", "出让方案（未公告）"),
        ("announced", "已公告、交易中"),
        ("concluded", "已成交、未签订出让合同"),
        ("cancelled", "已撤销"),
    ],
)
def test_a_grant_not_yet_contracted_fails_saying_its_status(status: str, words: str) -> None:
    result = check(ON_GRANT, based(grant=grant_basis(status=status)))
    assert result.outcome == "fail"
    assert f"状态为 {words}（{status}）" in result.message_zh
    assert f"is {status}, not contracted" in result.message_en
    assert result.details["mismatches"] == ["not_contracted"]


def test_another_area_fails_by_how_much_it_differs() -> None:
    result = check(ON_GRANT, based(grant=grant_basis(), area=shifted(0.001)))
    assert result.outcome == "fail"
    assert result.details["area_difference_pct"] == Decimal("20.00")
    assert "申请范围与出让范围相差 20%（容差 1%）" in result.message_zh
    assert "differs from the grant's by 20 %" in result.message_en


def test_a_sliver_within_the_tolerance_is_the_same_area_and_the_setting_decides() -> None:
    sliver = shifted(0.00002)  # 0.4 % of the area
    assert check(ON_GRANT, based(grant=grant_basis(), area=sliver)).outcome == "pass"
    strict = check(ON_GRANT, based(grant=grant_basis(), area=sliver, tolerance_pct="0.1"))
    assert strict.outcome == "fail"
    assert strict.details["area_difference_pct"] == Decimal("0.40")
    assert strict.details["tolerance_pct"] == Decimal("0.1")


def test_a_grant_a_licence_was_already_issued_from_fails_naming_it() -> None:
    result = check(ON_GRANT, based(grant=grant_basis(licence_no=MINING_LICENCE)))
    assert result.outcome == "fail"
    assert f"该出让已颁发许可证 {MINING_LICENCE}" in result.message_zh
    assert result.details["licence_no"] == MINING_LICENCE


def test_every_mismatch_is_named_at_once() -> None:
    grant = grant_basis(
        status="draft",
        winner=Party("承德某竞得公司", OTHER_CODE),
        mineral_zh="金矿",
        licence_no=MINING_LICENCE,
    )
    result = check(ON_GRANT, based(grant=grant, area=shifted(0.005)))
    assert result.details["mismatches"] == [
        "not_contracted",
        "another_winner",
        "another_mineral",
        "another_area",
        "already_licensed",
    ]
    assert result.message_zh.count("；") == 4


def test_areas_that_cannot_be_compared_go_to_review() -> None:
    """No area as zoning read it and one sent in a projected CRS: the officer compares."""
    body = {**ON_GRANT, "area": {"corners": "1,40500000,4540000", "crs": "EPSG:4528"}}
    result = check(body, based(grant=grant_basis(), area=None))
    assert result.outcome == "review"
    assert result.details["area_difference_pct"] is None


def test_without_zonings_reading_the_area_as_sent_in_lonlat_is_compared() -> None:
    body = {**ON_GRANT, "area": {"geometry": AREA}}
    assert check(body, based(grant=grant_basis(), area=None)).outcome == "pass"


def test_a_grant_area_that_is_not_an_area_cannot_be_compared() -> None:
    point = {"type": "Point", "coordinates": [118.8, 41.0]}
    assert check(ON_GRANT, based(grant=grant_basis(area=point))).outcome == "review"
    broken = {"type": "Polygon", "coordinates": [[[1, "a"]]]}
    assert check(ON_GRANT, based(grant=grant_basis(area=broken))).outcome == "review"


# --- 探转采: the applicant's exploration licence -------------------------------------------------
def test_the_applicants_exploration_licence_over_the_area_passes() -> None:
    result = check(BY_CONVERSION, based(exploration=exploration_basis()))
    assert result.outcome == "pass"
    assert f"依勘查许可证 {EXPLORATION_LICENCE} 转采" in result.message_zh
    assert result.details["outside_pct"] == Decimal("0.00")
    assert result.details["basis"] == "exploration_licence"


def test_an_exploration_licence_the_registry_does_not_hold_fails() -> None:
    result = check(BY_CONVERSION, based(exploration=None))
    assert result.outcome == "fail"
    assert result.details["mismatches"] == ["unknown_licence"]


@pytest.mark.parametrize(
    ("changes", "mismatch", "words"),
    [
        (
            {"holder": Party("他人地勘公司", OTHER_CODE)},
            "another_holder",
            "探矿权人为 他人地勘公司",
        ),
        ({"status": "suspended"}, "not_in_force", "状态为 suspended"),
        ({"status": "expired"}, "not_in_force", "须有效（active）"),
        ({"mineral_zh": "金矿"}, "another_mineral", "勘查矿种为金矿，申请矿种为铁矿"),
        (
            {"area": lonlat_square(118.805, 40.99, 0.03)},
            "outside_exploration_area",
            "采矿申请范围有 50% 位于勘查范围之外",
        ),
    ],
)
def test_an_exploration_licence_that_does_not_fit_fails_naming_why(
    changes: dict[str, Any], mismatch: str, words: str
) -> None:
    result = check(BY_CONVERSION, based(exploration=exploration_basis(**changes)))
    assert result.outcome == "fail"
    assert result.details["mismatches"] == [mismatch]
    assert words in result.message_zh


def test_a_conversion_whose_areas_cannot_be_compared_goes_to_review() -> None:
    result = check(BY_CONVERSION, based(exploration=exploration_basis(area=None)))
    assert result.outcome == "review"
    assert result.details["outside_pct"] is None


# --- neither: 协议出让 for the officer to confirm -------------------------------------------------
def test_neither_basis_goes_to_review_naming_the_cases_of_agreement() -> None:
    result = check(mining_body(), based())
    assert result.outcome == "review"
    for basis in AGREEMENT_BASES:
        assert basis.zh in result.message_zh
        assert basis.en in result.message_en
    assert "国务院批准的重点建设项目" in result.message_zh
    assert "已设采矿权深部或上部" in result.message_zh
    assert result.details["verified"] is False
    bases = result.details["agreement_bases"]
    assert [b["id"] for b in bases] == [b.id for b in AGREEMENT_BASES]
    assert all(b["verified"] is False and b["source"] for b in bases)


def test_the_clause_says_its_article_numbers_were_not_checked() -> None:
    assert "第十七条至第二十一条" in COMPETITIVE_GRANT_CLAUSE
    assert "未核对" in COMPETITIVE_GRANT_CLAUSE


def test_the_exploration_licence_a_mine_converts_is_no_overlap() -> None:
    """The mine lies in the exploration licence it converts (探转采); any other licence it
    overlaps still fails licence_overlap."""
    app = application(BY_CONVERSION)
    inside = based(context(licences=(licence_hit(EXPLORATION_LICENCE, 25),)))
    assert check_licence_overlap(app, inside.spatial or SpatialAnalysis()).outcome == "pass"
    both = (licence_hit(EXPLORATION_LICENCE, 25), licence_hit(MINING_LICENCE, 1))
    other = check_licence_overlap(app, SpatialAnalysis(licences=both))
    assert other.outcome == "fail"
    assert MINING_LICENCE in other.message_zh
    assert EXPLORATION_LICENCE not in other.message_zh
    plain = check_licence_overlap(application(mining_body()), inside.spatial or SpatialAnalysis())
    assert plain.outcome == "fail"  # without 探转采 the exploration licence is another's right
