"""The reserves a licence filed (储量年报) in the service-years check (服务年限) of an
application that gives none: which filing, said in the message; the application's own win;
a change of capacity (扩大开采规模) is checked like the new capacity it asks for."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from lode_licensing.domain.checks import FiledReserves
from lode_licensing.domain.filed_reserves import ReservesFiling, latest_filing

from .builders import (
    MINING_LICENCE,
    OTHER_MINING_LICENCE,
    catalogue_entry,
    checks_by_id,
    context,
    mining_body,
    real_rules,
)

STANDARDS = real_rules().standards
IRON = catalogue_entry("铁矿")


def filing(
    report_id: str, year: int, mineral: str = "铁矿", closing: str = "600", version: int = 1
) -> ReservesFiling:
    return ReservesFiling(report_id, version, MINING_LICENCE, year, mineral, Decimal(closing))


def test_the_latest_year_of_the_licences_mineral_is_used() -> None:
    filings = [
        filing("r-2023", 2023),
        filing("r-2024", 2024, closing="580", version=2),
        filing("r-2025-gold", 2025, mineral="金矿"),
        ReservesFiling("other", 1, OTHER_MINING_LICENCE, 2026, "铁矿", Decimal(9)),
    ]
    chosen = latest_filing(filings, MINING_LICENCE, IRON, STANDARDS)
    assert chosen == FiledReserves(MINING_LICENCE, 2024, "r-2024", 2, Decimal(580))


def test_a_mineral_treated_as_iron_is_the_same_mineral() -> None:
    chosen = latest_filing([filing("r", 2024, mineral="iron")], MINING_LICENCE, IRON, STANDARDS)
    assert chosen is not None
    assert chosen.report_id == "r"


def test_no_filing_is_none() -> None:
    assert latest_filing([], MINING_LICENCE, IRON, STANDARDS) is None
    assert latest_filing([filing("g", 2024, "金矿")], MINING_LICENCE, IRON, STANDARDS) is None


def expansion(reserves: Any = None, licence_no: str = MINING_LICENCE) -> dict[str, Any]:
    body = mining_body(
        kind="change",
        licence_no=licence_no,
        changes=["capacity"],
        capacity={"value": 30, "unit": "万吨/年"},
    )
    body.pop("reserves_10kt", None)
    if reserves is not None:
        body["reserves_10kt"] = reserves
    return body


def filed(closing: str, licence_no: str = MINING_LICENCE) -> FiledReserves:
    return FiledReserves(licence_no, 2024, "rsv-7", 2, Decimal(closing))


@pytest.mark.parametrize(("closing", "outcome"), [("600", "pass"), ("599.9", "review")])
def test_an_expansion_without_reserves_uses_the_filing_at_and_around_the_minimum(
    closing: str, outcome: str
) -> None:
    # 中型 (30 万吨/年) needs 20 years: 600 万吨 is exactly enough
    ctx = replace(context(), filed_reserves=filed(closing))
    result = checks_by_id(expansion(), ctx)["scale_matches_reserves"]
    assert result.outcome == outcome
    assert (
        f"据 2024 年储量年报（报告 rsv-7，第 2 版）保有资源量 {closing} 万吨" in result.message_zh
    )
    assert "from the 2024 reserves report (储量年报 rsv-7, version 2)" in result.message_en
    assert result.details["reserves_10kt"] == Decimal(closing)
    assert result.details["reserves_from"] == {
        "reserves_report": "rsv-7",
        "version": 2,
        "year": 2024,
        "licence_no": MINING_LICENCE,
    }


def test_the_applications_own_reserves_win() -> None:
    ctx = replace(context(), filed_reserves=filed("10"))
    result = checks_by_id(expansion(reserves=900), ctx)["scale_matches_reserves"]
    assert result.outcome == "pass"
    assert result.details["reserves_10kt"] == 900
    assert result.details["reserves_from"] == "application"
    assert "储量年报" not in result.message_zh


def test_a_filing_of_another_licence_is_not_used() -> None:
    ctx = replace(context(), filed_reserves=filed("900", OTHER_MINING_LICENCE))
    result = checks_by_id(expansion(), ctx)["scale_matches_reserves"]
    assert result.outcome == "review"
    assert "也无已报储量年报" in result.message_zh
    assert result.details["reserves_from"] is None


def test_an_expansion_whose_reserves_are_unknown_is_not_checked_for_service_years() -> None:
    # the plan asks new mines to state their reserves, not changes: nothing to review
    assert "scale_matches_reserves" not in checks_by_id(expansion(), context())


def test_a_new_mine_without_reserves_is_reviewed() -> None:
    body = mining_body()
    body.pop("reserves_10kt")
    result = checks_by_id(body, context())["scale_matches_reserves"]
    assert result.outcome == "review"
    assert result.details["reserves_from"] is None


def test_a_renewal_is_not_checked_for_service_years() -> None:
    body = mining_body(kind="renewal", licence_no=MINING_LICENCE)
    ctx = replace(context(), filed_reserves=filed("600"))
    assert "scale_matches_reserves" not in checks_by_id(body, ctx)
